package routing

import (
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// LivelinessSubscriber is a local liveliness subscriber.
type LivelinessSubscriber struct {
	r          *Router
	key        keyexpr.KeyExpr
	fn         func(key keyexpr.KeyExpr, alive bool)
	undeclared atomic.Bool
}

// Key returns the subscriber's key expression.
func (s *LivelinessSubscriber) Key() keyexpr.KeyExpr { return s.key }

// DeclareLivelinessSubscriber declares a local liveliness subscriber on key. fn(k, true) is
// called when the first token on a key k intersecting key appears (on any face, the local one
// included) and fn(k, false) when the last token on k disappears (undeclared, or its face
// closed), as Zenoh's liveliness subscribers see a Put and a Delete. With history, fn is first
// called for each token key alive now. Calls are made in order, one at a time, never under a
// router lock (see the package documentation on control callbacks); k is owned by the callee.
func (r *Router) DeclareLivelinessSubscriber(key keyexpr.KeyExpr, history bool, fn func(key keyexpr.KeyExpr, alive bool)) (*LivelinessSubscriber, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	s := &LivelinessSubscriber{r: r, key: key, fn: fn}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	r.lsubs[s] = struct{}{}
	if history {
		for _, ks := range r.sortedKeys(kindToken) {
			if len(ks.holders) > 0 && key.Intersects(ks.key) {
				r.livelinessCall(s, ks.key, true)
			}
		}
	}
	r.unlock()
	r.out.drain(r)
	return s, nil
}

// Undeclare removes the liveliness subscriber; fn is not called after Undeclare returns
// (unless from a callback already running).
func (s *LivelinessSubscriber) Undeclare() error {
	r := s.r
	r.mu.Lock()
	defer r.unlock()
	if s.undeclared.Swap(true) {
		return ErrUndeclared
	}
	delete(r.lsubs, s)
	return nil
}

// livelinessEvent tells the liveliness subscribers that key became alive or dead. Called with
// r.mu held.
func (r *Router) livelinessEvent(key keyexpr.KeyExpr, alive bool) {
	for s := range r.lsubs {
		if s.key.Intersects(key) {
			r.livelinessCall(s, key, alive)
		}
	}
}

// livelinessCall queues a liveliness subscriber callback. Called with r.mu held.
func (r *Router) livelinessCall(s *LivelinessSubscriber, key keyexpr.KeyExpr, alive bool) {
	r.out.add(effect{fn: func() {
		if !s.undeclared.Load() {
			s.fn(key, alive)
		}
	}})
}

// livelinessGet is a liveliness Get in flight.
type livelinessGet struct {
	key     keyexpr.KeyExpr
	onToken func(keyexpr.KeyExpr)
	onDone  func(timedOut bool)
	seen    map[string]struct{}
	asked   []*livelinessQuery
	pending int
	timer   *time.Timer
	done    bool
}

// livelinessQuery is the Current token Interest a liveliness Get sent to one peer.
type livelinessQuery struct {
	get  *livelinessGet
	face *Face
	id   uint32
}

// LivelinessGet reports the liveliness tokens whose key intersects key, as Zenoh's
// liveliness().get(): onToken is called once per token key alive now (local and remote), and
// the peers whose initial declarations have not all arrived are asked with a Current token
// Interest (K|T, restricted to key) whose answers are reported too. onDone(false) is called
// once every peer asked answered with its DeclareFinal, closed, or routing.interests.timeout
// (Config.InterestTimeout) passed; onDone(true) when timeout passed first (Zenoh then
// reports a "Timeout" error). timeout <= 0 means Config.QueryTimeout. Callbacks are control
// callbacks: in order, one at a time, never under a router lock.
func (r *Router) LivelinessGet(key keyexpr.KeyExpr, timeout time.Duration, onToken func(keyexpr.KeyExpr), onDone func(timedOut bool)) error {
	if key.IsZero() {
		return ErrZeroKey
	}
	if timeout <= 0 {
		timeout = r.cfg.QueryTimeout
	}
	g := &livelinessGet{key: key, onToken: onToken, onDone: onDone, seen: make(map[string]struct{})}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return ErrClosed
	}
	r.lgets[g] = struct{}{}
	for _, ks := range r.sortedKeys(kindToken) {
		if len(ks.holders) > 0 && key.Intersects(ks.key) {
			g.found(r, ks.key)
		}
	}
	for _, d := range r.slots {
		if d == nil || d.kind != kindPeer || d.c.finalized || d.closed.Load() {
			continue
		}
		lq := &livelinessQuery{get: g, face: d, id: d.c.newID()}
		d.c.lgets[lq.id] = lq
		g.asked = append(g.asked, lq)
		g.pending++
		m := &wire.NetworkMessage{ID: wire.NetIDInterest}
		m.Interest = wire.Interest{InterestID: lq.id, Mode: wire.InterestCurrent,
			Options: wire.InterestKeyExprs | wire.InterestTokens, Restricted: true,
			WireExpr: wire.WireExpr{Suffix: []byte(key.String()), Mapping: wire.MappingSender},
			QoS:      qosDeclare}
		r.out.add(effect{face: d, msg: m})
	}
	if g.pending == 0 {
		g.finish(r, false)
	} else {
		wait, timedOut := timeout, true
		if r.cfg.InterestTimeout < timeout {
			wait, timedOut = r.cfg.InterestTimeout, false
		}
		g.timer = time.AfterFunc(wait, func() {
			r.mu.Lock()
			g.finish(r, timedOut)
			r.unlock()
			r.out.drain(r)
		})
	}
	r.unlock()
	r.out.drain(r)
	return nil
}

// found reports a token key to the Get, once per key. Called with r.mu held.
func (g *livelinessGet) found(r *Router, key keyexpr.KeyExpr) {
	if g.done || !g.key.Intersects(key) {
		return
	}
	if _, ok := g.seen[key.String()]; ok {
		return
	}
	g.seen[key.String()] = struct{}{}
	r.out.add(effect{fn: func() { g.onToken(key) }})
}

// branchDone records that one asked peer finished. Called with r.mu held.
func (g *livelinessGet) branchDone(r *Router) {
	if g.done {
		return
	}
	g.pending--
	if g.pending <= 0 {
		g.finish(r, false)
	}
}

// finish ends the Get. Called with r.mu held.
func (g *livelinessGet) finish(r *Router, timedOut bool) {
	if g.done {
		return
	}
	g.done = true
	if g.timer != nil {
		g.timer.Stop()
	}
	for _, lq := range g.asked {
		if lq.face.c.lgets[lq.id] == lq {
			delete(lq.face.c.lgets, lq.id)
		}
	}
	delete(r.lgets, g)
	r.out.add(effect{fn: func() { g.onDone(timedOut) }})
}
