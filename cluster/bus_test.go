package cluster

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

func TestBusDeliversInOrderAndSkipsSelf(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		self := &recorder{}
		a.bus.Subscribe(self.add, IncludeSelf(), Kinds(KindQueueRefresh))
		evs := []Event{StateChange{AccountID: 7, ChangeID: 9, Types: 1 << 3}, QueueRefresh{Queue: "q"}, SpamModelReload{}}
		for i, ev := range evs {
			seq, err := a.bus.Publish(ev)
			if err != nil || seq != uint64(i+1) {
				t.Fatalf("Publish #%d = %d, %v; want %d, nil", i, seq, err, i+1)
			}
		}
		synctest.Wait()
		time.Sleep(10 * time.Millisecond) // linger (virtual time)
		synctest.Wait()
		got := b.rec.wire()
		if len(got) != len(evs) {
			t.Fatalf("b got %d events, want %d: %+v", len(got), len(evs), got)
		}
		for i, d := range got {
			if d.From != 1 || d.Seq != uint64(i+1) || !reflect.DeepEqual(d.Event, evs[i]) {
				t.Errorf("b delivery %d = %+v, want from 1 seq %d %+v", i, d, i+1, evs[i])
			}
		}
		if w := a.rec.wire(); len(w) != 0 {
			t.Errorf("a received its own events: %+v", w)
		}
		if s := self.wire(); len(s) != 1 || s[0].Event != (QueueRefresh{Queue: "q"}) || s[0].Seq != 2 {
			t.Errorf("IncludeSelf with Kinds got %+v", s)
		}
		if st := a.bus.Stats(); st.SelfSkipped == 0 || st.Published != 3 {
			t.Errorf("a stats %+v", st)
		}
		if r := b.rec.resyncs(); len(r) != 0 {
			t.Errorf("lossless run resynced: %+v", r)
		}
		a.close()
		b.close()
	})
}

func TestBusGapResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		envelopes := 0
		h.SetFilter(func(from, to, key string) bool {
			if from == "a" && to == "b" && key == EventKey(DefaultKeyPrefix) {
				envelopes++
				return envelopes != 2 // lose the second envelope
			}
			return true
		})
		for _, q := range []string{"1", "2", "3"} {
			a.bus.Publish(QueueRefresh{Queue: q})
			time.Sleep(10 * time.Millisecond)
		}
		synctest.Wait()
		var got []string
		for _, d := range b.rec.all() {
			switch e := d.Event.(type) {
			case QueueRefresh:
				got = append(got, e.Queue)
			case Resync:
				got = append(got, "resync")
			}
		}
		if !reflect.DeepEqual(got, []string{"1", "resync", "3"}) {
			t.Fatalf("b got %v, want [1 resync 3]", got)
		}
		r := b.rec.resyncs()[0]
		if r.From != 1 || r.Reason != ReasonGap || r.Missed != 1 {
			t.Errorf("resync = %+v", r)
		}
		if got := b.bus.Stats().Resyncs[ReasonGap]; got != 1 {
			t.Errorf("stats gap resyncs = %d", got)
		}
		a.close()
		b.close()
	})
}

func TestBusTailLossCaughtByHeartbeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		a.bus.Publish(SettingsReload{})
		time.Sleep(10 * time.Millisecond)
		h.SetFilter(func(from, to, key string) bool { return false })
		a.bus.Publish(SettingsReload{Section: "lost"})
		time.Sleep(10 * time.Millisecond)
		h.SetFilter(nil)
		synctest.Wait()
		if r := b.rec.resyncs(); len(r) != 0 {
			t.Fatalf("resync before the heartbeat: %+v", r)
		}
		start := time.Now()
		time.Sleep(time.Second)
		synctest.Wait()
		r := b.rec.resyncs()
		if len(r) != 1 || r[0].Reason != ReasonGap || r[0].Missed != 1 {
			t.Fatalf("after heartbeat %v: resyncs %+v", time.Since(start), r)
		}
		a.close()
		b.close()
	})
}

func TestBusPublishQueueOverflowMakesPeersResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		cfg := testConfig(1)
		cfg.QueueSize = 2
		cfg.MaxBatchEvents = 1
		a := newTestNode(t, h, "a", cfg)
		b := newTestNode(t, h, "b", testConfig(2))
		// Stall a's publisher inside the transport with a gate.
		gated := &gateTransport{Transport: a.tr, gate: make(chan struct{})}
		a.bus.tr = gated
		var errs []error
		for i := range 6 {
			_, err := a.bus.Publish(EmailPush{AccountID: 1, EmailID: uint32(i)})
			errs = append(errs, err)
			synctest.Wait()
		}
		// The publisher holds #1 (blocked), the queue holds #2 and #3; #4..#6 are dropped.
		want := []error{nil, nil, nil, ErrQueueFull, ErrQueueFull, ErrQueueFull}
		for i := range want {
			if !errors.Is(errs[i], want[i]) {
				t.Fatalf("Publish errors %v, want %v", errs, want)
			}
		}
		close(gated.gate)
		synctest.Wait()
		a.bus.Publish(EmailPush{AccountID: 1, EmailID: 99})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		var ids []uint32
		for _, d := range b.rec.wire() {
			ids = append(ids, d.Event.(EmailPush).EmailID)
		}
		if !reflect.DeepEqual(ids, []uint32{0, 1, 2, 99}) {
			t.Errorf("b got emails %v", ids)
		}
		r := b.rec.resyncs()
		if len(r) != 1 || r[0].Reason != ReasonGap || r[0].Missed != 3 {
			t.Errorf("b resyncs %+v, want one gap of 3", r)
		}
		if st := a.bus.Stats(); st.Dropped != 3 {
			t.Errorf("a dropped %d", st.Dropped)
		}
		a.close()
		b.close()
	})
}

// gateTransport blocks Publish until gate is closed.
type gateTransport struct {
	Transport
	gate chan struct{}
}

func (g *gateTransport) Publish(ctx context.Context, key string, p []byte) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Transport.Publish(ctx, key, p)
}
