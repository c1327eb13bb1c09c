package interop

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/wire"
)

// scoutingLinkStates walks the batches of one direction of a relay connection and returns the
// bodies of the LINKSTATE network OAMs, until want of them were seen or the time is up.
func scoutingLinkStates(t *testing.T, c *RelayConn, dir Direction, want int, timeout time.Duration) [][]byte {
	t.Helper()
	r := c.Reader(dir)
	deadline := time.Now().Add(timeout)
	var bodies [][]byte
	for len(bodies) < want && time.Now().Before(deadline) {
		batch, err := r.NextBatch(time.Until(deadline))
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, ErrTimeout) {
				break
			}
			t.Fatalf("%v: %v", dir, err)
		}
		it := wire.NewBatchIter(batch)
		for k := it.Next(); k != wire.BatchDone; k = it.Next() {
			if k != wire.BatchNetwork {
				continue
			}
			m := it.Network()
			if m.ID == wire.NetIDOAM && m.OAM.OAMID == wire.OAMIDLinkState {
				if m.OAM.Enc != wire.ExtZBuf {
					t.Errorf("LINKSTATE OAM with encoding %v", m.OAM.Enc)
				}
				bodies = append(bodies, append([]byte(nil), m.OAM.Body...))
			}
		}
		if err := it.Err(); err != nil {
			t.Fatalf("%v: batch does not decode: %v\n% x", dir, err, batch)
		}
	}
	return bodies
}

// TestScoutingGossipCapture captures the gossip between real Zenoh peers (A dials B through a
// relay; C is B's other neighbour) and checks our link-state codec on it: every body decodes,
// re-encodes to the same bytes, and says what Zenoh's gossip.rs says it should: B describes
// itself, C and A to A, and A describes itself and B to B.
func TestScoutingGossipCapture(t *testing.T) {
	Python(t)
	b := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}})
	c := StartPeer(t, PeerOptions{Connect: []string{b.Locator()}})
	if _, err := b.WaitPeers(1, DefaultTimeout); err != nil {
		t.Fatal(err)
	}
	relay := StartRelay(t, b.Locator())
	a := StartPeer(t, PeerOptions{Connect: []string{relay.Endpoint()}})
	if _, err := a.WaitPeers(1, DefaultTimeout); err != nil {
		t.Fatal(err)
	}
	conn, err := relay.WaitConn(0, DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	zids := map[string]string{a.ZID(): "A", b.ZID(): "B", c.ZID(): "C"}
	var fromB [][]byte
	for _, dir := range []Direction{FromTarget, ToTarget} {
		bodies := scoutingLinkStates(t, conn, dir, 1, 5*time.Second)
		if dir == FromTarget {
			fromB = bodies
		}
		if len(bodies) == 0 {
			t.Fatalf("%v: no LINKSTATE OAM", dir)
		}
		from, to := "B", "A"
		if dir == ToTarget {
			from, to = "A", "B"
		}
		for i, body := range bodies {
			states, err := scouting.DecodeLinkStates(body, nil, 1024)
			if err != nil {
				t.Fatalf("%v body %d does not decode: %v\n% x", dir, i, err, body)
			}
			again, err := scouting.AppendLinkStates(nil, states)
			if err != nil || !bytes.Equal(again, body) {
				t.Fatalf("%v body %d re-encodes differently (%v)\nreal % x\nours % x", dir, i, err, body, again)
			}
			seen := map[string]scouting.LinkState{}
			for _, s := range states {
				name := zids[s.ZID.String()]
				if name == "" {
					t.Errorf("%v: state of unknown zid %v", dir, s.ZID)
				}
				seen[name] = s
				t.Logf("%s -> %s: %s psid %d sn %d %v loc=%v(%v) links %v gw %v", from, to, name, s.PSID, s.SN, s.WhatAmI, s.HasLocators, s.Locators, s.Links, s.Gateway)
			}
			if i > 0 {
				continue
			}
			self, ok := seen[from]
			if !ok || self.SN < 1 || self.WhatAmI != wire.Peer || !self.HasLocators {
				t.Errorf("%v: sender's own state %+v (present %v)", dir, self, ok)
			}
			if _, ok := seen[to]; !ok {
				t.Errorf("%v: no state of the receiver", dir)
			}
			if _, ok := seen["C"]; dir == FromTarget && !ok {
				t.Errorf("B did not describe its other neighbour C to A")
			}
		}
	}

	// A Go node in A's place, given what B sent A, dials B's advertised (loopback) locator and
	// nothing for C, which advertises none.
	d := newScoutingDialer()
	cfg := scouting.DefaultConfig(wire.Peer)
	cfg.Multicast.Enabled = false
	sc, err := scouting.New(cfg, scouting.Options{ZID: scoutingZID(t, "60551b"), WhatAmI: wire.Peer, Dialer: d})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	bzid := scoutingZID(t, b.ZID())
	if err := sc.Gossip().LinkUp(bzid, wire.Peer, netip.MustParseAddr("127.0.0.1"), func([]byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := sc.Gossip().Handle(bzid, fromB[0]); err != nil {
		t.Fatal(err)
	}
	r := d.await(t, DefaultTimeout)
	if r.zid != bzid || string(r.loc) != b.Locator() || r.err != nil {
		t.Errorf("Go dialled %v via %s (%v), want %s via %s", r.zid, r.loc, r.err, b.ZID(), b.Locator())
	}
	if stats := sc.Stats(); stats.GossipStates != 3 || stats.SkippedNoLocators != 0 || stats.DialsStarted != 1 {
		t.Errorf("stats %+v", stats)
	}
}
