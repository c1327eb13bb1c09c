package scouting

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// SelectInterfaces returns the interfaces of all that spec selects for a group of the family of
// group, each with at least one address of that family:
//
//   - "auto": every interface that is up, running and multicast-capable (Rust zenoh's rule; it
//     includes the loopback interface only where that has the MULTICAST flag);
//   - otherwise a comma-separated list of interface names and addresses (an address selects the
//     interface that has it).
//
// It fails with ErrNoInterface when nothing is selected, and names the entries that matched
// nothing.
func SelectInterfaces(spec string, group netip.Addr, all []Interface) ([]Interface, error) {
	v4 := group.Is4()
	var out []Interface
	add := func(it Interface) {
		for _, o := range out {
			if o.Index == it.Index {
				return
			}
		}
		if hasFamily(it, v4) {
			out = append(out, it)
		}
	}
	spec = strings.TrimSpace(spec)
	if spec == "auto" {
		const want = net.FlagUp | net.FlagRunning | net.FlagMulticast
		for _, it := range all {
			if it.Flags&want == want {
				add(it)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: \"auto\" found no interface that is up, running and multicast-capable with an %s address",
				ErrNoInterface, familyName(v4))
		}
		return out, nil
	}
	var missing []string
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		found := false
		ip, ipErr := netip.ParseAddr(name)
		for _, it := range all {
			if it.Name == name || (ipErr == nil && hasAddr(it, ip.Unmap())) {
				if it.Flags&net.FlagUp != 0 {
					add(it)
					found = true
				}
			}
		}
		if !found {
			missing = append(missing, name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %q selects no interface that is up with an %s address (unmatched: %s)",
			ErrNoInterface, spec, familyName(v4), strings.Join(missing, ","))
	}
	return out, nil
}

func familyName(v4 bool) string {
	if v4 {
		return "IPv4"
	}
	return "IPv6"
}

func hasFamily(it Interface, v4 bool) bool {
	for _, p := range it.Addrs {
		if p.Addr().Is4() == v4 {
			return true
		}
	}
	return false
}

func hasAddr(it Interface, ip netip.Addr) bool {
	for _, p := range it.Addrs {
		if p.Addr().WithZone("") == ip.WithZone("") {
			return true
		}
	}
	return false
}

// firstAddr returns the interface's first address of the family of group, as the source of
// the datagrams it sends (Rust zenoh uses the first IPv4 address).
func firstAddr(it Interface, v4 bool) netip.Addr {
	for _, p := range it.Addrs {
		if p.Addr().Is4() == v4 {
			return p.Addr()
		}
	}
	return netip.Addr{}
}
