package session

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// twoLinkTransport establishes a transport on a first link and attaches a second one that we
// dialled and that wins (as after a simultaneous dial with a peer of smaller ZenohID), so the
// first link is retired. It returns the raw peer ends of the old and of the new link.
func twoLinkTransport(t *testing.T) (tr *Transport, rec *recorder, sn uint32, old, win rawPeer) {
	t.Helper()
	oc, ac := testConfig(t, "f1"), testConfig(t, "a2")
	tr, rec, ar, old := pipeTransport(t, oc, ac, tcpMTU)
	o, a := handshakePair(t, oc, ac, tcpMTU)
	if o.err != nil || a.err != nil {
		t.Fatalf("second handshake: %v / %v", o.err, a.err)
	}
	if err := tr.attach(o.r, true, true, nil); err != nil {
		t.Fatal(err)
	}
	return tr, rec, ar.ourSN, old, rawPeer{t, a.r.link}
}

func keysOf(ms []recvMsg) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.key
	}
	return out
}

// TestRetiredLinkLateFrames: the peer numbers frames per transport, not per link, so its last
// frames on the link being retired and its first ones on the winner are consecutive. When the
// winner's frame is read first, the older frames still in flight on the retired link must be
// delivered, before it, not dropped as stale.
func TestRetiredLinkLateFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, rec, sn, old, win := twoLinkTransport(t)
		qos := wire.NewTransportQoS(wire.PriorityData)
		old.sendRaw(frame(t, wire.Reliable, sn, qos, push("k/0", nil, wire.NetQoSDefault)))
		rec.wait(t, 1, time.Second)
		// The winner's first frame arrives while two frames are still in flight on the old link.
		win.sendRaw(frame(t, wire.Reliable, sn+3, qos, push("k/3", nil, wire.NetQoSDefault)))
		synctest.Wait()
		if n := len(rec.messages()); n != 1 {
			t.Fatalf("frame %d delivered before the frames in flight on the retired link: %v", sn+3, keysOf(rec.messages()))
		}
		old.sendRaw(frame(t, wire.Reliable, sn+1, qos, push("k/1", nil, wire.NetQoSDefault)))
		old.sendRaw(frame(t, wire.Reliable, sn+2, qos, push("k/2", nil, wire.NetQoSDefault)))
		rec.wait(t, 3, time.Second)
		if got := fmt.Sprint(keysOf(rec.messages())); got != "[k/0 k/1 k/2 k/3]" {
			t.Fatalf("delivered %s", got)
		}
		if s := tr.Stats(); s.RxDuplicates != 0 || s.RxMessages != 4 {
			t.Fatalf("stats %+v", s)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestRetiredLinkGoneReleasesWait: a frame held for SNs that the retired link never carries is
// delivered as soon as that link goes, or after rxOrderWait at most while it stays.
func TestRetiredLinkGoneReleasesWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, rec, sn, old, win := twoLinkTransport(t)
		qos := wire.NewTransportQoS(wire.PriorityData)
		win.sendRaw(frame(t, wire.Reliable, sn+2, qos, push("k/2", nil, wire.NetQoSDefault)))
		synctest.Wait()
		if n := len(rec.messages()); n != 0 {
			t.Fatalf("delivered %v while the old link may hold earlier frames", keysOf(rec.messages()))
		}
		old.l.Close()
		rec.wait(t, 1, time.Second)
		// With one link left, a gap is delivered at once, as before.
		win.sendRaw(frame(t, wire.Reliable, sn+5, qos, push("k/5", nil, wire.NetQoSDefault)))
		rec.wait(t, 1, time.Second)
		if got := fmt.Sprint(keysOf(rec.messages())); got != "[k/2 k/5]" {
			t.Fatalf("delivered %s", got)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestHeldFrameWaitBounded: a frame waits at most rxOrderWait for a second link that stays
// open and silent (here the old link, not retired while the peer has sent nothing on it).
func TestHeldFrameWaitBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "f2")
		tr, rec, ar, _ := pipeTransport(t, oc, ac, tcpMTU)
		o, a := handshakePair(t, oc, ac, tcpMTU)
		if o.err != nil || a.err != nil {
			t.Fatalf("second handshake: %v / %v", o.err, a.err)
		}
		if err := tr.attach(o.r, false, false, nil); err != nil {
			t.Fatal(err)
		}
		lose := rawPeer{t, a.r.link}
		start := time.Now()
		lose.sendRaw(frame(t, wire.Reliable, ar.ourSN+2, wire.NewTransportQoS(wire.PriorityData), push("k/2", nil, wire.NetQoSDefault)))
		rec.wait(t, 1, 2*rxOrderWait)
		if d := time.Since(start); d != rxOrderWait {
			t.Fatalf("held %v, want %v", d, rxOrderWait)
		}
		if n := tr.linkCount(); n != 2 {
			t.Fatalf("%d links", n)
		}
		tr.Abort()
		<-tr.Done()
	})
}
