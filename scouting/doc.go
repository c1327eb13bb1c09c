// Package scouting discovers Zenoh nodes and connects to them, as Zenoh 1.x peers do.
//
// Three mechanisms, all optional:
//
//   - Multicast scouting (UDP): a Scouter sends Scout messages to the scouting group
//     (224.0.0.224:7446 by default) on the schedule of Rust zenoh (at 0, 1, 3, 7, 15, 23, ... s)
//     from one socket per selected interface, reads the Hellos that come back on those sockets,
//     and answers the Scouts of others with a Hello sent unicast to the Scout's source.
//     A Hello advertises only the locators reachable from the interface the Scout arrived on.
//   - Autoconnect: nodes discovered by Hello or by gossip whose role matches the configured
//     matcher and strategy are handed to a Dialer (the session manager), at most one dial per
//     node at a time, with a bounded number of dials in flight, staggered parallel attempts per
//     locator with a short per-locator timeout, and a back-off after failures.
//   - Gossip (Gossip): on each transport to a router or peer the node exchanges link-state lists
//     carried in network OAM messages (id 0x0001), so that peers learn of their neighbours'
//     neighbours and a full mesh forms where multicast does not reach everyone.
//
// Scout runs a one-shot discovery for the public API and the command line; ConnectFirst is a
// client's start-up (scout, dial the first node that answers).
//
// Wiring (done by the root package): New(cfg, Options{ZID, WhatAmI, Locators: the session
// manager's listen locators, Dialer: an adapter over the session manager}); then Start. The
// session handler calls Gossip().LinkUp when a transport comes up (with a send function that
// queues a network OAM with id OAMIDLinkState, ZBuf body, QoS priority Control and congestion
// Block, as Rust sends it), Gossip().Handle with the body of every such OAM received, and
// TransportDown when the transport ends. WaitStartup bounds how long a peer's start-up waits for
// its first connections (scouting.delay).
//
// Everything a remote node controls is bounded: datagram sizes, Hello answers (a token bucket),
// the table of discovered nodes (a cap and expiry), the dials in flight and their rate, the
// link-state lists and the gossip tables. Malformed, truncated, oversized or unexpected input is
// dropped and counted in Stats; nothing on an input path panics.
//
// The network is behind the Network and PacketConn interfaces, so that tests run on an
// in-memory packet network; time uses the time package directly and is tested inside
// testing/synctest bubbles.
//
// Mirrors zenoh/src/net/runtime/orchestrator.rs (scouting, responder, autoconnect) and
// zenoh/src/net/protocol/{gossip,linkstate}.rs with zenoh/src/net/codec/linkstate.rs (gossip).
package scouting
