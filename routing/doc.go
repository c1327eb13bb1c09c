// Package routing is the routing core of a Zenoh 1.x peer: a state machine over faces, driven
// by calls. It owns no socket and no goroutine (its only timers are time.AfterFunc timers for
// query and interest timeouts, stopped by Close) and is tested with fake faces in memory.
//
// # Faces
//
// A Face is one remote node (one transport: OpenFace, Handle, CloseFace), or the local session
// (Router.Local: the router's own API — Publish, Get, DeclareSubscriber, DeclareQueryable,
// DeclareToken, DeclareLivelinessSubscriber, LivelinessGet, WatchMatching). Remote faces send
// through a Sender (*session.Transport implements it); the local face delivers to callbacks.
// Per face the router keeps both expression-id maps (the ids the remote declared, used for
// wire expressions with the M flag, and the ids we declared to it, used without M), the
// subscribers, queryables and tokens it declared, its interests, and what we declared to it.
//
// # Routing rules (Rust's p2p_peer hat, zenoh ≤ 1.8, same wire behaviour as the ≥ 1.9 peer hat)
//
// The local session and clients are "south": what they publish, query or declare goes to
// every face that needs it. Peers and routers are "north": what they send goes only to the
// local session and to clients — a peer never relays a peer's data, queries or declarations to
// another peer or router, since peers form a full mesh. In detail:
//
//   - On OpenFace, a peer or router is sent one Declare per key (not per entity) of every
//     subscriber, queryable (complete if one is) and token of the local session and of clients,
//     preceded by a DeclareKeyExpr for each new non-wild prefix exactly as Rust's decl_key does
//     (e.g. 9e 21 08 20 01 00 07 "cluster", then 9e 21 08 62 01 01 03 "/**"), then, to a peer,
//     DeclareFinal(0) (be 00 21 08 1a). Later declarations and undeclarations follow as they
//     happen. A client gets nothing until it sends Interests.
//   - Until a peer's DeclareFinal(0) arrives, every publication and query of the local session
//     and of clients is sent to it whatever it declared (Rust's unfinalized "initial
//     interest"); a router is treated so too, since routers never send DeclareFinal(0) to a
//     peer, except for the keys of declared publishers: a publisher's subscriber interest
//     (DeclarePublisherInterest), once the router answered it, makes publications on its key
//     go to the router only when it declared a matching subscriber, as Rust does (see
//     interest_pub.go).
//   - Push: to each remote face with a matching subscriber, once per face, never back to its
//     source, and to each matching local subscriber. As Rust's get_best_key, the copy names
//     the key by the longest prefix the destination face declared an expression id for (M=0,
//     then the rest as suffix), e.g. 1d 05 01 02 68 69 for a subscriber that declared the whole
//     key as id 5; otherwise the full key with scope 0 and M=1. Ids we declared ourselves are
//     not used for data: they travel on the control lane and a push could overtake them.
//   - Request: to the faces with matching queryables per target (see Get and the query notes
//     in query.go), under a request id of each destination face's own numbering; replies and
//     exactly one ResponseFinal go back under the querier's id and QoS; a timeout finalises.
//   - Interests received: answered as a Rust peer does (see handleInterest): current
//     declarations with the interest id, then DeclareFinal(id) always.
//   - Interests sent (interest_fwd.go): routers declare nothing to a peer unasked, so the
//     interests of the south faces (local liveliness subscribers and Gets, clients' interests)
//     are forwarded to the routers, as Rust's peer does, and re-sent to a router that connects
//     later; what comes back is registered as that router's. A liveliness Get (local or a
//     client's) also asks, with a Current token Interest, each peer not yet finalized.
//   - Interests of publishers and queriers (interest_pub.go): a subscriber (or queryable)
//     interest on the entity's key, CurrentFuture, to the routers, shared by the entities on
//     one key and ended with the last of them; the answers feed the matching status.
//   - Client mode (Config.Client): the same, with every node we are connected to treated as a
//     router (Rust's client hat): it gets the interests and no DeclareFinal(0), and the larger
//     Config.RouterLimits.
//   - CloseFace: everything the face declared disappears (liveliness deletes, matching
//     changes, undeclarations to interested clients), queries forwarded to it are finalised,
//     the interests a client forwarded through us end (Interest Final to the routers).
//
// # Errors and drops
//
// Handle returns an error only when a face exceeds a Limits field (a *LimitError, errors.Is
// ErrLimit; Config.RouterLimits for the faces that aggregate a network, Config.Limits for the
// others): the caller closes the transport (reason INVALID) and calls CloseFace. Everything
// else that Rust logs and ignores is a counted drop (Stats): wire expressions with an unknown
// scope (a Request is then answered by an immediate ResponseFinal, as Rust), keys that are not
// valid key expressions (Rust accepts them in its tables but they never match; a Go peer must
// not deliver them), expression id 0 or re-mapped ids, undeclarations of unknown ids,
// responses for unknown queries, DeclareFinal for unknown interests, OAM (gossip) messages.
// Decoding errors are the session's concern: Handle only sees decoded messages.
//
// # Concurrency
//
// Handle, Publish, Get and the declaration calls are safe for concurrent use from any number
// of goroutines (transport readers and the local API).
//
// The data path takes no router-wide lock in the steady state (a route cache miss reads the
// destination faces' declared expression ids under the control mutex, once per key and
// generation): the subscriber and queryable indexes are keyexpr.Index values
// kept as a left-right pair (dualIndex: readers use the active copy, a declaration changes the
// standby copy, swaps and then updates the other, waiting only for readers of a single match),
// the face list is an immutable snapshot behind an atomic.Pointer, and the expression-id
// tables are arrays of atomic pointers. A keyexpr.Index is not persistent, so an immutable copy
// per declaration would cost O(entries) per declaration (quadratic for the initial burst of a
// face); the left-right pair costs two inserts. Routing a Push allocates nothing in the steady
// state: the key is built in a pooled buffer and matched through the index's string lookups.
// The route of a concrete key (its remote faces, each with the wire expression to use, and its
// local subscribers: route.go) is cached (routeCache, bounded by maxRouteCacheKeys), under a
// generation that every control operation bumps after committing its index changes, so a
// cached route is never used after a declaration or face change. A received key is validated
// only on a cache miss (a hit means it was valid). Two shortcuts skip the cache lookup: a
// publisher keeps its route (PublisherRoute), and a push that names only an expression id uses
// the route cached on that id's entry, both under the same generation rule.
//
// Declarations, interests and face changes run under one mutex (the control plane). The
// messages and local callbacks they cause are queued and run after the mutex is released, in
// decision order, one at a time, by whichever goroutine finds the queue idle (usually the
// caller, before it returns): so control messages reach each face in order, and control
// callbacks may call back into the router.
//
// # Callback contract
//
//   - Subscriber callbacks (DeclareSubscriber) and queryable callbacks (DeclareQueryable) run
//     synchronously on the goroutine routing the message: a transport reader (holding it back
//     while they run) or the caller of Publish/Get. Callbacks for different messages may run
//     concurrently, even for one subscriber: the root package serialises per subscriber if it
//     wants to. The Sample (and its Key, which may alias the receive buffer) is valid only
//     during the call.
//   - Get callbacks run one at a time per Get, under that query's lock.
//   - Control callbacks (liveliness subscribers and gets, matching listeners) run in order,
//     one at a time, never under a router lock, usually before the call that caused them
//     returns (but possibly on another goroutine that is already draining the queue).
//   - A callback that panics is recovered and counted (Stats.CallbackPanics). Callbacks must
//     not block for long.
//
// # Left to the root package
//
// Adapting session.Handler to OpenFace/Handle/CloseFace (closing the transport on an error
// from Handle), gossip (OAM linkstate: Handle only counts OAMs, so the root handles them before
// or instead of passing them) and scouting, building wire messages for the user API
// (QoS defaults 0x05 for data, 0x0d for queries; ResponderID and SourceInfo), copying Samples
// for channel subscribers, serialising subscriber callbacks, and calling Query.Finish.
package routing
