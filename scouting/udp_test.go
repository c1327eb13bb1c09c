package scouting

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// The tests in this file use the host's real UDP stack, pinned to the loopback interface "lo"
// (never "auto": that would scout on the machine's real interfaces), on a free port so that
// concurrent runs do not share a group.

// loGroup returns 224.0.0.224 with a port that was free on 127.0.0.1.
func loGroup(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return netip.AddrPortFrom(netip.MustParseAddr("224.0.0.224"), uint16(c.LocalAddr().(*net.UDPAddr).Port))
}

// loopbackOrSkip fails the test when "lo" is missing; there is no fallback interface.
func loopback(t *testing.T) Interface {
	t.Helper()
	all, err := UDPNetwork{}.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	sel, err := SelectInterfaces("lo", netip.MustParseAddr("224.0.0.224"), all)
	if err != nil {
		t.Fatalf("no usable loopback interface: %v", err)
	}
	return sel[0]
}

// chanDialer reports every Dial on a channel and then counts the node as connected.
type chanDialer struct {
	mu    sync.Mutex
	conn  map[wire.ZenohID]bool
	dials chan dialRec
}

func newChanDialer() *chanDialer {
	return &chanDialer{conn: map[wire.ZenohID]bool{}, dials: make(chan dialRec, 64)}
}

func (d *chanDialer) Connected(z wire.ZenohID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn[z]
}

func (d *chanDialer) Dial(_ context.Context, z wire.ZenohID, l wire.Locator) error {
	d.mu.Lock()
	d.conn[z] = true
	d.mu.Unlock()
	select {
	case d.dials <- dialRec{to: z, loc: l, at: time.Now()}:
	default:
	}
	return nil
}

func (d *chanDialer) await(t *testing.T, timeout time.Duration) dialRec {
	t.Helper()
	select {
	case r := <-d.dials:
		return r
	case <-time.After(timeout):
		t.Fatalf("no dial within %v", timeout)
		return dialRec{}
	}
}

func loConfig(group netip.AddrPort) Config {
	cfg := DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = "lo"
	cfg.Multicast.Address = group
	return cfg
}

// TestUDPLoopbackDiscovery runs two Scouters in this process on lo: each must hear the other
// (SO_REUSEADDR on the shared group port, multicast loopback on the scout sockets) and dial
// the other's loopback locator, within a few milliseconds.
func TestUDPLoopbackDiscovery(t *testing.T) {
	loopback(t)
	group := loGroup(t)
	type node struct {
		sc *Scouter
		d  *chanDialer
		l  wire.Locator
	}
	var ns []node
	for i := range 2 {
		d := newChanDialer()
		loc := wire.Locator("tcp/127.0.0.1:" + itoa(17000+i))
		sc, err := New(loConfig(group), Options{ZID: testZID(byte(i + 1)), WhatAmI: wire.Peer, Dialer: d,
			Locators: func() []wire.Locator { return []wire.Locator{loc} }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sc.Close() })
		ns = append(ns, node{sc, d, loc})
	}
	start := time.Now()
	for _, n := range ns {
		if err := n.sc.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range ns {
		other := ns[1-i]
		r := n.d.await(t, 3*time.Second)
		if r.to != other.sc.opt.ZID || r.loc != other.l {
			t.Errorf("node %d dialled %v via %s, want %v via %s", i, r.to, r.loc, other.sc.opt.ZID, other.l)
		}
		t.Logf("node %d dialled after %v", i, r.at.Sub(start))
	}
	for i, n := range ns {
		// The responder may still be reading its own looped-back Scout: give it a moment.
		good := func(st Stats) bool {
			return st.ScoutsFromSelf > 0 && st.ScoutsAnswered > 0 && st.HellosAccepted > 0 && st.Malformed == 0
		}
		st := n.sc.Stats()
		for end := time.Now().Add(time.Second); !good(st) && time.Now().Before(end); st = n.sc.Stats() {
			time.Sleep(time.Millisecond)
		}
		if !good(st) {
			t.Errorf("node %d stats %+v", i, st)
		}
	}
}

// TestUDPOversizedAndForged sends junk to a real listening socket on lo.
func TestUDPOversizedAndForged(t *testing.T) {
	loopback(t)
	group := loGroup(t)
	cfg := loConfig(group)
	cfg.Multicast.Autoconnect.Matcher = 0
	sc, err := New(cfg, Options{ZID: testZID(1), WhatAmI: wire.Peer,
		Locators: func() []wire.Locator { return []wire.Locator{"tcp/127.0.0.1:7447"} }})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	pc, err := UDPNetwork{}.ListenScout(group, loopback(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	for _, b := range [][]byte{make([]byte, 2000), {0x01}, {0x01, 0x09, 0x02}} {
		if _, err := pc.WriteTo(b, group); err != nil {
			t.Fatal(err)
		}
	}
	// The valid Scout (the last datagram) is answered: once its Hello is back, the two
	// datagrams before it have been handled too.
	pc.(*udpConn).c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 2000)
	n, src, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := wire.DecodeScouting(buf[:n])
	if err != nil || m.ID != wire.ScoutingIDHello || m.Hello.ZID != testZID(1) || len(m.Hello.Locators) != 1 {
		t.Fatalf("reply %v %+v", err, m)
	}
	if !src.Addr().IsLoopback() {
		t.Errorf("Hello from %v", src)
	}
	// The counter follows the send; give it a bounded moment.
	st := sc.Stats()
	for end := time.Now().Add(time.Second); st.ScoutsAnswered == 0 && time.Now().Before(end); st = sc.Stats() {
		time.Sleep(time.Millisecond)
	}
	if st.Oversized != 1 || st.Malformed != 1 || st.ScoutsAnswered != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestUDPInterfacesSeen checks that the real interface list has lo with its address.
func TestUDPInterfacesSeen(t *testing.T) {
	lo := loopback(t)
	if lo.Name != "lo" || !hasAddr(lo, netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("lo = %+v", lo)
	}
}
