package scouting

import (
	"net/netip"
	"syscall"
)

// setMulticastIf4 sets IP_MULTICAST_IF with both the interface index and its address, so that
// Scouts leave by that interface with that source address. (x/net/ipv4 sets the index only,
// and Linux then picks a source address of link scope from another interface for "lo",
// whose 127.0.0.1 has host scope; Rust zenoh sets the address.)
func setMulticastIf4(rc syscall.RawConn, ifIndex int, addr netip.Addr) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		mreq := &syscall.IPMreqn{Address: addr.As4(), Ifindex: int32(ifIndex)}
		serr = syscall.SetsockoptIPMreqn(int(fd), syscall.IPPROTO_IP, syscall.IP_MULTICAST_IF, mreq)
	})
	if err != nil {
		return err
	}
	return serr
}
