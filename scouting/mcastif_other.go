//go:build !unix

package scouting

import (
	"errors"
	"net/netip"
	"syscall"
)

// setMulticastIf4 is not available here; the caller falls back to x/net/ipv4.
func setMulticastIf4(syscall.RawConn, int, netip.Addr) error {
	return errors.New("scouting: IP_MULTICAST_IF by address unsupported")
}
