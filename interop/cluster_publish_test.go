package interop

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// TestClusterPublishCommand: `gozenoh cluster publish` joins, waits for the running node, publishes
// one event given as words, flushes and leaves; the node prints the event once and, as the
// publisher left cleanly, no resync.
func TestClusterPublishCommand(t *testing.T) {
	c := newProcCluster(t)
	ports := []int{FreeTCPPort(t), FreeTCPPort(t)}
	node := c.start(1, c.writeConfig(1, staticZenoh(ports[0], ports[:1], ""), ""))
	pubConfig := c.writeConfig(9, staticZenoh(ports[1], ports, ""), "")
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.bin, "cluster", "publish", "--config", pubConfig, "--members", "1", "--json",
		"blocked-ip", "203.0.113.7/32", "--reason", "spam").CombinedOutput()
	if err != nil {
		t.Fatalf("cluster publish: %v\n%s", err, out)
	}
	var published clusterLine
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var x clusterLine
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("publish output %q: %v", l, err)
		}
		if x.Op == clustertest.OpPublish {
			published = x
		}
	}
	if published.Seq != 1 || published.At.ID != 9 {
		t.Fatalf("publish output:\n%s", out)
	}
	c.mu.Lock()
	c.entries = append(c.entries, published.Entry)
	c.mu.Unlock()
	c.waitFor("the publisher's event and departure at node 1", func() bool {
		node.mu.Lock()
		defer node.mu.Unlock()
		return node.delivered == 1 && node.downs == 1
	})
	if err := node.stop(); err != nil {
		t.Fatal(err)
	}
	r := c.checker().Check()
	if !r.OK() || r.Published != 1 || r.Expected != 1 || r.Delivered != 1 || r.Resyncs != 0 {
		t.Errorf("%v", r)
	}
}
