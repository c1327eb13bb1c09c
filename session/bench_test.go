package session

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// countingPeer counts delivered messages and signals when a target is reached.
type countingPeer struct {
	n      atomic.Int64
	target atomic.Int64
	done   chan struct{}
}

func newCountingPeer() *countingPeer { return &countingPeer{done: make(chan struct{}, 1)} }

func (c *countingPeer) TransportUp(*Transport) (PeerHandler, error) { return c, nil }
func (c *countingPeer) HandleNetwork(*wire.NetworkMessage, wire.Reliability) {
	if c.n.Add(1) == c.target.Load() {
		select {
		case c.done <- struct{}{}:
		default:
		}
	}
}
func (c *countingPeer) TransportDown(error) {}

// waitFor waits until n messages in all were delivered.
func (c *countingPeer) waitFor(tb testing.TB, n int64) {
	tb.Helper()
	c.target.Store(n)
	if c.n.Load() >= n {
		return
	}
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		tb.Fatalf("delivered %d of %d", c.n.Load(), n)
	}
}

// tcpPair connects two managers over loopback TCP and returns the sender's transport and the
// receiver's counter.
func tcpPair(tb testing.TB, mod func(*Config)) (*Transport, *countingPeer, func()) {
	tb.Helper()
	ca := DefaultConfig()
	ca.Listen = []string{"tcp/127.0.0.1:0"}
	if mod != nil {
		mod(&ca)
	}
	recv := newCountingPeer()
	a, err := NewManager(ca, recv)
	if err != nil {
		tb.Fatal(err)
	}
	if err := a.Start(); err != nil {
		tb.Fatal(err)
	}
	cb := DefaultConfig()
	if mod != nil {
		mod(&cb)
	}
	b, err := NewManager(cb, newCountingPeer())
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, err := b.Open(ctx, a.Locators()[0])
	if err != nil {
		tb.Fatal(err)
	}
	return tr, recv, func() { b.Close(); a.Close() }
}

var benchSizes = []int{8, 1 << 10, 64 << 10, 1 << 20}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// BenchmarkTransportPush sends Push messages of each size over one transport on loopback TCP
// and waits until the receiving transport has decoded and delivered all of them. One op is
// one message.
func BenchmarkTransportPush(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			tr, recv, stop := tcpPair(b, benchCfg)
			defer stop()
			msg := push("bench/push", make([]byte, size), wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false))
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var sent int64
			start := time.Now()
			for b.Loop() {
				if err := tr.Send(msg, wire.Reliable); err != nil {
					b.Fatal(err)
				}
				sent++
			}
			recv.waitFor(b, sent)
			b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

// BenchmarkTCPCeiling is the loopback TCP reference: raw writes of each size (with a 2-byte
// prefix, as a batch would have), read whole on the other side, one write per message.
func BenchmarkTCPCeiling(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			got := make(chan int64, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				n, _ := io.Copy(io.Discard, c)
				got <- n
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, size+2)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var sent int64
			start := time.Now()
			for b.Loop() {
				if _, err := c.Write(buf); err != nil {
					b.Fatal(err)
				}
				sent++
			}
			c.(*net.TCPConn).CloseWrite()
			if n := <-got; n != sent*int64(size+2) {
				b.Fatalf("read %d bytes", n)
			}
			c.Close()
			b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}

var benchCfg func(*Config)
