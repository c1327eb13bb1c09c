package cluster

import (
	"context"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

func memberIDs(ms []Member) []NodeID {
	var ids []NodeID
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestMembersAndKilledNodeDownWithinLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lease = 10 * time.Second
		h := NewHub(HubOptions{Lease: lease})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		c := newTestNode(t, h, "c", testConfig(3))
		synctest.Wait()
		if got := memberIDs(b.bus.Members()); !reflect.DeepEqual(got, []NodeID{1, 2, 3}) {
			t.Fatalf("members = %v", got)
		}
		ms, err := ListMembers(context.Background(), b.tr, DefaultKeyPrefix)
		if err != nil || !reflect.DeepEqual(memberIDs(ms), []NodeID{1, 2, 3}) {
			t.Fatalf("ListMembers = %v, %v", ms, err)
		}
		killed := time.Now()
		h.Kill("a")
		synctest.Wait()
		if len(b.rec.of(KindMemberDown)) != 0 {
			t.Fatal("member down before the lease")
		}
		time.Sleep(lease)
		synctest.Wait()
		if len(b.rec.of(KindMemberDown)) != 0 {
			t.Fatal("member down before the token grace (its leave envelope could still arrive)")
		}
		time.Sleep(DefaultTokenGrace)
		synctest.Wait()
		downs := b.rec.of(KindMemberDown)
		if len(downs) != 1 || downs[0].Event.(MemberDown).ID != 1 {
			t.Fatalf("downs = %+v", downs)
		}
		if d := time.Since(killed); d != lease+DefaultTokenGrace {
			t.Errorf("seen down after %v, want exactly the lease and the token grace %v", d, lease+DefaultTokenGrace)
		}
		r := b.rec.resyncs()
		if len(r) != 1 || r[0].From != 1 || r[0].Reason != ReasonMemberDown {
			t.Errorf("resyncs = %+v", r)
		}
		if got := memberIDs(c.bus.Members()); !reflect.DeepEqual(got, []NodeID{2, 3}) {
			t.Errorf("members after kill = %v", got)
		}
		a.bus.Close()
		b.close()
		c.close()
	})
}

func TestCleanLeaveNeedsNoResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{Lease: time.Second})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		a.bus.Publish(QueueStatus{Running: true})
		a.bus.Publish(QueueStatus{Running: false})
		a.close() // sends the queued events, then the leave envelope, then drops the token
		synctest.Wait()
		if got := len(b.rec.wire()); got != 2 {
			t.Errorf("b got %d events, want 2", got)
		}
		if len(b.rec.of(KindMemberDown)) != 1 {
			t.Errorf("no member down: %+v", b.rec.all())
		}
		if r := b.rec.resyncs(); len(r) != 0 {
			t.Errorf("clean leave caused resyncs %+v", r)
		}
		b.close()
	})
}

func TestRestartIsResynced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{Lease: time.Second})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		a.bus.Publish(SpamModelReload{})
		time.Sleep(10 * time.Millisecond)
		h.Kill("a")
		a.bus.Close()
		a2 := newTestNode(t, h, "a", testConfig(1)) // restarted within the lease
		a2.bus.Publish(SpamModelReload{})
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		r := b.rec.resyncs()
		if len(r) == 0 || r[0].Reason != ReasonRestart || r[0].From != 1 {
			t.Fatalf("resyncs = %+v, want a restart first", r)
		}
		_, inc2 := a2.bus.Self()
		if r[0].Incarnation != inc2 {
			t.Errorf("restart resync names incarnation %x, want the new one %x", r[0].Incarnation, inc2)
		}
		time.Sleep(time.Second + DefaultTokenGrace) // the old incarnation's token expires
		synctest.Wait()
		r = b.rec.resyncs()
		if last := r[len(r)-1]; last.Reason != ReasonMemberDown {
			t.Errorf("after the lease: %+v", r)
		}
		if b.bus.Stats().Collisions != 0 {
			t.Error("a restart was reported as a collision")
		}
		if got := len(b.rec.wire()); got != 2 {
			t.Errorf("b got %d events, want 2", got)
		}
		a2.close()
		b.close()
	})
}

func TestNodeIDCollision(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(5))
		a2 := newTestNode(t, h, "a2", testConfig(5))
		c := newTestNode(t, h, "c", testConfig(3))
		for range 2 {
			a.bus.Publish(QueueRefresh{})
			time.Sleep(10 * time.Millisecond)
			a2.bus.Publish(QueueRefresh{})
			time.Sleep(10 * time.Millisecond)
		}
		synctest.Wait()
		for _, n := range []*testNode{a, a2, c} {
			if got := n.bus.Stats().Collisions; got != 1 {
				t.Errorf("node %s: collisions = %d, want 1", n.tr.Name(), got)
			}
			cs := n.rec.of(KindCollision)
			if len(cs) != 1 || cs[0].Event.(Collision).ID != 5 {
				t.Errorf("node %s: collision events %+v", n.tr.Name(), cs)
			}
		}
		// Both processes' events still reach the third node, each in its own order.
		if got := len(c.rec.wire()); got != 4 {
			t.Errorf("c got %d events, want 4", got)
		}
		a.close()
		a2.close()
		c.close()
	})
}

func TestPartitionIsResyncedOnBothSides(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lease = 3 * time.Second
		h := NewHub(HubOptions{Lease: lease})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2))
		synctest.Wait()
		h.Partition([]string{"a"}, []string{"b"})
		if _, err := a.bus.Publish(CacheInvalidateAll{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(lease + DefaultTokenGrace)
		synctest.Wait()
		if got := memberIDs(b.bus.Members()); !reflect.DeepEqual(got, []NodeID{2}) {
			t.Errorf("b members during the partition = %v", got)
		}
		h.Heal()
		synctest.Wait()
		reasons := map[ResyncReason]int{}
		for _, r := range b.rec.resyncs() {
			reasons[r.Reason]++
		}
		if reasons[ReasonMemberDown] != 1 || reasons[ReasonMemberUp] != 1 {
			t.Errorf("b resyncs by reason %v, want one member-down and one member-up", reasons)
		}
		if got := memberIDs(b.bus.Members()); !reflect.DeepEqual(got, []NodeID{1, 2}) {
			t.Errorf("b members after heal = %v", got)
		}
		a.close()
		b.close()
	})
}
