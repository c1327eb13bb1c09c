package scouting

import (
	"fmt"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// gossipTriangle builds A on segment s1, B on s1 and s2, C on s2: A and C cannot hear each
// other's multicast, but unicast is routed between the segments.
func gossipTriangle(t *testing.T, gossip bool) (*fakeMesh, []*fakeNode) {
	nw := newMemNet()
	m := newFakeMesh()
	m.latency = time.Millisecond
	cfg := DefaultConfig(wire.Peer)
	cfg.Gossip.Enabled = gossip
	cfg.Multicast.Interface = "eth0"
	a := m.addNode(t, nw, "a", testZID(1), "s1", "10.0.1.1/24", cfg)
	c := m.addNode(t, nw, "c", testZID(3), "s2", "10.0.2.3/24", cfg)
	cfgB := cfg
	cfgB.Multicast.Interface = "eth0,eth1"
	b := m.addNodeIfs(t, nw, "b", testZID(2), cfgB,
		memIface{name: "eth0", seg: "s1", addrs: []string{"10.0.1.2/24"}},
		memIface{name: "eth1", seg: "s2", addrs: []string{"10.0.2.2/24"}})
	return m, []*fakeNode{a, b, c}
}

// TestGossipFullMesh checks that A and C, which cannot hear each other's multicast, connect
// through what B gossips, and that without gossip they do not.
func TestGossipFullMesh(t *testing.T) {
	for _, gossip := range []bool{true, false} {
		t.Run(fmt.Sprint("gossip=", gossip), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m, ns := gossipTriangle(t, gossip)
				a, b, c := ns[0], ns[1], ns[2]
				for _, n := range ns {
					if err := n.sc.Start(); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(time.Second / 2)
				synctest.Wait()
				if !m.fullMesh([]*fakeNode{a, b}) || !m.fullMesh([]*fakeNode{b, c}) {
					t.Fatalf("multicast neighbours not connected: dials %v\na %+v\nb %+v\nc %+v", m.dials, a.sc.Stats(), b.sc.Stats(), c.sc.Stats())
				}
				if got := m.fullMesh(ns); got != gossip {
					t.Fatalf("full mesh = %v, want %v", got, gossip)
				}
				if gossip {
					for i, x := range ns {
						for _, y := range ns[i+1:] {
							if n := m.opened[pairKey(x.zid, y.zid)]; n != 1 {
								t.Errorf("%d transports between %v and %v, want 1", n, x.zid, y.zid)
							}
						}
					}
					// A learned C's locator from B and dialled it directly.
					var direct bool
					for _, d := range m.dials {
						direct = direct || (d.to == c.zid && d.from == a.zid && d.loc == c.locs[0]) ||
							(d.to == a.zid && d.from == c.zid && d.loc == a.locs[0])
					}
					if !direct {
						t.Errorf("no direct dial between a and c: %v", m.dials)
					}
					gn := b.sc.Gossip().Nodes()
					if len(gn) != 2 || !gn[0].Neighbour || !gn[1].Neighbour {
						t.Errorf("b's gossip graph %+v, want a and c as neighbours", gn)
					}
					for _, x := range gn {
						if len(x.Locators) != 1 || x.SN < 1 {
							t.Errorf("b's state of %v: %+v", x.ZID, x)
						}
					}
					if st := a.sc.Stats(); st.GossipReceived == 0 || st.GossipSent == 0 || st.GossipLinks != 2 {
						t.Errorf("a's stats %+v", st)
					}
				}
				for _, n := range ns {
					n.sc.Close()
				}
				m.wg.Wait()
			})
		})
	}
}

// newGossipNode is a Scouter used only for its gossip (multicast off), with a recording send.
func newGossipNode(t *testing.T, zid wire.ZenohID, cfg Config, d Dialer) *Scouter {
	t.Helper()
	cfg.Multicast.Enabled = false
	nw := newMemNet()
	h := nw.host("g", memIface{name: "eth0", seg: "s", addrs: []string{"10.0.0.1/24"}})
	sc, err := New(cfg, Options{ZID: zid, WhatAmI: wire.Peer, Network: h, Dialer: d,
		Locators: func() []wire.Locator { return []wire.Locator{"tcp/0.0.0.0:7447", "tcp/127.0.0.1:7000"} }})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	return sc
}

type recorder struct{ bodies [][]byte }

func (r *recorder) send(b []byte) error {
	r.bodies = append(r.bodies, append([]byte(nil), b...))
	return nil
}

func (r *recorder) states(t *testing.T, i int) []LinkState {
	t.Helper()
	ls, err := DecodeLinkStates(r.bodies[i], nil, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// TestGossipMessages checks what a node sends on LinkUp, to the new neighbour and to the
// others, and which locators it advertises to a local and a remote neighbour.
func TestGossipMessages(t *testing.T) {
	sc := newGossipNode(t, testZID(1), DefaultConfig(wire.Peer), nil)
	g := sc.Gossip()
	var rb, rc recorder
	if err := g.LinkUp(testZID(2), wire.Peer, netip.MustParseAddr("10.0.0.2"), rb.send); err != nil {
		t.Fatal(err)
	}
	if len(rb.bodies) != 1 {
		t.Fatalf("%d messages to b", len(rb.bodies))
	}
	s := rb.states(t, 0)
	// Self (sn 2: 1 + one link) with the non-loopback expansion of 0.0.0.0, then b (sn 0), as
	// Rust zenoh 1.10.2 sends them (captured in interop TestScoutingGossipCapture).
	if len(s) != 2 || s[0].ZID != testZID(1) || s[0].SN != 2 || s[0].WhatAmI != wire.Peer ||
		len(s[0].Locators) != 1 || s[0].Locators[0] != "tcp/10.0.0.1:7447" || s[0].Links != nil ||
		s[1].ZID != testZID(2) || s[1].HasLocators || s[1].Links != nil || s[1].SN != 0 {
		t.Fatalf("to b: %+v", s)
	}
	// A local neighbour also gets the loopback locators.
	if err := g.LinkUp(testZID(3), wire.Peer, netip.MustParseAddr("127.0.0.1"), rc.send); err != nil {
		t.Fatal(err)
	}
	s = rc.states(t, 0)
	if len(s[0].Locators) != 3 || s[0].SN != 3 || len(s) != 3 {
		t.Fatalf("to local c: %+v", s)
	}
	// b heard about c: the new neighbour (zid only) and our new self state.
	if len(rb.bodies) != 2 {
		t.Fatalf("%d messages to b", len(rb.bodies))
	}
	s = rb.states(t, 1)
	if len(s) != 2 || s[0].ZID != testZID(1) || s[0].SN != 3 || s[1].ZID != testZID(3) || s[1].HasLocators {
		t.Fatalf("update to b: %+v", s)
	}
	// b describes itself with locators: stored, and forwarded to c only.
	body, _ := AppendLinkStates(nil, []LinkState{{PSID: 0, SN: 7, ZID: testZID(2), WhatAmI: wire.Peer,
		HasLocators: true, Locators: []wire.Locator{"tcp/10.0.0.2:7447"}}})
	if err := g.Handle(testZID(2), body); err != nil {
		t.Fatal(err)
	}
	if len(rc.bodies) != 2 || len(rb.bodies) != 2 {
		t.Fatalf("forwarding: %d to c, %d to b", len(rc.bodies), len(rb.bodies))
	}
	s = rc.states(t, 1)
	if len(s) != 1 || s[0].ZID != testZID(2) || s[0].SN != 7 || s[0].Locators[0] != "tcp/10.0.0.2:7447" {
		t.Fatalf("forwarded to c: %+v", s)
	}
	// The same state again (same sn) is not forwarded; an older one neither.
	g.Handle(testZID(2), body)
	if len(rc.bodies) != 2 {
		t.Fatalf("stale state forwarded")
	}
	// A state without zid resolves through the psid mapping of that link.
	body, _ = AppendLinkStates(nil, []LinkState{{PSID: 0, SN: 8, HasLocators: true, Locators: []wire.Locator{"tcp/10.0.0.2:7448"}}})
	g.Handle(testZID(2), body)
	if len(rc.bodies) != 3 {
		t.Fatalf("state by psid not applied")
	}
	body, _ = AppendLinkStates(nil, []LinkState{{PSID: 99, SN: 8}})
	g.Handle(testZID(2), body)
	if st := sc.Stats(); st.GossipUnknownID != 1 {
		t.Errorf("GossipUnknownID = %d, want 1", st.GossipUnknownID)
	}
	// Gossip from a node that is not a neighbour, and junk, are refused and counted.
	if err := g.Handle(testZID(9), body); err == nil {
		t.Error("gossip from a non-neighbour accepted")
	}
	if err := g.Handle(testZID(2), []byte{0x05, 0x01}); err == nil {
		t.Error("junk accepted")
	}
	st := sc.Stats()
	if st.GossipMalformed != 1 || st.GossipDropped != 1 || st.GossipLinks != 2 {
		t.Errorf("stats %+v", st)
	}
	g.LinkDown(testZID(2))
	if n := g.Nodes(); len(n) != 1 || n[0].ZID != testZID(3) {
		t.Errorf("after LinkDown(b): %+v", n)
	}
	// Clients are not gossiped to (target router|peer).
	var rcl recorder
	g.LinkUp(testZID(4), wire.Client, netip.Addr{}, rcl.send)
	if len(rcl.bodies) != 0 {
		t.Errorf("gossip sent to a client")
	}
}

// TestGossipFloodBounded checks that a neighbour announcing thousands of nodes with locators
// makes a bounded number of dials at a bounded rate and leaves bounded tables.
func TestGossipFloodBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newFakeMesh()
		m.latency = time.Second
		cfg := DefaultConfig(wire.Peer)
		cfg.Gossip.Multihop = true
		self := &fakeNode{m: m, zid: testZID(1), role: wire.Peer, peers: map[wire.ZenohID]bool{}}
		sc := newGossipNode(t, self.zid, cfg, self)
		self.sc = sc
		var rb recorder
		sc.Gossip().LinkUp(testZID(2), wire.Peer, netip.MustParseAddr("10.0.0.2"), rb.send)
		lim := DefaultLimits()
		for round := range 10 {
			states := make([]LinkState, 0, lim.MaxLinkStates)
			for i := range lim.MaxLinkStates {
				var id wire.ZenohID
				id[0], id[1], id[2] = 0x77, byte(i), byte(i>>8)
				id[3] = byte(round)
				states = append(states, LinkState{PSID: uint64(i), SN: 1, ZID: id, WhatAmI: wire.Peer,
					HasLocators: true, Locators: []wire.Locator{wire.Locator(fmt.Sprintf("tcp/10.%d.%d.%d:7447", round, i>>8, i&255))}})
			}
			body, err := AppendLinkStates(nil, states)
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Gossip().Handle(testZID(2), body); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		st := sc.Stats()
		if st.Nodes > lim.MaxNodes {
			t.Errorf("%d nodes in the table, limit %d", st.Nodes, lim.MaxNodes)
		}
		if len(sc.Gossip().Nodes()) > lim.MaxNodes+1 {
			t.Errorf("%d gossip nodes, limit %d", len(sc.Gossip().Nodes()), lim.MaxNodes)
		}
		if m.maxActive > 1 {
			t.Errorf("parallel dials to one node")
		}
		// 1 s elapsed: at most the burst plus the rate, and never more than MaxDials at once.
		if max := lim.DialBurst + int(lim.DialRate)*1 + 1; len(m.dials) > max {
			t.Errorf("%d dials in 1 s, limit %d", len(m.dials), max)
		}
		if st.DialsDeferred == 0 || st.NodesEvicted == 0 {
			t.Errorf("stats %+v", st)
		}
		// Too many states in one list are refused before anything is allocated.
		big := []byte{0xff, 0xff, 0x03}
		if err := sc.Gossip().Handle(testZID(2), big); err == nil {
			t.Error("a list above MaxLinkStates was accepted")
		}
		sc.Close()
		m.wg.Wait()
	})
}

// TestGossipLinkLimit checks MaxGossipLinks.
func TestGossipLinkLimit(t *testing.T) {
	cfg := DefaultConfig(wire.Peer)
	cfg.Limits.MaxGossipLinks = 2
	sc := newGossipNode(t, testZID(1), cfg, nil)
	var r recorder
	for i := range 3 {
		err := sc.Gossip().LinkUp(testZID(byte(10+i)), wire.Peer, netip.Addr{}, r.send)
		if (err != nil) != (i == 2) {
			t.Errorf("link %d: %v", i, err)
		}
	}
	if err := sc.Gossip().LinkUp(testZID(1), wire.Peer, netip.Addr{}, r.send); err == nil {
		t.Error("LinkUp to self accepted")
	}
}
