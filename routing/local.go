package routing

import (
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
)

// Local returns the router's local face: the source of Publish, Get and local declarations.
func (r *Router) Local() *Face { return r.local }

// Subscriber is a local subscriber.
type Subscriber struct {
	r          *Router
	key        keyexpr.KeyExpr
	id         uint32
	fn         func(Sample)
	e          *subEntry
	undeclared atomic.Bool
	unguarded  bool // fn recovers its own panics: see DeclareSubscriberUnguarded
}

// Key returns the subscriber's key expression.
func (s *Subscriber) Key() keyexpr.KeyExpr { return s.key }

// ID returns the subscriber's entity id (unique among the router's local entities).
func (s *Subscriber) ID() uint32 { return s.id }

// DeclareSubscriber declares a local subscriber on key. fn is called synchronously (its Sample
// describes a publication that is valid only during the call), on the
// goroutine that routes the publication (a transport reader, or the caller of Publish), for
// every publication whose key intersects key, local ones included; calls for different
// publications may run concurrently (the root package serialises them per subscriber if it
// needs to). fn must not block for long: it holds back that transport's reader. A panic in fn
// is recovered and counted. The subscription is declared to every peer and router (one
// declaration per key, whatever the number of local subscribers on it) and to the clients
// whose interests match.
func (r *Router) DeclareSubscriber(key keyexpr.KeyExpr, fn func(Sample)) (*Subscriber, error) {
	return r.declareSubscriber(key, fn, false)
}

// DeclareSubscriberUnguarded is DeclareSubscriber for an fn that never panics (it runs no
// code that could, or recovers the panics of what it calls): the router then calls it with no
// recovery of its own, which costs about 15 ns on every delivery on the development VM. The
// root package's subscribers are declared so: their callbacks run under their own recovery.
func (r *Router) DeclareSubscriberUnguarded(key keyexpr.KeyExpr, fn func(Sample)) (*Subscriber, error) {
	return r.declareSubscriber(key, fn, true)
}

func (r *Router) declareSubscriber(key keyexpr.KeyExpr, fn func(Sample), unguarded bool) (*Subscriber, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	s := &Subscriber{r: r, key: key, fn: fn, id: r.eid.Add(1), unguarded: unguarded}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	s.e = &subEntry{face: r.local, key: key, local: s}
	s.e.de, _ = r.subs.insert(key, s.e)
	r.addHolding(r.local, kindSub, key, false)
	r.unlock()
	r.out.drain(r)
	return s, nil
}

// Undeclare removes the subscriber (and, when it was the last local subscriber on its key and
// no client holds one, undeclares the key to the peers). Publications being routed
// concurrently may still reach fn once; none does after Undeclare returns on the same
// goroutine as them.
func (s *Subscriber) Undeclare() error {
	r := s.r
	r.mu.Lock()
	if s.undeclared.Swap(true) {
		r.unlock()
		return ErrUndeclared
	}
	r.subs.remove(s.e.de)
	if ks := r.keys[kindSub][s.key.String()]; ks != nil {
		r.removeHolding(r.local, ks, false)
	}
	r.unlock()
	r.out.drain(r)
	return nil
}

// Queryable is a local queryable.
type Queryable struct {
	r          *Router
	key        keyexpr.KeyExpr
	id         uint32
	complete   bool
	fn         func(*Query)
	e          *qablEntry
	undeclared atomic.Bool
}

// Key returns the queryable's key expression.
func (q *Queryable) Key() keyexpr.KeyExpr { return q.key }

// ID returns the queryable's entity id (unique among the router's local entities).
func (q *Queryable) ID() uint32 { return q.id }

// DeclareQueryable declares a local queryable on key; complete says it answers for every key
// its key expression covers (it is then preferred by queries with target BestMatching and is
// the only kind reached by AllComplete). fn is called synchronously with each query routed to
// it (see Query for how to answer).
func (r *Router) DeclareQueryable(key keyexpr.KeyExpr, complete bool, fn func(*Query)) (*Queryable, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	q := &Queryable{r: r, key: key, complete: complete, fn: fn, id: r.eid.Add(1)}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	q.e = &qablEntry{face: r.local, key: key, complete: complete, local: q}
	q.e.de, _ = r.qabls.insert(key, q.e)
	r.addHolding(r.local, kindQabl, key, complete)
	r.unlock()
	r.out.drain(r)
	return q, nil
}

// Undeclare removes the queryable. Queries it already received may still be answered.
func (q *Queryable) Undeclare() error {
	r := q.r
	r.mu.Lock()
	if q.undeclared.Swap(true) {
		r.unlock()
		return ErrUndeclared
	}
	r.qabls.remove(q.e.de)
	if ks := r.keys[kindQabl][q.key.String()]; ks != nil {
		r.removeHolding(r.local, ks, q.complete)
	}
	r.unlock()
	r.out.drain(r)
	return nil
}

// Token is a local liveliness token.
type Token struct {
	r          *Router
	key        keyexpr.KeyExpr
	id         uint32
	ks         *keyState
	undeclared bool // guarded by r.mu
}

// Key returns the token's key expression.
func (t *Token) Key() keyexpr.KeyExpr { return t.key }

// DeclareToken declares a local liveliness token on key: it is declared to every peer and
// router, to the clients interested, and local liveliness subscribers see it appear (when no
// other face already holds a token on that key).
func (r *Router) DeclareToken(key keyexpr.KeyExpr) (*Token, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	t := &Token{r: r, key: key, id: r.eid.Add(1)}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	t.ks = r.addHolding(r.local, kindToken, key, false)
	r.unlock()
	r.out.drain(r)
	return t, nil
}

// Undeclare removes the token.
func (t *Token) Undeclare() error {
	r := t.r
	r.mu.Lock()
	if t.undeclared {
		r.unlock()
		return ErrUndeclared
	}
	t.undeclared = true
	r.removeHolding(r.local, t.ks, false)
	r.unlock()
	r.out.drain(r)
	return nil
}
