package zenoh

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// collector gathers samples (owned copies) from a subscriber callback.
type collector struct {
	mu sync.Mutex
	s  []Sample
	ch chan struct{}
}

func newCollector() *collector { return &collector{ch: make(chan struct{}, 1<<16)} }

func (c *collector) add(s Sample) {
	c.mu.Lock()
	c.s = append(c.s, s.Clone())
	c.mu.Unlock()
	c.ch <- struct{}{}
}

// wait waits for n samples in all and returns them.
func (c *collector) wait(t *testing.T, n int) []Sample {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		c.mu.Lock()
		if len(c.s) >= n {
			out := append([]Sample(nil), c.s...)
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		select {
		case <-c.ch:
		case <-deadline:
			t.Fatalf("got %d samples, want %d", len(c.s), n)
		}
	}
}

func keysOf(ss []Sample) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key)
	}
	sort.Strings(out)
	return out
}

func TestPutSubscribeBetweenPeers(t *testing.T) {
	a, b := pair(t)
	ctx := context.Background()
	subs := map[string]*collector{}
	// Declared in this order, they reach b in this order: once b knows the last one (the only
	// one matching demo/xyz/deep), it knows them all.
	for _, k := range []string{"demo/a", "demo/*", "demo/x$*", "demo/**"} {
		subs[k] = newCollector()
		sub, err := a.DeclareSubscriber(k, subs[k].add)
		must(t, err)
		defer sub.Close()
	}
	pub, err := b.DeclarePublisher("demo/xyz/deep")
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	ts := b.NewTimestamp()
	must(t, b.Put(ctx, "demo/a", []byte("hello"), WithEncoding(EncodingTextPlain.WithSchema("utf-8")),
		WithAttachment([]byte("att")), WithTimestamp(ts), WithPriority(PriorityInteractiveHigh),
		WithCongestionControl(CongestionControlBlock), WithExpress(true)))
	must(t, b.Put(ctx, "demo/xyz/deep", []byte("deep")))
	must(t, b.Put(ctx, "demo/xy", []byte("x$*")))
	must(t, b.Delete(ctx, "demo/a", WithAttachment([]byte("bye"))))

	got := subs["demo/a"].wait(t, 2)
	s := got[0]
	if s.Key != "demo/a" || string(s.Payload) != "hello" || s.Encoding.String() != "text/plain;utf-8" ||
		string(s.Attachment) != "att" || s.Timestamp != ts || s.Priority != PriorityInteractiveHigh ||
		s.CongestionControl != CongestionControlBlock || !s.Express || s.Kind != SampleKindPut {
		t.Fatalf("put: %+v", s)
	}
	if d := got[1]; d.Kind != SampleKindDelete || string(d.Attachment) != "bye" || len(d.Payload) != 0 {
		t.Fatalf("delete: %+v", d)
	}
	if k := keysOf(subs["demo/*"].wait(t, 3)); fmt.Sprint(k) != "[demo/a demo/a demo/xy]" {
		t.Errorf("demo/*: %v", k)
	}
	if k := keysOf(subs["demo/**"].wait(t, 4)); fmt.Sprint(k) != "[demo/a demo/a demo/xy demo/xyz/deep]" {
		t.Errorf("demo/**: %v", k)
	}
	if k := keysOf(subs["demo/x$*"].wait(t, 1)); fmt.Sprint(k) != "[demo/xy]" {
		t.Errorf("demo/x$*: %v", k)
	}
}

func TestLocalSubscriberAndPublisher(t *testing.T) {
	s := openTest(t, testConfig(t))
	c := newCollector()
	sub, err := s.DeclareSubscriber("local/**", c.add)
	must(t, err)
	defer sub.Close()
	pub, err := s.DeclarePublisher("local/a", WithEncoding(EncodingApplicationJSON))
	must(t, err)
	if !pub.Matching() {
		t.Fatal("local subscriber not matching")
	}
	must(t, pub.Put(context.Background(), []byte(`{"a":1}`)))
	must(t, pub.Delete(context.Background()))
	got := c.wait(t, 2)
	if got[0].Encoding != EncodingApplicationJSON || string(got[0].Payload) != `{"a":1}` || got[1].Kind != SampleKindDelete {
		t.Fatalf("got %+v", got)
	}
	must(t, pub.Close())
	if err := pub.Put(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("put after close: %v", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	s := openTest(t, testConfig(t))
	ctx := context.Background()
	for _, k := range []string{"", "a//b", "a/**/**", "a?b", "/a"} {
		var ke *KeyExprError
		if err := s.Put(ctx, k, nil); !errors.As(err, &ke) || !errors.Is(err, ErrInvalidKeyExpr) {
			t.Errorf("Put(%q): %v", k, err)
		}
		if _, err := s.DeclareSubscriber(k, func(Sample) {}); !errors.Is(err, ErrInvalidKeyExpr) {
			t.Errorf("DeclareSubscriber(%q): %v", k, err)
		}
		for _, err := range s.Get(ctx, k) {
			if !errors.Is(err, ErrInvalidKeyExpr) {
				t.Errorf("Get(%q): %v", k, err)
			}
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Put(cctx, "a", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled ctx: %v", err)
	}
	if err := s.Put(ctx, "a", nil, WithEncoding(NewEncoding("x/y;"+string(make([]byte, 300))))); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("long schema: %v", err)
	}
}

func TestChanSubscriber(t *testing.T) {
	a, b := pair(t)
	sub, err := a.DeclareSubscriberChan("chan/**", 4, DropNewest)
	must(t, err)
	pub, err := b.DeclarePublisher("chan/x")
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	payload := []byte("p0")
	for i := range 10 {
		payload[1] = byte('0' + i)
		must(t, pub.Put(context.Background(), payload))
	}
	waitFor(t, "received", func() bool { return sub.Stats().Received == 10 })
	if st := sub.Stats(); st.Dropped != 6 || st.Delivered != 4 {
		t.Fatalf("stats %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for i := range 4 {
		s, err := sub.Recv(ctx)
		must(t, err)
		if want := fmt.Sprintf("p%d", i); string(s.Payload) != want || s.Key != "chan/x" {
			t.Fatalf("sample %d: %q %q", i, s.Key, s.Payload)
		}
	}
	must(t, sub.Close())
	if _, err := sub.Recv(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Recv after close: %v", err)
	}
}

func TestMatchingListener(t *testing.T) {
	a, b := pair(t)
	pub, err := b.DeclarePublisher("match/x")
	must(t, err)
	events := make(chan bool, 16)
	l, err := pub.WatchMatching(func(m bool) { events <- m })
	must(t, err)
	defer l.Close()
	sub, err := a.DeclareSubscriber("match/*", func(Sample) {})
	must(t, err)
	if !recv(t, events, "matching true") {
		t.Fatal("first event false")
	}
	must(t, sub.Close())
	if recv(t, events, "matching false") {
		t.Fatal("second event true")
	}
}

// TestBlockedCallbackDoesNotStallOthers: a subscriber whose callback never returns does not
// stop another subscriber of the same session from receiving every sample.
func TestBlockedCallbackDoesNotStallOthers(t *testing.T) {
	a, b := pair(t)
	release := make(chan struct{})
	blocked, err := a.DeclareSubscriber("stall/**", func(Sample) { <-release },
		WithQueue(8, Block), WithBlockTimeout(10*time.Millisecond))
	must(t, err)
	defer func() {
		close(release) // Close waits for the callback in progress
		blocked.Close()
	}()
	var n atomic.Int64
	ok, err := a.DeclareSubscriber("stall/**", func(Sample) { n.Add(1) }, WithQueue(1<<14, Block))
	must(t, err)
	defer ok.Close()
	pub, err := b.DeclarePublisher("stall/x", WithCongestionControl(CongestionControlBlock))
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	const total = 5000
	for range total {
		must(t, pub.Put(context.Background(), []byte("x")))
	}
	waitFor(t, "all samples at the healthy subscriber", func() bool { return n.Load() == total })
	// One sample is in the callback, up to 15 more were taken from the queue with it, 8 fill
	// the queue: the others are dropped.
	waitFor(t, "all samples at the blocked subscriber", func() bool { return blocked.Stats().Received == total })
	if d := blocked.Stats().Dropped; d < total-8-deliverBatch || d > total-9 {
		t.Fatalf("blocked subscriber: %+v", blocked.Stats())
	}
	if a.Stats().SamplesDropped != blocked.Stats().Dropped {
		t.Fatalf("session stats: %+v", a.Stats())
	}
}

func TestPanickingCallbacks(t *testing.T) {
	a, b := pair(t)
	var n atomic.Int64
	sub, err := a.DeclareSubscriber("panic/**", func(s Sample) {
		n.Add(1)
		panic("subscriber panic")
	})
	must(t, err)
	defer sub.Close()
	q, err := a.DeclareQueryable("panic/q", func(*Query) { panic("queryable panic") })
	must(t, err)
	defer q.Close()
	pub, err := b.DeclarePublisher("panic/x")
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	for range 3 {
		must(t, pub.Put(context.Background(), []byte("x")))
	}
	waitFor(t, "3 calls", func() bool { return n.Load() == 3 })
	waitQueryable(t, b, "panic/q")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	start := time.Now()
	for r, err := range b.Get(ctx, "panic/q") {
		t.Fatalf("reply %v %v", r, err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("query on a panicking queryable took %v", el)
	}
	waitFor(t, "panics counted", func() bool { return a.Stats().CallbackPanics == 4 })
	// The session still works.
	c := newCollector()
	sub2, err := a.DeclareSubscriber("panic/**", c.add)
	must(t, err)
	defer sub2.Close()
	must(t, pub.Put(context.Background(), []byte("after")))
	c.wait(t, 1)
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.s)
}
