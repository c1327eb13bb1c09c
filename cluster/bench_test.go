package cluster

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func benchEvents(n int) []RawEvent {
	evs := make([]RawEvent, n)
	for i := range evs {
		body, _ := StateChange{AccountID: uint32(i), ChangeID: uint64(i) << 20, Types: 1 << 3}.AppendBinary(nil)
		evs[i] = RawEvent{Kind: KindStateChange, Body: body}
	}
	return evs
}

var benchHeader = Header{From: 3, Incarnation: 0x1122334455667788, Seq: 1 << 20}

func BenchmarkAppendEnvelope(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			evs := benchEvents(n)
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = AppendEnvelope(buf[:0], benchHeader, evs); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

func BenchmarkParseEnvelope(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			buf, _ := AppendEnvelope(nil, benchHeader, benchEvents(n))
			var env Envelope
			b.ReportAllocs()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if err := ParseEnvelope(buf, &env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeEnvelopeEvents is the receive-side decoding of a 100-event envelope into typed
// events (one allocation per event: the Event interface value).
func BenchmarkDecodeEnvelopeEvents(b *testing.B) {
	buf, _ := AppendEnvelope(nil, benchHeader, benchEvents(100))
	var env Envelope
	b.ReportAllocs()
	for b.Loop() {
		if err := ParseEnvelope(buf, &env); err != nil {
			b.Fatal(err)
		}
		for _, re := range env.Events {
			if _, err := defaultRegistry.Decode(re.Kind, re.Body); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkBusThroughput pushes events from one node to others over the in-memory hub and
// reports delivered events per second per receiver.
func BenchmarkBusThroughput(b *testing.B) {
	for _, nodes := range []int{2, 5} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			h := NewHub(HubOptions{InboxSize: 1 << 20})
			defer h.Close()
			var buses []*Bus
			var delivered atomic.Int64
			done := make(chan struct{}, nodes)
			for i := range nodes {
				tr, _ := h.Join(fmt.Sprint(i))
				bus, err := New(ClusterConfig{NodeID: NodeID(i + 1), QueueSize: 1 << 16, Linger: -1}, tr)
				if err != nil {
					b.Fatal(err)
				}
				defer bus.Close()
				if i > 0 {
					bus.Subscribe(func(d Delivery) {
						if q, ok := d.Event.(QueueRefresh); ok && q.Queue == "end" {
							done <- struct{}{}
							return
						}
						delivered.Add(1)
					}, QueueSize(1<<20))
				}
				buses = append(buses, bus)
			}
			ev := StateChange{AccountID: 1, ChangeID: 2, Types: 8}
			pub := buses[0]
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				for {
					if _, err := pub.Publish(ev); !errors.Is(err, ErrQueueFull) {
						break
					}
					runtime.Gosched() // the benchmark producer outruns the publisher; do not count drops
				}
			}
			for {
				if _, err := pub.Publish(QueueRefresh{Queue: "end"}); err == nil {
					break
				}
				runtime.Gosched()
			}
			for range nodes - 1 {
				<-done
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(delivered.Load())/float64(nodes-1)/elapsed.Seconds(), "events/s")
			if st := pub.Stats(); st.EnvelopesSent > 0 {
				b.ReportMetric(float64(st.Published)/float64(st.EnvelopesSent), "events/envelope")
			}
		})
	}
}
