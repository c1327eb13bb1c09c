// Package session implements Zenoh 1.x unicast transports over links (TCP now; the Link interface
// leaves room for TLS, QUIC and UDP).
//
// A Manager owns listeners, outgoing dials with retry, and a table holding at most one Transport
// per remote ZenohID. A Transport is established with the InitSyn/InitAck/OpenSyn/OpenAck
// handshake (the acceptor is stateless until the OpenSyn: its cookie is authenticated with an
// HMAC and expires), then carries network messages in Frames and Fragments, per priority and
// reliability channel, with sequence numbers, keep-alives and lease expiry as Rust zenoh does.
//
// The layer above (routing) plugs in through Handler: TransportUp is called once per transport
// and returns the PeerHandler that receives the transport's network messages and its end.
//
// Concurrency: each transport runs one writer goroutine (it owns the link's write side, flushes
// batches and sends keep-alives) and one reader goroutine per link. Senders append to the
// current batch of their priority under a short lock; the writer takes a batch when it is full,
// when an express message was added, or as soon as it would otherwise go idle, so batching
// happens under load and an idle transport adds no latency. The links of a transport share the
// peer's SN space: while two links are up (a simultaneous dial), a reader holds a frame that
// skips SNs until the other link delivered them or went, so no frame is lost or reordered
// when the peer moves from one link to the other.
//
// Payloads of received messages alias the link's receive buffer: they are valid only during the
// PeerHandler.HandleNetwork call that carries them.
package session
