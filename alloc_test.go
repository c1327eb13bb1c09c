package zenoh

import (
	"context"
	"testing"
)

// TestPublishDeliverZeroAlloc: in the steady state a publication from one session to a
// subscriber of another (publish, routing on both sides, transport, subscriber queue,
// callback) allocates nothing, in any goroutine.
func TestPublishDeliverZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	a, b := pair(t)
	got := make(chan struct{}, 1)
	stop := make(chan struct{}) // closed first on the way out: callbacks stop waiting
	signal := func(c chan struct{}) {
		select {
		case c <- struct{}{}:
		case <-stop:
		}
	}
	sub, err := a.DeclareSubscriber("alloc/**", func(s Sample) {
		if len(s.Payload) != 8 {
			panic("bad sample")
		}
		signal(got)
	})
	must(t, err)
	defer sub.Close()
	local := make(chan struct{}, 1)
	lsub, err := b.DeclareSubscriber("alloc/**", func(Sample) { signal(local) })
	must(t, err)
	defer lsub.Close()
	defer close(stop)
	pub, err := b.DeclarePublisher("alloc/x", WithCongestionControl(CongestionControlBlock))
	must(t, err)
	ctx := context.Background()
	payload := []byte("12345678")
	waitFor(t, "the remote subscriber known", func() bool {
		must(t, pub.Put(ctx, payload))
		<-local
		select {
		case <-got:
			return true
		default:
			return false
		}
	})
	round := func() {
		if err := pub.Put(ctx, payload); err != nil {
			t.Fatal(err)
		}
		<-got
		<-local
	}
	for range 2000 {
		round()
	}
	if n := testing.AllocsPerRun(2000, round); n > 0.01 {
		t.Fatalf("%v allocations per publication", n)
	}
}
