package routing

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Router routes network messages between the local session and the remote faces (one per
// transport), as a Zenoh 1.x peer does. See the package documentation.
type Router struct {
	cfg Config
	log *slog.Logger

	local  *Face
	snap   atomic.Pointer[snapshot]
	subs   dualIndex[*subEntry]
	qabls  dualIndex[*qablEntry]
	routes routeCache // concrete key -> matching subscribers, invalidated by every control operation
	st     counters
	out    outbox
	eid    atomic.Uint32 // local entity ids

	down atomic.Bool // Close was called (read by the data path)

	mu      sync.Mutex // the control plane: everything below, and faceCtl of every face
	closed  bool
	slots   []*Face // remote faces by slot; nil = free
	keys    [nKinds]map[string]*keyState
	lsubs   map[*LivelinessSubscriber]struct{}
	watches map[*MatchingListener]struct{}
	lgets   map[*livelinessGet]struct{}
	ents    [nEntKinds]map[string]*sharedInterest // publisher and querier interests, by key

	gmu     sync.Mutex
	queries map[*pendingQuery]struct{} // queries in flight, guarded by gmu
}

// snapshot is the immutable face list the data path reads.
type snapshot struct {
	remote []*Face // open remote faces
	blind  []*Face // remote faces that get every publication and query of the local session and
	// of clients, whatever they declared: peers whose DeclareFinal(0) has not arrived, routers;
	// except as filtered says
	all      blindSet             // blind, skipping none
	filtered map[string]*blindSet // concrete key -> blind, skipping the faces that get its
	// publications only when they declared a matching subscriber: they answered our subscriber
	// interest on that key (see interest_pub.go); nil when no key is filtered
}

// New returns a Router with no remote face. It owns no goroutine: timers (query and interest
// timeouts) are time.AfterFunc timers stopped by Close.
func New(cfg Config) *Router {
	cfg.Limits = cfg.Limits.withDefaults(DefaultLimits())
	cfg.RouterLimits = cfg.RouterLimits.withDefaults(DefaultRouterLimits())
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.InterestTimeout <= 0 {
		cfg.InterestTimeout = DefaultInterestTimeout
	}
	r := &Router{cfg: cfg, log: cfg.Logger}
	r.local = &Face{r: r, kind: kindLocal, slot: -1, info: FaceInfo{ZID: cfg.ZID, WhatAmI: wire.Peer}}
	r.local.c.init()
	r.routes.init()
	for k := range r.keys {
		r.keys[k] = make(map[string]*keyState)
	}
	r.lsubs = make(map[*LivelinessSubscriber]struct{})
	r.watches = make(map[*MatchingListener]struct{})
	r.lgets = make(map[*livelinessGet]struct{})
	for k := range r.ents {
		r.ents[k] = make(map[string]*sharedInterest)
	}
	r.queries = make(map[*pendingQuery]struct{})
	r.snap.Store(&snapshot{})
	return r
}

// init allocates the maps of a face's control state.
func (c *faceCtl) init() {
	c.subs = make(map[uint32]*subEntry)
	c.qabls = make(map[uint32]*qablEntry)
	c.tokens = make(map[uint32]*keyState)
	c.interests = make(map[uint32]*remoteInterest)
	c.remoteByKey = make(map[string]uint16)
	c.localByKey = make(map[string]uint16)
	for k := range c.sent {
		c.sent[k] = make(map[string]*sentDecl)
	}
	c.lgets = make(map[uint32]*livelinessQuery)
}

// logf logs at debug level when a logger is configured.
func (r *Router) logf(msg string, args ...any) {
	if r.log != nil {
		r.log.Debug(msg, args...)
	}
}

// OpenFace adds the face of a remote node reached through s, and sends it what a Zenoh peer
// sends on a new transport: to a peer, a Declare for every subscriber, queryable and
// liveliness token of the local session and of clients (one per key, preceded by a
// DeclareKeyExpr for each new non-wild prefix, as Rust does), then DeclareFinal(0); to a router
// the same declarations without DeclareFinal; to a client nothing (clients ask with Interests).
// Until a peer's own DeclareFinal(0) arrives, every publication and query of the local session
// and of clients is sent to it regardless of its declarations (Zenoh's "initial interest").
// An interest target (a router; in client mode, any node, which is then sent no
// DeclareFinal(0)) is first sent the live interests of the local session and of clients (see
// interest_fwd.go).
//
// OpenFace may be called from session.Handler.TransportUp. It returns ErrClosed after Close.
func (r *Router) OpenFace(info FaceInfo, s Sender) (*Face, error) {
	var kind faceKind
	switch info.WhatAmI {
	case wire.Peer:
		kind = kindPeer
	case wire.Client:
		kind = kindClient
	case wire.Router:
		kind = kindRouter
	default:
		return nil, fmt.Errorf("routing: open face: invalid WhatAmI %v", info.WhatAmI)
	}
	if s == nil {
		return nil, fmt.Errorf("routing: open face: nil Sender")
	}
	f := &Face{r: r, kind: kind, info: info, sender: s, pending: make(map[uint32]*branch)}
	f.puts, _ = s.(PutSender)
	f.c.init()
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	f.slot = -1
	for i, g := range r.slots {
		if g == nil {
			f.slot = i
			break
		}
	}
	if f.slot < 0 {
		f.slot = len(r.slots)
		r.slots = append(r.slots, nil)
	}
	r.slots[f.slot] = f
	r.publish()
	r.interestsOnOpen(f)
	if kind != kindClient {
		for k := declKind(0); k < nKinds; k++ {
			for _, ks := range r.sortedKeys(k) {
				r.syncDecl(f, ks)
			}
		}
	}
	if kind == kindPeer && !r.cfg.Client {
		r.sendDeclare(f, true, 0, wire.DeclareBody{ID: wire.DeclIDFinal})
	}
	r.unlock()
	r.out.drain(r)
	return f, nil
}

// sortedKeys returns the key states of kind k in key order (for deterministic output).
func (r *Router) sortedKeys(k declKind) []*keyState {
	out := make([]*keyState, 0, len(r.keys[k]))
	for _, ks := range r.keys[k] {
		out = append(out, ks)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key.String() < out[j].key.String() })
	return out
}

// publish stores a new snapshot of the faces. Called with r.mu held, before the operation's
// index changes are committed (Router.unlock): buildRoute relies on that order.
func (r *Router) publish() {
	s := &snapshot{}
	for _, f := range r.slots {
		if f == nil {
			continue
		}
		s.remote = append(s.remote, f)
		if f.kind == kindRouter || (f.kind == kindPeer && !f.c.finalized) {
			s.blind = append(s.blind, f)
		}
	}
	s.all = blindSet{faces: s.blind}
	s.filtered = r.filteredFaces(s.blind)
	r.snap.Store(s)
}

// CloseFace removes face f and everything it declared, as Zenoh does when a transport closes:
// its subscribers, queryables and tokens disappear (local liveliness subscribers see a delete
// for each token key no other face still holds, matching listeners are told, declarations made
// to clients on its behalf are undeclared), queries forwarded to it are finalised at once, and
// queries it sent get no more answers. Nothing is sent to other peers. CloseFace is idempotent
// and may be called from session.PeerHandler.TransportDown.
func (r *Router) CloseFace(f *Face) {
	if f == nil || f.kind == kindLocal || f.closed.Swap(true) {
		return
	}
	r.mu.Lock()
	r.dropFaceLocked(f)
	r.unlock()
	r.out.drain(r)
	r.abortQueries(f)
}

// dropFaceLocked removes f's declarations and slot. Called with r.mu held.
func (r *Router) dropFaceLocked(f *Face) {
	r.interestsOnClose(f)
	for id := range f.c.subs {
		r.removeRemoteSub(f, id)
	}
	for id := range f.c.qabls {
		r.removeRemoteQabl(f, id)
	}
	for id := range f.c.tokens {
		r.removeRemoteToken(f, id)
	}
	clear(f.c.interests)
	for id, lq := range f.c.lgets {
		delete(f.c.lgets, id)
		lq.get.branchDone(r)
	}
	f.remoteIDs.clear()
	f.localIDs.clear()
	if f.slot >= 0 && f.slot < len(r.slots) && r.slots[f.slot] == f {
		r.slots[f.slot] = nil
	}
	r.publish()
}

// Close closes every remote face (as CloseFace), ends every query and liveliness Get in flight
// (local Gets get OnDone, remote queriers nothing more) and stops their timers. Later calls of
// the local API return ErrClosed; Handle ignores the closed faces.
func (r *Router) Close() {
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return
	}
	r.closed = true
	r.down.Store(true)
	var faces []*Face
	for _, f := range r.slots {
		if f != nil && !f.closed.Swap(true) {
			r.dropFaceLocked(f)
			faces = append(faces, f)
		}
	}
	lgets := make([]*livelinessGet, 0, len(r.lgets))
	for g := range r.lgets {
		lgets = append(lgets, g)
	}
	for _, g := range lgets {
		g.finish(r, false)
	}
	r.unlock()
	r.gmu.Lock()
	queries := make([]*pendingQuery, 0, len(r.queries))
	for q := range r.queries {
		queries = append(queries, q)
	}
	r.gmu.Unlock()
	r.out.drain(r)
	for _, f := range faces {
		r.abortQueries(f)
	}
	for _, q := range queries {
		q.expire(false)
	}
}

// Handle routes one network message received from remote face f, as
// session.PeerHandler.HandleNetwork does; m and its slices are only read during the call. It
// returns a *LimitError (errors.Is ErrLimit) when f exceeded a Limits field: the caller must
// then close the transport (reason INVALID) and call CloseFace. Every other problem (unknown
// expression id, invalid key expression, reply to an unknown query...) is a counted drop, as
// in Zenoh. Messages for a closed face are ignored.
//
// Handle is safe for concurrent use. A Push is routed without locks and, in the steady state,
// without allocation; local subscriber callbacks run synchronously on the calling goroutine.
func (r *Router) Handle(f *Face, m *wire.NetworkMessage, rel wire.Reliability) error {
	if e := f.failed.Load(); e != nil {
		return e
	}
	if f.kind == kindLocal || f.closed.Load() {
		return nil
	}
	switch m.ID {
	case wire.NetIDPush:
		r.routePush(f, m, rel)
	case wire.NetIDRequest:
		r.routeRequest(f, &m.Request, nil)
	case wire.NetIDResponse:
		r.routeResponse(f, &m.Response)
	case wire.NetIDResponseFinal:
		r.routeResponseFinal(f, m.ResponseFinal.RequestID)
	case wire.NetIDInterest:
		return r.handleInterest(f, &m.Interest)
	case wire.NetIDDeclare:
		return r.handleDeclare(f, &m.Declare)
	case wire.NetIDOAM:
		r.st.oamIgnored.Add(1)
	}
	return nil
}

// limitsOf returns the limits of face f: Config.RouterLimits for a face that aggregates a
// network (a router; in client mode any face), Config.Limits otherwise.
func (r *Router) limitsOf(f *Face) *Limits {
	if f.kind == kindRouter || (r.cfg.Client && f.kind == kindPeer) {
		return &r.cfg.RouterLimits
	}
	return &r.cfg.Limits
}

// fail marks f failed by limit and returns the error. Called with r.mu held.
func (r *Router) fail(f *Face, limit string, max int) error {
	e := &LimitError{Limit: limit, Max: max}
	if f.failed.CompareAndSwap(nil, e) {
		r.st.limitErrors.Add(1)
		r.logf("routing: face failed", "zid", f.info.ZID, "limit", limit)
	} else {
		e = f.failed.Load()
	}
	return e
}

// keyOf returns a key state, creating it. Called with r.mu held.
func (r *Router) keyOf(k declKind, key keyexpr.KeyExpr) *keyState {
	ks := r.keys[k][key.String()]
	if ks == nil {
		ks = &keyState{kind: k, key: key, holders: make(map[*Face]*holding)}
		r.keys[k][key.String()] = ks
	}
	return ks
}

// unlock makes the index changes of the control operation visible to the data path and
// releases the control mutex.
func (r *Router) unlock() {
	r.subs.commit()
	r.qabls.commit()
	r.routes.invalidate() // after the commits: see routeCache
	r.mu.Unlock()
}
