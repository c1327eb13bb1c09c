package routing

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// TestRouteCacheNeverStale publishes on one key, from the local session and from a peer, after
// each kind of control operation: every publication sees the routes of the operation before it,
// although the previous one cached the key.
func TestRouteCacheNeverStale(t *testing.T) {
	r := New(Config{})
	k := ke(t, "k/v")
	pub := func(want int) {
		t.Helper()
		if err := r.Publish(k, putPush("hi"), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		if n := r.routes.len(); n != want {
			t.Fatalf("%d cached keys, want %d", n, want)
		}
	}
	fromPeer := "7d 00 03 <k/v> 01 02 68 69"
	toFace := hexes(fromPeer)
	in, _ := finalPeer(t, r, 9)

	pub(1) // no route at all, cached
	exact, wild := &subRecorder{}, &subRecorder{}
	s1, err := r.DeclareSubscriber(k, exact.fn)
	if err != nil {
		t.Fatal(err)
	}
	pub(1)
	eqStrings(t, "exact after declare", exact.take(), []string{"k/v=hi"})
	s2, _ := r.DeclareSubscriber(ke(t, "k/*"), wild.fn)
	handle(t, r, in, fromPeer)
	eqStrings(t, "exact from peer", exact.take(), []string{"k/v=hi"})
	eqStrings(t, "wild from peer", wild.take(), []string{"k/v=hi"})

	a, as := finalPeer(t, r, 1) // a face opens: nothing declared yet
	pub(1)
	eqStrings(t, "peer without subscriber", as.take(), nil)
	handle(t, r, a, "9e 21 08 62 01 00 04 <k/**>")
	pub(1)
	eqStrings(t, "peer after its declare", as.take(), toFace)
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, in, fromPeer) // from a peer, not to the peer a; the client has no subscriber
	eqStrings(t, "peer to peer", as.take(), nil)
	eqStrings(t, "peer to client without subscriber", cs.take(), nil)
	handle(t, r, c, "9e 21 08 62 01 00 03 <k/v>")
	cs.take()
	handle(t, r, in, fromPeer)
	eqStrings(t, "peer to client after its declare", cs.take(), toFace)
	exact.take()
	wild.take()

	if err := s1.Undeclare(); err != nil {
		t.Fatal(err)
	}
	pub(1)
	eqStrings(t, "exact after undeclare", exact.take(), nil)
	eqStrings(t, "wild still", wild.take(), []string{"k/v=hi"})
	eqStrings(t, "peer still", as.take(), toFace)
	handle(t, r, a, "9e 21 08 03 01")
	pub(1)
	eqStrings(t, "peer after its undeclare", as.take(), nil)
	eqStrings(t, "client before its close", cs.take(), append(toFace, toFace...))
	r.CloseFace(c)
	handle(t, r, in, fromPeer)
	eqStrings(t, "closed client", cs.take(), nil)
	eqStrings(t, "wild before its undeclare", wild.take(), []string{"k/v=hi", "k/v=hi"})
	_ = s2.Undeclare()
	pub(1)
	eqStrings(t, "wild after undeclare", wild.take(), nil)
	if st := r.Stats(); st.SendErrors != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestRouteCacheBounded floods the router with distinct keys: the cache stays within its
// limit and every publication is still delivered.
func TestRouteCacheBounded(t *testing.T) {
	r := New(Config{})
	var n atomic.Int64
	if _, err := r.DeclareSubscriber(ke(t, "flood/**"), func(Sample) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	const keys = 3 * maxRouteCacheKeys
	for i := range keys {
		k := ke(t, fmt.Sprintf("flood/%d", i))
		if err := r.Publish(k, putPush("x"), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		if c := r.routes.len(); c > maxRouteCacheKeys/2 {
			t.Fatalf("%d keys cached at their first miss, limit %d", c, maxRouteCacheKeys/2)
		}
	}
	most := 0
	for i := range keys { // twice each: cached at the second miss, shards fill and are emptied
		k := ke(t, fmt.Sprintf("flood/%d", i))
		for range 2 {
			if err := r.Publish(k, putPush("x"), wire.Reliable); err != nil {
				t.Fatal(err)
			}
		}
		c := r.routes.len()
		if c > maxRouteCacheKeys {
			t.Fatalf("after %d keys: %d cached, limit %d", i+1, c, maxRouteCacheKeys)
		}
		most = max(most, c)
	}
	if n.Load() != 3*keys {
		t.Fatalf("%d deliveries, want %d", n.Load(), 3*keys)
	}
	if most <= maxRouteCacheKeys*3/4 {
		t.Fatalf("at most %d keys cached: keys seen twice are not admitted", most)
	}
}

// TestRouteCacheSkipsWildcardKeys publishes on a wildcard key: it is matched every time and
// never cached.
func TestRouteCacheSkipsWildcardKeys(t *testing.T) {
	r := New(Config{})
	rec := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "a/b"), rec.fn)
	for range 2 {
		if err := r.Publish(ke(t, "a/*"), putPush("w"), wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	eqStrings(t, "wild publication", rec.take(), []string{"a/*=w", "a/*=w"})
	if c := r.routes.len(); c != 0 {
		t.Fatalf("%d keys cached", c)
	}
}

// TestRouteCacheConcurrentDeclarations publishes on one key from several goroutines while
// another declares and undeclares subscribers on it: each of its own publications reaches
// exactly the subscribers declared at that moment.
func TestRouteCacheConcurrentDeclarations(t *testing.T) {
	r := New(Config{})
	k := ke(t, "c/k")
	finalPeer(t, r, 1) // declarations go out to it while publications are routed
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for i := 0; i < 100000 && !stop.Load(); i++ {
				_ = r.Publish(k, putPush("bg"), wire.Reliable)
			}
		})
	}
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	var mine atomic.Int64 // deliveries of the main goroutine's publications
	fn := func(s Sample) {
		if string(s.Push.Body.Put.Payload) == "main" {
			mine.Add(1)
		}
	}
	for i := range 200 {
		s, err := r.DeclareSubscriber(k, fn)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Publish(k, putPush("main"), wire.Reliable)
		if got := mine.Swap(0); got != 1 {
			t.Fatalf("round %d: %d deliveries after declare", i, got)
		}
		_ = s.Undeclare()
		_ = r.Publish(k, putPush("main"), wire.Reliable)
		if got := mine.Swap(0); got != 0 {
			t.Fatalf("round %d: %d deliveries after undeclare", i, got)
		}
	}
}

// TestRouteCacheHitDoesNotAllocate routes a received Push twice: the second is a cache hit
// and allocates nothing.
func TestRouteCacheHitDoesNotAllocate(t *testing.T) {
	x := newPushFixture(t, 1)
	fwd := func() { _ = x.r.Handle(x.in, x.scope0, wire.Reliable) }
	fwd()
	if c := x.r.routes.len(); c != 1 {
		t.Fatalf("%d keys cached, want 1", c)
	}
	if a := testing.AllocsPerRun(1000, fwd); a != 0 && !raceEnabled {
		t.Errorf("%v allocations per cached Push", a)
	}
	if x.local.Load() != 1002 {
		t.Fatalf("%d local deliveries", x.local.Load())
	}
}

// BenchmarkPublishDistinctKeys publishes on more distinct keys than the route cache holds,
// round robin: every publication is a miss (the cost of a flood of distinct keys).
func BenchmarkPublishDistinctKeys(b *testing.B) {
	x := newPushFixture(b, 1)
	keys := make([]keyexpr.KeyExpr, 2*maxRouteCacheKeys)
	for i := range keys {
		keys[i] = ke(b, fmt.Sprintf("cluster/mailbox/%d", i))
	}
	p := putPush("hi")
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_ = x.r.Publish(keys[i], p, wire.Reliable)
		i = (i + 1) % len(keys)
	}
}
