package scouting

import (
	"net/netip"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// benchResponder is a started-less Scouter with one scout socket on a memnet host whose
// datagrams go nowhere, so that the answer path can be measured alone.
func benchResponder(b *testing.B) (*Scouter, *fakeNode) {
	nw := newMemNet()
	m := newFakeMesh()
	v := m.addNode(b, nw, "v", testZID(1), "lan", "10.0.0.1/24", testConfig())
	v.sc.host.Store(&hostView{ifaces: v.host.ifaces})
	pc, _ := v.host.ListenScout(DefaultGroup, v.host.ifaces[1], 1)
	v.sc.scouts = []scoutSock{{pc: pc, iface: v.host.ifaces[1]}}
	v.sc.ownPorts = map[uint16]bool{pc.LocalAddr().Port(): true}
	v.sc.cfg.Limits.HelloRate, v.sc.cfg.Limits.HelloBurst = 1e12, 1<<30
	v.sc.answers = newBucket(1e12, 1<<30)
	v.sc.cfg.Limits.AnswerInterval = 1
	return v.sc, v
}

// BenchmarkAnswer measures answering one Scout: decode, checks, rate limit, locator choice,
// Hello encoding and the send (to an address nobody listens on).
func BenchmarkAnswer(b *testing.B) {
	sc, _ := benchResponder(b)
	scout := []byte{0x01, 0x09, 0x07}
	src := netip.MustParseAddrPort("10.0.0.2:40000")
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		out = sc.answer(scout, src, 2, out[:0])
	}
	if sc.Stats().ScoutsAnswered == 0 {
		b.Fatal("nothing answered")
	}
}

// BenchmarkAcceptHello measures decoding and checking one Hello with one locator.
func BenchmarkAcceptHello(b *testing.B) {
	sc, _ := benchResponder(b)
	h := helloBytes(b, testZID(2), wire.Peer, "tcp/10.0.0.2:7447")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := sc.acceptHello(h, 7); !ok {
			b.Fatal("Hello refused")
		}
	}
}

// BenchmarkDialCandidates measures filtering and ordering a Hello's locators.
func BenchmarkDialCandidates(b *testing.B) {
	h := &hostView{ifaces: testIfaces()}
	locs := []wire.Locator{"tcp/172.17.0.1:7447", "tcp/10.0.0.99:7447", "tcp/127.0.0.1:7447", "tcp/10.0.0.5:7447"}
	origin := netip.MustParseAddr("10.0.0.5")
	b.ReportAllocs()
	for b.Loop() {
		h.dialCandidates(locs, origin, &h.ifaces[1], 8)
	}
}
