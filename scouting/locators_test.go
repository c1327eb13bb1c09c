package scouting

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

func TestHelloLocators(t *testing.T) {
	h := &hostView{ifaces: testIfaces()}
	eth0 := &h.ifaces[1]
	own := []wire.Locator{
		"tcp/0.0.0.0:7447", "tcp/[::]:7448", "tcp/127.0.0.1:7000", "tcp/10.0.0.1:7001",
		"tcp/10.8.0.1:7002", "tcp/[2001:db8::2]:7003", "unixsock-stream//tmp/z", "tcp/zenoh.example:7004",
		"tcp/localhost:7005", "udp/10.0.0.1:7006?rel=0",
	}
	addr := netip.MustParseAddr
	// Nothing on the arrival interface: Rust's non-loopback list rather than no Hello.
	got := h.helloLocators([]wire.Locator{"tcp/127.0.0.1:7000", "tcp/10.0.0.1:7001"}, addr("10.8.0.9"), &h.ifaces[4])
	if !slices.Equal(got, []wire.Locator{"tcp/10.0.0.1:7001"}) {
		t.Errorf("nothing on the arrival interface: %v", got)
	}
	for _, c := range []struct {
		name    string
		src     netip.Addr
		arrival *Interface
		want    []wire.Locator
	}{
		{"remote on eth0", addr("10.0.0.7"), eth0, []wire.Locator{
			"tcp/10.0.0.1:7447", "tcp/10.0.0.1:7448", "tcp/10.0.0.1:7001", "tcp/zenoh.example:7004", "udp/10.0.0.1:7006?rel=0"}},
		{"loopback scouter", addr("127.0.0.1"), &h.ifaces[0], []wire.Locator{
			"tcp/127.0.0.1:7447", "tcp/127.0.0.1:7448", "tcp/[::1]:7448", "tcp/127.0.0.1:7000", "tcp/10.0.0.1:7001",
			"tcp/10.8.0.1:7002", "tcp/[2001:db8::2]:7003", "unixsock-stream//tmp/z", "tcp/zenoh.example:7004",
			"tcp/localhost:7005", "udp/10.0.0.1:7006?rel=0"}},
		{"unknown interface", addr("192.0.2.9"), nil, []wire.Locator{
			"tcp/10.0.0.1:7447", "tcp/10.8.0.1:7447", "tcp/10.0.0.1:7448", "tcp/[2001:db8::2]:7448", "tcp/10.8.0.1:7448", "tcp/10.0.0.1:7001", "tcp/10.8.0.1:7002", "tcp/[2001:db8::2]:7003",
			"tcp/zenoh.example:7004", "udp/10.0.0.1:7006?rel=0"}},
	} {
		got := h.helloLocators(own, c.src, c.arrival)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.want)
		}
	}
}

func TestDialCandidates(t *testing.T) {
	h := &hostView{ifaces: testIfaces()}
	eth0 := &h.ifaces[1]
	advertised := []wire.Locator{
		"tcp/172.17.0.1:7447", "tcp/10.0.0.99:7447", "tcp/192.168.1.5:7447", "tcp/127.0.0.1:7447",
		"tcp/0.0.0.0:7447", "unixsock-stream//tmp/z", "tcp/10.0.0.5:7447", "tcp/10.0.0.5:7447", "tcp/host.example:7447",
	}
	got := h.dialCandidates(advertised, netip.MustParseAddr("10.0.0.5"), eth0, 8)
	want := []wire.Locator{"tcp/10.0.0.5:7447", "tcp/10.0.0.99:7447", "tcp/172.17.0.1:7447", "tcp/192.168.1.5:7447", "tcp/host.example:7447"}
	if !slices.Equal(got, want) {
		t.Errorf("remote:\n got %v\nwant %v", got, want)
	}
	got = h.dialCandidates(advertised, netip.MustParseAddr("127.0.0.1"), &h.ifaces[0], 3)
	want = []wire.Locator{"tcp/127.0.0.1:7447", "tcp/172.17.0.1:7447", "tcp/10.0.0.99:7447"}
	if !slices.Equal(got, want) {
		t.Errorf("local, max 3:\n got %v\nwant %v", got, want)
	}
}

func TestOwnLocators(t *testing.T) {
	h := &hostView{ifaces: testIfaces()}
	own := []wire.Locator{"tcp/0.0.0.0:7447", "tcp/127.0.0.1:7000", "unixsock-stream//tmp/z"}
	got := h.ownLocators(own, netip.MustParseAddr("10.0.0.2"))
	want := []wire.Locator{"tcp/10.0.0.1:7447", "tcp/10.8.0.1:7447"} // down0 is down
	if !slices.Equal(got, want) {
		t.Errorf("remote: %v, want %v", got, want)
	}
	got = h.ownLocators(own, netip.MustParseAddr("127.0.0.1"))
	want = []wire.Locator{"tcp/127.0.0.1:7447", "tcp/10.0.0.1:7447", "tcp/10.8.0.1:7447", "tcp/127.0.0.1:7000", "unixsock-stream//tmp/z"}
	if !slices.Equal(got, want) {
		t.Errorf("local: %v, want %v", got, want)
	}
}

func TestBucketAndSchedule(t *testing.T) {
	b := newBucket(10, 3)
	now := timeAt(0)
	n := 0
	for range 10 {
		if b.allow(now) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("burst allowed %d, want 3", n)
	}
	if b.allow(timeAt(50)) || !b.allow(timeAt(100)) || b.allow(timeAt(100)) {
		t.Error("refill at 10/s")
	}
	if !b.allow(timeAt(10_000)) || !b.allow(timeAt(10_000)) || !b.allow(timeAt(10_000)) || b.allow(timeAt(10_000)) {
		t.Error("refill capped at the burst")
	}
	s := schedule{next: 1, max: 8}
	var got []int
	for range 6 {
		got = append(got, int(s.advance()))
	}
	if !slices.Equal(got, []int{1, 2, 4, 8, 8, 8}) {
		t.Errorf("schedule %v", got)
	}
}
