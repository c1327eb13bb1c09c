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
	history    bool
	fi         *fwdInterest // its token interest, forwarded to the interest targets
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
//
// As Zenoh does, the subscriber's interest (K|T restricted to key; CurrentFuture with history,
// else Future) is sent to every interest target (routers; in client mode every face), so that
// the tokens held behind them are declared to us; with history, those that exist now arrive
// shortly after the call returns.
func (r *Router) DeclareLivelinessSubscriber(key keyexpr.KeyExpr, history bool, fn func(key keyexpr.KeyExpr, alive bool)) (*LivelinessSubscriber, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	s := &LivelinessSubscriber{r: r, key: key, fn: fn, history: history}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	r.lsubs[s] = struct{}{}
	mode := wire.InterestFuture
	if history {
		mode = wire.InterestCurrentFuture
		for _, ks := range r.sortedKeys(kindToken) {
			if len(ks.holders) > 0 && key.Intersects(ks.key) {
				r.livelinessCall(s, ks.key, true)
			}
		}
	}
	s.fi = r.forwardInterest(r.local, r.local.c.newID(), mode, wire.InterestKeyExprs|wire.InterestTokens, true, key)
	r.unlock()
	r.out.drain(r)
	return s, nil
}

// Undeclare removes the liveliness subscriber, sending Interest Final to the interest targets
// that were sent its interest; fn is not called after Undeclare returns (unless from a
// callback already running).
func (s *LivelinessSubscriber) Undeclare() error {
	r := s.r
	r.mu.Lock()
	if s.undeclared.Swap(true) {
		r.unlock()
		return ErrUndeclared
	}
	delete(r.lsubs, s)
	if !r.closed {
		r.endForward(s.fi)
	}
	r.unlock()
	r.out.drain(r)
	return nil
}

// livelinessEvent tells the liveliness subscribers that key became alive or dead; a token
// that became alive by answering the current part of an interest (historical) is reported to
// the subscribers with history only, as Zenoh does. Called with r.mu held.
func (r *Router) livelinessEvent(key keyexpr.KeyExpr, alive, historical bool) {
	for s := range r.lsubs {
		if s.key.Intersects(key) && (!historical || !alive || s.history) {
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

// livelinessGet is a liveliness Get in flight: a local one (onToken, onDone), or a client's
// Current token interest that we forwarded (answers and DeclareFinal go to client).
type livelinessGet struct {
	key      keyexpr.KeyExpr
	all      bool // unrestricted (a client's interest without key): every token
	onToken  func(keyexpr.KeyExpr)
	onDone   func(timedOut bool)
	client   *Face  // a client's interest: where the answers go
	clientID uint32 // its interest id
	seen     map[string]struct{}
	asked    []*livelinessQuery
	pending  int
	timer    *time.Timer
	done     bool
}

// livelinessQuery is the Current token Interest a liveliness Get sent to one face.
type livelinessQuery struct {
	get  *livelinessGet
	face *Face
	id   uint32
}

// LivelinessGet reports the liveliness tokens whose key intersects key, as Zenoh's
// liveliness().get(): onToken is called once per token key alive now (local and remote), and
// the interest targets (routers; in client mode every face) and the peers whose initial
// declarations have not all arrived are asked with a Current token Interest (K|T, restricted
// to key) whose answers are reported too. onDone(false) is called once every face asked
// answered with its DeclareFinal, closed, or routing.interests.timeout
// (Config.InterestTimeout) passed; onDone(true) when timeout passed first (Zenoh then reports
// a "Timeout" error). timeout <= 0 means Config.QueryTimeout. Callbacks are control
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
	r.startLivelinessGet(g, timeout, true)
	r.unlock()
	r.out.drain(r)
	return nil
}

// startLivelinessGet reports the tokens known now to g, asks the faces that may know more
// (see LivelinessGet; never g's own client) and arms its timer; with ask false, no face is
// asked and g ends at once. Called with r.mu held.
func (r *Router) startLivelinessGet(g *livelinessGet, timeout time.Duration, ask bool) {
	r.lgets[g] = struct{}{}
	for _, ks := range r.sortedKeys(kindToken) {
		if len(ks.holders) == 0 || !g.matches(ks.key) {
			continue
		}
		if g.client != nil {
			if want, _ := offer(g.client, ks); !want {
				continue
			}
		}
		g.found(r, ks.key)
	}
	for _, d := range r.slots {
		if !ask || d == nil || d == g.client || !r.currentTarget(d) {
			continue
		}
		lq := &livelinessQuery{get: g, face: d, id: d.c.newID()}
		d.c.lgets[lq.id] = lq
		g.asked = append(g.asked, lq)
		g.pending++
		r.queueInterest(d, lq.id, wire.InterestCurrent, wire.InterestKeyExprs|wire.InterestTokens, !g.all, g.key)
	}
	if g.pending == 0 {
		g.finish(r, false)
		return
	}
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

// matches reports whether the Get asks for tokens on key.
func (g *livelinessGet) matches(key keyexpr.KeyExpr) bool {
	return g.all || g.key.Intersects(key)
}

// found reports a token key to the Get, once per key. Called with r.mu held.
func (g *livelinessGet) found(r *Router, key keyexpr.KeyExpr) {
	if g.done || !g.matches(key) {
		return
	}
	if _, ok := g.seen[key.String()]; ok {
		return
	}
	g.seen[key.String()] = struct{}{}
	if g.client != nil {
		r.sendDeclare(g.client, true, g.clientID, r.declBody(g.client, kindToken, 0, key, false))
		return
	}
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
	if g.client != nil {
		g.client.c.cgets--
		if !g.client.closed.Load() {
			r.sendDeclare(g.client, true, g.clientID, wire.DeclareBody{ID: wire.DeclIDFinal})
		}
		return
	}
	r.out.add(effect{fn: func() { g.onDone(timedOut) }})
}
