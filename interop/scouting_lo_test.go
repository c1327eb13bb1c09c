package interop

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/wire"
)

// Scouting interop on the loopback interface: multicast is pinned to "lo" on both sides (never
// "auto" in the machine's own namespace), on a free port so that tests do not share a group.

// scoutingLo makes sure lo can carry multicast: when it lacks the MULTICAST flag and the test
// runs as root, it turns it on (as CI does); otherwise it fails with the reason. It logs the
// route the kernel would use for the group (with pinned sockets none is needed).
func scoutingLo(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "link", "show", "lo").CombinedOutput()
	if err != nil {
		t.Fatalf("ip link show lo: %v %s", err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.Contains(first, "MULTICAST") {
		if os.Geteuid() != 0 {
			t.Fatalf("lo lacks the MULTICAST flag (%s) and the test is not root: run `ip link set lo multicast on`", first)
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "multicast", "on").CombinedOutput(); err != nil {
			t.Fatalf("ip link set lo multicast on: %v %s", err, out)
		}
		t.Logf("turned lo multicast on (root)")
	}
	if out, err := exec.Command("ip", "route", "get", "224.0.0.224", "oif", "lo").CombinedOutput(); err == nil {
		t.Logf("route: %s", strings.TrimSpace(string(out)))
	}
}

// scoutingGroup returns a group on a free port, as netip and as text.
func scoutingGroup(t *testing.T) (netip.AddrPort, string) {
	s := MulticastAddress(FreeUDPPort(t))
	return netip.MustParseAddrPort(s), s
}

// scoutingConfig is the peer default pinned to lo on group.
func scoutingConfig(group netip.AddrPort) scouting.Config {
	cfg := scouting.DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = "lo"
	cfg.Multicast.Address = group
	return cfg
}

// scoutingZID is a fixed Go ZenohID per test, distinct from random real ones.
func scoutingZID(t *testing.T, s string) wire.ZenohID {
	id, err := wire.ParseZenohID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// scoutingTCP is a TCP listener on 127.0.0.1 standing in for a Go peer's transport listener:
// it reads the first batch of every connection (an InitSyn from a Zenoh node that dials it)
// and reports the dialler's ZenohID.
type scoutingTCP struct {
	ln    net.Listener
	inits chan wire.InitSyn
	wg    sync.WaitGroup
}

func newScoutingTCP(t *testing.T, addr string) *scoutingTCP {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &scoutingTCP{ln: ln, inits: make(chan wire.InitSyn, 16)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(DefaultTimeout))
				var hdr [2]byte
				if _, err := io.ReadFull(c, hdr[:]); err != nil {
					return
				}
				batch := make([]byte, binary.LittleEndian.Uint16(hdr[:]))
				if _, err := io.ReadFull(c, batch); err != nil {
					return
				}
				if m, _, err := wire.DecodeInitSyn(batch); err == nil {
					select {
					case s.inits <- m:
					default:
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *scoutingTCP) locator() wire.Locator {
	return wire.Locator("tcp/" + s.ln.Addr().String())
}

// scoutingDialer connects with plain TCP to the locators the Scouter hands it (there is no
// transport yet: it proves the locator reaches the node) and reports each attempt.
type scoutingDialer struct {
	mu    sync.Mutex
	conn  map[wire.ZenohID]bool
	dials chan scoutingDial
}

type scoutingDial struct {
	zid wire.ZenohID
	loc wire.Locator
	err error
	at  time.Time
}

func newScoutingDialer() *scoutingDialer {
	return &scoutingDialer{conn: map[wire.ZenohID]bool{}, dials: make(chan scoutingDial, 64)}
}

func (d *scoutingDialer) Connected(z wire.ZenohID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn[z]
}

func (d *scoutingDialer) Dial(ctx context.Context, z wire.ZenohID, l wire.Locator) error {
	var err error
	if l.Protocol() != "tcp" {
		err = fmt.Errorf("unsupported %s", l)
	} else {
		var c net.Conn
		c, err = (&net.Dialer{}).DialContext(ctx, "tcp", l.Address())
		if err == nil {
			c.Close()
			d.mu.Lock()
			d.conn[z] = true
			d.mu.Unlock()
		}
	}
	select {
	case d.dials <- scoutingDial{z, l, err, time.Now()}:
	default:
	}
	return err
}

func (d *scoutingDialer) await(t *testing.T, timeout time.Duration) scoutingDial {
	t.Helper()
	select {
	case r := <-d.dials:
		return r
	case <-time.After(timeout):
		t.Fatalf("no dial within %v", timeout)
		return scoutingDial{}
	}
}

// TestScoutingGoSeesRealHello: Go's Scout finds a real Zenoh peer on lo, with its listen
// locator, and the Hello is byte-identical once re-encoded by our codec.
func TestScoutingGoSeesRealHello(t *testing.T) {
	Python(t)
	scoutingLo(t)
	group, gs := scoutingGroup(t)
	peer := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, MulticastIface: "lo", MulticastAddress: gs})
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	start := time.Now()
	var found *scouting.Hello
	for h, err := range scouting.Scout(ctx, wire.WhatAmIMatcher(wire.Peer|wire.Router), scoutingConfig(group)) {
		if err != nil {
			t.Fatal(err)
		}
		if h.ZID.String() == peer.ZID() {
			found = &h
			break
		}
	}
	if found == nil {
		t.Fatalf("no Hello from real peer %s within %v", peer.ZID(), DefaultTimeout)
	}
	t.Logf("real Hello after %v: %s %v from %v on %s", time.Since(start), found.WhatAmI, found.Locators, found.Source, found.Interface)
	if found.WhatAmI != wire.Peer || !slices.Contains(found.Locators, wire.Locator(peer.Locator())) || found.Interface != "lo" {
		t.Errorf("Hello %+v, want peer with %s on lo", found, peer.Locator())
	}
	h := wire.Hello{Version: wire.ProtoVersion, WhatAmI: found.WhatAmI, ZID: found.ZID, Locators: found.Locators}
	if _, err := h.Append(nil); err != nil {
		t.Errorf("re-encoding the real Hello: %v", err)
	}
}

// TestScoutingRealSeesGoHello: real zenoh.scout finds a Go responder on lo, with exactly the
// locator it advertises (loopback locators are advertised to a scouter on this host).
func TestScoutingRealSeesGoHello(t *testing.T) {
	Python(t)
	scoutingLo(t)
	group, gs := scoutingGroup(t)
	zid := scoutingZID(t, "a1b2c3d4e5f60718")
	tcp := newScoutingTCP(t, "127.0.0.1:0")
	cfg := scoutingConfig(group)
	cfg.Multicast.Autoconnect.Matcher = 0 // answer only
	sc, err := scouting.New(cfg, scouting.Options{ZID: zid, WhatAmI: wire.Peer,
		Locators: func() []wire.Locator { return []wire.Locator{tcp.locator()} }})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	hellos, err := Scout(t, ScoutOptions{What: "peer|router", MulticastIface: "lo", MulticastAddress: gs, Timeout: 5 * time.Second, StopAfter: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("zenoh.scout returned after %v: %v", time.Since(start), hellos)
	if len(hellos) != 1 {
		t.Fatalf("real scout found %d nodes, want the Go one", len(hellos))
	}
	h := hellos[0]
	if h.ZID != zid.String() || h.WhatAmI != "peer" || !slices.Equal(h.Locators, []string{string(tcp.locator())}) {
		t.Errorf("real scout saw %+v, want %s peer %s", h, zid, tcp.locator())
	}
	if st := sc.Stats(); st.ScoutsAnswered == 0 || st.Malformed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestScoutingRealPeerScout captures a real peer's own Scout: its matcher is the peer default
// autoconnect (router|peer|client = 07 in eclipse-zenoh 1.10.2), the same as DefaultConfig,
// and Go's Scout for that matcher has the same bytes.
func TestScoutingRealPeerScout(t *testing.T) {
	Python(t)
	scoutingLo(t)
	group, gs := scoutingGroup(t)
	lo, err := scoutingLoIface()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := scouting.UDPNetwork{}.ListenGroup(group, []scouting.Interface{lo})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 1500)
		n, _, _, err := pc.ReadFrom(buf)
		if err == nil {
			got <- append([]byte(nil), buf[:n]...)
		}
	}()
	StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, MulticastIface: "lo", MulticastAddress: gs})
	var real []byte
	select {
	case real = <-got:
	case <-time.After(DefaultTimeout):
		t.Fatal("no Scout from the real peer")
	}
	def := scouting.DefaultConfig(wire.Peer).Multicast.Autoconnect.Matcher
	mine, err := (&wire.Scout{Version: wire.ProtoVersion, What: def}).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(real, mine) {
		t.Errorf("real peer Scout % x, Go default Scout % x", real, mine)
	}
}

func scoutingLoIface() (scouting.Interface, error) {
	all, err := scouting.UDPNetwork{}.Interfaces()
	if err != nil {
		return scouting.Interface{}, err
	}
	sel, err := scouting.SelectInterfaces("lo", netip.MustParseAddr("224.0.0.224"), all)
	if err != nil {
		return scouting.Interface{}, err
	}
	return sel[0], nil
}

// TestScoutingAutoconnectBothWays: a real peer dials the locator of a Go node's Hello (we
// accept the TCP connection and read its InitSyn, which carries the real peer's ZenohID), and
// a Go node's autoconnect dials the real peer's advertised locator.
func TestScoutingAutoconnectBothWays(t *testing.T) {
	Python(t)
	scoutingLo(t)
	group, gs := scoutingGroup(t)
	zid := scoutingZID(t, "5c0a7e")
	tcp := newScoutingTCP(t, "127.0.0.1:0")
	d := newScoutingDialer()
	sc, err := scouting.New(scoutingConfig(group), scouting.Options{ZID: zid, WhatAmI: wire.Peer, Dialer: d,
		Locators: func() []wire.Locator { return []wire.Locator{tcp.locator()} }})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	peer := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, MulticastIface: "lo", MulticastAddress: gs})
	t.Logf("real peer %s ready after %v", peer.ZID(), time.Since(start))
	// Real -> Go: the peer answers nothing yet; its first Scout (t=0 of its start) finds us.
	select {
	case m := <-tcp.inits:
		t.Logf("real peer dialled the Go Hello's locator after %v", time.Since(start))
		if m.ZID.String() != peer.ZID() || m.WhatAmI != wire.Peer {
			t.Errorf("InitSyn from %v/%v, want %s/peer", m.ZID, m.WhatAmI, peer.ZID())
		}
	case <-time.After(DefaultTimeout):
		t.Fatalf("the real peer did not dial %s", tcp.locator())
	}
	// Go -> real: our Scouts at 0, 1, 3 s after Start; the peer answers the first one after it
	// joined the group.
	r := d.await(t, DefaultTimeout)
	t.Logf("Go dialled %v via %s after %v: %v", r.zid, r.loc, r.at.Sub(start), r.err)
	if r.zid.String() != peer.ZID() || string(r.loc) != peer.Locator() || r.err != nil {
		t.Errorf("Go dialled %v via %s (%v), want %s via %s", r.zid, r.loc, r.err, peer.ZID(), peer.Locator())
	}
}
