// Package cluster is the event layer of a mail-server cluster in the style of Stalwart: every node
// broadcasts small typed events ("this mailbox changed", "reload the settings", "block this IP")
// to every other node, and learns which nodes are alive.
//
// The layer is built over a small Transport interface (publish bytes to a key, subscribe to a key,
// and liveliness tokens), so that it can run over a Zenoh session, over the in-memory Hub used in
// tests, or over any other coordinator backend.
//
// # Delivery model
//
// Events are delivered at most once, in order per sender. Loss is never silent: every event a
// node may have missed is covered by a Resync delivered to that node's subscriptions, naming the
// sender (or AllNodes) and the reason. A mail server answers a Resync by flushing its caches and
// re-reading shared state, as it would at start-up. The causes are:
//
//   - a missing sequence number from a sender (a lost envelope, or an event the sender dropped
//     because its own publish queue overflowed: dropped events still consume a sequence number);
//   - a sender seen with a new incarnation (a restart), or heard from for the first time in the
//     middle of its stream;
//   - a sender whose liveliness token goes away (node down, partition) or comes back; a sender
//     that left cleanly (its leave envelope arrived, before its token went or within the token
//     grace after it, ClusterConfig.TokenGrace) is reported down without a resync;
//   - an event that cannot be decoded;
//   - a subscription whose own bounded delivery queue overflowed (a slow handler).
//
// Every sender also sends an empty envelope (a heartbeat carrying its next sequence number) when
// it has been idle for the heartbeat interval, so that a lost last envelope is detected too.
//
// # Wire format
//
// One envelope carries a batch of events; see AppendEnvelope for its layout. Event kinds are
// append-only wire values; unknown kinds are skipped, and kinds from KindAppMin up are free for
// applications (Registry).
//
// # Configuration
//
// Load and Parse read the TOML configuration of a Stalwart-style node: [store."<id>"] with
// type = "zenoh" and the Zenoh configuration embedded as JSON5, and [cluster] naming it as the
// coordinator.
package cluster
