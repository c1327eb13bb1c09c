package scouting

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

var (
	errRefused  = errors.New("fake: connection refused")
	errWrongZID = errors.New("fake: remote has another ZenohID")
)

// fakeMesh is a set of fake session managers. A Dial to a node's listen locator opens the one
// transport of the pair (a second dial of the pair, from either side, finds it and succeeds,
// as the session manager's simultaneous-dial rule makes it) and brings the gossip links up on
// both sides; gossip bodies are delivered asynchronously.
type fakeMesh struct {
	mu        sync.Mutex
	nodes     map[wire.Locator]*fakeNode
	blackhole map[wire.Locator]bool
	latency   time.Duration
	opened    map[[2]wire.ZenohID]int
	dials     []dialRec
	active    map[[2]wire.ZenohID]int // dials in flight per (dialler, target)
	maxActive int
	self      int // dials of a node to itself
	wg        sync.WaitGroup
}

type dialRec struct {
	from, to wire.ZenohID
	loc      wire.Locator
	at       time.Time
}

func newFakeMesh() *fakeMesh {
	return &fakeMesh{
		nodes: map[wire.Locator]*fakeNode{}, blackhole: map[wire.Locator]bool{},
		opened: map[[2]wire.ZenohID]int{}, active: map[[2]wire.ZenohID]int{},
	}
}

type fakeNode struct {
	m     *fakeMesh
	zid   wire.ZenohID
	role  wire.WhatAmI
	locs  []wire.Locator
	addr  netip.Addr
	sc    *Scouter
	peers map[wire.ZenohID]bool // guarded by m.mu
	host  *memHost
}

func pairKey(a, b wire.ZenohID) [2]wire.ZenohID {
	if a.Compare(b) > 0 {
		a, b = b, a
	}
	return [2]wire.ZenohID{a, b}
}

func (n *fakeNode) Connected(zid wire.ZenohID) bool {
	n.m.mu.Lock()
	defer n.m.mu.Unlock()
	return n.peers[zid]
}

func (n *fakeNode) Dial(ctx context.Context, zid wire.ZenohID, loc wire.Locator) error {
	m := n.m
	m.mu.Lock()
	m.dials = append(m.dials, dialRec{n.zid, zid, loc, time.Now()})
	key := [2]wire.ZenohID{n.zid, zid}
	m.active[key]++
	if m.active[key] > m.maxActive {
		m.maxActive = m.active[key]
	}
	if zid == n.zid {
		m.self++
	}
	hole := m.blackhole[loc]
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.active[key]--
		m.mu.Unlock()
	}()
	if hole {
		<-ctx.Done()
		return ctx.Err()
	}
	if m.latency > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(m.latency):
		}
	}
	m.mu.Lock()
	t := m.nodes[loc]
	switch {
	case t == nil:
		m.mu.Unlock()
		return errRefused
	case t.zid != zid:
		m.mu.Unlock()
		return errWrongZID
	case n.peers[t.zid]:
		m.mu.Unlock()
		return nil
	}
	n.peers[t.zid], t.peers[n.zid] = true, true
	m.opened[pairKey(n.zid, t.zid)]++
	m.mu.Unlock()
	ready := make(chan struct{})
	n.sc.Gossip().LinkUp(t.zid, t.role, t.addr, m.sender(n, t, ready))
	t.sc.Gossip().LinkUp(n.zid, n.role, n.addr, m.sender(t, n, ready))
	close(ready)
	return nil
}

// sender delivers gossip from one node to another once both ends of the link are up.
func (m *fakeMesh) sender(from, to *fakeNode, ready <-chan struct{}) func([]byte) error {
	return func(body []byte) error {
		b := append([]byte(nil), body...)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			<-ready
			to.sc.Gossip().Handle(from.zid, b)
		}()
		return nil
	}
}

// fullMesh reports whether every pair of nodes has a transport.
func (m *fakeMesh) fullMesh(nodes []*fakeNode) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, a := range nodes {
		for _, b := range nodes[i+1:] {
			if !a.peers[b.zid] {
				return false
			}
		}
	}
	return true
}

// testZID returns a ZenohID whose first byte is b (so that ordering is easy to reason about).
func testZID(b byte) wire.ZenohID {
	var id wire.ZenohID
	id[0], id[1] = b, 0x5a
	return id
}

// addNode makes a host with one interface on segment seg at addr ("10.0.0.1/24"), a fake
// session listening on tcp/<addr>:7447 and a Scouter on that interface.
func (m *fakeMesh) addNode(t testing.TB, nw *memNet, name string, zid wire.ZenohID, seg, addr string, cfg Config) *fakeNode {
	t.Helper()
	return m.addNodeIfs(t, nw, name, zid, cfg, memIface{name: "eth0", seg: seg, addrs: []string{addr}})
}

// addNodeIfs is addNode with several interfaces; the node listens on the first one's address.
func (m *fakeMesh) addNodeIfs(t testing.TB, nw *memNet, name string, zid wire.ZenohID, cfg Config, ifs ...memIface) *fakeNode {
	t.Helper()
	h := nw.host(name, ifs...)
	p := netip.MustParsePrefix(ifs[0].addrs[0])
	n := &fakeNode{m: m, zid: zid, role: wire.Peer, addr: p.Addr(), peers: map[wire.ZenohID]bool{}, host: h}
	n.locs = []wire.Locator{wire.Locator("tcp/" + netip.AddrPortFrom(p.Addr(), 7447).String())}
	m.mu.Lock()
	m.nodes[n.locs[0]] = n
	m.mu.Unlock()
	sc, err := New(cfg, Options{ZID: zid, WhatAmI: wire.Peer, Locators: func() []wire.Locator { return n.locs }, Dialer: n, Network: h})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	n.sc = sc
	t.Cleanup(func() { sc.Close() })
	return n
}

// testConfig is the peer default with multicast pinned to eth0.
func testConfig() Config {
	cfg := DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = "eth0"
	return cfg
}

// timeAt returns a fixed time plus ms milliseconds.
func timeAt(ms int) time.Time {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(ms) * time.Millisecond)
}
