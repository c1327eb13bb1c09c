package zenoh

import (
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
)

// MatchingListener is told when the matching status of a publisher changes (see
// Publisher.WatchMatching). Close it to stop; it is closed with its publisher and session.
type MatchingListener struct {
	s  *Session
	rl *routing.MatchingListener
	fn func(bool)

	mu        sync.Mutex
	pending   bool // a status waits in val
	val       bool
	delivered int8 // last status delivered: -1 none, 0 false, 1 true
	closed    bool
	wake      chan struct{}
	done      chan struct{}
	gid       atomic.Uint64
}

// watchMatching declares a matching listener on key.
func (s *Session) watchMatching(key keyexpr.KeyExpr, kind routing.MatchKind, fn func(bool)) (*MatchingListener, error) {
	l := &MatchingListener{s: s, fn: fn, delivered: -1, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if err := s.register(l); err != nil {
		return nil, err
	}
	go l.run()
	rl, err := s.rt.WatchMatching(key, kind, l.update)
	if err != nil {
		l.Close()
		return nil, closedErr(err)
	}
	l.mu.Lock()
	l.rl = rl
	l.mu.Unlock()
	return l, nil
}

// update records a new status (a routing control callback: it must not block).
func (l *MatchingListener) update(matching bool) {
	l.mu.Lock()
	l.val, l.pending = matching, true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run delivers statuses serially.
func (l *MatchingListener) run() {
	defer close(l.done)
	l.gid.Store(goroutineID())
	for range l.wake {
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			return
		}
		v, ok := l.val, l.pending
		l.pending = false
		cur := int8(0)
		if v {
			cur = 1
		}
		if !ok || cur == l.delivered {
			l.mu.Unlock()
			continue
		}
		l.delivered = cur
		l.mu.Unlock()
		l.call(v)
	}
}

func (l *MatchingListener) call(v bool) {
	defer func() {
		if r := recover(); r != nil {
			l.s.st.callbackPanics.Add(1)
			l.s.logPanic("matching listener")(r)
		}
	}()
	l.fn(v)
}

// Close undeclares the listener; fn is not called once Close returns (except by a call in
// progress, which Close waits for unless called from fn). It is idempotent.
func (l *MatchingListener) Close() error {
	if !l.stop() {
		return nil
	}
	l.mu.Lock()
	rl := l.rl
	l.mu.Unlock()
	if rl != nil {
		_ = rl.Undeclare()
	}
	l.s.unregister(l)
	l.wait()
	return nil
}

// stop marks the listener closed and wakes its goroutine; it reports whether it did.
func (l *MatchingListener) stop() bool {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return false
	}
	l.closed = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

func (l *MatchingListener) shutdown() { l.stop() }

func (l *MatchingListener) wait() {
	if g := l.gid.Load(); g != 0 && g == goroutineID() {
		return
	}
	<-l.done
}
