package cluster_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/cluster"
	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// churnNode is one node run in the churn tests, logging to a shared checker.
type churnNode struct {
	name string
	id   cluster.NodeID
	me   clustertest.Node
	tr   *cluster.MemTransport
	bus  *cluster.Bus
}

func startChurnNode(t *testing.T, h *cluster.Hub, chk *clustertest.Checker, name string, cfg cluster.ClusterConfig, slow time.Duration) *churnNode {
	t.Helper()
	tr, err := h.Join(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cluster.New(cfg, tr)
	if err != nil {
		t.Fatal(err)
	}
	id, inc := b.Self()
	n := &churnNode{name: name, id: id, me: clustertest.Node{ID: id, Incarnation: inc}, tr: tr, bus: b}
	var opts []cluster.SubOption
	if slow > 0 {
		opts = append(opts, cluster.QueueSize(16))
	}
	b.Subscribe(func(d cluster.Delivery) {
		switch e := d.Event.(type) {
		case cluster.Resync:
			chk.Resync(n.me, e.From)
		case cluster.MemberUp, cluster.MemberDown, cluster.Collision:
		default:
			chk.Deliver(n.me, clustertest.Node{ID: d.From, Incarnation: d.Incarnation}, d.Seq)
			if slow > 0 {
				time.Sleep(slow) // a slow handler: its queue overflows in bursts
			}
		}
	}, opts...)
	chk.Join(n.me)
	return n
}

func (n *churnNode) publish(t *testing.T, chk *clustertest.Checker, ev cluster.Event) {
	seq, err := n.bus.Publish(ev)
	if err != nil && !errors.Is(err, cluster.ErrQueueFull) {
		t.Fatalf("%s: Publish(%#v): %v", n.name, ev, err)
	}
	chk.Publish(n.me, seq)
}

func (n *churnNode) stop(chk *clustertest.Checker) {
	chk.Leave(n.me)
	_ = n.bus.Close()
	_ = n.tr.Close()
}

// mixedEvent returns the i-th event of a mix of every built-in kind.
func mixedEvent(i int) cluster.Event {
	u := uint32(i)
	switch i % 13 {
	case 0:
		return cluster.StateChange{AccountID: u % 50, ChangeID: uint64(i), Types: 1 << (i % 8)}
	case 1:
		return cluster.EmailPush{AccountID: u % 50, EmailID: u, ChangeID: uint64(i)}
	case 2:
		return cluster.CalendarAlert{AccountID: u % 50, EventID: u, UID: fmt.Sprintf("uid-%d", i), AlertID: "a1"}
	case 3:
		return cluster.PushServerUpdate{AccountID: u % 50}
	case 4:
		return cluster.CacheInvalidate{Items: []cluster.CacheItem{{Kind: cluster.CacheAccount, ID: uint64(i)}, {Kind: cluster.CacheDomain, ID: 3}}}
	case 5:
		return cluster.CacheInvalidateAll{NegativeOnly: i%2 == 0}
	case 6:
		return cluster.SettingsReload{Section: "certificate"}
	case 7:
		return cluster.ObjectChanged{Op: cluster.ObjectOp(1 + i%3), Type: "domain", ID: uint64(i)}
	case 8:
		return cluster.BlockedIP{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}), 32),
			Expires: time.Unix(1700000000+int64(i), 0).UTC(), Reason: "auth failures"}
	case 9:
		return cluster.CertificateRenewed{Names: []string{"mail.example.org"}, NotAfter: time.Unix(1800000000, 0).UTC()}
	case 10:
		return cluster.SpamModelReload{}
	case 11:
		return cluster.QueueStatus{Running: i%2 == 0}
	}
	return cluster.QueueRefresh{Queue: "local"}
}

var churnNames = []string{"a", "b", "c", "d", "e"}

func churnConfig(i int) cluster.ClusterConfig {
	return cluster.ClusterConfig{NodeID: cluster.NodeID(i + 1), Linger: time.Millisecond, Heartbeat: 500 * time.Millisecond}
}

// TestFiveNodesExactlyOnce: 10,000 events of mixed kinds from five nodes reach every other node
// exactly once, in order per sender, with no resync.
func TestFiveNodesExactlyOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := cluster.NewHub(cluster.HubOptions{Lease: time.Second})
		chk := clustertest.New()
		var nodes []*churnNode
		for i, name := range churnNames {
			nodes = append(nodes, startChurnNode(t, h, chk, name, churnConfig(i), 0))
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range 10000 {
			nodes[rng.IntN(len(nodes))].publish(t, chk, mixedEvent(i))
			if i%50 == 0 {
				time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond)
			}
		}
		time.Sleep(time.Second)
		synctest.Wait()
		r := chk.Check()
		t.Log(r)
		if !r.OK() || r.Published != 10000 || r.Expected != 4*10000 || r.Delivered != r.Expected || r.Missing != 0 || r.Resyncs != 0 {
			t.Errorf("not exactly once: %v", r)
		}
		for _, n := range nodes {
			st := n.bus.Stats()
			if st.DecodeErrors != 0 || st.Collisions != 0 || st.Dropped != 0 {
				t.Errorf("%s: stats %+v", n.name, st)
			}
			n.stop(chk)
		}
	})
}

// TestFiveNodesChurn: the same traffic with loss, reordering, two partitions (longer and
// shorter than the lease), a killed and restarted node, a publisher whose queue overflows and a
// subscriber too slow for bursts. Every event a node misses is covered by a resync.
func TestFiveNodesChurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lease = 2 * time.Second
		h := cluster.NewHub(cluster.HubOptions{Lease: lease, Seed: 7})
		chk := clustertest.New()
		nodes := make([]*churnNode, len(churnNames))
		for i, name := range churnNames {
			cfg := churnConfig(i)
			slow := time.Duration(0)
			switch name {
			case "b":
				cfg.QueueSize = 8 // its publisher overflows in bursts
			case "d":
				slow = 100 * time.Microsecond
			}
			nodes[i] = startChurnNode(t, h, chk, name, cfg, slow)
		}
		h.SetLoss(0.02)
		h.SetReorder(0.01)
		rng := rand.New(rand.NewPCG(3, 4))
		const total = 10000
		step := 0
		for i := 0; i < total; step++ {
			switch step {
			case 2000:
				h.Partition([]string{"a", "b"}, []string{"c", "d", "e"}) // healed after the lease
			case 3000:
				time.Sleep(lease + time.Second)
				h.Heal()
			case 4000:
				h.Kill("c")
				nodes[2].stop(chk)
				nodes[2] = nil
			case 4500:
				nodes[2] = startChurnNode(t, h, chk, "c", churnConfig(2), 0) // restart, same id
			case 6000:
				h.Partition([]string{"a", "c", "e"}, []string{"b", "d"}) // shorter than the lease
			case 6500:
				time.Sleep(lease / 4)
				h.Heal()
			}
			n := nodes[rng.IntN(len(nodes))]
			if n == nil {
				continue
			}
			burst := 1
			if n.name == "b" && rng.IntN(50) == 0 {
				burst = 20 // more than its queue holds
			}
			for j := 0; j < burst && i < total; j++ {
				n.publish(t, chk, mixedEvent(i))
				i++
			}
			if step%20 == 0 {
				time.Sleep(time.Duration(1+rng.IntN(5)) * time.Millisecond)
			}
		}
		h.SetLoss(0)
		h.SetReorder(0)
		time.Sleep(lease + time.Second) // heartbeats reveal the last losses
		synctest.Wait()
		r := chk.Check()
		t.Log(r)
		if !r.OK() {
			t.Errorf("delivery guarantees broken: %v", r)
		}
		if r.Missing == 0 || r.Covered == 0 || r.Published != total {
			t.Errorf("the faults did not happen: %v", r)
		}
		reasons := map[cluster.ResyncReason]uint64{}
		var collisions, dropped, overflow uint64
		for _, n := range nodes {
			st := n.bus.Stats()
			for k, v := range st.Resyncs {
				reasons[k] += v
			}
			collisions += st.Collisions
			dropped += st.Dropped
			overflow += st.DeliveryDropped
			n.stop(chk)
		}
		t.Logf("resyncs by reason %v, publish drops %d, delivery drops %d, hub %+v", reasons, dropped, overflow, h.Stats())
		for _, want := range []cluster.ResyncReason{cluster.ReasonGap, cluster.ReasonRestart, cluster.ReasonMemberDown, cluster.ReasonMemberUp, cluster.ReasonOverflow} {
			if reasons[want] == 0 {
				t.Errorf("no %v resync", want)
			}
		}
		if collisions != 0 {
			t.Errorf("%d collisions reported in a cluster with unique ids", collisions)
		}
		if dropped == 0 || overflow == 0 {
			t.Errorf("no publish drop (%d) or no delivery drop (%d)", dropped, overflow)
		}
	})
}
