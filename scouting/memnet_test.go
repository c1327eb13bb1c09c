package scouting

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// memNet is an in-memory packet network for tests: hosts have interfaces attached to named
// segments; multicast reaches the members of the group on the interfaces of the sender's
// segment (the sender's own host included: loopback is on); unicast reaches any host that has
// the destination address (the segments are routed to each other). Delivery never blocks: a
// full receive queue drops the datagram, as UDP does.
type memNet struct {
	mu       sync.Mutex
	hosts    []*memHost
	nextPort uint16
	// blockMcast, when set, drops multicast from one host to another.
	blockMcast func(from, to *memHost) bool
	delivered  atomic.Uint64
	dropped    atomic.Uint64
}

type memHost struct {
	nw     *memNet
	name   string
	ifaces []Interface
	seg    map[int]string // interface index -> segment
	conns  []*memConn
}

type memConn struct {
	h       *memHost
	local   netip.AddrPort
	group   netip.Addr // valid for group sockets
	joined  map[int]bool
	mcastIf int
	in      chan memPkt
	done    chan struct{}
	once    sync.Once
}

type memPkt struct {
	b       []byte
	src     netip.AddrPort
	ifIndex int
}

// memIface describes an interface of a memHost: its name, segment and addresses ("10.0.0.1/24").
type memIface struct {
	name, seg string
	addrs     []string
	flags     net.Flags
}

func newMemNet() *memNet { return &memNet{nextPort: 40000} }

// host adds a host with a loopback interface "lo" (127.0.0.1/8, ::1/128, on a segment of its
// own, with the multicast flag) and the given interfaces (up, running, multicast).
func (nw *memNet) host(name string, ifs ...memIface) *memHost {
	h := &memHost{nw: nw, name: name, seg: map[int]string{}}
	all := append([]memIface{{name: "lo", seg: name + "/lo", addrs: []string{"127.0.0.1/8", "::1/128"},
		flags: net.FlagUp | net.FlagRunning | net.FlagLoopback | net.FlagMulticast}}, ifs...)
	for i, f := range all {
		it := Interface{Index: i + 1, Name: f.name, Flags: f.flags}
		if it.Flags == 0 {
			it.Flags = net.FlagUp | net.FlagRunning | net.FlagMulticast | net.FlagBroadcast
		}
		for _, a := range f.addrs {
			it.Addrs = append(it.Addrs, netip.MustParsePrefix(a))
		}
		h.ifaces = append(h.ifaces, it)
		h.seg[it.Index] = f.seg
	}
	nw.mu.Lock()
	nw.hosts = append(nw.hosts, h)
	nw.mu.Unlock()
	return h
}

func (h *memHost) Interfaces() ([]Interface, error) {
	out := make([]Interface, len(h.ifaces))
	copy(out, h.ifaces)
	return out, nil
}

func (h *memHost) iface(idx int) *Interface {
	for i := range h.ifaces {
		if h.ifaces[i].Index == idx {
			return &h.ifaces[i]
		}
	}
	return nil
}

func (h *memHost) newConn(local netip.AddrPort) *memConn {
	c := &memConn{h: h, local: local, joined: map[int]bool{}, in: make(chan memPkt, 256), done: make(chan struct{})}
	h.conns = append(h.conns, c)
	return c
}

func (h *memHost) ListenGroup(group netip.AddrPort, ifaces []Interface) (PacketConn, error) {
	h.nw.mu.Lock()
	defer h.nw.mu.Unlock()
	c := h.newConn(group)
	c.group = group.Addr()
	for _, it := range ifaces {
		if h.iface(it.Index) != nil {
			c.joined[it.Index] = true
		}
	}
	if len(c.joined) == 0 {
		h.conns = h.conns[:len(h.conns)-1]
		return nil, ErrNoInterface
	}
	return c, nil
}

func (h *memHost) ListenScout(group netip.AddrPort, iface Interface, _ int) (PacketConn, error) {
	h.nw.mu.Lock()
	defer h.nw.mu.Unlock()
	if h.iface(iface.Index) == nil {
		return nil, ErrNoInterface
	}
	h.nw.nextPort++
	_, any := family(group)
	c := h.newConn(netip.AddrPortFrom(any, h.nw.nextPort))
	c.mcastIf = iface.Index
	return c, nil
}

// send injects a datagram from an arbitrary source to a host's sockets bound to dst's port,
// as if it arrived on interface ifIndex. It reports how many sockets got it.
func (h *memHost) inject(b []byte, src, dst netip.AddrPort, ifIndex int) int {
	h.nw.mu.Lock()
	defer h.nw.mu.Unlock()
	n := 0
	for _, c := range h.conns {
		if c.local.Port() != dst.Port() {
			continue
		}
		if c.group.IsValid() && (c.group != dst.Addr() || !c.joined[ifIndex]) {
			continue
		}
		if c.deliver(memPkt{append([]byte(nil), b...), src, ifIndex}) {
			n++
		}
	}
	return n
}

func (c *memConn) deliver(p memPkt) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.in <- p:
		c.h.nw.delivered.Add(1)
		return true
	default:
		c.h.nw.dropped.Add(1)
		return false
	}
}

func (c *memConn) ReadFrom(b []byte) (int, netip.AddrPort, int, error) {
	select {
	case p := <-c.in:
		return copy(b, p.b), p.src, p.ifIndex, nil
	case <-c.done:
		return 0, netip.AddrPort{}, 0, net.ErrClosed
	}
}

var errUnreachable = errors.New("memnet: network is unreachable")

func (c *memConn) WriteTo(b []byte, dst netip.AddrPort) (int, error) {
	nw := c.h.nw
	nw.mu.Lock()
	defer nw.mu.Unlock()
	select {
	case <-c.done:
		return 0, net.ErrClosed
	default:
	}
	b = append([]byte(nil), b...)
	if dst.Addr().IsMulticast() {
		out := c.h.iface(c.mcastIf)
		if out == nil {
			return 0, errUnreachable
		}
		seg := c.h.seg[out.Index]
		src := netip.AddrPortFrom(firstAddr(*out, dst.Addr().Is4()), c.local.Port())
		for _, h2 := range nw.hosts {
			if h2 != c.h && nw.blockMcast != nil && nw.blockMcast(c.h, h2) {
				continue
			}
			for idx, s := range h2.seg {
				if s != seg {
					continue
				}
				for _, r := range h2.conns {
					if r.group == dst.Addr() && r.local.Port() == dst.Port() && r.joined[idx] {
						r.deliver(memPkt{b, src, idx})
					}
				}
			}
		}
		return len(b), nil
	}
	for _, h2 := range nw.hosts {
		for _, it := range h2.ifaces {
			if !hasAddr(it, dst.Addr()) {
				continue
			}
			src := c.srcFor(h2, it, dst.Addr())
			for _, r := range h2.conns {
				if !r.group.IsValid() && r.local.Port() == dst.Port() {
					r.deliver(memPkt{b, src, it.Index})
				}
			}
			return len(b), nil
		}
	}
	return len(b), nil // UDP does not report an unknown destination
}

// srcFor is the source address of a unicast datagram from c to addr on host h2's interface it.
func (c *memConn) srcFor(h2 *memHost, it Interface, addr netip.Addr) netip.AddrPort {
	port := c.local.Port()
	if h2 == c.h {
		return netip.AddrPortFrom(addr, port)
	}
	for _, mine := range c.h.ifaces {
		if c.h.seg[mine.Index] == h2.seg[it.Index] {
			return netip.AddrPortFrom(firstAddr(mine, addr.Is4()), port)
		}
	}
	for _, mine := range c.h.ifaces {
		if mine.Flags&net.FlagLoopback == 0 {
			if a := firstAddr(mine, addr.Is4()); a.IsValid() {
				return netip.AddrPortFrom(a, port)
			}
		}
	}
	return netip.AddrPortFrom(addr, port)
}

func (c *memConn) LocalAddr() netip.AddrPort { return c.local }

func (c *memConn) Close() error {
	c.once.Do(func() {
		c.h.nw.mu.Lock()
		defer c.h.nw.mu.Unlock()
		close(c.done)
		for i, o := range c.h.conns {
			if o == c {
				c.h.conns = append(c.h.conns[:i], c.h.conns[i+1:]...)
				break
			}
		}
	})
	return nil
}
