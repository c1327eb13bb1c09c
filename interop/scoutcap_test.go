package interop

import (
	"bytes"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// loopback returns the loopback interface, the only one tests may send multicast on.
func loopback(t *testing.T) *net.Interface {
	t.Helper()
	ifi, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatalf("no loopback interface: %v", err)
	}
	return ifi
}

// roundTripScouting decodes a real datagram, re-encodes it and requires the same bytes.
func roundTripScouting(t *testing.T, dgram []byte) wire.ScoutingMessage {
	t.Helper()
	m, n, err := wire.DecodeScouting(dgram)
	if err != nil {
		t.Fatalf("real datagram does not decode: %v\n%x", err, dgram)
	}
	if n != len(dgram) {
		t.Fatalf("decoded %d of %d bytes: %x", n, len(dgram), dgram)
	}
	got, err := m.Append(nil)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	if !bytes.Equal(got, dgram) {
		t.Fatalf("re-encoding differs\nreal %x\ngot  %x", dgram, got)
	}
	if m.Len() != len(dgram) {
		t.Fatalf("Len() = %d, want %d", m.Len(), len(dgram))
	}
	return m
}

// TestScoutingCaptureScout listens on a multicast group on lo while real Zenoh scouts on it:
// its Scout must decode and re-encode to the same bytes.
func TestScoutingCaptureScout(t *testing.T) {
	Python(t)
	port := FreeUDPPort(t)
	group := &net.UDPAddr{IP: net.IPv4(224, 0, 0, 224), Port: port}
	conn, err := net.ListenMulticastUDP("udp4", loopback(t), group)
	if err != nil {
		t.Fatalf("join %v on lo: %v", group, err)
	}
	defer conn.Close()

	done := make(chan error, 1)
	go func() {
		_, err := Scout(t, ScoutOptions{What: "peer", MulticastIface: "lo", MulticastAddress: group.String(), Timeout: 2 * time.Second})
		done <- err
	}()
	buf := make([]byte, 65536)
	must(t, conn.SetReadDeadline(time.Now().Add(DefaultTimeout)))
	for {
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("no Scout from real Zenoh: %v", err)
		}
		m := roundTripScouting(t, buf[:n])
		if m.ID != wire.ScoutingIDScout {
			continue
		}
		if m.Scout.Version != wire.ProtoVersion || !m.Scout.What.Matches(wire.Peer) {
			t.Fatalf("unexpected Scout %+v", m.Scout)
		}
		t.Logf("real Scout (%d bytes): %x", n, buf[:n])
		break
	}
	<-done
}

// TestScoutingCaptureHello sends our own Scout to a real Zenoh peer's multicast group on lo and
// requires its Hello to decode and re-encode to the same bytes.
func TestScoutingCaptureHello(t *testing.T) {
	Python(t)
	port := FreeUDPPort(t)
	group := &net.UDPAddr{IP: net.IPv4(224, 0, 0, 224), Port: port}
	peer := StartPeer(t, PeerOptions{
		Listen:           []string{Endpoint(0)},
		MulticastIface:   "lo",
		MulticastAddress: group.String(),
	})

	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	scout := wire.ScoutingMessage{ID: wire.ScoutingIDScout, Scout: wire.Scout{
		Version: wire.ProtoVersion,
		What:    wire.WhatAmIMatcher(wire.Peer | wire.Router),
	}}
	dgram, err := scout.Append(nil)
	must(t, err)

	buf := make([]byte, 65536)
	deadline := time.Now().Add(DefaultTimeout)
	for time.Now().Before(deadline) {
		// The peer joins its group just after it is ready; send until it answers.
		if _, err := conn.WriteToUDP(dgram, group); err != nil {
			t.Fatalf("send Scout: %v", err)
		}
		must(t, conn.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			continue
		}
		m := roundTripScouting(t, buf[:n])
		if m.ID != wire.ScoutingIDHello {
			t.Fatalf("answer is %v, want Hello", m.ID)
		}
		if m.Hello.ZID.String() != peer.ZID() || m.Hello.WhatAmI != wire.Peer {
			t.Fatalf("Hello from %v/%v, want %s/peer", m.Hello.ZID, m.Hello.WhatAmI, peer.ZID())
		}
		found := false
		for _, l := range m.Hello.Locators {
			if string(l) == peer.Locator() {
				found = true
			}
		}
		if !found {
			t.Fatalf("Hello locators %v lack %s", m.Hello.Locators, peer.Locator())
		}
		t.Logf("real Hello (%d bytes): %x", n, buf[:n])
		return
	}
	t.Fatal("no Hello from real Zenoh within " + strconv.Itoa(int(DefaultTimeout/time.Second)) + " s")
}
