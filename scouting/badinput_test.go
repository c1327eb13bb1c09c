package scouting

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// victim is a started peer on host "v" (eth0 10.0.0.1/24 on segment lan) with a fake dialer.
func victim(t *testing.T, cfg Config) (*memNet, *fakeMesh, *fakeNode) {
	nw := newMemNet()
	m := newFakeMesh()
	v := m.addNode(t, nw, "v", testZID(1), "lan", "10.0.0.1/24", cfg)
	if err := v.sc.Start(); err != nil {
		t.Fatal(err)
	}
	return nw, m, v
}

var attacker = netip.MustParseAddrPort("10.0.0.66:5555")

func helloBytes(t testing.TB, zid wire.ZenohID, w wire.WhatAmI, locs ...wire.Locator) []byte {
	h := wire.Hello{Version: wire.ProtoVersion, WhatAmI: w, ZID: zid, Locators: locs}
	b, err := h.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadDatagrams checks that forged, truncated, oversized and misdirected datagrams are
// dropped and counted on both kinds of socket, without an answer or a dial.
func TestBadDatagrams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw, m, v := victim(t, testConfig())
		obs := nw.host("attacker", memIface{name: "eth0", seg: "lan", addrs: []string{"10.0.0.66/24"}})
		replies, _ := obs.ListenScout(DefaultGroup, obs.ifaces[1], 1)
		defer replies.Close()
		src := replies.LocalAddr()
		src = netip.AddrPortFrom(netip.MustParseAddr("10.0.0.66"), src.Port())
		lim := DefaultLimits()
		scoutPort := netip.AddrPortFrom(netip.IPv4Unspecified(), v.sc.scouts[0].pc.LocalAddr().Port())
		hello := helloBytes(t, testZID(2), wire.Peer, "tcp/10.0.0.2:7447")
		cases := []struct {
			name string
			b    []byte
			dst  netip.AddrPort
		}{
			{"empty", nil, DefaultGroup},
			{"truncated scout", []byte{0x01, 0x09}, DefaultGroup},
			{"unknown id", []byte{0x03, 0x09, 0x07}, DefaultGroup},
			{"zero zid", []byte{0x01, 0x09, 0x0f, 0x00}, DefaultGroup},
			{"bad ext", []byte{0x81, 0x09, 0x07, 0x7f}, DefaultGroup},
			{"oversized scout", append([]byte{0x81, 0x09, 0x07, 0x02}, make([]byte, lim.MaxScoutLen)...), DefaultGroup},
			{"old version", []byte{0x01, 0x08, 0x07}, DefaultGroup},
			{"hello on listener", hello, DefaultGroup},
			{"truncated hello", hello[:len(hello)-3], scoutPort},
			{"bad whatami", []byte{0x02, 0x09, 0x03, 0x01}, scoutPort},
			{"oversized hello", append(hello, make([]byte, lim.MaxHelloLen)...), scoutPort},
			{"scout on scout socket", []byte{0x01, 0x09, 0x07}, scoutPort},
			{"non-canonical locator", []byte(string(helloBytes(t, testZID(2), wire.Peer, "tcp/10.0.0.2:7447")[:len(hello)-1]) + "#"), scoutPort},
		}
		for _, c := range cases {
			if n := v.host.inject(c.b, src, c.dst, 2); n != 1 {
				t.Fatalf("%s: delivered to %d sockets", c.name, n)
			}
		}
		synctest.Wait()
		st := v.sc.Stats()
		want := Stats{Malformed: 8, Oversized: 2, WrongVersion: 1, Unexpected: 2}
		if st.Malformed != want.Malformed || st.Oversized != want.Oversized ||
			st.WrongVersion != want.WrongVersion || st.Unexpected != want.Unexpected {
			t.Errorf("counted malformed %d oversized %d version %d unexpected %d, want %d %d %d %d",
				st.Malformed, st.Oversized, st.WrongVersion, st.Unexpected,
				want.Malformed, want.Oversized, want.WrongVersion, want.Unexpected)
		}
		if st.ScoutsAnswered != 0 || len(m.dials) != 0 {
			t.Errorf("answered %d, dialled %v", st.ScoutsAnswered, m.dials)
		}
		v.sc.Close()
	})
}

// TestScoutFloodRateLimited checks that a flood of Scouts from many sources is answered at the
// token bucket's rate, and that one source is answered at most once per AnswerInterval.
func TestScoutFloodRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.Multicast.Autoconnect.Matcher = 0 // only answer
		nw, _, v := victim(t, cfg)
		lim := DefaultLimits()
		start := time.Now()
		// 2 s of flood: 200 Scouts per 10 ms from rotating source ports.
		port := 1000
		for time.Since(start) < 2*time.Second {
			for range 200 {
				port++
				v.host.inject([]byte{0x01, 0x09, 0x07}, netip.AddrPortFrom(attacker.Addr(), uint16(port)), DefaultGroup, 2)
			}
			time.Sleep(10 * time.Millisecond)
			synctest.Wait()
		}
		st := v.sc.Stats()
		max := uint64(lim.HelloBurst) + uint64(lim.HelloRate*2) + 1
		if st.ScoutsAnswered > max || st.ScoutsAnswered < max-5 {
			t.Errorf("answered %d Scouts of %d in 2 s, want about %d", st.ScoutsAnswered, st.ScoutsReceived, max)
		}
		if st.ScoutsRateLimited != st.ScoutsReceived-st.ScoutsAnswered {
			t.Errorf("rate-limited %d, want %d", st.ScoutsRateLimited, st.ScoutsReceived-st.ScoutsAnswered)
		}
		if nw.dropped.Load() > 0 {
			t.Logf("memnet dropped %d datagrams (full queues)", nw.dropped.Load())
		}
		// One source repeating itself is answered once per AnswerInterval.
		time.Sleep(5 * time.Second) // refill
		before := v.sc.Stats().ScoutsAnswered
		for range 10 {
			v.host.inject([]byte{0x01, 0x09, 0x07}, attacker, DefaultGroup, 2)
			time.Sleep(lim.AnswerInterval / 4)
			synctest.Wait()
		}
		if got := v.sc.Stats().ScoutsAnswered - before; got != 3 {
			t.Errorf("one source sending every %v answered %d times in %v, want 3", lim.AnswerInterval/4, got, 10*lim.AnswerInterval/4)
		}
		v.sc.Close()
	})
}

// TestHelloJunkLocators checks that Hellos advertising unusable locators cause no dial, and
// that a locator list is cut to MaxDialLocators.
func TestHelloJunkLocators(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, m, v := victim(t, testConfig())
		port := v.sc.scouts[0].pc.LocalAddr().Port()
		dst := netip.AddrPortFrom(netip.IPv4Unspecified(), port)
		junk := []wire.Locator{"tcp/127.0.0.1:7447", "tcp/[::1]:7447", "tcp/0.0.0.0:7447", "udp/224.0.0.224:7446",
			"unixsock-stream//tmp/x", "serial//dev/ttyS0", "tcp/10.0.0.5:0", "tcp/localhost:7447", "foo/bar"}
		v.host.inject(helloBytes(t, testZID(2), wire.Peer, junk...), attacker, dst, 2)
		synctest.Wait()
		if len(m.dials) != 0 {
			t.Fatalf("dialled %v", m.dials)
		}
		if st := v.sc.Stats(); st.SkippedNoLocators != 1 {
			t.Errorf("SkippedNoLocators = %d, want 1", st.SkippedNoLocators)
		}
		var many []wire.Locator
		for i := range wire.MaxLocators {
			many = append(many, wire.Locator(fmt.Sprintf("tcp/192.0.2.%d:%d", i%250+1, 1000+i)))
		}
		v.host.inject(helloBytes(t, testZID(3), wire.Peer, many...), attacker, dst, 2)
		time.Sleep(time.Minute)
		synctest.Wait()
		if lim := DefaultLimits(); len(m.dials) != lim.MaxDialLocators {
			t.Errorf("%d locators tried, want MaxDialLocators %d", len(m.dials), lim.MaxDialLocators)
		}
		v.sc.Close()
	})
}

// TestHelloManyZIDsBounded checks that Hellos from thousands of ZenohIDs leave a bounded table
// and cause a bounded number of dials, bounded in flight, and that idle entries expire.
func TestHelloManyZIDsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, m, v := victim(t, testConfig())
		m.latency = 500 * time.Millisecond
		dst := netip.AddrPortFrom(netip.IPv4Unspecified(), v.sc.scouts[0].pc.LocalAddr().Port())
		lim := DefaultLimits()
		start := time.Now()
		for i := range 5000 {
			var id wire.ZenohID
			id[0], id[1], id[2] = 0x99, byte(i), byte(i>>8)
			v.host.inject(helloBytes(t, id, wire.Peer, "tcp/10.0.0.200:7447"), attacker, dst, 2)
			if i%100 == 99 {
				time.Sleep(10 * time.Millisecond)
				synctest.Wait()
				if st := v.sc.Stats(); st.Nodes > lim.MaxNodes {
					t.Fatalf("%d nodes, limit %d", st.Nodes, lim.MaxNodes)
				}
			}
		}
		elapsed := time.Since(start)
		synctest.Wait()
		st := v.sc.Stats()
		maxDials := lim.DialBurst + int(lim.DialRate*elapsed.Seconds()) + 1
		if int(st.DialsStarted) > maxDials {
			t.Errorf("%d dials in %v, limit %d", st.DialsStarted, elapsed, maxDials)
		}
		if st.NodesEvicted == 0 || st.DialsDeferred == 0 {
			t.Errorf("stats %+v", st)
		}
		m.mu.Lock()
		for k, n := range m.active {
			if n > 1 {
				t.Errorf("%d dials at once %v", n, k)
			}
		}
		m.mu.Unlock()
		// Without news the entries expire (the Scout loop purges between rounds).
		time.Sleep(lim.NodeTTL + 2*lim.RetryMax)
		synctest.Wait()
		if st := v.sc.Stats(); st.Nodes != 0 || st.NodesExpired == 0 {
			t.Errorf("after the TTL: %d nodes, %d expired", st.Nodes, st.NodesExpired)
		}
		v.sc.Close()
	})
}

// FuzzScoutingDatagram feeds arbitrary datagrams to both receive paths: nothing panics, and a
// Hello is only ever answered to a Scout.
func FuzzScoutingDatagram(f *testing.F) {
	f.Add([]byte{0x01, 0x09, 0x07})
	f.Add([]byte{0x01, 0x09, 0x7b, 0x18, 0x07, 0xf6, 0xe5, 0xd4, 0xc3, 0xb2, 0xa1})
	f.Add(mustHex(f, "22 09 71 18 07 F6 E5 D4 C3 B2 A1 01 12 74 63 70 2F 31 32 37 2E 30 2E 30 2E 31 3A 37 34 34 37"))
	f.Add([]byte{0xa2, 0x09, 0x01, 0x01, 0x01, 0x03, 0x61, 0x2f, 0x62, 0x5f, 0xff})
	f.Add([]byte(strings.Repeat("\xff", 40)))
	nw := newMemNet()
	m := newFakeMesh()
	v := m.addNode(f, nw, "v", testZID(1), "lan", "10.0.0.1/24", testConfig())
	v.sc.scouts = []scoutSock{{pc: &memConn{h: v.host, done: make(chan struct{}), in: make(chan memPkt, 1)}, iface: v.host.ifaces[1]}}
	f.Fuzz(func(t *testing.T, b []byte) {
		v.sc.answer(b, attacker, 2, nil)
		v.sc.acceptHello(b, wire.WhatAmIMatcher(7))
	})
}
