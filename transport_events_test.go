package zenoh

import (
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// eventLog gathers transport events from a listener callback.
type eventLog struct {
	mu  sync.Mutex
	evs []TransportEvent
	ch  chan TransportEvent
}

func newEventLog() *eventLog { return &eventLog{ch: make(chan TransportEvent, 64)} }

func (e *eventLog) add(ev TransportEvent) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
	e.ch <- ev
}

func (e *eventLog) all() []TransportEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.evs)
}

// next returns the next event, failing the test after testTimeout.
func (e *eventLog) next(t *testing.T) TransportEvent {
	t.Helper()
	return recv(t, e.ch, "a transport event")
}

func zidsOf(ts []TransportInfo) []ZenohID {
	var out []ZenohID
	for _, t := range ts {
		out = append(out, t.ZID)
	}
	return out
}

func TestTransportListenerOpenedClosed(t *testing.T) {
	checkNoLeak(t)
	a := openTest(t, testConfig(t))
	log := newEventLog()
	var seen []ZenohID // a.Transports() as seen from the Opened callback
	l, err := a.DeclareTransportListener(func(ev TransportEvent) {
		if ev.Kind == TransportOpened {
			seen = zidsOf(a.Transports()) // the callback may call the session
		}
		log.add(ev)
	})
	must(t, err)
	defer l.Close()
	if ts := a.Transports(); len(ts) != 0 {
		t.Fatalf("transports before any peer: %v", ts)
	}

	b := openTest(t, testConfig(t, a.Info().Locators[0]))
	ev := log.next(t)
	if ev.Kind != TransportOpened || ev.Transport.ZID != b.ZID() || ev.Transport.WhatAmI != WhatAmIPeer || ev.Err != nil {
		t.Fatalf("first event %+v, want Opened from %v", ev, b.ZID())
	}
	if ls := ev.Transport.Links; len(ls) != 1 || ls[0].Outbound || ls[0].Remote == "" || ls[0].Local != a.Info().Locators[0] {
		t.Fatalf("links %+v: want one inbound link on %s", ls, a.Info().Locators[0])
	}
	if !slices.Equal(seen, []ZenohID{b.ZID()}) {
		t.Fatalf("Transports() from the callback: %v, want [%v]", seen, b.ZID())
	}
	if ts := a.Transports(); len(ts) != 1 || ts[0].ZID != b.ZID() || len(ts[0].Links) != 1 {
		t.Fatalf("Transports() %+v", ts)
	}

	b.Close()
	ev = log.next(t)
	if ev.Kind != TransportClosed || ev.Transport.ZID != b.ZID() {
		t.Fatalf("second event %+v, want Closed from %v", ev, b.ZID())
	}
	var ce *CloseError
	if !errors.As(ev.Err, &ce) || !ce.Remote {
		t.Fatalf("Closed error %v, want a remote *CloseError", ev.Err)
	}
	if len(ev.Transport.Links) != 1 || ev.Transport.Stats.LinksAttached != 1 || ev.Transport.Stats.RxBatches == 0 {
		t.Fatalf("Closed transport %+v: want its link and its final counters", ev.Transport)
	}
	if ts := a.Transports(); len(ts) != 0 {
		t.Fatalf("Transports() after close: %v", ts)
	}
	if ev.Kind.String() != "closed" || TransportOpened.String() != "opened" || TransportEventKind(9).String() != "TransportEventKind(9)" {
		t.Fatalf("kind strings %q %q", ev.Kind, TransportOpened)
	}
}

func TestTransportListenerHistory(t *testing.T) {
	a := openTest(t, testConfig(t))
	b := openTest(t, testConfig(t, a.Info().Locators[0]))
	c := openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "a sees b and c", func() bool { return len(a.Transports()) == 2 })

	hist, plain := newEventLog(), newEventLog()
	lh, err := a.DeclareTransportListener(hist.add, WithHistory(true))
	must(t, err)
	defer lh.Close()
	lp, err := a.DeclareTransportListener(plain.add, WithHistory(false))
	must(t, err)
	defer lp.Close()

	want := []ZenohID{b.ZID(), c.ZID()}
	slices.SortFunc(want, func(x, y ZenohID) int { return x.Compare(y) })
	for i, z := range want {
		if ev := hist.next(t); ev.Kind != TransportOpened || ev.Transport.ZID != z {
			t.Fatalf("history event %d: %+v, want Opened from %v", i, ev, z)
		}
	}
	b.Close()
	for _, lg := range []*eventLog{hist, plain} {
		// Without history, the first event is the close: the open came before the listener.
		if ev := lg.next(t); ev.Kind != TransportClosed || ev.Transport.ZID != b.ZID() {
			t.Fatalf("after b closed: %+v", ev)
		}
	}
	if n := len(plain.all()); n != 1 {
		t.Fatalf("listener without history got %d events, want 1", n)
	}
}

func TestTransportListenerOrderAcrossReconnections(t *testing.T) {
	a := openTest(t, testConfig(t))
	log := newEventLog()
	l, err := a.DeclareTransportListener(log.add)
	must(t, err)
	defer l.Close()
	var zids []ZenohID
	for range 4 {
		b := openTest(t, testConfig(t, a.Info().Locators[0]))
		zids = append(zids, b.ZID())
		b.Close() // at once: the close may reach a while its TransportUp is being reported
	}
	// Each transport is reported opened, then closed, exactly once. Different transports may
	// interleave: a may notice b1's end after b2's transport came up.
	seen := make(map[ZenohID][]TransportEventKind)
	for range 2 * len(zids) {
		ev := log.next(t)
		seen[ev.Transport.ZID] = append(seen[ev.Transport.ZID], ev.Kind)
	}
	for _, z := range zids {
		if k := seen[z]; len(k) != 2 || k[0] != TransportOpened || k[1] != TransportClosed {
			t.Fatalf("%v: events %v, want [opened closed] (all: %v)", z, k, seen)
		}
	}
}

func TestTransportListenerCloseFromCallback(t *testing.T) {
	checkNoLeak(t)
	a := openTest(t, testConfig(t))
	openTest(t, testConfig(t, a.Info().Locators[0]))
	openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "a sees two peers", func() bool { return len(a.Transports()) == 2 })
	var calls int
	var l *TransportListener
	ready := make(chan struct{})
	closed := make(chan error, 1)
	var err error
	l, err = a.DeclareTransportListener(func(TransportEvent) {
		<-ready
		calls++
		closed <- l.Close() // must not wait for itself
	}, WithHistory(true)) // two events queued at once
	must(t, err)
	close(ready)
	if err := recv(t, closed, "Close from the callback"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.done:
	case <-time.After(testTimeout):
		t.Fatal("the listener's goroutine did not end")
	}
	if calls != 1 {
		t.Fatalf("callback called %d times, want 1 (closed in the first call)", calls)
	}
	l.Close() // idempotent, from outside too
}

func TestTransportListenerPanic(t *testing.T) {
	a := openTest(t, testConfig(t))
	log := newEventLog()
	l, err := a.DeclareTransportListener(func(ev TransportEvent) {
		log.add(ev)
		panic("boom")
	})
	must(t, err)
	defer l.Close()
	b := openTest(t, testConfig(t, a.Info().Locators[0]))
	log.next(t)
	b.Close()
	if ev := log.next(t); ev.Kind != TransportClosed { // the listener survived the first panic
		t.Fatalf("after a panic: %+v", ev)
	}
	waitFor(t, "panics counted", func() bool { return a.Stats().CallbackPanics == 2 })
}

func TestTransportListenerSessionClose(t *testing.T) {
	checkNoLeak(t)
	a := openTest(t, testConfig(t))
	openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "a sees b", func() bool { return len(a.Transports()) == 1 })
	if _, err := a.DeclareTransportListener(nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil callback: %v", err)
	}
	log := newEventLog()
	l, err := a.DeclareTransportListener(log.add, WithHistory(true))
	must(t, err)
	log.next(t)
	a.Close() // closes the listener first: its transports' ends are not reported
	if evs := log.all(); len(evs) != 1 {
		t.Fatalf("events %+v, want only the history", evs)
	}
	l.Close()
	if _, err := a.DeclareTransportListener(log.add); !errors.Is(err, ErrClosed) {
		t.Fatalf("on a closed session: %v", err)
	}
}

// TestTransportListenerQueueBound pushes more events than the queue holds to a listener whose
// callback does not run: the pairs of transports that came and went are dropped and counted,
// the others kept in order.
func TestTransportListenerQueueBound(t *testing.T) {
	s := &Session{log: slog.New(slog.DiscardHandler)}
	l := &TransportListener{s: s, fn: func(TransportEvent) {}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	ev := func(k TransportEventKind) TransportEvent { return TransportEvent{Kind: k} }
	// Transport 1 stays open; 2 opened before and closes now; then flapping ones.
	l.push(ev(TransportOpened), 1)
	l.push(ev(TransportClosed), 2)
	id := uint64(3)
	for len(l.q) < transportEventQueue {
		l.push(ev(TransportOpened), id)
		l.push(ev(TransportClosed), id)
		id++
	}
	l.push(ev(TransportOpened), id) // compacts, then queues
	want := []queuedTransportEvent{{ev(TransportOpened), 1}, {ev(TransportClosed), 2}, {ev(TransportOpened), id}}
	if !slices.EqualFunc(l.q, want, func(a, b queuedTransportEvent) bool { return a.id == b.id && a.ev.Kind == b.ev.Kind }) {
		t.Fatalf("queue after compaction: %+v", l.q)
	}
	if n := s.st.transportEventsDropped.Load(); n != uint64(transportEventQueue-2) {
		t.Fatalf("dropped %d, want %d", n, transportEventQueue-2)
	}
	// A queue of transports that all remain open cannot be compacted: it grows with them.
	l.q = l.q[:0]
	for i := range transportEventQueue + 1 {
		l.push(ev(TransportOpened), uint64(100000+i))
	}
	if len(l.q) != transportEventQueue+1 {
		t.Fatalf("queue %d", len(l.q))
	}
}
