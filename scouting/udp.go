package scouting

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// UDPNetwork is the host's network, with multicast through golang.org/x/net/ipv4 and ipv6.
type UDPNetwork struct{}

var _ Network = UDPNetwork{}

// Interfaces lists the host's interfaces with their addresses.
func (UDPNetwork) Interfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("%w: listing interfaces: %w", ErrSocket, err)
	}
	out := make([]Interface, 0, len(ifs))
	for _, ifi := range ifs {
		it := Interface{Index: ifi.Index, Name: ifi.Name, Flags: ifi.Flags}
		addrs, err := ifi.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipn.IP)
			if !ok {
				continue
			}
			ones, _ := ipn.Mask.Size()
			ip = ip.Unmap()
			if ip.Is4() && ones > 32 {
				ones -= 96
			}
			it.Addrs = append(it.Addrs, netip.PrefixFrom(ip, ones))
		}
		out = append(out, it)
	}
	return out, nil
}

func family(group netip.AddrPort) (network string, any netip.Addr) {
	if group.Addr().Is4() {
		return "udp4", netip.IPv4Unspecified()
	}
	return "udp6", netip.IPv6Unspecified()
}

// ListenGroup binds the group address and port with SO_REUSEADDR (IPv4 on Unix, as Rust zenoh
// does) or the wildcard address and port (IPv6, and Windows), and joins the group on each of
// ifaces. It reports the interface of every datagram.
func (UDPNetwork) ListenGroup(group netip.AddrPort, ifaces []Interface) (PacketConn, error) {
	network, wildcard := family(group)
	bind := group
	if !group.Addr().Is4() || runtime.GOOS == "windows" {
		bind = netip.AddrPortFrom(wildcard, group.Port())
	}
	lc := net.ListenConfig{Control: reuseControl}
	c, err := lc.ListenPacket(context.Background(), network, bind.String())
	if err != nil {
		return nil, fmt.Errorf("%w: binding %s: %w", ErrSocket, bind, err)
	}
	u := &udpConn{c: c}
	if bind.Addr() != group.Addr() {
		u.only = group.Addr()
	}
	gaddr := &net.UDPAddr{IP: group.Addr().AsSlice()}
	var errs []error
	joined := 0
	for _, it := range ifaces {
		ifi := &net.Interface{Index: it.Index, Name: it.Name, Flags: it.Flags}
		if group.Addr().Is4() {
			err = u.v4().JoinGroup(ifi, gaddr)
		} else {
			err = u.v6().JoinGroup(ifi, gaddr)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("joining %s on %s: %w", group.Addr(), it.Name, err))
			continue
		}
		joined++
	}
	if joined == 0 {
		c.Close()
		errs = append(errs, ErrNoInterface)
		return nil, fmt.Errorf("%w: %w", ErrSocket, errors.Join(errs...))
	}
	if err := u.control(); err != nil {
		c.Close()
		return nil, err
	}
	return u, nil
}

// ListenScout opens a socket on the wildcard address and an ephemeral port whose multicast
// egress is iface, with TTL ttl and multicast loopback on (so that nodes on this host hear it:
// Go's net.ListenMulticastUDP turns loopback off, which makes same-host peers deaf).
func (UDPNetwork) ListenScout(group netip.AddrPort, iface Interface, ttl int) (PacketConn, error) {
	network, wildcard := family(group)
	c, err := net.ListenPacket(network, netip.AddrPortFrom(wildcard, 0).String())
	if err != nil {
		return nil, fmt.Errorf("%w: scout socket for %s: %w", ErrSocket, iface.Name, err)
	}
	u := &udpConn{c: c}
	ifi := &net.Interface{Index: iface.Index, Name: iface.Name, Flags: iface.Flags}
	if group.Addr().Is4() {
		p := u.v4()
		err = errors.Join(u.multicastIf4(iface), p.SetMulticastTTL(ttl), p.SetMulticastLoopback(true))
	} else {
		p := u.v6()
		err = errors.Join(p.SetMulticastInterface(ifi), p.SetMulticastHopLimit(ttl), p.SetMulticastLoopback(true))
	}
	if err == nil {
		err = u.control()
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: scout socket for %s: %w", ErrSocket, iface.Name, err)
	}
	return u, nil
}

// multicastIf4 selects the egress interface of multicast, with the interface's address as
// source when the platform allows, else by index only.
func (u *udpConn) multicastIf4(iface Interface) error {
	ifi := &net.Interface{Index: iface.Index, Name: iface.Name, Flags: iface.Flags}
	if a := firstAddr(iface, true); a.IsValid() {
		if sc, ok := u.c.(syscall.Conn); ok {
			if rc, err := sc.SyscallConn(); err == nil && setMulticastIf4(rc, iface.Index, a) == nil {
				return nil
			}
		}
	}
	return u.v4().SetMulticastInterface(ifi)
}

// udpConn is a PacketConn over a real UDP socket.
type udpConn struct {
	c    net.PacketConn
	p4   *ipv4.PacketConn
	p6   *ipv6.PacketConn
	only netip.Addr // when valid, datagrams to other destinations are skipped
}

func (u *udpConn) v4() *ipv4.PacketConn {
	if u.p4 == nil {
		u.p4 = ipv4.NewPacketConn(u.c)
	}
	return u.p4
}

func (u *udpConn) v6() *ipv6.PacketConn {
	if u.p6 == nil {
		u.p6 = ipv6.NewPacketConn(u.c)
	}
	return u.p6
}

// control asks for the arrival interface and destination of every datagram.
func (u *udpConn) control() error {
	var err error
	if u.p6 != nil {
		err = u.p6.SetControlMessage(ipv6.FlagInterface|ipv6.FlagDst, true)
	} else {
		err = u.v4().SetControlMessage(ipv4.FlagInterface|ipv4.FlagDst, true)
	}
	if err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("%w: control messages: %w", ErrSocket, err)
	}
	return nil
}

// ReadFrom implements PacketConn.
func (u *udpConn) ReadFrom(b []byte) (int, netip.AddrPort, int, error) {
	for {
		var (
			n     int
			src   net.Addr
			err   error
			ifidx int
			dst   net.IP
		)
		if u.p6 != nil {
			var cm *ipv6.ControlMessage
			n, cm, src, err = u.p6.ReadFrom(b)
			if cm != nil {
				ifidx, dst = cm.IfIndex, cm.Dst
			}
		} else {
			var cm *ipv4.ControlMessage
			n, cm, src, err = u.p4.ReadFrom(b)
			if cm != nil {
				ifidx, dst = cm.IfIndex, cm.Dst
			}
		}
		if err != nil {
			return 0, netip.AddrPort{}, 0, err
		}
		if u.only.IsValid() && dst != nil {
			if d, ok := netip.AddrFromSlice(dst); ok && d.Unmap() != u.only {
				continue
			}
		}
		ua, ok := src.(*net.UDPAddr)
		if !ok {
			continue
		}
		ap := ua.AddrPort()
		return n, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), ifidx, nil
	}
}

// WriteTo implements PacketConn.
func (u *udpConn) WriteTo(b []byte, dst netip.AddrPort) (int, error) {
	return u.c.WriteTo(b, net.UDPAddrFromAddrPort(dst))
}

// LocalAddr implements PacketConn.
func (u *udpConn) LocalAddr() netip.AddrPort {
	if ua, ok := u.c.LocalAddr().(*net.UDPAddr); ok {
		ap := ua.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// Close implements PacketConn.
func (u *udpConn) Close() error { return u.c.Close() }
