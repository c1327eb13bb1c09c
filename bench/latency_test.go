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
func BenchmarkPingPongGoChained(b *testing.B) {
	a, c := goPair(b)
	ctx := context.Background()
	back, err := c.DeclarePublisher("bench/pong", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	defer back.Close()
	subC, err := c.DeclareSubscriber("bench/ping", func(s zenoh.Sample) { _ = back.Put(ctx, s.Payload) }, zenoh.WithDirect(true))
	must(b, err)
	defer subC.Close()
	ping, err := a.DeclarePublisher("bench/ping", zenoh.WithExpress(true), zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	must(b, err)
	defer ping.Close()
	payload := make([]byte, 64)
	// The callback and the loop goroutine hand over through done (and the network, which the
	// memory model does not count): the shared state is atomic.
	var (
		start  atomic.Int64 // time.Now().UnixNano() of the ping in flight
		left   atomic.Int64
		record atomic.Bool
		rtts   []time.Duration // the callback's; read by the loop after done
		done   = make(chan struct{}, 1)
	)
	subA, err := a.DeclareSubscriber("bench/pong", func(zenoh.Sample) {
		if record.Load() {
			rtts = append(rtts, time.Duration(time.Now().UnixNano()-start.Load()))
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
	defer subA.Close()
	for !ping.Matching() || !back.Matching() {
		time.Sleep(time.Millisecond)
	}
	run := func(n int) {
		left.Store(int64(n))
		start.Store(time.Now().UnixNano())
		must(b, ping.Put(ctx, payload))
		select {
		case <-done:
		case <-time.After(benchTimeout):
			b.Fatal("no pong")
		}
	}
	run(1000) // warm up
	rtts = make([]time.Duration, 0, max(b.N, 1))
	record.Store(true)
	b.ReportAllocs()
	b.ResetTimer()
	run(b.N)
	b.StopTimer()
	reportLatency(b, rtts)
}

// BenchmarkPingPongTCP is the reference: a bare Go TCP ping-pong of 64 bytes over loopback,
// one goroutine echoing.
func BenchmarkPingPongTCP(b *testing.B) {
	c := tcpEcho(b)
	buf := make([]byte, 64)
	round := func() time.Duration {
		start := time.Now()
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	runRounds(b, round)
}
