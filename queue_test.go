package zenoh

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/gozenoh/zenoh/wire"
)

// testQueue starts a queue whose consumer calls fn.
func testQueue(t *testing.T, c subConfig, fn func(Sample)) (*sampleQueue, *subCounters, *apiCounters) {
	t.Helper()
	st, sess := new(subCounters), new(apiCounters)
	q := newSampleQueue(c, st, sess, nil)
	go q.run(fn)
	t.Cleanup(func() { q.close(); q.wait() })
	return q, st, sess
}

// putPush returns a Push of a Put of payload.
func putPush(payload string) *wire.Push {
	p := &wire.Push{QoS: wire.NetQoSDefault}
	p.Body.ID = wire.DataIDPut
	p.Body.Put.Payload = []byte(payload)
	return p
}

func TestQueueDeliversInOrderWithCopies(t *testing.T) {
	var got []string
	done := make(chan struct{})
	q, st, _ := testQueue(t, subConfig{queue: 8}, func(s Sample) {
		got = append(got, s.Key+"="+string(s.Payload))
		if len(got) == 100 {
			close(done)
		}
	})
	buf := []byte("x")
	for i := range 100 {
		p := putPush("")
		buf = fmt.Appendf(buf[:0], "v%d", i)
		p.Body.Put.Payload = buf // reused by the producer: the queue must copy
		q.pushSample(fmt.Sprintf("k/%d", i%3), p, wire.Reliable)
	}
	recv(t, done, "100 samples")
	for i, g := range got {
		if want := fmt.Sprintf("k/%d=v%d", i%3, i); g != want {
			t.Fatalf("sample %d: %q, want %q", i, g, want)
		}
	}
	// Deliveries are counted after each batch of calls.
	waitFor(t, "100 counted deliveries", func() bool { return st.snapshot().Delivered == 100 })
	if s := st.snapshot(); s.Received != 100 || s.Delivered != 100 || s.Dropped != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestQueueSampleFields(t *testing.T) {
	got := make(chan Sample, 1)
	q, _, _ := testQueue(t, subConfig{}, func(s Sample) { got <- s.Clone() })
	id, _ := ParseZenohID("abc")
	p := putPush("data")
	p.QoS = wire.NewNetQoS(wire.PriorityRealTime, wire.CongestionBlock, true)
	b := &p.Body.Put
	b.Encoding = EncodingTextPlain.WithSchema("utf-8").toWire()
	b.HasTimestamp, b.Timestamp = true, wire.Timestamp{Time: 42, ID: id}
	b.HasAttachment, b.Attachment = true, []byte("att")
	q.pushSample("a/b", p, wire.BestEffort)
	s := recv(t, got, "sample")
	want := Sample{Key: "a/b", Payload: []byte("data"), Kind: SampleKindPut, Encoding: NewEncoding("text/plain;utf-8"),
		Timestamp: TimestampFromNTP64(42, id), Attachment: []byte("att"), Priority: PriorityRealTime,
		CongestionControl: CongestionControlBlock, Express: true, Reliability: ReliabilityBestEffort}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
	d := &wire.Push{QoS: wire.NetQoSDefault}
	d.Body.ID = wire.DataIDDel
	q.pushSample("a/b", d, wire.Reliable)
	s = recv(t, got, "delete")
	if s.Kind != SampleKindDelete || len(s.Payload) != 0 || s.Attachment != nil || !s.Timestamp.IsZero() {
		t.Fatalf("delete: %+v", s)
	}
	q.pushToken("g/1", false)
	if s = recv(t, got, "token"); s.Kind != SampleKindDelete || s.Key != "g/1" {
		t.Fatalf("token: %+v", s)
	}
}

// blockedQueue returns a queue of capacity n whose callback blocks on the first sample until
// release is closed, and waits until that first sample is in the callback.
func blockedQueue(t *testing.T, c subConfig, delivered *[]string, mu *sync.Mutex) (q *sampleQueue, st *subCounters, release chan struct{}) {
	t.Helper()
	release = make(chan struct{})
	entered := make(chan struct{})
	var once sync.Once
	q, st, _ = testQueue(t, c, func(s Sample) {
		once.Do(func() { close(entered); <-release })
		mu.Lock()
		*delivered = append(*delivered, string(s.Payload))
		mu.Unlock()
	})
	q.pushSample("k", putPush("first"), wire.Reliable)
	recv(t, entered, "callback entered")
	return q, st, release
}

func TestQueueDropNewest(t *testing.T) {
	var mu sync.Mutex
	var got []string
	q, st, release := blockedQueue(t, subConfig{queue: 4, policy: DropNewest}, &got, &mu)
	for i := range 10 {
		q.pushSample("k", putPush(fmt.Sprint(i)), wire.Reliable)
	}
	if d := st.dropped.Load(); d != 6 {
		t.Fatalf("dropped %d, want 6", d)
	}
	close(release)
	waitFor(t, "delivery", func() bool { return st.delivered.Load() == 5 })
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != "[first 0 1 2 3]" {
		t.Fatalf("delivered %v", got)
	}
}

func TestQueueDropOldest(t *testing.T) {
	var mu sync.Mutex
	var got []string
	q, st, release := blockedQueue(t, subConfig{queue: 4, policy: DropOldest}, &got, &mu)
	for i := range 10 {
		q.pushSample("k", putPush(fmt.Sprint(i)), wire.Reliable)
	}
	if d := st.dropped.Load(); d != 6 {
		t.Fatalf("dropped %d, want 6", d)
	}
	close(release)
	waitFor(t, "delivery", func() bool { return st.delivered.Load() == 5 })
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != "[first 6 7 8 9]" {
		t.Fatalf("delivered %v", got)
	}
}

func TestQueueBytesBound(t *testing.T) {
	var mu sync.Mutex
	var got []string
	q, st, release := blockedQueue(t, subConfig{queue: 100, queueBytes: 10, policy: DropNewest}, &got, &mu)
	for range 5 {
		q.pushSample("k", putPush("abcd"), wire.Reliable) // 4 bytes each: 2 fit in 10
	}
	if d := st.dropped.Load(); d != 3 {
		t.Fatalf("dropped %d, want 3", d)
	}
	close(release)
	waitFor(t, "delivery", func() bool { return st.delivered.Load() == 3 })
	q.pushSample("k", putPush("0123456789abcdef"), wire.Reliable) // larger than the bound: accepted when empty
	waitFor(t, "large sample", func() bool { return st.delivered.Load() == 4 })
}

// TestQueueBlockBackpressure: a slow callback holds back the producer, and nothing is lost.
func TestQueueBlockBackpressure(t *testing.T) {
	var n atomic.Int64
	q, st, _ := testQueue(t, subConfig{queue: 2, blockTimeout: time.Minute}, func(Sample) {
		time.Sleep(50 * time.Microsecond)
		n.Add(1)
	})
	var wg sync.WaitGroup
	for p := range 3 { // three producers, as three transports
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				q.pushSample("k", putPush(fmt.Sprint(p, i)), wire.Reliable)
			}
		}()
	}
	wg.Wait()
	waitFor(t, "all delivered", func() bool { return n.Load() == 600 })
	if d := st.dropped.Load(); d != 0 {
		t.Fatalf("dropped %d", d)
	}
}

// TestQueueBlockedCallbackBounded: a callback that never returns holds the producer back for
// one block timeout, then the subscriber lags and drops without waiting.
func TestQueueBlockedCallbackBounded(t *testing.T) {
	var mu sync.Mutex
	var got []string
	q, st, release := blockedQueue(t, subConfig{queue: 2, blockTimeout: 20 * time.Millisecond}, &got, &mu)
	defer close(release)
	q.pushSample("k", putPush("a"), wire.Reliable)
	q.pushSample("k", putPush("b"), wire.Reliable)
	start := time.Now()
	q.pushSample("k", putPush("c"), wire.Reliable) // waits one block timeout, then drops
	if el := time.Since(start); el < 20*time.Millisecond {
		t.Fatalf("push returned after %v, before the block timeout", el)
	}
	start = time.Now()
	for range 1000 {
		q.pushSample("k", putPush("d"), wire.Reliable) // lagging: dropped at once
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("lagging pushes took %v", el)
	}
	if d := st.dropped.Load(); d != 1001 {
		t.Fatalf("dropped %d, want 1001", d)
	}
}

func TestQueueRecoversPanics(t *testing.T) {
	var n atomic.Int64
	q, st, sess := testQueue(t, subConfig{}, func(s Sample) {
		n.Add(1)
		if string(s.Payload) == "boom" {
			panic("boom")
		}
	})
	q.pushSample("k", putPush("boom"), wire.Reliable)
	q.pushSample("k", putPush("ok"), wire.Reliable)
	waitFor(t, "both", func() bool { return n.Load() == 2 })
	waitFor(t, "counted", func() bool { return st.delivered.Load() == 1 })
	if st.panics.Load() != 1 || sess.callbackPanics.Load() != 1 {
		t.Fatalf("panics %d/%d", st.panics.Load(), sess.callbackPanics.Load())
	}
}

// TestQueuePanicsWithinRound: callbacks that panic in the middle of one round of the
// consumer (two in a row, and the last one) are each counted, and every other sample of the
// round is still delivered, in order.
func TestQueuePanicsWithinRound(t *testing.T) {
	var mu sync.Mutex
	var got []string
	release := make(chan struct{})
	q, st, sess := testQueue(t, subConfig{}, func(s Sample) {
		p := string(s.Payload)
		if p == "first" {
			<-release
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
		if p[0] == 'x' {
			panic(p)
		}
	})
	q.pushSample("k", putPush("first"), wire.Reliable)
	waitFor(t, "the first callback running", func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return q.n == 0 && !q.sleeping
	})
	for _, p := range []string{"a", "x1", "x2", "b", "x3", "c", "x4"} {
		q.pushSample("k", putPush(p), wire.Reliable)
	}
	close(release)
	waitFor(t, "every sample", func() bool { return st.delivered.Load()+st.panics.Load() == 8 })
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != "[first a x1 x2 b x3 c x4]" {
		t.Fatalf("called with %v", got)
	}
	if st.panics.Load() != 4 || sess.callbackPanics.Load() != 4 || st.delivered.Load() != 4 {
		t.Fatalf("panics %d/%d, delivered %d; want 4/4 and 4", st.panics.Load(), sess.callbackPanics.Load(), st.delivered.Load())
	}
}

func TestQueueCloseFromCallback(t *testing.T) {
	var q *sampleQueue
	done := make(chan struct{})
	st, sess := new(subCounters), new(apiCounters)
	q = newSampleQueue(subConfig{}, st, sess, nil)
	go q.run(func(Sample) {
		q.close()
		q.wait() // must not wait for itself
		close(done)
	})
	q.pushSample("k", putPush("x"), wire.Reliable)
	recv(t, done, "close from callback")
	q.wait()
	q.pushSample("k", putPush("y"), wire.Reliable) // after close: ignored
	if st.received.Load() != 2 || st.delivered.Load() != 1 {
		t.Fatalf("stats %+v", st.snapshot())
	}
}

// TestQueueZeroAlloc: in the steady state, queueing and delivering a sample allocates nothing.
func TestQueueZeroAlloc(t *testing.T) {
	delivered := make(chan struct{}, 1)
	q, _, _ := testQueue(t, subConfig{queue: 64}, func(s Sample) {
		if len(s.Payload) == 0 || s.Key == "" {
			panic("bad sample")
		}
		delivered <- struct{}{}
	})
	p := putPush("payload of a sample")
	p.Body.Put.HasAttachment, p.Body.Put.Attachment = true, []byte("att")
	round := func() {
		q.pushSample("bench/key", p, wire.Reliable)
		<-delivered
	}
	for range 100 {
		round()
	}
	if n := testing.AllocsPerRun(1000, round); n != 0 {
		t.Fatalf("%v allocations per sample", n)
	}
}

// TestQueueZeroAllocLarge: large payloads go through pooled buffers, without allocation in
// the steady state either.
func TestQueueZeroAllocLarge(t *testing.T) {
	for _, size := range []int{8 << 10, 64 << 10, 1 << 20} {
		delivered := make(chan struct{}, 1)
		q, _, _ := testQueue(t, subConfig{queue: 1024}, func(s Sample) {
			if len(s.Payload) != size || s.Payload[size-1] != 7 {
				panic("bad sample")
			}
			delivered <- struct{}{}
		})
		p := putPush("")
		p.Body.Put.Payload = make([]byte, size)
		p.Body.Put.Payload[size-1] = 7
		round := func() {
			q.pushSample("bench/key", p, wire.Reliable)
			<-delivered
		}
		for range 2000 { // every ring slot used once
			round()
		}
		if n := testing.AllocsPerRun(200, round); n != 0 {
			t.Errorf("size %d: %v allocations per sample", size, n)
		}
	}
}

func TestBufPool(t *testing.T) {
	p := bufPool{max: 1 << 20}
	b := p.get(5000)
	if len(b) != 5000 || cap(b) != 8192 {
		t.Fatalf("get(5000): len %d cap %d", len(b), cap(b))
	}
	p.put(b)
	if c := p.get(8000); cap(c) != 8192 || p.bytes != 0 {
		t.Fatalf("not reused: cap %d, pool %d", cap(c), p.bytes)
	}
	for range 200 {
		p.put(make([]byte, 0, 64<<10))
	}
	if p.bytes > p.max {
		t.Fatalf("pool holds %d > %d", p.bytes, p.max)
	}
	p.put(make([]byte, 0, 10000)) // not a power of two: dropped
	if p.bytes != 1<<20 {
		t.Fatalf("pool holds %d", p.bytes)
	}
	if big := p.get(100 << 20); len(big) != 100<<20 {
		t.Fatal("huge buffer")
	}
}

// TestQueueDeferredWake: samples that come with a transport's batch do not wake a sleeping
// consumer until the batch ends (flush) or the queue is half full; other samples wake it at
// once. The consumer is asleep on its channel throughout, so nothing is delivered before a
// wake-up.
func TestQueueDeferredWake(t *testing.T) {
	got := make(chan string, 16)
	q, _, _ := testQueue(t, subConfig{queue: 8}, func(s Sample) { got <- string(s.Payload) })
	asleep := func() {
		t.Helper()
		waitFor(t, "the consumer asleep", func() bool {
			q.mu.Lock()
			defer q.mu.Unlock()
			return q.sleeping && q.n == 0
		})
	}
	expect := func(want ...string) {
		t.Helper()
		for _, w := range want {
			select {
			case g := <-got:
				if g != w {
					t.Fatalf("got %q, want %q", g, w)
				}
			case <-time.After(testTimeout):
				t.Fatalf("no sample %q", w)
			}
		}
	}
	none := func() {
		t.Helper()
		select {
		case g := <-got:
			t.Fatalf("sample %q delivered before a wake-up", g)
		default:
		}
	}
	var wb batchEnd
	asleep()
	for _, v := range []string{"a", "b", "c"} {
		q.push("k", false, putPush(v), wire.Reliable, &wb)
	}
	none()
	if len(wb.qs) != 1 {
		t.Fatalf("%d queues to wake", len(wb.qs))
	}
	q.push("k", false, putPush("d"), wire.Reliable, &wb) // half full: woken now
	expect("a", "b", "c", "d")
	wb.flush() // nothing left to wake
	asleep()
	q.push("k", false, putPush("e"), wire.Reliable, &wb)
	none()
	wb.flush()
	expect("e")
	if len(wb.qs) != 0 {
		t.Fatalf("flush left %d queues", len(wb.qs))
	}
	asleep()
	q.pushSample("k", putPush("f"), wire.Reliable) // not from a batch: at once
	expect("f")
}

// TestSlotLayout checks that a plain sample's fields fill exactly a slot's first cache line and
// that slots are a whole number of cache lines (so a ring of them keeps that line aligned).
func TestSlotLayout(t *testing.T) {
	var s slot
	if off := unsafe.Offsetof(s.hasAtt); off != 64 {
		t.Errorf("cold fields start at byte %d, want 64", off)
	}
	if sz := unsafe.Sizeof(s); sz%64 != 0 {
		t.Errorf("slot is %d bytes, not a multiple of 64", sz)
	}
}

// TestSlotReuse fills one slot with samples of every shape in turn, so that a field a sample
// left in the slot (a schema, a timestamp, an attachment, a key, a pooled payload) cannot leak
// into the next sample's view.
func TestSlotReuse(t *testing.T) {
	id, _ := ParseZenohID("abc")
	plain := func(payload string) *wire.Push { return putPush(payload) }
	full := func(payload string) *wire.Push {
		p := putPush(payload)
		b := &p.Body.Put
		b.Encoding = EncodingTextPlain.WithSchema("utf-8").toWire()
		b.HasTimestamp, b.Timestamp = true, wire.Timestamp{Time: 7, ID: id}
		b.HasAttachment, b.Attachment = true, []byte("att")
		return p
	}
	emptyAtt := func(payload string) *wire.Push {
		p := putPush(payload)
		p.Body.Put.HasAttachment = true
		return p
	}
	del := func(ts bool) *wire.Push {
		d := &wire.Push{QoS: wire.NetQoSDefault}
		d.Body.ID = wire.DataIDDel
		if ts {
			d.Body.Del.HasTimestamp, d.Body.Del.Timestamp = true, wire.Timestamp{Time: 9, ID: id}
		}
		return d
	}
	big := string(make([]byte, smallPayload+1))
	cases := []struct {
		key   string
		owned bool
		p     *wire.Push
		want  Sample
	}{
		{"k/full", false, full("0123456789abcdefXYZ"), Sample{Key: "k/full", Payload: []byte("0123456789abcdefXYZ"),
			Encoding: NewEncoding("text/plain;utf-8"), Timestamp: TimestampFromNTP64(7, id), Attachment: []byte("att")}},
		{"k/plain", true, plain("tiny"), Sample{Key: "k/plain", Payload: []byte("tiny")}},
		{"k/big", true, full(big), Sample{Key: "k/big", Payload: []byte(big), Encoding: NewEncoding("text/plain;utf-8"),
			Timestamp: TimestampFromNTP64(7, id), Attachment: []byte("att")}},
		{"k/copied", false, plain("0123456789abcdef"), Sample{Key: "k/copied", Payload: []byte("0123456789abcdef")}},
		{"k/del", true, del(true), Sample{Key: "k/del", Kind: SampleKindDelete, Timestamp: TimestampFromNTP64(9, id)}},
		{"k/empty-att", true, emptyAtt(""), Sample{Key: "k/empty-att", Payload: []byte{}, Attachment: []byte{}}},
		{"k/del2", false, del(false), Sample{Key: "k/del2", Kind: SampleKindDelete}},
		{"k/last", true, plain("x"), Sample{Key: "k/last", Payload: []byte("x")}},
	}
	var s slot
	var pool bufPool
	pool.max = 1 << 20
	var names interner
	var got Sample // reused, as the consumer does
	for round := range 2 {
		for i, c := range cases {
			s.setPush(c.key, c.owned, c.p, wire.Reliable, &pool)
			s.fill(&got, &names)
			w := c.want
			w.Priority, w.CongestionControl, w.Reliability = PriorityData, CongestionControlDrop, ReliabilityReliable
			if fmt.Sprint(got) != fmt.Sprint(w) || (w.Attachment == nil) != (got.Attachment == nil) {
				t.Fatalf("round %d case %d (%s):\ngot  %+v\nwant %+v", round, i, c.key, got, w)
			}
			s.release(&pool)
		}
	}
	if s.pooled {
		t.Fatal("a pooled buffer was not released")
	}
}

// TestSlotDroppedPooledBuffer reuses a slot whose sample DropOldest dropped while it held a
// pooled buffer (nothing released it): the buffer goes back to the pool, whatever comes next.
func TestSlotDroppedPooledBuffer(t *testing.T) {
	big := putPush(string(make([]byte, 3*smallPayload)))
	del := &wire.Push{QoS: wire.NetQoSDefault}
	del.Body.ID = wire.DataIDDel
	for _, next := range []struct {
		name string
		fill func(*slot, *bufPool)
	}{
		{"tiny", func(s *slot, p *bufPool) { s.setPush("k", true, putPush("x"), wire.Reliable, p) }},
		{"small", func(s *slot, p *bufPool) { s.setPush("k", true, putPush(string(make([]byte, 100))), wire.Reliable, p) }},
		{"delete", func(s *slot, p *bufPool) { s.setPush("k", true, del, wire.Reliable, p) }},
		{"token", func(s *slot, p *bufPool) { s.setToken("k", true, p) }},
	} {
		var s slot
		pool := bufPool{max: 1 << 20}
		s.setPush("k", true, big, wire.Reliable, &pool)
		if !s.pooled || pool.bytes != 0 {
			t.Fatalf("%s: big payload not in a pooled buffer", next.name)
		}
		next.fill(&s, &pool)
		if s.pooled || pool.bytes == 0 {
			t.Fatalf("%s: pooled=%v, pool holds %d bytes: the dropped sample's buffer was not given back", next.name, s.pooled, pool.bytes)
		}
	}
}
