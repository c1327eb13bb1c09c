package scouting

import (
	"net"
	"net/netip"
)

// Interface is a network interface as scouting sees it.
type Interface struct {
	Index int
	Name  string
	Flags net.Flags
	Addrs []netip.Prefix // addresses with their prefix lengths, IPv4 ones unmapped
}

// PacketConn is a UDP socket used for scouting. Implementations must let Close unblock a
// pending ReadFrom.
type PacketConn interface {
	// ReadFrom reads one datagram into b. A datagram longer than b is truncated to len(b);
	// callers pass a buffer one byte longer than their limit to detect that. ifIndex is the
	// interface it arrived on (0 when unknown).
	ReadFrom(b []byte) (n int, src netip.AddrPort, ifIndex int, err error)
	// WriteTo sends one datagram to dst (a group or a unicast address).
	WriteTo(b []byte, dst netip.AddrPort) (int, error)
	// LocalAddr returns the address the socket is bound to.
	LocalAddr() netip.AddrPort
	// Close closes the socket.
	Close() error
}

// Network opens scouting sockets. UDPNetwork is the real one; tests use an in-memory one.
type Network interface {
	// Interfaces lists the host's interfaces.
	Interfaces() ([]Interface, error)
	// ListenGroup opens the socket that receives the datagrams sent to group, joining the group
	// on each of ifaces; it fails only when no join succeeds. Several such sockets (of several
	// nodes on one host) may share a group and port.
	ListenGroup(group netip.AddrPort, ifaces []Interface) (PacketConn, error)
	// ListenScout opens a socket on an ephemeral port whose datagrams to group leave through
	// iface with the given TTL, and are looped back to members of the group on this host.
	ListenScout(group netip.AddrPort, iface Interface, ttl int) (PacketConn, error)
}
