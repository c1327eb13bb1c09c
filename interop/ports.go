package interop

import (
	"net"
	"strconv"
	"testing"
)

// FreeTCPPort returns a TCP port on 127.0.0.1 that was free when probed. Another process may
// take it before the caller binds it; prefer listening on port 0 and reading the bound port
// (Peer.Locators does that) when the listener can report it.
func FreeTCPPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("interop: probing a free TCP port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// FreeUDPPort returns a UDP port on 127.0.0.1 that was free when probed, with the same caveat
// as FreeTCPPort. Use it for multicast scouting ports so that concurrent tests do not share a
// group.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("interop: probing a free UDP port: %v", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// Endpoint returns the Zenoh TCP endpoint "tcp/127.0.0.1:PORT".
func Endpoint(port int) string {
	return "tcp/127.0.0.1:" + strconv.Itoa(port)
}

// UDPEndpoint returns the Zenoh UDP endpoint "udp/127.0.0.1:PORT".
func UDPEndpoint(port int) string {
	return "udp/127.0.0.1:" + strconv.Itoa(port)
}

// MulticastAddress returns "224.0.0.224:PORT", the default Zenoh scouting group on the given
// port; pair it with FreeUDPPort and the interface "lo".
func MulticastAddress(port int) string {
	return "224.0.0.224:" + strconv.Itoa(port)
}
