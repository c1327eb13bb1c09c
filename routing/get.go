package routing

import (
	"strings"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// GetHandler receives the outcome of a local Get. Its callbacks are called one at a time
// (under the query's own lock: they must not call into this Get's query again), from the
// goroutine that routed the reply, the caller of Get, or the timeout timer.
type GetHandler struct {
	// OnReply is called for each reply delivered after consolidation. The Reply is valid only
	// during the call.
	OnReply func(*Reply)
	// OnDone is called once, last: every destination finished, the timeout passed (then after
	// an Err("Timeout") reply) or the router closed.
	OnDone func()
}

// Reply is a reply delivered to a local Get.
type Reply struct {
	// Key is the reply's key expression; zero for an error reply without key.
	Key keyexpr.KeyExpr
	// Response is the reply: Body is a Reply (Put or Del) or an Err. Its wire expression is as
	// it arrived; use Key.
	Response *wire.Response
	// Source is the face the reply came from (Router.Local() for local queryables); nil for the
	// timeout error.
	Source *Face
}

// localGet is the querier side of a local Get: reply filtering and consolidation.
type localGet struct {
	key    keyexpr.KeyExpr
	anyKey bool
	h      GetHandler
	cons   consolidator
}

// Get sends a query of the local session on key: to the remote faces whose queryables match
// (per req.Target, as Rust: BestMatching prefers one complete queryable including key), to the
// peers whose initial declarations have not all arrived yet, and to every local queryable
// intersecting key (complete ones only for AllComplete). req carries the target, QoS
// (Rust's get uses 0x0d: Data priority, block), timeout, consolidation, parameters, payload
// and attachment; its WireExpr and RequestID are ignored. Consolidation Auto becomes Latest
// (None with a "_time" parameter) and is sent as such; without a Timeout extension
// Config.QueryTimeout is used and sent, as Rust always sends one.
//
// Replies are consolidated here, as in the Rust session: None delivers every reply; Monotonic
// a reply only if its timestamp is not older than the last delivered for its key; Latest keeps
// the newest reply per key and delivers them when the query ends. Replies whose key does not
// intersect key are dropped unless the parameters hold "_anyke". Error replies are delivered
// at once. req is only read during the call.
func (r *Router) Get(key keyexpr.KeyExpr, req *wire.Request, h GetHandler) error {
	if key.IsZero() {
		return ErrZeroKey
	}
	if r.down.Load() {
		return ErrClosed
	}
	fwd := *req
	fwd.Query.Consolidation = resolveConsolidation(req.Query.Consolidation, req.Query.Parameters)
	if !fwd.HasTimeout {
		fwd.HasTimeout, fwd.TimeoutMs = true, uint64(r.cfg.QueryTimeout/time.Millisecond)
	}
	g := &localGet{key: key, anyKey: hasParam(req.Query.Parameters, "_anyke"), h: h}
	g.cons.mode = fwd.Query.Consolidation
	r.routeRequest(r.local, &fwd, g)
	return nil
}

// reply delivers (or holds) one reply. Called with the query's lock held.
func (g *localGet) reply(r *Router, key keyexpr.KeyExpr, m *wire.Response, src *Face) {
	if m.Body.ID != wire.DataIDErr {
		if key.IsZero() || (!g.anyKey && !g.key.Intersects(key)) {
			r.st.repliesDropped.Add(1)
			return
		}
		if !g.cons.offer(key, m, src) {
			return
		}
	}
	g.call(r, &Reply{Key: key, Response: m, Source: src})
}

// finish delivers the held replies, the timeout error if timedOut, and OnDone. Called with
// the query's lock held.
func (g *localGet) finish(r *Router, timedOut bool) {
	for _, h := range g.cons.flush() {
		g.call(r, &Reply{Key: h.key, Response: h.resp, Source: h.source})
	}
	if timedOut {
		m := wire.Response{QoS: wire.NetQoSDefault, Body: wire.ResponseBody{ID: wire.DataIDErr,
			Err: wire.ErrReply{Encoding: wire.Encoding{ID: 1}, Payload: []byte("Timeout")}}}
		g.call(r, &Reply{Response: &m})
	}
	if g.h.OnDone != nil {
		r.safeCall(g.h.OnDone)
	}
}

// call runs OnReply.
func (g *localGet) call(r *Router, rep *Reply) {
	if g.h.OnReply != nil {
		r.safeCall(func() { g.h.OnReply(rep) })
	}
}

// ownKey returns a copy of k that does not alias any buffer.
func ownKey(k keyexpr.KeyExpr) keyexpr.KeyExpr {
	c, _ := keyexpr.New(strings.Clone(k.String()))
	return c
}
