package cluster

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// newRecordBus starts a Bus over a recordTransport.
func newRecordBus(t *testing.T, cfg ClusterConfig) (*Bus, *recordTransport) {
	t.Helper()
	rt := &recordTransport{}
	b, err := New(cfg, rt, WithIncarnation(0x1122334455667788))
	if err != nil {
		t.Fatal(err)
	}
	return b, rt
}

type envShape struct {
	after  time.Duration
	flags  uint8
	seq    uint64
	events int
}

func shapes(start time.Time, es []sentEnvelope) []envShape {
	var out []envShape
	for _, e := range es {
		out = append(out, envShape{after: e.at.Sub(start), flags: e.env.Flags, seq: e.env.Seq, events: len(e.env.Events)})
	}
	return out
}

func checkShapes(t *testing.T, got, want []envShape) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("envelopes %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("envelope %d = %+v, want %+v (all: %+v)", i, got[i], want[i], got)
		}
	}
}

func TestBatcherLinger(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := ClusterConfig{NodeID: 1, Linger: 5 * time.Millisecond, Heartbeat: -1}
		b, rt := newRecordBus(t, cfg)
		start := time.Now()
		for range 3 {
			b.Publish(QueueRefresh{})
		}
		time.Sleep(3 * time.Millisecond)
		b.Publish(QueueRefresh{}) // within the linger of the first: same envelope
		time.Sleep(20 * time.Millisecond)
		b.Publish(QueueRefresh{}) // a new batch, its own linger
		time.Sleep(20 * time.Millisecond)
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{
			{after: 5 * time.Millisecond, seq: 1, events: 4},
			{after: 28 * time.Millisecond, seq: 5, events: 1},
		})
		b.Close()
	})
}

func TestBatcherNoLinger(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, rt := newRecordBus(t, ClusterConfig{NodeID: 1, Linger: -1, Heartbeat: -1})
		start := time.Now()
		b.Publish(QueueRefresh{})
		synctest.Wait()
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{{seq: 1, events: 1}})
		b.Close()
	})
}

func TestBatcherMaxEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, rt := newRecordBus(t, ClusterConfig{NodeID: 1, Linger: 5 * time.Millisecond, MaxBatchEvents: 4, Heartbeat: -1})
		start := time.Now()
		for range 10 {
			b.Publish(SpamModelReload{})
		}
		time.Sleep(time.Second)
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{
			{seq: 1, events: 4}, // full: sent at once
			{seq: 5, events: 4},
			{after: 5 * time.Millisecond, seq: 9, events: 2},
		})
		b.Close()
	})
}

func TestBatcherMaxBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 256
		b, rt := newRecordBus(t, ClusterConfig{NodeID: 1, Linger: 5 * time.Millisecond, MaxBatchBytes: limit, Heartbeat: -1})
		name := strings.Repeat("q", 100)
		for range 5 {
			b.Publish(QueueRefresh{Queue: name})
		}
		b.Publish(QueueRefresh{Queue: strings.Repeat("x", 1000)}) // larger than the limit: alone
		time.Sleep(time.Second)
		var counts []int
		for i, e := range rt.envelopes() {
			buf, err := AppendEnvelope(nil, e.env.Header, e.env.Events)
			if err != nil {
				t.Fatal(err)
			}
			if len(buf) > limit && len(e.env.Events) > 1 {
				t.Errorf("envelope %d: %d bytes with %d events, limit %d", i, len(buf), len(e.env.Events), limit)
			}
			counts = append(counts, len(e.env.Events))
		}
		if want := []int{2, 2, 1, 1}; !equalInts(counts, want) {
			t.Errorf("events per envelope %v, want %v", counts, want)
		}
		b.Close()
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHeartbeatWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, rt := newRecordBus(t, ClusterConfig{NodeID: 1, Linger: 5 * time.Millisecond, Heartbeat: time.Second})
		start := time.Now()
		time.Sleep(2500 * time.Millisecond)
		b.Publish(QueueRefresh{})
		b.Publish(QueueRefresh{})
		time.Sleep(1600 * time.Millisecond)
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{
			{after: time.Second, seq: 1},
			{after: 2 * time.Second, seq: 1},
			{after: 2505 * time.Millisecond, seq: 1, events: 2},
			{after: 3505 * time.Millisecond, seq: 3},
		})
		if st := b.Stats(); st.HeartbeatsSent != 3 || st.EnvelopesSent != 4 {
			t.Errorf("stats %+v", st)
		}
		b.Close()
	})
}

func TestBatchNeverSpansASequenceGap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &recordTransport{gate: make(chan struct{})}
		b, err := New(ClusterConfig{NodeID: 1, QueueSize: 2, Linger: 5 * time.Millisecond, Heartbeat: -1}, rt)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		b.Publish(QueueRefresh{}) // 1: taken by the publisher, which blocks in the transport
		time.Sleep(10 * time.Millisecond)
		b.Publish(QueueRefresh{}) // 2, 3: queued
		b.Publish(QueueRefresh{})
		if _, err := b.Publish(QueueRefresh{}); err != ErrQueueFull { // 4: dropped
			t.Fatalf("4th Publish = %v", err)
		}
		rt.mu.Lock()
		close(rt.gate)
		rt.gate = nil
		rt.mu.Unlock()
		synctest.Wait()
		b.Publish(QueueRefresh{}) // 5
		time.Sleep(time.Second)
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{
			{after: 10 * time.Millisecond, seq: 1, events: 1},
			{after: 10 * time.Millisecond, seq: 2, events: 2},
			{after: 15 * time.Millisecond, seq: 5, events: 1},
		})
		b.Close()
	})
}

func TestCloseFlushesAndLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, rt := newRecordBus(t, ClusterConfig{NodeID: 1, Linger: time.Second, Heartbeat: -1})
		start := time.Now()
		for range 3 {
			b.Publish(QueueRefresh{})
		}
		b.Close()
		checkShapes(t, shapes(start, rt.envelopes()), []envShape{
			{seq: 1, events: 3},
			{flags: FlagLeave, seq: 4},
		})
	})
}

func TestPublishRejectsBadEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, _ := newRecordBus(t, ClusterConfig{NodeID: 1})
		for _, ev := range []Event{nil, Resync{}, BlockedIP{}, AppEvent{Tag: 3}, ObjectChanged{Op: 9},
			QueueRefresh{Queue: strings.Repeat("x", MaxStringBytes+1)}, SettingsReload{Section: "\xff"}} {
			if seq, err := b.Publish(ev); err == nil || seq != 0 {
				t.Errorf("Publish(%#v) = %d, %v; want an error", ev, seq, err)
			}
		}
		if seq, _ := b.Publish(QueueRefresh{}); seq != 1 {
			t.Errorf("rejected events took sequence numbers: next is %d", seq)
		}
		b.Close()
	})
}

func TestTransportPublishErrorIsCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &recordTransport{err: ErrClosed}
		b, err := New(ClusterConfig{NodeID: 1, Linger: -1, Heartbeat: -1}, rt)
		if err != nil {
			t.Fatal(err)
		}
		b.Publish(QueueRefresh{})
		synctest.Wait()
		if st := b.Stats(); st.PublishErrors != 1 || st.EnvelopesSent != 0 {
			t.Errorf("stats %+v", st)
		}
		b.Close()
	})
}
