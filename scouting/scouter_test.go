package scouting

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// TestScoutSchedule checks that Scouts leave at 0, 1, 3, 7, 15 and 23 s, like Rust zenoh's,
// and that they are Rust's bytes with our matcher.
func TestScoutSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		cfg := testConfig()
		cfg.Multicast.Listen = false
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", cfg)
		obs := nw.host("obs", memIface{name: "eth0", seg: "lan", addrs: []string{"10.0.0.9/24"}})
		pc, err := obs.ListenGroup(DefaultGroup, obs.ifaces[1:])
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var at []time.Duration
		var msgs [][]byte
		done := make(chan struct{})
		go func() {
			defer close(done)
			buf := make([]byte, 100)
			for {
				n, _, _, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				at = append(at, time.Since(start))
				msgs = append(msgs, append([]byte(nil), buf[:n]...))
			}
		}()
		if err := a.sc.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(23*time.Second + 500*time.Millisecond)
		synctest.Wait()
		a.sc.Close()
		pc.Close()
		<-done
		want := []time.Duration{0, 1, 3, 7, 15, 23}
		for i := range want {
			want[i] *= time.Second
		}
		if !slices.Equal(at, want) {
			t.Errorf("Scouts at %v, want %v", at, want)
		}
		for _, b := range msgs {
			if string(b) != "\x01\x09\x07" {
				t.Fatalf("Scout bytes % x, want 01 09 07", b)
			}
		}
		if st := a.sc.Stats(); st.ScoutsSent != 6 {
			t.Errorf("ScoutsSent = %d, want 6", st.ScoutsSent)
		}
	})
}

// TestDiscoverAndConnect checks that two peers on a segment find each other through
// multicast and open exactly one transport although both dial (strategy always).
func TestDiscoverAndConnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		m.latency = time.Millisecond
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", testConfig())
		b := m.addNode(t, nw, "b", testZID(2), "lan", "10.0.0.2/24", testConfig())
		for _, n := range []*fakeNode{a, b} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		if !m.fullMesh([]*fakeNode{a, b}) {
			t.Fatal("a and b are not connected after 100 ms")
		}
		if got := m.opened[pairKey(a.zid, b.zid)]; got != 1 {
			t.Errorf("transports opened between a and b = %d, want 1", got)
		}
		if m.self != 0 {
			t.Errorf("%d dials to self", m.self)
		}
		// Each saw the other's Hello and dialled it with the advertised locator.
		for _, d := range m.dials {
			if want := m.nodeByZID(d.to).locs[0]; d.loc != want {
				t.Errorf("dial to %v via %s, want %s", d.to, d.loc, want)
			}
		}
		// Later Scouts find the transport and do not dial again.
		n := len(m.dials)
		time.Sleep(20 * time.Second)
		synctest.Wait()
		if len(m.dials) != n {
			t.Errorf("%d more dials after the transport was up", len(m.dials)-n)
		}
		st := a.sc.Stats()
		if st.SkippedConnected == 0 || st.ScoutsAnswered == 0 || st.HellosAccepted == 0 {
			t.Errorf("stats %+v", st)
		}
		a.sc.Close()
		b.sc.Close()
		m.wg.Wait()
	})
}

func (m *fakeMesh) nodeByZID(z wire.ZenohID) *fakeNode {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range m.nodes {
		if n.zid == z {
			return n
		}
	}
	return nil
}

// TestHelloLocatorsPerInterface checks that a node with two interfaces advertises, to a scouter
// on each, only the locators of that interface, and that a listener on 0.0.0.0 is expanded to
// the arrival interface's address.
func TestHelloLocatorsPerInterface(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		h := nw.host("multi",
			memIface{name: "eth0", seg: "lan0", addrs: []string{"10.0.0.1/24"}},
			memIface{name: "eth1", seg: "lan1", addrs: []string{"192.168.5.1/24"}},
			memIface{name: "docker0", seg: "dock", addrs: []string{"172.17.0.1/16"}})
		cfg := DefaultConfig(wire.Router) // routers only answer
		cfg.Multicast.Interface = "eth0,eth1"
		own := []wire.Locator{"tcp/10.0.0.1:7447", "tcp/192.168.5.1:7447", "tcp/172.17.0.1:7447",
			"tcp/127.0.0.1:7447", "udp/0.0.0.0:7448", "unixsock-stream/tmp/z.sock"}
		sc, err := New(cfg, Options{ZID: testZID(9), WhatAmI: wire.Router, Locators: func() []wire.Locator { return own }, Network: h})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(); err != nil {
			t.Fatal(err)
		}
		defer sc.Close()
		ask := func(seg, addr string) []wire.Locator {
			t.Helper()
			name := "scouter-" + seg
			s := nw.host(name, memIface{name: "eth0", seg: seg, addrs: []string{addr}})
			pc, err := s.ListenScout(DefaultGroup, s.ifaces[1], 1)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			if _, err := pc.WriteTo([]byte{0x01, 0x09, 0x01}, DefaultGroup); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			buf := make([]byte, 1000)
			got := make(chan []wire.Locator, 1)
			go func() {
				n, _, _, err := pc.ReadFrom(buf)
				if err != nil {
					got <- nil
					return
				}
				m, _, err := wire.DecodeScouting(buf[:n])
				if err != nil || m.ID != wire.ScoutingIDHello {
					t.Errorf("reply does not decode as a Hello: %v", err)
					got <- nil
					return
				}
				got <- m.Hello.Locators
			}()
			synctest.Wait()
			select {
			case l := <-got:
				return l
			default:
				pc.Close()
				<-got
				return nil
			}
		}
		l0 := ask("lan0", "10.0.0.7/24")
		want0 := []wire.Locator{"tcp/10.0.0.1:7447", "udp/10.0.0.1:7448"}
		if !slices.Equal(l0, want0) {
			t.Errorf("Hello on eth0 advertises %v, want %v", l0, want0)
		}
		l1 := ask("lan1", "192.168.5.20/24")
		want1 := []wire.Locator{"tcp/192.168.5.1:7447", "udp/192.168.5.1:7448"}
		if !slices.Equal(l1, want1) {
			t.Errorf("Hello on eth1 advertises %v, want %v", l1, want1)
		}
		// docker0 is not selected: nobody there is answered.
		if l := ask("dock", "172.17.0.5/16"); l != nil {
			t.Errorf("answered on an unselected interface: %v", l)
		}
	})
}

// TestAutoconnectMatcher checks the matcher and the greater-zid strategy.
func TestAutoconnectMatcher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		cfgA := testConfig()
		cfgA.Multicast.Autoconnect = Autoconnect{Matcher: wire.WhatAmIMatcher(wire.Router)}
		a := m.addNode(t, nw, "a", testZID(5), "lan", "10.0.0.1/24", cfgA)
		b := m.addNode(t, nw, "b", testZID(6), "lan", "10.0.0.2/24", cfgA)
		// a and b only want routers: neither dials the other.
		for _, n := range []*fakeNode{a, b} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if len(m.dials) != 0 {
			t.Fatalf("dials %v with a router-only matcher between peers", m.dials)
		}
		if st := a.sc.Stats(); st.ScoutsNotForUs == 0 {
			t.Errorf("a did not ignore b's router-only Scouts: %+v", st)
		}
		a.sc.Close()
		b.sc.Close()

		// greater-zid: only the node with the greater id dials.
		cfgG := testConfig()
		cfgG.Multicast.Autoconnect.Strategy = UniformStrategy(StrategyGreaterZID)
		c := m.addNode(t, nw, "c", testZID(0x10), "lan2", "10.1.0.1/24", cfgG)
		d := m.addNode(t, nw, "d", testZID(0x20), "lan2", "10.1.0.2/24", cfgG)
		for _, n := range []*fakeNode{c, d} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if !m.fullMesh([]*fakeNode{c, d}) {
			t.Fatal("c and d not connected")
		}
		for _, r := range m.dials {
			if r.from != d.zid {
				t.Errorf("dial from %v; only the greater id %v should dial", r.from, d.zid)
			}
		}
		c.sc.Close()
		d.sc.Close()
		m.wg.Wait()
	})
}

// TestUnreachableLocator checks that an advertised address that swallows connection attempts
// (docker0, a VPN; Zenoh #2090) delays the connection by the stagger, not by the dial timeout.
func TestUnreachableLocator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		cfg := testConfig()
		cfg.Multicast.Listen = false
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", cfg)
		b := m.addNode(t, nw, "b", testZID(2), "lan", "10.0.0.2/24", DefaultConfig(wire.Router))
		b.role = wire.Peer
		hole := wire.Locator("tcp/10.0.0.2:9999")
		m.blackhole[hole] = true
		b.locs = []wire.Locator{hole, b.locs[0]} // the black hole is advertised first
		if err := b.sc.Start(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := a.sc.Start(); err != nil {
			t.Fatal(err)
		}
		for !m.fullMesh([]*fakeNode{a, b}) && time.Since(start) < 10*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		took := time.Since(start)
		if !m.fullMesh([]*fakeNode{a, b}) {
			t.Fatal("not connected")
		}
		lim := DefaultLimits()
		if took > lim.DialStagger+50*time.Millisecond {
			t.Errorf("connected after %v, want about the stagger %v (the dial timeout is %v)", took, lim.DialStagger, lim.DialTimeout)
		}
		synctest.Wait()
		st := a.sc.Stats()
		if st.LocatorAttempts != 2 || st.DialsSucceeded != 1 {
			t.Errorf("stats %+v", st)
		}
		a.sc.Close()
		b.sc.Close()
		m.wg.Wait()
	})
}

// TestDialOncePerNodeAndBackoff checks that repeated Hellos never start a second dial to a
// node while one runs, and that a failing node is retried with a growing back-off.
func TestDialOncePerNodeAndBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		m.latency = 3 * time.Second // longer than the per-locator timeout: every dial fails
		cfg := testConfig()
		cfg.ScoutPeriod, cfg.ScoutMaxPeriod = 100*time.Millisecond, 100*time.Millisecond
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", cfg)
		b := m.addNode(t, nw, "b", testZID(2), "lan", "10.0.0.2/24", DefaultConfig(wire.Router))
		b.role = wire.Peer
		for _, n := range []*fakeNode{b, a} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(20 * time.Second)
		synctest.Wait()
		a.sc.Close()
		b.sc.Close()
		if m.maxActive != 1 {
			t.Errorf("up to %d dials at once from a to b, want 1", m.maxActive)
		}
		// Dials start at 0, then after each 2 s timeout plus back-off 1, 2, 4, 8 s:
		// 0, 3, 7, 13, 23 -> 4 within 20 s.
		var at []time.Duration
		for _, d := range m.dials {
			at = append(at, d.at.Sub(m.dials[0].at).Round(100*time.Millisecond))
		}
		want := []time.Duration{0, 3 * time.Second, 7 * time.Second, 13 * time.Second}
		if !slices.Equal(at, want) {
			t.Errorf("dials at %v, want %v", at, want)
		}
		st := a.sc.Stats()
		if st.SkippedInFlight == 0 || st.SkippedBackoff == 0 || st.DialsFailed != 4 {
			t.Errorf("stats %+v", st)
		}
		nodes := a.sc.Nodes()
		if len(nodes) != 1 || nodes[0].ZID != b.zid || nodes[0].Failures != 4 {
			t.Errorf("nodes %+v", nodes)
		}
	})
}

// TestWaitStartup checks that WaitStartup returns once the first dials are done, and at the
// latest after Delay.
func TestWaitStartup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		m.latency = 50 * time.Millisecond
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", testConfig())
		b := m.addNode(t, nw, "b", testZID(2), "lan", "10.0.0.2/24", testConfig())
		if err := b.sc.Start(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := a.sc.Start(); err != nil {
			t.Fatal(err)
		}
		if err := a.sc.WaitStartup(context.Background()); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took != 50*time.Millisecond {
			t.Errorf("WaitStartup took %v, want the 50 ms dial", took)
		}
		if !a.Connected(b.zid) {
			t.Error("not connected after WaitStartup")
		}
		// Alone on its segment, c waits Delay.
		c := m.addNode(t, nw, "c", testZID(3), "lan-c", "10.9.0.1/24", testConfig())
		if err := c.sc.Start(); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		c.sc.WaitStartup(context.Background())
		if took := time.Since(start); took != DefaultDelay {
			t.Errorf("WaitStartup alone took %v, want %v", took, DefaultDelay)
		}
		for _, n := range []*fakeNode{a, b, c} {
			n.sc.Close()
		}
		m.wg.Wait()
	})
}

// TestStartErrors checks the failures of Start and that they leave a closable Scouter.
func TestStartErrors(t *testing.T) {
	nw := newMemNet()
	h := nw.host("a")
	cfg := DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = "eth9"
	sc, err := New(cfg, Options{ZID: testZID(1), WhatAmI: wire.Peer, Network: h})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Start(); err == nil {
		t.Fatal("Start with a missing interface succeeded")
	}
	if err := sc.Start(); err != ErrStarted {
		t.Errorf("second Start: %v, want ErrStarted", err)
	}
	sc.Close()
	if err := sc.Start(); err != ErrClosed {
		t.Errorf("Start after Close: %v, want ErrClosed", err)
	}
	if _, err := New(cfg, Options{WhatAmI: wire.Peer}); err == nil {
		t.Error("New without a ZenohID succeeded")
	}
	bad := cfg
	bad.Multicast.Address = netip.MustParseAddrPort("10.0.0.1:7446")
	if _, err := New(bad, Options{ZID: testZID(1), WhatAmI: wire.Peer}); err == nil {
		t.Error("New with a unicast group succeeded")
	}
}

// TestRedialAfterTransportDown checks that a lost transport to a discovered node is dialled
// again after RedialDelay, once, without waiting for the next Hello.
func TestRedialAfterTransportDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		a := m.addNode(t, nw, "a", testZID(1), "lan", "10.0.0.1/24", testConfig())
		b := m.addNode(t, nw, "b", testZID(2), "lan", "10.0.0.2/24", testConfig())
		for _, n := range []*fakeNode{a, b} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(10 * time.Millisecond)
		synctest.Wait()
		if !m.fullMesh([]*fakeNode{a, b}) {
			t.Fatal("not connected")
		}
		// The link breaks: both sides see their transport go.
		m.mu.Lock()
		delete(a.peers, b.zid)
		delete(b.peers, a.zid)
		m.mu.Unlock()
		a.sc.TransportDown(b.zid)
		b.sc.TransportDown(a.zid)
		delay := DefaultLimits().RedialDelay
		time.Sleep(delay - time.Millisecond)
		synctest.Wait()
		if m.fullMesh([]*fakeNode{a, b}) {
			t.Fatal("reconnected before RedialDelay")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if !m.fullMesh([]*fakeNode{a, b}) {
			t.Fatalf("not reconnected after RedialDelay %v (the next Scout is only at 1 s)", delay)
		}
		if got := m.opened[pairKey(a.zid, b.zid)]; got != 2 {
			t.Errorf("%d transports opened in all, want 2", got)
		}
		if n := a.sc.Gossip().Nodes(); len(n) != 1 || !n[0].Neighbour {
			t.Errorf("a's gossip graph %+v after the redial", n)
		}
		a.sc.Close()
		b.sc.Close()
		m.wg.Wait()
	})
}
