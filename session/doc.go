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
// Concurrency: each transport runs one writer goroutine (it flushes batches, sends keep-alives
// and closes links) and one reader goroutine per link, which calls the PeerHandler directly.
// Senders append to the current batch of their priority under a short lock; the writer takes
// a batch when it is full, when an express message was added, or as soon as it would
// otherwise go idle, so batching happens under load. On an idle transport a sender writes its
// batch itself, with a write that never blocks (what the socket does not take is left to the
// writer), so a request or a reply costs no wake-up of another goroutine; a burst is still
// batched by the writer. What the reader itself sends while it handles a batch (a handler's
// reply) waits for the end of that batch and goes out then, in one write with the batch's
// other replies, from the top of the reader's loop rather than deep inside the handler (see
// inline.go). One lock owns the write side of the links, so batches go out whole and in SN
// order whoever writes them.
//
// Links: the links of a transport share the peer's SN space. While two links are up (a
// simultaneous dial, or a peer that reconnects), a reader holds a frame that skips SNs until
// the other link delivered them or went, so no frame is lost or reordered when the peer moves
// from one link to the other. Our own frames move to a winning link only after the old one
// was retired (its Close follows our last frame on it) and the peer closed it, so a peer that
// reads both links in parallel, as Rust does, never gets a frame on the new link before the
// frames before it on the old one. When the peer retires the link we send on, a write in
// progress on it finishes there before we close it (the peer reads it until we do), and the
// rest goes on the winner.
//
// Payloads of received messages alias the link's receive buffer: they are valid only during the
// PeerHandler.HandleNetwork call that carries them.
package session
