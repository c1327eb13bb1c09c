package routing

import (
	"github.com/gozenoh/zenoh/keyexpr"
)

// MatchKind says what a matching status is about.
type MatchKind uint8

// Matching kinds: subscribers (for a publisher), queryables (for a querier with target
// BestMatching or All) and complete queryables including the key (target AllComplete), as
// Zenoh's MatchingStatusType.
const (
	MatchSubscribers MatchKind = iota
	MatchQueryables
	MatchQueryablesComplete
)

// MatchingListener is told when the matching status of a key changes.
type MatchingListener struct {
	r          *Router
	key        keyexpr.KeyExpr
	kind       MatchKind
	fn         func(matching bool)
	cur        bool // guarded by r.mu
	undeclared bool // guarded by r.mu
}

// Matching reports whether some subscriber (or queryable, per kind) intersecting key exists,
// on any face, the local one included.
func (r *Router) Matching(key keyexpr.KeyExpr, kind MatchKind) bool {
	r.mu.Lock()
	defer r.unlock()
	return r.matchingLocked(key, kind)
}

// matchingLocked computes a matching status. Called with r.mu held (so that no index write
// runs concurrently).
func (r *Router) matchingLocked(key keyexpr.KeyExpr, kind MatchKind) bool {
	found := false
	switch kind {
	case MatchSubscribers:
		r.subs.writerView().MatchFunc(key, func(*keyexpr.Entry[*subEntry]) bool {
			found = true
			return false
		})
	default:
		r.qabls.writerView().MatchFunc(key, func(e *keyexpr.Entry[*qablEntry]) bool {
			q := e.Value()
			if kind == MatchQueryablesComplete && !(q.complete && q.key.Includes(key)) {
				return true
			}
			found = true
			return false
		})
	}
	return found
}

// WatchMatching declares a matching listener on key: fn(true) is called at once when the
// status is matching (as Zenoh does), then fn(status) each time it changes. fn is a control
// callback: in order, one at a time, never under a router lock.
func (r *Router) WatchMatching(key keyexpr.KeyExpr, kind MatchKind, fn func(matching bool)) (*MatchingListener, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	l := &MatchingListener{r: r, key: key, kind: kind, fn: fn}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	r.watches[l] = struct{}{}
	if r.matchingLocked(key, kind) {
		l.cur = true
		r.matchingCall(l, true)
	}
	r.unlock()
	r.out.drain(r)
	return l, nil
}

// Undeclare removes the listener.
func (l *MatchingListener) Undeclare() error {
	r := l.r
	r.mu.Lock()
	defer r.unlock()
	if l.undeclared {
		return ErrUndeclared
	}
	l.undeclared = true
	delete(r.watches, l)
	return nil
}

// updateMatching recomputes every listener's status after a subscriber or queryable change.
// Called with r.mu held.
func (r *Router) updateMatching() {
	for l := range r.watches {
		if st := r.matchingLocked(l.key, l.kind); st != l.cur {
			l.cur = st
			r.matchingCall(l, st)
		}
	}
}

// matchingCall queues a listener callback. Called with r.mu held.
func (r *Router) matchingCall(l *MatchingListener, st bool) {
	r.out.add(effect{fn: func() {
		r.mu.Lock()
		gone := l.undeclared
		r.unlock()
		if !gone {
			l.fn(st)
		}
	}})
}
