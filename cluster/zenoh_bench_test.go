package cluster_test

import (
	"slices"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
	"github.com/gozenoh/zenoh/cluster"
)

// benchMesh starts three buses over three in-process Zenoh sessions connected by loopback TCP,
// each with a handler that counts wire deliveries (and signals each), and waits until each sees
// the three members.
func benchMesh(b *testing.B, cfg func(*cluster.ClusterConfig)) ([]*cluster.Bus, *deliveries) {
	b.Helper()
	s1 := openSession(b)
	s2 := openSession(b, s1.Info().Locators[0])
	s3 := openSession(b, s1.Info().Locators[0], s2.Info().Locators[0])
	cnt := newDeliveries()
	var buses []*cluster.Bus
	for i, s := range []*zenoh.Session{s1, s2, s3} {
		c := zenohCluster(b, i+1, zenohJSON5())
		cfg(c)
		bus, err := cluster.New(*c, cluster.NewZenohTransport(s))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { bus.Close() })
		bus.Subscribe(func(d cluster.Delivery) {
			if !d.Event.Kind().IsLocal() {
				cnt.add()
			}
		})
		buses = append(buses, bus)
	}
	for _, bus := range buses {
		waitMembers(b, bus, 3)
	}
	return buses, cnt
}

// waitCount waits until cnt reached n, failing after zTimeout.
func (c *deliveries) waitCount(b *testing.B, n uint64) {
	b.Helper()
	timer := time.NewTimer(zTimeout)
	defer timer.Stop()
	for c.n.Load() < n {
		select {
		case <-c.more:
		case <-timer.C:
			b.Fatalf("%d of %d deliveries after %v", c.n.Load(), n, zTimeout)
		}
	}
}

// BenchmarkZenohThroughput publishes events round-robin from three nodes over loopback TCP,
// each reaching the two others, with at most window events per node in flight. It reports
// published events/s and deliveries/s.
func BenchmarkZenohThroughput(b *testing.B) {
	const window = 2000
	buses, cnt := benchMesh(b, func(c *cluster.ClusterConfig) {
		c.QueueSize = 4 * window
		c.DeliveryQueue = 1 << 16
	})
	ev := cluster.StateChange{AccountID: 42, ChangeID: 7, Types: 1}
	b.ReportAllocs()
	start := time.Now()
	i := 0
	for b.Loop() {
		if _, err := buses[i%3].Publish(ev); err != nil {
			b.Fatal(err)
		}
		i++
		if i%(3*window) == 0 {
			cnt.waitCount(b, uint64(2*(i-3*window/2))) // keep half a window per node in flight
		}
	}
	cnt.waitCount(b, uint64(2*i))
	elapsed := time.Since(start)
	b.ReportMetric(float64(i)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(2*i)/elapsed.Seconds(), "deliveries/s")
	for _, bus := range buses {
		if st := bus.Stats(); st.Dropped != 0 || st.TotalResyncs() != 0 {
			b.Fatalf("stats %+v", st)
		}
	}
}

// BenchmarkZenohLatency measures publish → handler on another node over loopback TCP, one
// event at a time, with the batcher's default linger and without linger. It reports p50 and
// p99 in microseconds.
func BenchmarkZenohLatency(b *testing.B) {
	for _, bc := range []struct {
		name   string
		linger time.Duration
	}{{"linger=2ms", 0}, {"linger=0", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			buses, _ := benchMesh(b, func(c *cluster.ClusterConfig) { c.Linger = bc.linger })
			got := make(chan struct{}, 1)
			buses[1].Subscribe(func(d cluster.Delivery) {
				if d.From == 1 && !d.Event.Kind().IsLocal() {
					got <- struct{}{}
				}
			}, cluster.Kinds(cluster.KindQueueRefresh))
			ev := cluster.QueueRefresh{Queue: "local"}
			var lat []time.Duration
			timer := time.NewTimer(zTimeout)
			defer timer.Stop()
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				if _, err := buses[0].Publish(ev); err != nil {
					b.Fatal(err)
				}
				timer.Reset(zTimeout)
				select {
				case <-got:
				case <-timer.C:
					b.Fatalf("event %d not delivered", len(lat))
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			us := func(q float64) float64 {
				return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Nanoseconds()) / 1e3
			}
			b.ReportMetric(us(0.50), "p50-µs")
			b.ReportMetric(us(0.99), "p99-µs")
		})
	}
}
