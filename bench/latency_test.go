package bench

import (
	"context"
	"io"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// reportLatency reports the median and 99th percentile of the round trips.
func reportLatency(b *testing.B, rtts []time.Duration) {
	if len(rtts) == 0 {
		return
	}
	slices.Sort(rtts)
	b.ReportMetric(float64(rtts[len(rtts)/2].Nanoseconds())/1e3, "median-µs")
	b.ReportMetric(float64(rtts[len(rtts)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkPingPongGo measures the round trip of a 64-byte sample between two Go sessions in
// the same process over loopback TCP: a publishes on bench/ping, b's subscriber publishes the
// payload back on bench/pong from its callback, a's subscriber wakes the loop.
func BenchmarkPingPongGo(b *testing.B) { pingPongGo(b) }

// BenchmarkPingPongGoDirect is BenchmarkPingPongGo with direct subscribers (WithDirect: the
// callbacks run on the transports' readers, as Zenoh's callbacks do).
func BenchmarkPingPongGoDirect(b *testing.B) { pingPongGo(b, zenoh.WithDirect(true)) }

func pingPongGo(b *testing.B, subOpts ...zenoh.SubscriberOption) {
	a, c := goPair(b)
	pong := make(chan struct{}, 1)
	subA, err := a.DeclareSubscriber("bench/pong", func(zenoh.Sample) { pong <- struct{}{} }, subOpts...)
	must(b, err)
	defer subA.Close()
	back, err := c.DeclarePublisher("bench/pong", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	defer back.Close()
	ctx := context.Background()
	subC, err := c.DeclareSubscriber("bench/ping", func(s zenoh.Sample) { _ = back.Put(ctx, s.Payload) }, subOpts...)
	must(b, err)
	defer subC.Close()
	ping, err := a.DeclarePublisher("bench/ping", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	defer ping.Close()
	for !ping.Matching() || !back.Matching() {
		time.Sleep(time.Millisecond)
	}
	payload := make([]byte, 64)
	pingPong(b, func() error { return ping.Put(ctx, payload) }, pong)
}

// BenchmarkPingPongGoChained measures the same round trip without handing each pong to a
// waiting goroutine: a's direct pong subscriber notes the round trip and sends the next ping
// from its callback, so the exchange runs on the two transports' readers as the bare TCP
// echo of BenchmarkPingPongTCP runs on its goroutines (the loop goroutine only waits for the
// end). A round trip is from ping.Put to the pong's callback.
func BenchmarkPingPongGoChained(b *testing.B) { recordRounds(b, chainedPingPong(b)) }

// recordRounds warms run up with 1000 round trips, then runs b.N and reports their median
// and p99.
func recordRounds(b *testing.B, run func(n int, rtts *[]time.Duration)) {
	run(1000, nil)
	rtts := make([]time.Duration, 0, max(b.N, 1))
	b.ReportAllocs()
	b.ResetTimer()
	run(b.N, &rtts)
	b.StopTimer()
	reportLatency(b, rtts)
}

// chainedPingPong sets up BenchmarkPingPongGoChained's sessions and returns its run: n round
// trips, each appended to *rtts unless rtts is nil.
func chainedPingPong(b *testing.B) func(n int, rtts *[]time.Duration) {
	a, c := goPair(b)
	ctx := context.Background()
	back, err := c.DeclarePublisher("bench/pong", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	b.Cleanup(func() { back.Close() })
	subC, err := c.DeclareSubscriber("bench/ping", func(s zenoh.Sample) { _ = back.Put(ctx, s.Payload) }, zenoh.WithDirect(true))
	must(b, err)
	b.Cleanup(func() { subC.Close() })
	ping, err := a.DeclarePublisher("bench/ping", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	b.Cleanup(func() { ping.Close() })
	payload := make([]byte, 64)
	// The callback and the loop goroutine hand over through done (and the network, which the
	// memory model does not count): the shared state is atomic, or handed over by done.
	var (
		start atomic.Int64 // time.Now().UnixNano() of the ping in flight
		left  atomic.Int64
		rec   atomic.Pointer[[]time.Duration] // where the callback records, if anywhere
		done  = make(chan struct{}, 1)
	)
	subA, err := a.DeclareSubscriber("bench/pong", func(zenoh.Sample) {
		if r := rec.Load(); r != nil {
			*r = append(*r, time.Duration(time.Now().UnixNano()-start.Load()))
		}
		if left.Add(-1) <= 0 {
			done <- struct{}{}
			return
		}
		start.Store(time.Now().UnixNano())
		if err := ping.Put(ctx, payload); err != nil {
			panic(err)
		}
	}, zenoh.WithDirect(true))
	must(b, err)
	b.Cleanup(func() { subA.Close() })
	for !ping.Matching() || !back.Matching() {
		time.Sleep(time.Millisecond)
	}
	return func(n int, rtts *[]time.Duration) {
		rec.Store(rtts)
		left.Store(int64(n))
		start.Store(time.Now().UnixNano())
		must(b, ping.Put(ctx, payload))
		select {
		case <-done:
		case <-time.After(benchTimeout):
			b.Fatal("no pong")
		}
	}
}

// BenchmarkPingPongVsTCP measures BenchmarkPingPongGoChained's and BenchmarkPingPongTCP's
// round trips in alternating blocks of 500, so that both see the same state of the machine
// (whose speed drifts over seconds on a shared VM), and reports both medians and the ratio of
// the Go median to the TCP one (the target is at most 1.5).
func BenchmarkPingPongVsTCP(b *testing.B) {
	goRun := chainedPingPong(b)
	tcpRun := tcpPingPong(b)
	goRun(1000, nil)
	tcpRun(1000, nil)
	var g, t []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += 500 {
		n := min(500, b.N-done)
		goRun(n, &g)
		tcpRun(n, &t)
	}
	b.StopTimer()
	slices.Sort(g)
	slices.Sort(t)
	gm, tm := g[len(g)/2], t[len(t)/2]
	b.ReportMetric(float64(gm.Nanoseconds())/1e3, "go-median-µs")
	b.ReportMetric(float64(tm.Nanoseconds())/1e3, "tcp-median-µs")
	b.ReportMetric(float64(g[len(g)*99/100].Nanoseconds())/1e3, "go-p99-µs")
	b.ReportMetric(float64(t[len(t)*99/100].Nanoseconds())/1e3, "tcp-p99-µs")
	b.ReportMetric(float64(gm)/float64(tm), "go/tcp")
}

// BenchmarkPingPongTCP is the reference: a bare Go TCP ping-pong of 64 bytes over loopback,
// one goroutine echoing.
func BenchmarkPingPongTCP(b *testing.B) { recordRounds(b, tcpPingPong(b)) }

// tcpPingPong sets up BenchmarkPingPongTCP's echo and returns its run: n round trips, each
// appended to *rtts unless rtts is nil.
func tcpPingPong(b *testing.B) func(n int, rtts *[]time.Duration) {
	c := tcpEcho(b)
	buf := make([]byte, 64)
	return func(n int, rtts *[]time.Duration) {
		for range n {
			start := time.Now()
			if _, err := c.Write(buf); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(c, buf); err != nil {
				b.Fatal(err)
			}
			if rtts != nil {
				*rtts = append(*rtts, time.Since(start))
			}
		}
	}
}
