package interop

import (
	"testing"
	"time"

	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// Churn among five `gozenoh cluster run` processes for 30 s: every second one node is killed
// (SIGKILL) and restarted, and one node is frozen with SIGSTOP for longer than the Zenoh lease,
// three times, while every node publishes. For every node and every sender, each event a node
// missed must be covered by a resync on that node (clustertest.Check).

const (
	churnDuration = 30 * time.Second
	churnTick     = 100 * time.Millisecond
	churnPerTick  = 3 // events each running node publishes per tick
	// churnLease is the Zenoh lease of the nodes (1 s instead of 10 s), so that the frozen
	// node's links expire within the test.
	churnLease  = time.Second
	churnFreeze = 2500 * time.Millisecond // longer than the lease
	// churnTunables: queues that hold a burst, so that what the test sees missing comes from the
	// churn; frequent heartbeats, so that the last losses are found quickly.
	churnTunables = "queue-size = 20000\ndelivery-queue = 20000\nheartbeat = \"200ms\""
	churnZenoh    = `
  transport: { link: { tx: { lease: 1000, keep_alive: 4 } } }`
	churnDrain = 10 * time.Second // bound on the wait for the last resyncs after the churn
)

// TestClusterChurn kills and restarts a node each second and freezes another past its lease.
func TestClusterChurn(t *testing.T) {
	ports := make([]int, meshNodes)
	for i := range ports {
		ports[i] = FreeTCPPort(t)
	}
	c := newProcCluster(t)
	configs := make([]string, meshNodes)
	nodes := make([]*nodeProc, meshNodes)
	for i := range nodes {
		configs[i] = c.writeConfig(i+1, staticZenoh(ports[i], ports, churnZenoh), churnTunables)
		nodes[i] = c.start(i+1, configs[i])
	}
	allUp := func() bool {
		for _, n := range nodes {
			if len(n.memberIDs()) != meshNodes {
				return false
			}
		}
		return true
	}
	c.waitFor("every node to see the five members", allUp)

	frozen := nodes[meshNodes-1] // node 5
	var frozenUntil time.Time
	kills, freezes, next := 0, 0, 0
	start := time.Now()
	tick := time.NewTicker(churnTick)
	defer tick.Stop()
	for now := start; now.Sub(start) < churnDuration; now = <-tick.C {
		elapsed := now.Sub(start)
		if elapsed >= time.Duration(kills+1)*time.Second { // at 1 s, 2 s, ... 29 s
			i := kills % (meshNodes - 1) // nodes 1..4 in turn
			kills++
			nodes[i].kill()
			nodes[i] = c.start(i+1, configs[i])
		}
		switch {
		case frozenUntil.IsZero() && freezes < 3 && elapsed >= time.Duration(4+10*freezes)*time.Second:
			if err := frozen.freeze(); err != nil {
				t.Fatal(err)
			}
			freezes++
			frozenUntil = now.Add(churnFreeze)
		case !frozenUntil.IsZero() && now.After(frozenUntil):
			if err := frozen.thaw(); err != nil {
				t.Fatal(err)
			}
			frozenUntil = time.Time{}
		}
		for _, n := range nodes {
			lines := make([]string, churnPerTick)
			for j := range lines {
				lines[j] = clusterEventLine(next)
				next++
			}
			if err := n.send(lines); err != nil {
				t.Fatalf("node %d: %v", n.id, err)
			}
		}
	}
	if !frozenUntil.IsZero() {
		if err := frozen.thaw(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("churn over after %v: %d kills, %d freezes of %v (lease %v), %d events sent to the nodes",
		time.Since(start).Round(time.Millisecond), kills, freezes, churnFreeze, churnLease, next)

	// Let the cluster heal and the heartbeats reveal the last gaps: wait until no missing
	// event is left uncovered (re-checking at every output line, and every 250 ms).
	c.waitFor("the cluster to heal", allUp)
	var r clustertest.Report
	deadline := time.Now().Add(churnDrain)
	recheck := time.NewTicker(250 * time.Millisecond)
	defer recheck.Stop()
	for {
		r = c.checker().Check()
		if r.Uncovered == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-c.notify:
		case <-recheck.C:
		}
	}
	for _, n := range nodes {
		if err := n.stop(); err != nil {
			t.Error(err)
		}
	}
	r = c.checker().Check()
	t.Logf("delivered %d of %d expected, duplicated %d, out of order %d, missing %d: covered by a resync %d, lost at departure %d, uncovered %d; %d resyncs; %d receivers, %d published",
		r.Delivered, r.Expected, r.Duplicated, r.OutOfOrder, r.Missing, r.Covered, r.LostAtDeparture, r.Uncovered, r.Resyncs, r.Receivers, r.Published)
	if !r.OK() {
		t.Errorf("delivery guarantees broken: %v", r)
	}
	if r.Missing == 0 || r.Covered == 0 || r.Resyncs == 0 || r.Receivers < meshNodes+kills {
		t.Errorf("the churn did not cause what it should: %v", r)
	}
	resyncs := map[string]uint64{}
	c.mu.Lock()
	for _, st := range c.stats {
		for k, v := range st {
			if len(k) > len("resyncs.") && k[:len("resyncs.")] == "resyncs." {
				resyncs[k[len("resyncs."):]] += v
			}
		}
		if st["decode_errors"] != 0 || st["collisions"] != 0 {
			t.Errorf("stats %v", st)
		}
	}
	c.mu.Unlock()
	t.Logf("resyncs by reason on the nodes that left cleanly: %v", resyncs)
	if p := c.Problems(); len(p) > 0 {
		t.Errorf("problems: %q", p)
	}
}
