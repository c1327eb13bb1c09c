package scouting

import (
	"errors"
	"net"
	"net/netip"
	"testing"
)

func testIfaces() []Interface {
	up := net.FlagUp | net.FlagRunning | net.FlagMulticast
	p := netip.MustParsePrefix
	return []Interface{
		{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback, Addrs: []netip.Prefix{p("127.0.0.1/8"), p("::1/128")}},
		{Index: 2, Name: "eth0", Flags: up, Addrs: []netip.Prefix{p("10.0.0.1/24"), p("fe80::1/64")}},
		{Index: 3, Name: "eth1", Flags: up, Addrs: []netip.Prefix{p("fe80::2/64"), p("2001:db8::2/64")}},
		{Index: 4, Name: "down0", Flags: net.FlagMulticast, Addrs: []netip.Prefix{p("10.9.0.1/24")}},
		{Index: 5, Name: "tun0", Flags: net.FlagUp | net.FlagRunning, Addrs: []netip.Prefix{p("10.8.0.1/24")}},
	}
}

func names(its []Interface) []string {
	var s []string
	for _, it := range its {
		s = append(s, it.Name)
	}
	return s
}

func TestSelectInterfaces(t *testing.T) {
	v4 := netip.MustParseAddr("224.0.0.224")
	v6 := netip.MustParseAddr("ff02::7a")
	all := testIfaces()
	for _, c := range []struct {
		spec  string
		group netip.Addr
		want  string
	}{
		{"auto", v4, "[eth0]"}, // lo lacks MULTICAST, down0 is down, tun0 is not multicast
		{"auto", v6, "[eth0 eth1]"},
		{"lo", v4, "[lo]"},
		{"eth0, lo", v4, "[eth0 lo]"},
		{"10.0.0.1", v4, "[eth0]"},
		{"127.0.0.1,lo", v4, "[lo]"},
		{"eth1,nope", v6, "[eth1]"},
		{"tun0", v4, "[tun0]"}, // named interfaces are taken as they are
	} {
		got, err := SelectInterfaces(c.spec, c.group, all)
		if err != nil {
			t.Errorf("%q %v: %v", c.spec, c.group, err)
			continue
		}
		if s := fmtNames(names(got)); s != c.want {
			t.Errorf("%q %v = %s, want %s", c.spec, c.group, s, c.want)
		}
	}
	for _, c := range []struct {
		spec  string
		group netip.Addr
	}{{"eth1", v4}, {"nope", v4}, {"down0", v4}, {"", v4}, {"auto", v4}} {
		ifs := all
		if c.spec == "auto" {
			ifs = all[:1]
		}
		if _, err := SelectInterfaces(c.spec, c.group, ifs); !errors.Is(err, ErrNoInterface) {
			t.Errorf("%q %v: %v, want ErrNoInterface", c.spec, c.group, err)
		}
	}
}

func fmtNames(s []string) string {
	out := "["
	for i, n := range s {
		if i > 0 {
			out += " "
		}
		out += n
	}
	return out + "]"
}
