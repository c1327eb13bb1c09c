// Package zenoh is a pure-Go Zenoh 1.x session: publish/subscribe, queries, liveliness and
// scouting, interoperable with Rust Zenoh (protocol version 0x09).
//
//	s, err := zenoh.Open(ctx, zenoh.DefaultConfig())
//	if err != nil { ... }
//	defer s.Close()
//	sub, _ := s.DeclareSubscriber("demo/**", func(smp zenoh.Sample) {
//		fmt.Printf("%s: %s\n", smp.Key, smp.Payload)
//	})
//	defer sub.Close()
//	s.Put(ctx, "demo/a", []byte("hello"), zenoh.WithEncoding(zenoh.EncodingTextPlain))
//	for reply, err := range s.Get(ctx, "demo/**") { ... }
//
// A Session is a Zenoh peer or client (router mode is not supported). Open maps the Zenoh
// configuration (package config, the keys of Zenoh's DEFAULT_CONFIG.json5) onto the layers
// below: package session (transports over TCP), package routing (the routing of a Zenoh peer)
// and package scouting (multicast scouting, gossip, autoconnect).
//
// # Keys and options
//
// Keys are key expressions written as strings, in canonical form ("demo/**", not
// "demo/**/**": see Autocanonize); an invalid one is reported as a *KeyExprError matching
// ErrInvalidKeyExpr. Calls take options (WithEncoding, WithPriority, WithTarget...); each
// option type implements the option interfaces of the calls it applies to.
//
// # Callbacks and delivery
//
// Every callback (subscribers, queryables, matching and transport listeners) runs on a
// goroutine owned by its entity, never on a transport's reader, unless the subscriber was
// declared WithDirect:
//
//   - A subscriber's callback is called serially for that subscriber, in delivery order. Its
//     Sample's Payload and Attachment are valid only during the call (copy them, or
//     Sample.Clone, to keep them). Samples are handed to the subscriber's goroutine through a
//     bounded ring of reusable buffers: the transport reader copies a sample into a free slot
//     and moves on, so the steady state allocates nothing. When the callback falls behind and
//     the ring fills, the subscriber's OverflowPolicy decides (Block: wait for room for at most
//     the block timeout, 100 ms by default, then drop — counted — until half of the ring has
//     drained; DropOldest; DropNewest). A callback that blocks forever thus costs its
//     transport at most one block timeout, and never stops other subscribers' traffic.
//   - A subscriber declared WithDirect(true) is called on the goroutine that routes the sample
//     (a transport's reader, or the caller of Put), still serially, with no queue and no copy:
//     the lowest latency and cost, as Zenoh's own callbacks, at the price of the isolation
//     above (a blocked callback holds back the transports that deliver to it).
//   - Channel subscribers (DeclareSubscriberChan) receive owned copies in a bounded channel,
//     with the same overflow policies.
//   - A queryable's callback is called serially for that queryable, with an owned *Query; a
//     query that finds the queryable's queue full is finished at once, without reply.
//   - A transport listener's callback (DeclareTransportListener) is called serially, in the
//     order the session's transports opened and closed.
//   - A callback that panics is recovered and counted (Stats.CallbackPanics); the session and
//     the entity keep running.
//   - Closing an entity (or the session) stops its callbacks: none starts once Close returns,
//     and Close waits for the one in progress, unless called from that callback (a direct
//     subscriber's Close does not wait for a call in progress on another goroutine).
//
// # Errors
//
// Sentinel errors (ErrClosed, ErrTimeout, ErrInvalidKeyExpr...) are matched with errors.Is;
// *ReplyError, *KeyExprError, *CloseError, *LimitError and *ConfigError with errors.As.
//
// # Not implemented
//
//   - Router mode.
//   - Publishers declaring expression ids: the full key is always sent, which every Zenoh
//     node accepts.
//   - Queriers (and so their queryable interests): queries towards routers (and, in client
//     mode, towards the peer) are sent whatever their queryables, which is correct but not
//     filtered at the source. (Publishers, liveliness subscribers and Gets do send their
//     interests, as Zenoh does, so publishers' matching status sees the subscribers behind a
//     router, their publications go to it only when one matches, and liveliness sees the
//     tokens behind it; in client mode the same for the node the client is connected to.)
//   - Reconnection of a client that found its router or peer by scouting (configured
//     endpoints are redialled).
//   - Shared memory; TLS, QUIC and UDP links.
package zenoh
