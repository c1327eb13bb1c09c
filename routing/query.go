package routing

import (
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Queries.
//
// A query (a Request from a remote face, or a Get of the local session) becomes a
// pendingQuery with one branch per destination: a remote face, which gets a copy of the
// Request under a request id of that face's own numbering (face.pending maps it back), or a
// local queryable, which gets a *Query. Responses are forwarded to the querier under its own
// request id and QoS, with the reply key rewritten to scope 0 (as Rust ≥ 1.8). When every
// branch has finished (ResponseFinal, Query.Finish, or its face closed) exactly one
// ResponseFinal goes back. A timer (time.AfterFunc, stopped when the query ends) fires after
// the Request's timeout (or Config.QueryTimeout, capped by Limits.MaxQueryTimeout): each
// unfinished branch then yields an Err("Timeout") reply naming the responder that did not
// answer, as Rust's QueryCleanup, and the query is finalised. Replies arriving later are
// dropped.
//
// Locks: pendingQuery.mu serialises the replies and the end of one query (so that no Response
// follows its ResponseFinal); Face.qmu guards a face's request-id table. Order: pq.mu, then
// qmu; never the other way round, and neither is held while taking Router.mu.

// queryCand is a face a query may be routed to.
type queryCand struct {
	face     *Face
	info     bool // the face declared matching queryables (false: a blind face)
	complete bool // one of them is complete and includes the query key
	dist     uint16
}

// pendingQuery is a query being answered.
type pendingQuery struct {
	r        *Router
	origin   *Face // the querying remote face; nil for a local Get
	originID uint32
	qos      wire.NetQoS
	key      keyexpr.KeyExpr // owned
	anyKey   bool            // "_anyke": replies need not intersect key
	get      *localGet       // local Get

	mu          sync.Mutex
	branches    []*branch
	outstanding int
	timer       *time.Timer
	done        bool
}

// branch is one destination of a query.
type branch struct {
	pq   *pendingQuery
	face *Face      // remote destination; nil for a local queryable
	id   uint32     // our request id on face
	qabl *Queryable // local destination
	done bool       // guarded by pq.mu
}

// Query is a query delivered to a local queryable's callback. Answer it with Reply (any
// number of times, from any goroutine, during or after the callback) and end it with Finish;
// until every destination of the query has finished (or its timeout passed) the querier gets
// no ResponseFinal.
type Query struct {
	// Key is the query's key expression (owned).
	Key keyexpr.KeyExpr
	// Request is the query as received (parameters, payload, attachment, target...). It and
	// its slices are valid only during the callback.
	Request *wire.Request
	// Source is the face the query came from (Router.Local() for a local Get).
	Source *Face
	b      *branch
}

// Reply sends one reply to the querier. m.WireExpr must be the reply key with scope 0 (the
// full key in Suffix), intersecting Query.Key unless the query's parameters hold "_anyke"; an
// Err reply may have an empty wire expression. RequestID and QoS are set by the router; set
// m.ResponderID (our ZenohID and Queryable.ID()) as Zenoh does. m is only read during the call.
// Reply returns ErrQueryDone after Finish or once the query ended, ErrBadReply for a bad key.
func (q *Query) Reply(m *wire.Response) error {
	pq := q.b.pq
	var key keyexpr.KeyExpr
	if m.WireExpr.Scope != 0 {
		return ErrBadReply
	}
	if len(m.WireExpr.Suffix) > 0 {
		k, err := keyexpr.New(string(m.WireExpr.Suffix))
		if err != nil || (!pq.anyKey && !pq.key.Intersects(k)) {
			return ErrBadReply
		}
		key = k
	} else if m.Body.ID != wire.DataIDErr {
		return ErrBadReply
	}
	return pq.forward(q.b, key, m.WireExpr.Suffix, m, pq.r.local)
}

// Finish ends this queryable's part of the query. It is idempotent.
func (q *Query) Finish() { q.b.pq.branchDone(q.b) }

// routeRequest routes a Request from face src (a remote face, or the local face with get set).
func (r *Router) routeRequest(src *Face, req *wire.Request, get *localGet) {
	sc := getScratch()
	defer putScratch(sc)
	var key keyexpr.KeyExpr
	if get != nil {
		key = get.key
	} else {
		ke, _, st := sc.resolve(src, &req.WireExpr)
		if st != resolved {
			r.refuseQuery(src, req)
			return
		}
		src.qmu.Lock()
		full := src.inflight >= r.limitsOf(src).MaxPendingQueries
		if !full {
			src.inflight++
		}
		src.qmu.Unlock()
		if full {
			r.refuseQuery(src, req)
			return
		}
		k, _ := keyexpr.New(strings.Clone(ke.String()))
		key = k
	}
	r.st.queriesRouted.Add(1)
	pq := &pendingQuery{r: r, key: key, qos: req.QoS, anyKey: hasParam(req.Query.Parameters, "_anyke"), get: get}
	if get == nil {
		pq.origin, pq.originID = src, req.RequestID
	}

	// Candidate faces, as Rust's compute_query_route: faces with matching queryables
	// (distance 0 for the local face, 1 for the others), then blind faces (no information).
	sc.qabls = r.qabls.appendMatch(sc.qabls[:0], key)
	south := src.south()
	localComplete, hasLocal := false, false
	for _, e := range sc.qabls {
		d := e.face
		c := e.complete && e.key.Includes(key)
		if d.kind == kindLocal {
			hasLocal = true
			localComplete = localComplete || c
			continue
		}
		if d == src || (!south && d.kind != kindClient) || d.closed.Load() {
			continue
		}
		if i := candIndex(sc.cands, d); i >= 0 {
			sc.cands[i].complete = sc.cands[i].complete || c
		} else {
			sc.cands = append(sc.cands, queryCand{face: d, info: true, complete: c, dist: 1})
		}
	}
	if south {
		for _, d := range r.snap.Load().blind {
			if d != src && !d.closed.Load() && candIndex(sc.cands, d) < 0 {
				sc.cands = append(sc.cands, queryCand{face: d, dist: math.MaxUint16})
			}
		}
	}
	if hasLocal && get == nil {
		sc.cands = append(sc.cands, queryCand{face: r.local, info: true, complete: localComplete})
	}
	sort.SliceStable(sc.cands, func(i, j int) bool { return sc.cands[i].dist < sc.cands[j].dist })
	sc.cands = selectTarget(sc.cands, req.Target)

	// Branches: the remote faces chosen, and the local queryables when the local face was
	// chosen (a remote query) or always (a local Get: the Rust session serves its own
	// queryables besides routing the query; AllComplete reaches only complete ones).
	serveLocal := get != nil
	for _, c := range sc.cands {
		if c.face.kind == kindLocal {
			serveLocal = true
			continue
		}
		pq.branches = append(pq.branches, &branch{pq: pq, face: c.face})
	}
	if serveLocal {
		for _, e := range sc.qabls {
			if e.face.kind == kindLocal && (req.Target != wire.QueryTargetAllComplete || e.complete) {
				pq.branches = append(pq.branches, &branch{pq: pq, qabl: e.local})
			}
		}
	}
	pq.outstanding = len(pq.branches) + 1 // +1: held until the query is fully sent
	r.gmu.Lock()
	r.queries[pq] = struct{}{}
	r.gmu.Unlock()
	if len(pq.branches) > 0 {
		pq.mu.Lock()
		pq.timer = time.AfterFunc(r.queryTimeout(req), func() { pq.expire(true) })
		pq.mu.Unlock()
	}

	out := &sc.out
	for _, b := range pq.branches {
		if b.face == nil {
			continue
		}
		d := b.face
		d.qmu.Lock()
		if d.closed.Load() {
			d.qmu.Unlock()
			pq.branchDone(b)
			continue
		}
		for {
			d.nextRID++
			if d.pending[d.nextRID] == nil {
				break
			}
		}
		b.id = d.nextRID
		d.pending[b.id] = b
		d.qmu.Unlock()
		out.ID = wire.NetIDRequest
		out.Request = *req
		out.Request.RequestID = b.id
		out.Request.WireExpr = wire.WireExpr{Suffix: []byte(key.String()), Mapping: wire.MappingSender}
		out.Request.NodeID = 0
		out.Request.Exts = nil // Rust does not keep unknown network extensions
		if err := d.sender.Send(out, wire.Reliable); err != nil {
			r.st.sendErrors.Add(1)
		}
	}
	out.Reset()
	for _, b := range pq.branches {
		if b.qabl != nil && !b.qabl.undeclared.Load() {
			q := &Query{Key: key, Request: req, Source: src, b: b}
			r.safeCall(func() { b.qabl.fn(q) })
		} else if b.qabl != nil {
			pq.branchDone(b)
		}
	}
	pq.branchDone(nil)
}

// candIndex returns the index of face d in cands, or -1.
func candIndex(cands []queryCand, d *Face) int {
	for i := range cands {
		if cands[i].face == d {
			return i
		}
	}
	return -1
}

// selectTarget keeps the candidates a query target reaches (cands sorted by distance), as
// Rust's compute_final_route: All → every one; AllComplete → those complete or without
// information; BestMatching → the nearest complete one alone if any, else every one.
func selectTarget(cands []queryCand, t wire.QueryTarget) []queryCand {
	switch t {
	case wire.QueryTargetAllComplete:
		n := 0
		for _, c := range cands {
			if !c.info || c.complete {
				cands[n] = c
				n++
			}
		}
		clear(cands[n:])
		return cands[:n]
	case wire.QueryTargetBestMatching:
		for i, c := range cands {
			if c.info && c.complete {
				cands[0] = cands[i]
				clear(cands[1:])
				return cands[:1]
			}
		}
	}
	return cands
}

// queryTimeout returns the timeout of a query.
func (r *Router) queryTimeout(req *wire.Request) time.Duration {
	max := r.cfg.Limits.MaxQueryTimeout
	if !req.HasTimeout {
		return min(r.cfg.QueryTimeout, max)
	}
	if req.TimeoutMs >= uint64(max/time.Millisecond) {
		return max
	}
	return time.Duration(req.TimeoutMs) * time.Millisecond
}

// refuseQuery answers a Request that cannot be routed with an immediate ResponseFinal.
func (r *Router) refuseQuery(src *Face, req *wire.Request) {
	r.st.queriesRefused.Add(1)
	m := wire.NetworkMessage{ID: wire.NetIDResponseFinal}
	m.ResponseFinal = wire.ResponseFinal{RequestID: req.RequestID, QoS: req.QoS}
	if err := src.sender.Send(&m, wire.Reliable); err != nil {
		r.st.sendErrors.Add(1)
	}
}

// routeResponse routes a Response received from face f to the querier.
func (r *Router) routeResponse(f *Face, m *wire.Response) {
	f.qmu.Lock()
	b := f.pending[m.RequestID]
	f.qmu.Unlock()
	if b == nil {
		r.st.repliesDropped.Add(1)
		return
	}
	sc := getScratch()
	defer putScratch(sc)
	var key keyexpr.KeyExpr
	var kb []byte
	if m.WireExpr.Scope != 0 || len(m.WireExpr.Suffix) > 0 {
		var st resolveStatus
		if key, kb, st = sc.resolve(f, &m.WireExpr); st != resolved {
			r.st.repliesDropped.Add(1)
			return
		}
	}
	_ = b.pq.forward(b, key, kb, m, f)
}

// routeResponseFinal ends the branch of a query forwarded to face f.
func (r *Router) routeResponseFinal(f *Face, rid uint32) {
	f.qmu.Lock()
	b := f.pending[rid]
	delete(f.pending, rid)
	f.qmu.Unlock()
	if b == nil {
		r.st.repliesDropped.Add(1)
		return
	}
	b.pq.branchDone(b)
}

// forward delivers a reply of branch b on key (zero for a keyless error reply; kb its bytes)
// to the querier.
func (pq *pendingQuery) forward(b *branch, key keyexpr.KeyExpr, kb []byte, m *wire.Response, src *Face) error {
	r := pq.r
	pq.mu.Lock()
	defer pq.mu.Unlock()
	if pq.done || b.done {
		r.st.repliesDropped.Add(1)
		return ErrQueryDone
	}
	r.st.repliesRouted.Add(1)
	if pq.get != nil {
		pq.get.reply(r, key, m, src)
		return nil
	}
	if pq.origin.closed.Load() {
		return nil
	}
	sc := getScratch()
	out := &sc.out
	out.ID = wire.NetIDResponse
	out.Response = *m
	out.Response.RequestID = pq.originID
	out.Response.QoS = pq.qos
	out.Response.Exts = nil
	if !key.IsZero() {
		out.Response.WireExpr = wire.WireExpr{Suffix: kb, Mapping: wire.MappingSender}
	}
	if err := pq.origin.sender.Send(out, wire.Reliable); err != nil {
		r.st.sendErrors.Add(1)
	}
	putScratch(sc)
	return nil
}

// branchDone records that branch b finished (nil: the query is fully sent).
func (pq *pendingQuery) branchDone(b *branch) {
	pq.mu.Lock()
	defer pq.mu.Unlock()
	if b != nil {
		if b.done {
			return
		}
		b.done = true
	}
	pq.outstanding--
	if pq.outstanding == 0 && !pq.done {
		pq.finishLocked(false)
	}
}

// expire ends the query at its timeout (timedOut) or at Close: every unfinished branch is
// dropped, and for a remote querier answered with an Err("Timeout") reply first.
func (pq *pendingQuery) expire(timedOut bool) {
	r := pq.r
	pq.mu.Lock()
	defer pq.mu.Unlock()
	if pq.done {
		return
	}
	if timedOut {
		r.st.queriesTimedOut.Add(1)
	}
	for _, b := range pq.branches {
		if b.done {
			continue
		}
		b.done = true
		zid := r.cfg.ZID
		if b.face != nil {
			zid = b.face.info.ZID
			b.face.qmu.Lock()
			if b.face.pending[b.id] == b {
				delete(b.face.pending, b.id)
			}
			b.face.qmu.Unlock()
		}
		if timedOut && pq.origin != nil && !pq.origin.closed.Load() {
			m := wire.NetworkMessage{ID: wire.NetIDResponse}
			m.Response = timeoutReply(pq.originID, pq.qos, zid)
			if err := pq.origin.sender.Send(&m, wire.Reliable); err != nil {
				r.st.sendErrors.Add(1)
			}
		}
	}
	pq.finishLocked(timedOut)
}

// timeoutReply is the error reply Rust sends for a branch that did not finish in time.
func timeoutReply(rid uint32, qos wire.NetQoS, responder wire.ZenohID) wire.Response {
	m := wire.Response{RequestID: rid, QoS: qos, WireExpr: wire.WireExpr{Mapping: wire.MappingSender},
		Body: wire.ResponseBody{ID: wire.DataIDErr, Err: wire.ErrReply{Payload: []byte("Timeout")}}}
	if !responder.IsZero() {
		m.HasResponderID, m.ResponderID = true, wire.EntityGlobalID{ZID: responder}
	}
	return m
}

// finishLocked ends the query: one ResponseFinal to a remote querier, or the end of a local
// Get. Called with pq.mu held.
func (pq *pendingQuery) finishLocked(timedOut bool) {
	r := pq.r
	pq.done = true
	if pq.timer != nil {
		pq.timer.Stop()
	}
	r.st.finalsRouted.Add(1)
	r.gmu.Lock()
	delete(r.queries, pq)
	r.gmu.Unlock()
	if pq.get != nil {
		pq.get.finish(r, timedOut)
		return
	}
	o := pq.origin
	o.qmu.Lock()
	o.inflight--
	o.qmu.Unlock()
	if o.closed.Load() {
		return
	}
	m := wire.NetworkMessage{ID: wire.NetIDResponseFinal}
	m.ResponseFinal = wire.ResponseFinal{RequestID: pq.originID, QoS: pq.qos}
	if err := o.sender.Send(&m, wire.Reliable); err != nil {
		r.st.sendErrors.Add(1)
	}
}

// abortQueries finalises the branches of queries forwarded to closed face f.
func (r *Router) abortQueries(f *Face) {
	f.qmu.Lock()
	bs := make([]*branch, 0, len(f.pending))
	for id, b := range f.pending {
		bs = append(bs, b)
		delete(f.pending, id)
	}
	f.qmu.Unlock()
	for _, b := range bs {
		b.pq.branchDone(b)
	}
}
