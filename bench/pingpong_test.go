package bench

import (
	"io"
	"net"
	"testing"
	"time"
)

// tcpEcho starts a loopback TCP server whose one goroutine echoes 64-byte messages, and returns
// a connection to it, closed with the benchmark.
func tcpEcho(b *testing.B) net.Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(b, err)
	b.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	must(b, err)
	b.Cleanup(func() { c.Close() })
	return c
}

// pingPong measures round trips: each calls send, then waits for pong. It warms up with 1000
// rounds, then runs b.N and reports the median and p99.
func pingPong(b *testing.B, send func() error, pong <-chan struct{}) {
	timer := time.NewTimer(benchTimeout)
	defer timer.Stop()
	round := func() time.Duration {
		start := time.Now()
		if err := send(); err != nil {
			b.Fatal(err)
		}
		timer.Reset(benchTimeout)
		select {
		case <-pong:
		case <-timer.C:
			b.Fatal("no pong")
		}
		return time.Since(start)
	}
	runRounds(b, round)
}

// runRounds warms up with 1000 rounds, then runs b.N and reports their median and p99.
func runRounds(b *testing.B, round func() time.Duration) {
	for range 1000 {
		round()
	}
	rtts := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		rtts = append(rtts, round())
	}
	reportLatency(b, rtts)
}
