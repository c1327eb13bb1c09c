package scouting

import (
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/gozenoh/zenoh/wire"
)

// ipProtocols are the locator protocols whose address is host:port over IP.
var ipProtocols = map[string]bool{"tcp": true, "udp": true, "tls": true, "quic": true, "ws": true}

// locatorIP returns the IP and port of an IP locator ("tcp/10.0.0.1:7447", "tcp/[::1]:7447").
// ok is false for other protocols and for host names.
func locatorIP(l wire.Locator) (netip.AddrPort, bool) {
	if !ipProtocols[l.Protocol()] {
		return netip.AddrPort{}, false
	}
	ap, err := netip.ParseAddrPort(l.Address())
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}

// isIPLocator reports whether l is an IP protocol with a host name that is not "localhost".
// (A "localhost" locator is treated like a non-IP one: it is meaningful on this host only.)
func isIPLocator(l wire.Locator) bool {
	if !ipProtocols[l.Protocol()] {
		return false
	}
	host, _, ok := strings.Cut(l.Address(), ":")
	return !ok || !strings.EqualFold(host, "localhost")
}

// withAddr returns l with its address replaced by ap.
func withAddr(l wire.Locator, ap netip.AddrPort) wire.Locator {
	s := l.Protocol() + "/" + ap.String()
	if md := l.Metadata(); md != "" {
		s += "?" + md
	}
	return wire.Locator(s)
}

// hostView is what locator filtering needs to know about this host.
type hostView struct {
	ifaces []Interface
}

// local reports whether a is one of this host's addresses or a loopback address.
func (h *hostView) local(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if a.IsLoopback() {
		return true
	}
	for i := range h.ifaces {
		if hasAddr(h.ifaces[i], a) {
			return true
		}
	}
	return false
}

// byIndex returns the interface with that index.
func (h *hostView) byIndex(idx int) *Interface {
	for i := range h.ifaces {
		if h.ifaces[i].Index == idx && idx != 0 {
			return &h.ifaces[i]
		}
	}
	return nil
}

// onLink returns the interface with a prefix that contains a.
func (h *hostView) onLink(a netip.Addr) *Interface {
	a = a.Unmap().WithZone("")
	for i := range h.ifaces {
		for _, p := range h.ifaces[i].Addrs {
			if p.Contains(a) {
				return &h.ifaces[i]
			}
		}
	}
	return nil
}

// usableAddr reports whether a can be advertised: not multicast, not unspecified, and not an
// IPv6 link-local address (which needs a zone that is meaningless to the other side).
func usableAddr(a netip.Addr) bool {
	return a.IsValid() && !a.IsMulticast() && !a.IsUnspecified() && !(a.Is6() && a.IsLinkLocalUnicast())
}

// expand returns the concrete addresses a listener on an unspecified address serves: the
// usable addresses of the interfaces of ifaces that are up, of the listener's family (both families for "::", which is
// dual-stack on Linux), plus the loopback addresses when withLoopback.
func expand(unspec netip.Addr, ifaces []Interface, withLoopback bool) []netip.Addr {
	var out []netip.Addr
	for _, it := range ifaces {
		if it.Flags&net.FlagUp == 0 {
			continue
		}
		for _, p := range it.Addrs {
			a := p.Addr()
			if !usableAddr(a) || (unspec.Is4() && !a.Is4()) || (a.IsLoopback() && !withLoopback) {
				continue
			}
			out = append(out, a)
		}
	}
	if withLoopback {
		out = append(out, netip.MustParseAddr("127.0.0.1"))
		if unspec.Is6() {
			out = append(out, netip.IPv6Loopback())
		}
	}
	return out
}

// helloLocators returns the locators of own to advertise to a scouter at src whose Scout arrived
// on interface arrival (nil if unknown):
//
//   - to a scouter on this host (src is loopback or one of our addresses), every locator,
//     loopback ones included (as Rust zenoh main does for loopback scouters);
//   - otherwise only IP locators whose address belongs to the arrival interface or lies in one
//     of its prefixes, and host-name locators; never loopback or non-IP (unix socket, serial)
//     ones. With no arrival interface, or when none of the locators is on it (a node listening
//     on one interface and scouted through another, which routing may still connect), every
//     non-loopback IP locator: Rust's rule.
//
// Listeners on an unspecified address are expanded into the matching addresses of the arrival
// interface (and loopback for a local scouter). The result is deduplicated and holds at most
// wire.MaxLocators entries.
func (h *hostView) helloLocators(own []wire.Locator, src netip.Addr, arrival *Interface) []wire.Locator {
	local := h.local(src)
	var out []wire.Locator
	add := func(l wire.Locator) {
		if len(out) < wire.MaxLocators && !slices.Contains(out, l) && len(l) <= wire.MaxLocatorLen {
			out = append(out, l)
		}
	}
	for _, l := range own {
		ap, ok := locatorIP(l)
		switch {
		case !ok && isIPLocator(l):
			add(l) // a host name: cannot be judged, keep
		case !ok:
			if local {
				add(l)
			}
		case ap.Addr().IsUnspecified():
			var ifs []Interface
			switch {
			case arrival != nil:
				ifs = []Interface{*arrival}
			case !local:
				ifs = h.ifaces
			}
			for _, a := range expand(ap.Addr(), ifs, local) {
				add(withAddr(l, netip.AddrPortFrom(a, ap.Port())))
			}
		case ap.Addr().IsLoopback():
			if local {
				add(l)
			}
		case local || arrival == nil:
			add(l)
		case inPrefixes(ap.Addr(), arrival.Addrs):
			add(l)
		}
	}
	if len(out) == 0 && arrival != nil && !local {
		return h.helloLocators(own, src, nil)
	}
	return out
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	a = a.WithZone("")
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ownLocators returns the locators to put in this node's gossip state for a neighbour at
// remote: all of them (unspecified listeners expanded to every host address and loopback) for
// a neighbour on this host, and the non-loopback IP ones otherwise (Rust zenoh sends
// get_locators_noloopback).
func (h *hostView) ownLocators(own []wire.Locator, remote netip.Addr) []wire.Locator {
	local := remote.IsValid() && h.local(remote)
	var out []wire.Locator
	add := func(l wire.Locator) {
		if len(out) < wire.MaxLocators && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, l := range own {
		ap, ok := locatorIP(l)
		switch {
		case !ok && isIPLocator(l):
			add(l)
		case !ok:
			if local {
				add(l)
			}
		case ap.Addr().IsUnspecified():
			for _, a := range expand(ap.Addr(), h.ifaces, local) {
				add(withAddr(l, netip.AddrPortFrom(a, ap.Port())))
			}
		case ap.Addr().IsLoopback():
			if local {
				add(l)
			}
		default:
			add(l)
		}
	}
	return out
}

// dialCandidates orders and filters the locators a node advertised, as learned from origin (the
// source of its Hello, or the neighbour that gossiped it) on interface arrival (nil if unknown):
// loopback, unspecified, multicast and non-IP locators are dropped unless origin is on this host
// (they would reach this host, not the node); then the locator on origin's own address comes
// first, locators on the arrival interface's subnets next, the rest in advertised order. At
// most max are returned. Trying the likely ones first matters when a node advertises addresses
// that are unreachable from here (docker0, a VPN; Zenoh issue #2090).
func (h *hostView) dialCandidates(locs []wire.Locator, origin netip.Addr, arrival *Interface, max int) []wire.Locator {
	local := origin.IsValid() && h.local(origin)
	type cand struct {
		l    wire.Locator
		rank int
	}
	var cs []cand
	for _, l := range locs {
		if len(cs) >= max*4 { // bound the work on a hostile list
			break
		}
		rank := 2
		ap, ok := locatorIP(l)
		switch {
		case !ok && isIPLocator(l):
		case !ok:
			if !local {
				continue
			}
		default:
			a := ap.Addr().WithZone("")
			switch {
			case a.IsUnspecified() || a.IsMulticast() || ap.Port() == 0:
				continue
			case a.IsLoopback():
				if !local {
					continue
				}
				rank = 1
			case origin.IsValid() && a == origin.Unmap().WithZone(""):
				rank = 0
			case arrival != nil && inPrefixes(a, arrival.Addrs):
				rank = 1
			}
		}
		if slices.ContainsFunc(cs, func(c cand) bool { return c.l == l }) {
			continue
		}
		cs = append(cs, cand{l, rank})
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.rank - b.rank })
	if len(cs) > max {
		cs = cs[:max]
	}
	out := make([]wire.Locator, len(cs))
	for i, c := range cs {
		out[i] = c.l
	}
	return out
}
