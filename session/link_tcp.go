package session

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// TCP is the "tcp" Protocol: Zenoh's stream framing over TCP, IPv4 and IPv6.
//
// Endpoint config keys: so_sndbuf and so_rcvbuf (socket buffer sizes in bytes), bind (local
// address to dial from), and the retry keys retry_period_init_ms, retry_period_max_ms,
// retry_period_increase_factor and exit_on_failure. The keys iface and dscp and all metadata
// (prio, rel: multi-link QoS) are rejected with ErrUnsupported.
type TCP struct{}

var tcpConfigKeys = map[string]bool{
	"so_sndbuf": true, "so_rcvbuf": true, "bind": true,
	"retry_period_init_ms": true, "retry_period_max_ms": true, "retry_period_increase_factor": true,
	"exit_on_failure": true,
}

// tcpMTU is the largest batch over TCP: the u16 length prefix allows 65535 bytes after it.
const tcpMTU = maxStreamBatch

// Check validates a tcp endpoint.
func (TCP) Check(ep Endpoint) error {
	if ep.Protocol != "tcp" {
		return fmt.Errorf("%w %q: protocol is not tcp", ErrEndpoint, ep.String())
	}
	if _, _, err := splitHostPort(ep.Address); err != nil {
		return fmt.Errorf("%w %q: %v", ErrEndpoint, ep.String(), err)
	}
	if len(ep.Metadata) > 0 {
		return fmt.Errorf("%w: endpoint %q: metadata %q (multi-link QoS links are not implemented)", ErrUnsupported, ep.String(), ep.Metadata[0].Key)
	}
	for _, p := range ep.Config {
		if !tcpConfigKeys[p.Key] {
			return fmt.Errorf("%w: endpoint %q: config key %q", ErrUnsupported, ep.String(), p.Key)
		}
	}
	for _, k := range []string{"so_sndbuf", "so_rcvbuf"} {
		if v, ok := ep.ConfigValue(k); ok {
			if n, err := strconv.Atoi(v); err != nil || n <= 0 || n > 1<<30 {
				return fmt.Errorf("%w %q: %s=%q", ErrEndpoint, ep.String(), k, v)
			}
		}
	}
	if v, ok := ep.ConfigValue("bind"); ok {
		if _, _, err := splitHostPort(v); err != nil {
			return fmt.Errorf("%w %q: bind=%q: %v", ErrEndpoint, ep.String(), v, err)
		}
	}
	if v, ok := ep.ConfigValue("exit_on_failure"); ok && v != "true" && v != "false" {
		return fmt.Errorf("%w %q: exit_on_failure=%q", ErrEndpoint, ep.String(), v)
	}
	_, err := retryFor(ep, DefaultRetry())
	return err
}

// splitHostPort splits host:port ([v6]:port for IPv6) and checks the port.
func splitHostPort(a string) (string, int, error) {
	host, ps, err := net.SplitHostPort(a)
	if err != nil {
		return "", 0, err
	}
	if host == "" {
		return "", 0, fmt.Errorf("empty host in %q", a)
	}
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("bad port in %q", a)
	}
	return host, int(port), nil
}

// Dial connects to a tcp endpoint (host names are resolved; each address is tried in turn).
func (t TCP) Dial(ctx context.Context, ep Endpoint) (Link, error) {
	if err := t.Check(ep); err != nil {
		return nil, err
	}
	if _, port, _ := splitHostPort(ep.Address); port == 0 {
		return nil, fmt.Errorf("%w %q: port 0", ErrEndpoint, ep.String())
	}
	d := net.Dialer{}
	if v, ok := ep.ConfigValue("bind"); ok {
		la, err := net.ResolveTCPAddr("tcp", v)
		if err != nil {
			return nil, fmt.Errorf("session: bind address %q: %w", v, err)
		}
		d.LocalAddr = la
	}
	c, err := d.DialContext(ctx, "tcp", ep.Address)
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	if err := setBuffers(tc, ep); err != nil {
		tc.Close()
		return nil, err
	}
	return newTCPLink(tc), nil
}

func setBuffers(c *net.TCPConn, ep Endpoint) error {
	if v, ok := ep.ConfigValue("so_sndbuf"); ok {
		n, _ := strconv.Atoi(v)
		if err := c.SetWriteBuffer(n); err != nil {
			return err
		}
	}
	if v, ok := ep.ConfigValue("so_rcvbuf"); ok {
		n, _ := strconv.Atoi(v)
		if err := c.SetReadBuffer(n); err != nil {
			return err
		}
	}
	return nil
}

// tcpLink is a Link over a TCP connection.
type tcpLink struct {
	c      *net.TCPConn
	rd     *streamReader
	local  string
	remote string
	once   sync.Once
	err    error
	vec    net.Buffers // WriteBatches' scratch, writer-owned
	vecArr [gatherMax][]byte
	try    tcpTry // see link_tcp_unix.go
}

func newTCPLink(c *net.TCPConn) *tcpLink {
	_ = c.SetNoDelay(true)
	l := &tcpLink{
		c:      c,
		rd:     newStreamReader(c),
		local:  "tcp/" + canonAddr(c.LocalAddr()),
		remote: "tcp/" + canonAddr(c.RemoteAddr()),
	}
	l.initTry()
	return l
}

// canonAddr formats an address as Rust's SocketAddr does (IPv6 in brackets, IPv4-mapped
// addresses as IPv4).
func canonAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		if ap := ta.AddrPort(); ap.IsValid() {
			return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
		}
	}
	return a.String()
}

func (l *tcpLink) ReadBatch() ([]byte, error)         { return l.rd.next() }
func (l *tcpLink) SetReadDeadline(t time.Time) error  { return l.c.SetReadDeadline(t) }
func (l *tcpLink) SetWriteDeadline(t time.Time) error { return l.c.SetWriteDeadline(t) }
func (l *tcpLink) CloseWrite() error                  { return l.c.CloseWrite() }
func (l *tcpLink) LocalLocator() string               { return l.local }
func (l *tcpLink) RemoteLocator() string              { return l.remote }
func (l *tcpLink) MTU() int                           { return tcpMTU }

func (l *tcpLink) WriteBatch(buf []byte) error {
	if err := putStreamPrefix(buf); err != nil {
		return err
	}
	_, err := l.c.Write(buf)
	return err
}

// WriteBatches writes several batches with one writev.
func (l *tcpLink) WriteBatches(bufs [][]byte) error {
	for _, b := range bufs {
		if err := putStreamPrefix(b); err != nil {
			return err
		}
	}
	// WriteTo consumes the slice it is given, so it is rebuilt on a fixed array each time.
	l.vec = append(net.Buffers(l.vecArr[:0]), bufs...)
	_, err := l.vec.WriteTo(l.c)
	l.vec = nil
	clear(l.vecArr[:])
	return err
}

func (l *tcpLink) Close() error {
	l.once.Do(func() { l.err = l.c.Close() })
	return l.err
}

// tcpListener is a Listener on a TCP socket.
type tcpListener struct {
	ln *net.TCPListener
	ep Endpoint
}

// Listen binds a tcp endpoint; port 0 picks a free port.
func (t TCP) Listen(ep Endpoint) (Listener, error) {
	if err := t.Check(ep); err != nil {
		return nil, err
	}
	if _, ok := ep.ConfigValue("bind"); ok {
		return nil, fmt.Errorf("%w: endpoint %q: bind on a listener", ErrUnsupported, ep.String())
	}
	ln, err := net.Listen("tcp", ep.Address)
	if err != nil {
		return nil, err
	}
	bound := ep
	host, _, _ := splitHostPort(ep.Address)
	bound.Address = net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	return &tcpListener{ln: ln.(*net.TCPListener), ep: bound}, nil
}

func (l *tcpListener) Accept() (Link, error) {
	c, err := l.ln.AcceptTCP()
	if err != nil {
		return nil, err
	}
	if err := setBuffers(c, l.ep); err != nil {
		c.Close()
		return nil, err
	}
	return newTCPLink(c), nil
}

func (l *tcpListener) Close() error       { return l.ln.Close() }
func (l *tcpListener) Endpoint() Endpoint { return l.ep }

// Locators returns the bound address, or for an unspecified address (0.0.0.0, [::]) one
// locator per usable address of the interfaces that are up: IPv4 only for 0.0.0.0, IPv4 and
// IPv6 for [::]. Link-local IPv6 addresses (which need a zone) and multicast are left out.
func (l *tcpListener) Locators() []string {
	ap := l.ln.Addr().(*net.TCPAddr).AddrPort()
	ip := ap.Addr().Unmap()
	loc := func(a netip.Addr) string {
		e := l.ep
		e.Address = netip.AddrPortFrom(a, ap.Port()).String()
		e.Config = nil
		return e.Locator()
	}
	if !ip.IsUnspecified() {
		return []string{loc(ip)}
	}
	return addrLocators(ip.Is6(), loc)
}

// addrLocators lists the usable addresses of the interfaces that are up.
func addrLocators(v6 bool, loc func(netip.Addr) string) []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out, lo []string
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			pfx, err := netip.ParsePrefix(a.String())
			if err != nil {
				continue
			}
			ip := pfx.Addr().Unmap()
			if ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalUnicast() || (ip.Is6() && !v6) {
				continue
			}
			if ip.IsLoopback() {
				lo = append(lo, loc(ip))
			} else {
				out = append(out, loc(ip))
			}
		}
	}
	return append(out, lo...)
}
