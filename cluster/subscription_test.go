package cluster

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestHandlerPanicIsRecoveredAndCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		var after []uint64
		b.bus.Subscribe(func(d Delivery) {
			if d.Seq == 1 {
				panic("handler bug")
			}
			after = append(after, d.Seq)
		}, Kinds(KindSettingsReload))
		for range 3 {
			a.bus.Publish(SettingsReload{Section: "x"})
		}
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		if st := b.bus.Stats(); st.HandlerPanics != 1 {
			t.Errorf("panics = %d", st.HandlerPanics)
		}
		if len(after) != 2 || after[0] != 2 || after[1] != 3 {
			t.Errorf("deliveries after the panic: %v", after)
		}
		a.close()
		b.close()
	})
}

func TestBlockingHandlerStallsOnlyItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		release := make(chan struct{})
		slow := &recorder{}
		b.bus.Subscribe(func(d Delivery) {
			if d.Seq == 1 {
				<-release
			}
			slow.add(d)
		}, QueueSize(4), Kinds(KindEmailPush))
		const n = 20
		a.bus.Publish(EmailPush{EmailID: 0})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait() // the slow handler now blocks in seq 1
		for i := 1; i < n; i++ {
			a.bus.Publish(EmailPush{EmailID: uint32(i)})
		}
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		// The other subscription and the transport kept going.
		if got := len(b.rec.wire()); got != n {
			t.Fatalf("fast subscription got %d, want %d", got, n)
		}
		if st := b.bus.Stats(); st.DeliveryDropped != n-1-4 {
			t.Errorf("dropped deliveries = %d, want %d", st.DeliveryDropped, n-1-4)
		}
		close(release)
		synctest.Wait()
		var seqs []uint64
		var rs []Resync
		for _, d := range slow.all() {
			if r, ok := d.Event.(Resync); ok {
				rs = append(rs, r)
				continue
			}
			seqs = append(seqs, d.Seq)
		}
		if len(seqs) != 5 || seqs[0] != 1 || seqs[4] != 5 {
			t.Errorf("slow subscription got seqs %v, want 1..5", seqs)
		}
		if len(rs) != 1 || rs[0].From != AllNodes || rs[0].Reason != ReasonOverflow || rs[0].Missed != n-5 {
			t.Errorf("slow subscription resyncs %+v", rs)
		}
		// After the overflow Resync, deliveries resume normally.
		a.bus.Publish(EmailPush{EmailID: 100})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		all := slow.all()
		if last := all[len(all)-1]; last.Seq != n+1 {
			t.Errorf("last delivery %+v", last)
		}
		a.close()
		b.close()
	})
}

func TestOverflowResyncPrecedesLaterEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		release := make(chan struct{})
		var got []string
		b.bus.Subscribe(func(d Delivery) {
			if d.Seq == 1 {
				<-release
			}
			if _, ok := d.Event.(Resync); ok {
				got = append(got, "resync")
			} else {
				got = append(got, d.Event.(QueueRefresh).Queue)
			}
		}, QueueSize(2), Kinds(KindQueueRefresh))
		for _, q := range []string{"a", "b", "c", "d"} { // a is in the handler, b c queued, d dropped
			a.bus.Publish(QueueRefresh{Queue: q})
			time.Sleep(10 * time.Millisecond)
			synctest.Wait()
		}
		close(release)
		synctest.Wait()
		a.bus.Publish(QueueRefresh{Queue: "e"})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		want := []string{"a", "b", "c", "resync", "e"}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
		a.close()
		b.close()
	})
}

func TestSubscribeChanAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		ch, sub := b.bus.SubscribeChan(Kinds(KindPushServerUpdate), ChanSize(1))
		a.bus.Publish(PushServerUpdate{AccountID: 42})
		time.Sleep(10 * time.Millisecond)
		d := <-ch
		if d.Event != (PushServerUpdate{AccountID: 42}) || d.From != 1 {
			t.Errorf("got %+v", d)
		}
		// A full channel does not block Close.
		a.bus.Publish(PushServerUpdate{AccountID: 1})
		a.bus.Publish(PushServerUpdate{AccountID: 2})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		sub.Close()
		n := 0
		for range ch {
			n++
		}
		if n > 1 {
			t.Errorf("%d deliveries after close", n)
		}
		a.close()
		b.close()
	})
}

func TestResyncHook(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		var hooked []Resync
		b := newTestNode(t, h, "b", testConfig(2), WithResyncHook(func(r Resync) { hooked = append(hooked, r) }))
		a.bus.Publish(QueueRefresh{})
		time.Sleep(10 * time.Millisecond)
		h.SetLoss(1)
		a.bus.Publish(QueueRefresh{})
		time.Sleep(10 * time.Millisecond)
		h.SetLoss(0)
		time.Sleep(time.Second)
		synctest.Wait()
		if len(hooked) != 1 || hooked[0].Reason != ReasonGap || hooked[0].From != 1 {
			t.Errorf("hook got %+v", hooked)
		}
		a.close()
		b.close()
	})
}

func TestPublishAfterClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		a.close()
		if _, err := a.bus.Publish(QueueRefresh{}); err != ErrClosed {
			t.Errorf("Publish after Close = %v", err)
		}
		if err := a.bus.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
		ch, sub := a.bus.SubscribeChan()
		if _, open := <-ch; open {
			t.Error("SubscribeChan on a closed bus delivered")
		}
		sub.Close()
		a.bus.Subscribe(func(Delivery) { t.Error("delivery on a closed bus") })
	})
}
