package zenoh

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestDirectSubscriber: a direct subscriber gets remote and local samples with everything they
// carry, serially, and nothing once closed.
func TestDirectSubscriber(t *testing.T) {
	a, b := pair(t)
	type got struct {
		key, payload, att, enc string
		kind                   SampleKind
		ts                     bool
	}
	ch := make(chan got, 1024)
	var running, overlap atomic.Int32
	sub, err := a.DeclareSubscriber("direct/**", func(s Sample) {
		if running.Add(1) > 1 {
			overlap.Add(1)
		}
		ch <- got{s.Key, string(s.Payload), string(s.Attachment), s.Encoding.String(), s.Kind, !s.Timestamp.IsZero()}
		running.Add(-1)
	}, WithDirect(true))
	must(t, err)
	ctx := context.Background()
	waitFor(t, "remote subscriber known", func() bool {
		must(t, b.Put(ctx, "direct/probe", nil))
		select {
		case <-ch:
			return true
		case <-time.After(10 * time.Millisecond):
			return false
		}
	})
	for len(ch) > 0 {
		<-ch
	}
	ts := NewTimestamp(time.Now(), b.ZID())
	must(t, b.Put(ctx, "direct/x", []byte("remote"), WithAttachment([]byte("att")),
		WithEncoding(EncodingTextPlain), WithTimestamp(ts)))
	g := recv(t, ch, "remote sample")
	if g != (got{"direct/x", "remote", "att", EncodingTextPlain.String(), SampleKindPut, true}) {
		t.Fatalf("remote: %+v", g)
	}
	must(t, b.Delete(ctx, "direct/x"))
	if g := recv(t, ch, "remote delete"); g.kind != SampleKindDelete || g.key != "direct/x" {
		t.Fatalf("delete: %+v", g)
	}
	must(t, a.Put(ctx, "direct/local", []byte("l")))
	if g := recv(t, ch, "local sample"); g.key != "direct/local" || g.payload != "l" {
		t.Fatalf("local: %+v", g)
	}
	// Concurrent publishers (local and remote): calls never overlap. The channel has room for
	// all, so that a callback never waits for this goroutine.
	before := sub.Stats().Delivered
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			_ = b.Put(ctx, "direct/r", []byte("r"), WithCongestionControl(CongestionControlBlock))
		}
	}()
	for range 200 {
		_ = a.Put(ctx, "direct/l", []byte("l"))
	}
	<-done
	waitFor(t, "the remote samples", func() bool { return sub.Stats().Delivered-before >= 400 })
	// Counts of samples that came with a transport's batch are added up when the batch ends.
	waitFor(t, "the session's and routing's counts", func() bool {
		st := a.Stats()
		return st.SamplesDelivered >= sub.Stats().Delivered && st.Routing.PushesDelivered >= 400
	})
	if overlap.Load() != 0 {
		t.Fatalf("%d overlapping calls", overlap.Load())
	}
	must(t, sub.Close())
	for len(ch) > 0 {
		<-ch
	}
	must(t, a.Put(ctx, "direct/after", nil))
	select {
	case g := <-ch:
		t.Fatalf("sample after Close: %+v", g)
	case <-time.After(20 * time.Millisecond):
	}
	if st := sub.Stats(); st.Delivered != st.Received || st.Dropped != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestDirectSubscriberPanicAndSelfClose: a panicking callback is counted and the subscriber goes
// on; a callback may close its own subscriber.
func TestDirectSubscriberPanicAndSelfClose(t *testing.T) {
	s := openTest(t, testConfig(t))
	ctx := context.Background()
	var calls atomic.Int32
	var sub *Subscriber
	sub, err := s.DeclareSubscriber("direct/p", func(smp Sample) {
		switch calls.Add(1) {
		case 1:
			panic("boom")
		case 2:
			must(t, sub.Close())
		}
	}, WithDirect(true))
	must(t, err)
	for range 3 {
		must(t, s.Put(ctx, "direct/p", nil))
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d calls, want 2 (panic, then close)", n)
	}
	if st := sub.Stats(); st.Panics != 1 {
		t.Fatalf("stats %+v", st)
	}
	if st := s.Stats(); st.CallbackPanics != 1 {
		t.Fatalf("session stats: %d panics", st.CallbackPanics)
	}
}

// TestDirectDeliverZeroAlloc: publish to a direct subscriber of another session allocates
// nothing in the steady state.
func TestDirectDeliverZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	a, b := pair(t)
	got := make(chan struct{}, 1)
	sub, err := a.DeclareSubscriber("alloc/**", func(s Sample) {
		if len(s.Payload) != 8 || s.Key != "alloc/x" {
			panic("bad sample")
		}
		got <- struct{}{}
	}, WithDirect(true))
	must(t, err)
	defer sub.Close()
	pub, err := b.DeclarePublisher("alloc/x", WithCongestionControl(CongestionControlBlock))
	must(t, err)
	ctx := context.Background()
	payload := []byte("12345678")
	waitFor(t, "the remote subscriber known", func() bool {
		must(t, pub.Put(ctx, payload))
		select {
		case <-got:
			return true
		case <-time.After(10 * time.Millisecond):
			return false
		}
	})
	round := func() {
		if err := pub.Put(ctx, payload); err != nil {
			t.Fatal(err)
		}
		<-got
	}
	for range 2000 {
		round()
	}
	if n := testing.AllocsPerRun(2000, round); n > 0.01 {
		t.Fatalf("%v allocations per publication", n)
	}
}
