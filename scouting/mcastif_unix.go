//go:build unix && !linux

package scouting

import (
	"net/netip"
	"syscall"
)

// setMulticastIf4 sets IP_MULTICAST_IF to the interface's address (the source of Scouts).
func setMulticastIf4(rc syscall.RawConn, _ int, addr netip.Addr) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInet4Addr(int(fd), syscall.IPPROTO_IP, syscall.IP_MULTICAST_IF, addr.As4())
	})
	if err != nil {
		return err
	}
	return serr
}
