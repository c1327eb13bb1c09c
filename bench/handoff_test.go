package bench

import (
	"io"
	"net"
	"testing"
	"time"
)

// BenchmarkPingPongTCPHandoff is BenchmarkPingPongTCP with the structure every transport that
// reads in its own goroutine has (BenchmarkPingPongSession's among them): the client's pongs
// are read by a reader goroutine and handed to the sending goroutine through a channel. It is
// the floor of BenchmarkPingPongSession; the difference to BenchmarkPingPongTCP is the cost
// of that one goroutine wake-up per round trip.
func BenchmarkPingPongTCPHandoff(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(b, err)
	defer ln.Close()
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
	defer c.Close()
	pong := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			pong <- struct{}{}
		}
	}()
	buf := make([]byte, 64)
	timer := time.NewTimer(benchTimeout)
	defer timer.Stop()
	round := func() time.Duration {
		start := time.Now()
		if _, err := c.Write(buf); err != nil {
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
