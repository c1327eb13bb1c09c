package session

import (
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// waitNoAlloc waits, without allocating, until n messages in all were delivered.
func (c *countingPeer) waitNoAlloc(n int64) {
	select {
	case <-c.done:
	default:
	}
	c.target.Store(n)
	if c.n.Load() >= n {
		return
	}
	<-c.done
}

// TestSteadyStateZeroAlloc proves the whole data path allocation-free once warm: Send,
// batching, the writer, TCP, the reader, decoding, fragmentation and reassembly. Each run sends
// a burst and waits until the other transport delivered it; testing.AllocsPerRun counts the
// allocations of every goroutine meanwhile.
func TestSteadyStateZeroAlloc(t *testing.T) {
	if testing.Short() {
		t.Skip("loopback TCP")
	}
	tr, recv, stop := tcpPair(t, nil)
	defer stop()
	var total int64
	for _, size := range benchSizes {
		burst := max(1, (256<<10)/size)
		msg := push("alloc/x", make([]byte, size), wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false))
		run := func() {
			for range burst {
				if err := tr.Send(msg, wire.Reliable); err != nil {
					t.Fatal(err)
				}
			}
			total += int64(burst)
			recv.waitNoAlloc(total)
		}
		for range 3 {
			run() // warm up: batches, fragment and reassembly buffers
		}
		if a := testing.AllocsPerRun(20, run); a != 0 {
			t.Errorf("%s: %v allocations per burst of %d messages", sizeName(size), a, burst)
		}
	}
}
