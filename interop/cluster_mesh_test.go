package interop

import (
	"sync"
	"testing"
	"time"
)

// Five cluster nodes as separate `gozenoh cluster run` processes on loopback: every event
// published reaches every other node exactly once, in order per sender, counted over 10,000
// events of mixed kinds by clustertest from the nodes' JSON lines.

const (
	meshNodes  = 5
	meshEvents = 10000
	// meshTunables: a publish queue that holds a node's whole share (no event is dropped by
	// its sender), a delivery queue that holds every event a node receives (its printing
	// handler, writing JSON lines to a pipe the test reads, is slower than a burst: an
	// overflow would be covered by a resync, not exactly once), and heartbeats that reveal a
	// lost last envelope quickly.
	meshTunables = "queue-size = 20000\ndelivery-queue = 20000\nheartbeat = \"300ms\""
)

// TestClusterProcessesMulticast: the nodes find each other by multicast scouting on lo, on a
// group port of their own.
func TestClusterProcessesMulticast(t *testing.T) {
	clusterLoMulticast(t)
	port := FreeUDPPort(t)
	runMesh(t, func(c *procCluster, id int) string {
		return c.writeConfig(id, multicastZenoh(port, ""), meshTunables)
	})
}

// TestClusterProcessesStatic: no scouting; each node listens on a loopback port and connects to
// the others.
func TestClusterProcessesStatic(t *testing.T) {
	ports := make([]int, meshNodes)
	for i := range ports {
		ports[i] = FreeTCPPort(t)
	}
	runMesh(t, func(c *procCluster, id int) string {
		return c.writeConfig(id, staticZenoh(ports[id-1], ports, ""), meshTunables)
	})
}

func runMesh(t *testing.T, config func(c *procCluster, id int) string) {
	c := newProcCluster(t)
	start := time.Now()
	nodes := make([]*nodeProc, meshNodes)
	for i := range nodes {
		nodes[i] = c.start(i+1, config(c, i+1))
	}
	c.waitFor("every node to see the five members", func() bool {
		for _, n := range nodes {
			if len(n.memberIDs()) != meshNodes {
				return false
			}
		}
		return true
	})
	t.Logf("five nodes up and connected in %v", time.Since(start).Round(time.Millisecond))

	// Event i goes to node i%5; each node gets its share at once on stdin.
	shares := make([][]string, meshNodes)
	for i := range meshEvents {
		shares[i%meshNodes] = append(shares[i%meshNodes], clusterEventLine(i))
	}
	start = time.Now()
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() {
			if err := n.send(shares[i]); err != nil {
				t.Errorf("node %d: %v", n.id, err)
			}
		})
	}
	wg.Wait()
	perNode := meshEvents - meshEvents/meshNodes
	if err := c.waitUntil(clusterWait, func() bool {
		for _, n := range nodes {
			if n.deliveries() < perNode {
				return false
			}
		}
		return true
	}); err != nil {
		for _, n := range nodes {
			_ = n.send([]string{"!stats"})
		}
		_ = c.waitUntil(time.Second, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.stats) == meshNodes })
		c.mu.Lock()
		for _, st := range c.stats {
			t.Logf("stats: %v", st)
		}
		c.mu.Unlock()
		t.Fatalf("waiting for every node to deliver %d events: %v\n%v\n%s", perNode, err, c.checker().Check(), c.describe())
	}
	elapsed := time.Since(start)
	r := c.checker().Check()
	t.Logf("%d events, %d deliveries in %v (%.0f deliveries/s): %v", meshEvents, r.Delivered, elapsed.Round(time.Millisecond),
		float64(r.Delivered)/elapsed.Seconds(), r)
	if !r.OK() || r.Published != meshEvents || r.Expected != (meshNodes-1)*meshEvents || r.Delivered != r.Expected ||
		r.Missing != 0 || r.Resyncs != 0 {
		t.Errorf("not exactly once: %v", r)
	}

	// Leave; the last lines (leave, stats) come in, and no late duplicate.
	for _, n := range nodes {
		if err := n.stop(); err != nil {
			t.Error(err)
		}
	}
	r = c.checker().Check()
	if !r.OK() || r.Delivered != (meshNodes-1)*meshEvents || r.Duplicated != 0 {
		t.Errorf("after leaving: %v", r)
	}
	c.mu.Lock()
	stats := c.stats
	c.mu.Unlock()
	if len(stats) != meshNodes {
		t.Errorf("%d stats lines, want %d", len(stats), meshNodes)
	}
	for i, st := range stats {
		if st["dropped"] != 0 || st["decode_errors"] != 0 || st["duplicates"] != 0 || st["collisions"] != 0 || st["delivery_dropped"] != 0 {
			t.Errorf("stats line %d: %v", i, st)
		}
	}
	if p := c.Problems(); len(p) > 0 {
		t.Errorf("problems: %q", p)
	}
}
