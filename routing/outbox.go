package routing

import (
	"sync"

	"github.com/gozenoh/zenoh/wire"
)

// effect is something the control plane decided under Router.mu and that must happen after it
// is released, in decision order: a message to send to a remote face, or a local callback.
type effect struct {
	face *Face
	msg  *wire.NetworkMessage
	fn   func()
}

// outbox runs effects in the order they were queued, one at a time, without holding
// Router.mu. Whoever finds it idle drains it (usually the goroutine that queued the effects,
// right after unlocking); goroutines that queue while another drains leave their effects to
// it. So control messages reach each face in the order the router decided them, local
// callbacks never run under a router lock, and a callback may call back into the router (its
// own effects are queued and run after it returns).
type outbox struct {
	mu    sync.Mutex
	q     []effect
	spare []effect
	busy  bool
}

// add queues an effect.
func (o *outbox) add(e effect) {
	o.mu.Lock()
	o.q = append(o.q, e)
	o.mu.Unlock()
}

// drain runs the queued effects unless another goroutine is already doing so.
func (o *outbox) drain(r *Router) {
	o.mu.Lock()
	if o.busy {
		o.mu.Unlock()
		return
	}
	o.busy = true
	for len(o.q) > 0 {
		batch := o.q
		o.q = o.spare[:0]
		o.mu.Unlock()
		for i := range batch {
			r.runEffect(&batch[i])
			batch[i] = effect{}
		}
		o.mu.Lock()
		o.spare = batch[:0]
	}
	o.busy = false
	o.mu.Unlock()
}

// runEffect performs one effect.
func (r *Router) runEffect(e *effect) {
	if e.fn != nil {
		r.safeCall(e.fn)
		return
	}
	if e.face.closed.Load() {
		return
	}
	if err := e.face.sender.Send(e.msg, wire.Reliable); err != nil {
		r.st.sendErrors.Add(1)
	}
}

// safeCall runs a local callback, recovering (and counting) a panic.
func (r *Router) safeCall(fn func()) {
	defer r.recoverCallback()
	fn()
}

// recoverCallback is deferred around local callbacks.
func (r *Router) recoverCallback() {
	if p := recover(); p != nil {
		r.st.callbackPanics.Add(1)
		r.logf("routing: local callback panicked", "panic", p)
	}
}
