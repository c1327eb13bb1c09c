package zenoh

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/session"
)

// transportEventQueue is the number of events a transport listener keeps waiting for its
// callback before it drops the Opened and Closed pairs of transports that came and went
// meanwhile (see TransportListener).
const transportEventQueue = 1024

// TransportEventKind says whether a transport opened or closed.
type TransportEventKind uint8

// The kinds of transport events.
const (
	// TransportOpened reports a transport established with a remote node (Zenoh's Put).
	TransportOpened TransportEventKind = iota + 1
	// TransportClosed reports a transport that is gone (Zenoh's Delete).
	TransportClosed
)

// String returns "opened" or "closed".
func (k TransportEventKind) String() string {
	switch k {
	case TransportOpened:
		return "opened"
	case TransportClosed:
		return "closed"
	}
	return fmt.Sprintf("TransportEventKind(%d)", uint8(k))
}

// TransportEvent is a transport of the session that opened or closed, as Zenoh's unstable
// TransportEvent.
type TransportEvent struct {
	Kind TransportEventKind
	// Transport describes the transport when the event was produced: its links (for a Closed
	// event, those it had, when none is left), and its counters (final for a Closed event).
	Transport TransportInfo
	// Err says why a Closed transport went down: a *CloseError when a Close was exchanged
	// (Remote when the other node sent it), an I/O or lease-expiry error otherwise. It is nil
	// for Opened events.
	Err error
}

// TransportListenerOption configures Session.DeclareTransportListener. WithHistory(true) is
// one: the listener first receives an Opened event for every transport open when it is
// declared.
type TransportListenerOption interface {
	applyTransportListener(tlConfig) tlConfig
}

// tlConfig is a transport listener's declaration.
type tlConfig struct{ history bool }

func (o HistoryOption) applyTransportListener(c tlConfig) tlConfig { c.history = o.b; return c }

// TransportListener calls a function for every transport of its session that opens or
// closes (see Session.DeclareTransportListener). Close it to stop; it is closed with its
// session.
//
// Its callback is called serially, on the listener's own goroutine, in the order the events
// happened: for a given transport, Opened before Closed, and for a given remote node the Closed
// event of a transport before the Opened event of the next one. Events wait in the listener's
// queue while the callback runs, so a slow callback never holds back a transport; when more
// than 1024 wait, the Opened and Closed pairs of transports that came and went meanwhile are
// dropped (counted in Stats.TransportEventsDropped), so that the queue stays bounded by the
// number of transports and the callback still sees every transport that remains open and
// every close of one it was told about.
type TransportListener struct {
	s  *Session
	fn func(TransportEvent)

	mu     sync.Mutex
	q      []queuedTransportEvent // waiting for the callback
	spare  []queuedTransportEvent // the other buffer (swapped with q by run)
	limit  int                    // compact q when it reaches that length (0: transportEventQueue)
	closed atomic.Bool            // set under mu
	wake   chan struct{}
	done   chan struct{}
	gid    atomic.Uint64
}

// queuedTransportEvent is an event and the transport instance it belongs to.
type queuedTransportEvent struct {
	ev TransportEvent
	id uint64
}

// DeclareTransportListener declares a listener that calls fn for every transport of the
// session that opens or closes from now on (with WithHistory(true): first for every transport
// open now, as Opened events in ZID order). fn is called serially, never while the session
// holds a lock: it may call the session, and may close the listener. A panic in fn is recovered
// and counted (Stats.CallbackPanics). See TransportListener for the ordering guarantees.
//
// The events of a transport come from the session's own view: a transport is reported once
// the handshake is complete and its routing face is open, before any of its messages are
// routed, and closed once its last link is gone. No event is delivered once the session is
// closing, so closing the session reports no Closed events.
func (s *Session) DeclareTransportListener(fn func(TransportEvent), opts ...TransportListenerOption) (*TransportListener, error) {
	if fn == nil {
		return nil, fmt.Errorf("%w: nil transport listener callback", ErrInvalidArgument)
	}
	var c tlConfig
	for _, o := range opts {
		c = o.applyTransportListener(c)
	}
	l := &TransportListener{s: s, fn: fn, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if err := s.register(l); err != nil {
		return nil, err
	}
	go l.run()
	s.tev.add(l, c.history)
	return l, nil
}

// push queues an event (with hub.mu held: it must not block).
func (l *TransportListener) push(ev TransportEvent, id uint64) {
	ev.Transport.Links = slices.Clone(ev.Transport.Links) // each listener owns its event
	l.mu.Lock()
	if l.closed.Load() {
		l.mu.Unlock()
		return
	}
	if len(l.q) >= max(l.limit, transportEventQueue) {
		l.compact()
		l.limit = 2 * len(l.q) // what is left cannot be compacted: wait for as much again
	}
	l.q = append(l.q, queuedTransportEvent{ev, id})
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// compact drops the waiting Opened and Closed pairs of the same transport (under mu). It costs
// a pass over the queue, and runs again only once the queue has twice the length it left (and
// at least transportEventQueue).
func (l *TransportListener) compact() {
	closedIDs := make(map[uint64]bool)
	for _, e := range l.q {
		if e.ev.Kind == TransportClosed {
			closedIDs[e.id] = true
		}
	}
	drop := make(map[uint64]bool)
	for _, e := range l.q {
		if e.ev.Kind == TransportOpened && closedIDs[e.id] {
			drop[e.id] = true
		}
	}
	if len(drop) == 0 {
		return
	}
	n := len(l.q)
	l.q = slices.DeleteFunc(l.q, func(e queuedTransportEvent) bool { return drop[e.id] })
	l.s.st.transportEventsDropped.Add(uint64(n - len(l.q)))
}

// run delivers the queued events serially. It takes the whole queue at a time, and gives the
// buffer back when done, so that pushes and deliveries reuse two buffers.
func (l *TransportListener) run() {
	defer close(l.done)
	l.gid.Store(goroutineID())
	for range l.wake {
		for {
			l.mu.Lock()
			if l.closed.Load() {
				l.mu.Unlock()
				return
			}
			if len(l.q) == 0 {
				l.mu.Unlock()
				break
			}
			batch := l.q
			l.q, l.spare, l.limit = l.spare, nil, 0
			l.mu.Unlock()
			for i := range batch {
				if l.closed.Load() {
					return
				}
				l.call(batch[i].ev)
			}
			clear(batch)
			l.mu.Lock()
			l.spare = batch[:0]
			l.mu.Unlock()
		}
	}
}

func (l *TransportListener) call(ev TransportEvent) {
	defer func() {
		if r := recover(); r != nil {
			l.s.st.callbackPanics.Add(1)
			l.s.logPanic("transport listener")(r)
		}
	}()
	l.fn(ev)
}

// Close undeclares the listener: fn is not called once Close returns, except by a call in
// progress, which Close waits for unless called from fn. Waiting events are dropped. It is
// idempotent.
func (l *TransportListener) Close() error {
	if l.stop() {
		l.s.unregister(l)
	}
	l.wait()
	return nil
}

// stop marks the listener closed, removes it from the session's listeners and wakes its
// goroutine; it reports whether it did.
func (l *TransportListener) stop() bool {
	l.mu.Lock()
	if l.closed.Load() {
		l.mu.Unlock()
		return false
	}
	l.closed.Store(true)
	l.q = nil
	l.mu.Unlock()
	l.s.tev.remove(l)
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return true
}

func (l *TransportListener) shutdown() { l.stop() }

func (l *TransportListener) wait() {
	if g := l.gid.Load(); g != 0 && g == goroutineID() {
		return
	}
	<-l.done
}

// transportHub is the session's view of its transports and its transport listeners. Every
// change of the view and the queueing of its events to the listeners happen under mu, so that
// a listener declared with history sees each transport exactly once, and every listener sees
// the events in the same order.
type transportHub struct {
	mu        sync.Mutex
	open      map[*session.Transport]*openTransport
	listeners map[*TransportListener]struct{}
	nextID    uint64
}

// openTransport is a transport reported Opened and not yet Closed.
type openTransport struct {
	id    uint64
	links []LinkInfo // when it opened
}

// opened records a transport that came up and tells the listeners (called from
// session.Handler.TransportUp, before the transport's first message).
func (h *transportHub) opened(t *session.Transport) {
	info := transportInfoOf(t)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.open == nil {
		h.open = make(map[*session.Transport]*openTransport)
	}
	h.nextID++
	ot := &openTransport{id: h.nextID, links: info.Links}
	h.open[t] = ot
	ev := TransportEvent{Kind: TransportOpened, Transport: info}
	for l := range h.listeners {
		l.push(ev, ot.id)
	}
}

// closed forgets a transport that went down and tells the listeners (called from
// session.PeerHandler.TransportDown).
func (h *transportHub) closed(t *session.Transport, err error) {
	info := transportInfoOf(t)
	h.mu.Lock()
	defer h.mu.Unlock()
	ot := h.open[t]
	if ot == nil {
		return
	}
	delete(h.open, t)
	if len(info.Links) == 0 {
		info.Links = ot.links
	}
	ev := TransportEvent{Kind: TransportClosed, Transport: info, Err: err}
	for l := range h.listeners {
		l.push(ev, ot.id)
	}
}

// add registers a listener; with history, it first queues an Opened event for every open
// transport.
func (h *transportHub) add(l *TransportListener, history bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l.closed.Load() { // the session closed meanwhile
		return
	}
	if history {
		ts := h.snapshot()
		for _, t := range ts {
			l.push(TransportEvent{Kind: TransportOpened, Transport: t.info}, t.id)
		}
	}
	if h.listeners == nil {
		h.listeners = make(map[*TransportListener]struct{})
	}
	h.listeners[l] = struct{}{}
}

// remove unregisters a listener.
func (h *transportHub) remove(l *TransportListener) {
	h.mu.Lock()
	delete(h.listeners, l)
	h.mu.Unlock()
}

// snapshotEntry is an open transport and its instance id.
type snapshotEntry struct {
	info TransportInfo
	id   uint64
}

// snapshot describes the open transports, in ZID order (under mu).
func (h *transportHub) snapshot() []snapshotEntry {
	out := make([]snapshotEntry, 0, len(h.open))
	for t, ot := range h.open {
		out = append(out, snapshotEntry{transportInfoOf(t), ot.id})
	}
	slices.SortFunc(out, func(a, b snapshotEntry) int { return a.info.ZID.Compare(b.info.ZID) })
	return out
}

// transports describes the open transports, in ZID order.
func (h *transportHub) transports() []TransportInfo {
	h.mu.Lock()
	ts := h.snapshot()
	h.mu.Unlock()
	out := make([]TransportInfo, len(ts))
	for i := range ts {
		out[i] = ts[i].info
	}
	return out
}
