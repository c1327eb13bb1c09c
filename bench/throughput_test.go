package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// sizes are the payload sizes of the throughput benchmarks.
var sizes = []struct {
	name string
	n    int
}{{"8B", 8}, {"1KiB", 1 << 10}, {"64KiB", 64 << 10}, {"1MiB", 1 << 20}}

// BenchmarkThroughputGo publishes b.N messages from one Go session to a subscriber of another,
// in the same process over loopback TCP, and reports messages and bytes per second delivered
// to the subscriber's callback.
func BenchmarkThroughputGo(b *testing.B) {
	for _, sz := range sizes {
		b.Run(fmt.Sprintf("size=%s", sz.name), func(b *testing.B) {
			a, c := goPair(b)
			var got atomic.Int64
			done := make(chan struct{}, 1)
			var want atomic.Int64
			sub, err := a.DeclareSubscriber("bench/tp", func(s zenoh.Sample) {
				if got.Add(1) == want.Load() {
					done <- struct{}{}
				}
			}, zenoh.WithQueue(4096, zenoh.Block), zenoh.WithBlockTimeout(time.Minute))
			must(b, err)
			defer sub.Close()
			pub, err := c.DeclarePublisher("bench/tp", zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
			must(b, err)
			defer pub.Close()
			for !pub.Matching() {
				time.Sleep(time.Millisecond)
			}
			payload := make([]byte, sz.n)
			ctx := context.Background()
			// warm up
			want.Store(1000)
			for range 1000 {
				must(b, pub.Put(ctx, payload))
			}
			<-done
			got.Store(0)
			b.ReportAllocs()
			b.SetBytes(int64(sz.n))
			n := 0
			start := time.Now()
			want.Store(int64(b.N))
			for b.Loop() {
				if err := pub.Put(ctx, payload); err != nil {
					b.Fatal(err)
				}
				n++
			}
			select {
			case <-done:
			case <-time.After(benchTimeout):
				b.Fatalf("received %d of %d", got.Load(), n)
			}
			el := time.Since(start)
			b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
		})
	}
}
