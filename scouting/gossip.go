package scouting

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Gossip is the gossip scouting of Zenoh peers (zenoh/src/net/protocol/gossip.rs): over every
// transport to a router or peer, the node sends link-state lists (network OAM messages with id
// OAMIDLinkState) describing itself and its neighbours, and forwards what a neighbour says
// about itself to its other neighbours. A node that learns the locators of a node it has no
// transport to dials it (Config.Gossip.Autoconnect), so that a full mesh forms even where
// multicast does not reach everyone.
//
// The layer that owns transports drives it: LinkUp when a transport is established, Handle for
// every LINKSTATE OAM body received, LinkDown when the transport ends. All methods are safe
// for concurrent use; send functions are called without any lock held.
//
// Every table is bounded: Limits.MaxGossipLinks neighbours, Limits.MaxPSIDs identifier
// mappings per neighbour, Limits.MaxLinkStates states per list, and (in multihop mode)
// Limits.MaxNodes remote nodes, which expire after Limits.NodeTTL without news.
type Gossip struct {
	s *Scouter

	mu       sync.Mutex
	sn       uint64 // this node's state sequence number; starts at 1, +1 per new link
	nextPSID uint64 // identifiers this node gives to the nodes it describes; 0 is itself
	links    map[wire.ZenohID]*gossipLink
	nodes    map[wire.ZenohID]*gossipNode
	remotes  int // nodes that are not neighbours
	// lastExpiry is when remote nodes were last expired (a scan every NodeTTL/4 at most).
	lastExpiry time.Time
}

// gossipLink is a neighbour.
type gossipLink struct {
	zid    wire.ZenohID
	role   wire.WhatAmI
	remote netip.Addr
	send   func(body []byte) error
	psids  map[uint64]wire.ZenohID // the neighbour's identifiers of the nodes it describes
}

// gossipNode is a node of this node's graph other than itself: a neighbour, or (in multihop
// mode) a node learned from one.
type gossipNode struct {
	zid         wire.ZenohID
	role        wire.WhatAmI
	psid        uint64
	sn          uint64
	hasLocators bool
	locators    []wire.Locator
	gateway     bool
	neighbour   bool
	seen        time.Time
}

// GossipNode describes a node of the gossip graph, for inspection.
type GossipNode struct {
	ZID       wire.ZenohID
	WhatAmI   wire.WhatAmI
	SN        uint64
	Locators  []wire.Locator
	Neighbour bool
}

func newGossip(s *Scouter) *Gossip {
	return &Gossip{
		s: s, sn: 1, nextPSID: 1,
		links: make(map[wire.ZenohID]*gossipLink),
		nodes: make(map[wire.ZenohID]*gossipNode),
	}
}

// outMsg is a link-state list to send once the lock is released.
type outMsg struct {
	send   func([]byte) error
	states []LinkState
}

func (g *Gossip) enabled() bool { return g.s.cfg.Gossip.Enabled }

// targets reports whether gossip is sent to a neighbour of role w.
func (g *Gossip) targets(w wire.WhatAmI) bool { return g.s.cfg.Gossip.Target.Matches(w) }

// LinkUp registers a transport to neighbour zid of role w, whose remote address is remote (the
// zero Addr when unknown; it decides whether loopback locators are advertised to it), and
// sends the neighbour this node's graph. send queues a LINKSTATE OAM body on the transport; it
// must not block for long. A second LinkUp for the same neighbour replaces the first.
func (g *Gossip) LinkUp(zid wire.ZenohID, w wire.WhatAmI, remote netip.Addr, send func(body []byte) error) error {
	if !g.enabled() {
		return nil
	}
	if zid.IsZero() || zid == g.s.opt.ZID || !w.Valid() || send == nil {
		return fmt.Errorf("%w: LinkUp needs another node's ZenohID, a role and a send function", ErrConfig)
	}
	if len(g.s.host.Load().ifaces) == 0 {
		g.s.refreshHost()
	}
	g.mu.Lock()
	l := g.links[zid]
	if l == nil && len(g.links) >= g.s.cfg.Limits.MaxGossipLinks {
		g.mu.Unlock()
		g.s.st.gossipDropped.Add(1)
		return fmt.Errorf("%w: %d gossip links", ErrLimit, len(g.links))
	}
	if l == nil {
		l = &gossipLink{zid: zid, psids: make(map[uint64]wire.ZenohID)}
		g.links[zid] = l
	}
	l.role, l.remote, l.send = w, remote, send
	n := g.nodes[zid]
	isNew := n == nil
	if isNew {
		n = &gossipNode{zid: zid, psid: g.nextPSID}
		g.nextPSID++
		g.nodes[zid] = n
	} else if !n.neighbour {
		g.remotes--
	}
	n.role, n.neighbour, n.seen = w, true, time.Now()
	g.sn++
	var out []outMsg
	for _, o := range g.links {
		if o == l || !g.targets(o.role) {
			continue
		}
		states := []LinkState{g.selfState(o)}
		if isNew {
			states = append(states, LinkState{PSID: n.psid, SN: n.sn, ZID: n.zid, WhatAmI: n.role})
		}
		out = append(out, outMsg{o.send, states})
	}
	if g.targets(w) {
		states := []LinkState{g.selfState(l)}
		for _, m := range g.nodes {
			states = append(states, m.state())
		}
		out = append(out, outMsg{send, states})
	}
	g.mu.Unlock()
	g.flush(out)
	return nil
}

// LinkDown forgets neighbour zid (its transport ended).
func (g *Gossip) LinkDown(zid wire.ZenohID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.links, zid)
	g.deleteNode(zid)
}

// deleteNode removes a node from the graph.
func (g *Gossip) deleteNode(zid wire.ZenohID) {
	if n := g.nodes[zid]; n != nil {
		if !n.neighbour {
			g.remotes--
		}
		delete(g.nodes, zid)
	}
}

// LocatorsChanged tells the neighbours this node's new locators (call it when a listener is
// added or removed).
func (g *Gossip) LocatorsChanged() {
	if !g.enabled() {
		return
	}
	g.mu.Lock()
	g.sn++
	var out []outMsg
	for _, o := range g.links {
		if g.targets(o.role) {
			out = append(out, outMsg{o.send, []LinkState{g.selfState(o)}})
		}
	}
	g.mu.Unlock()
	g.flush(out)
}

// selfState is this node's state as sent to neighbour to, with its locators as seen from
// there. Like Rust zenoh 1.10 towards peers (whose remote bound is not "south"), it carries no
// links: receivers do not use them for gossip.
func (g *Gossip) selfState(to *gossipLink) LinkState {
	own := g.s.host.Load().ownLocators(g.s.opt.Locators(), to.remote)
	return LinkState{PSID: 0, SN: g.sn, ZID: g.s.opt.ZID, WhatAmI: g.s.opt.WhatAmI, HasLocators: true, Locators: own}
}

// state is a node's state as this node describes it.
func (n *gossipNode) state() LinkState {
	return LinkState{
		PSID: n.psid, SN: n.sn, ZID: n.zid, WhatAmI: n.role,
		HasLocators: n.hasLocators, Locators: n.locators, Gateway: n.gateway,
	}
}

// flush encodes and sends each message.
func (g *Gossip) flush(out []outMsg) {
	for _, m := range out {
		body, err := AppendLinkStates(nil, m.states)
		if err != nil {
			g.s.st.gossipDropped.Add(1)
			g.s.log.Debug("scouting: cannot encode link states", "err", err)
			continue
		}
		if err := m.send(body); err != nil {
			g.s.st.gossipDropped.Add(1)
			g.s.log.Debug("scouting: cannot send link states", "err", err)
			continue
		}
		g.s.st.gossipSent.Add(1)
	}
}

// offer is a node to hand to autoconnect once the lock is released.
type offer struct {
	zid   wire.ZenohID
	role  wire.WhatAmI
	cands []wire.Locator
}

// Handle processes a LINKSTATE OAM body received from neighbour from. It fails (and counts) a
// body that does not decode, is over the limits, or comes from a node that is not a neighbour;
// the transport can stay up: Zenoh itself only logs such errors.
func (g *Gossip) Handle(from wire.ZenohID, body []byte) error {
	st := &g.s.st
	if !g.enabled() {
		return nil
	}
	st.gossipReceived.Add(1)
	states, err := DecodeLinkStates(body, nil, g.s.cfg.Limits.MaxLinkStates)
	if err != nil {
		st.gossipMalformed.Add(1)
		return fmt.Errorf("scouting: link states from %s: %w", from, err)
	}
	st.gossipStates.Add(uint64(len(states)))
	now := time.Now()
	lim := &g.s.cfg.Limits
	g.mu.Lock()
	l := g.links[from]
	if l == nil {
		g.mu.Unlock()
		st.gossipDropped.Add(1)
		return fmt.Errorf("%w: %s", ErrNoLink, from)
	}
	host := g.s.host.Load()
	var out []outMsg
	var offers []offer
	for i := range states {
		ls := &states[i]
		zid := ls.ZID
		if zid.IsZero() {
			zid = l.psids[ls.PSID]
			if zid.IsZero() {
				st.gossipUnknownID.Add(1)
				continue
			}
		} else if _, ok := l.psids[ls.PSID]; ok || len(l.psids) < lim.MaxPSIDs {
			l.psids[ls.PSID] = zid
		}
		if zid == g.s.opt.ZID {
			continue
		}
		role := ls.WhatAmI
		if role == 0 {
			role = wire.Router // Zenoh's default for a state without whatami
		}
		if changed := g.update(zid, role, ls, zid == from, now); changed != nil {
			for _, o := range g.links {
				if o != l && g.targets(o.role) {
					out = append(out, outMsg{o.send, []LinkState{changed.state()}})
				}
			}
		}
		if len(ls.Locators) > 0 {
			cands := host.dialCandidates(ls.Locators, l.remote, nil, lim.MaxDialLocators)
			offers = append(offers, offer{zid, role, cands})
		}
	}
	g.expireLocked(now)
	g.mu.Unlock()
	g.flush(out)
	for _, o := range offers {
		g.s.conn.offer(o.zid, o.role, o.cands, SourceGossip, g.s.cfg.Gossip.Autoconnect)
	}
	return nil
}

// update records a state received about zid (self is true when the neighbour describes
// itself) and returns the node when its news must be forwarded to the other neighbours: a
// neighbour's own state with a newer sequence number and new locators, or, in multihop mode,
// any newer state with locators.
func (g *Gossip) update(zid wire.ZenohID, role wire.WhatAmI, ls *LinkState, self bool, now time.Time) *gossipNode {
	n := g.nodes[zid]
	if !self && !g.s.cfg.Gossip.Multihop {
		return nil
	}
	if n == nil {
		if self {
			return nil // a neighbour's node exists from LinkUp until LinkDown
		}
		if g.remotes >= g.s.cfg.Limits.MaxNodes {
			g.s.st.gossipDropped.Add(1)
			return nil
		}
		n = &gossipNode{zid: zid, psid: g.nextPSID, role: role}
		g.nextPSID++
		g.nodes[zid] = n
		g.remotes++
	}
	n.seen = now
	if ls.SN <= n.sn {
		return nil
	}
	n.sn, n.role, n.gateway = ls.SN, role, ls.Gateway
	if !ls.HasLocators || (n.hasLocators && slices.Equal(n.locators, ls.Locators)) {
		return nil
	}
	n.hasLocators, n.locators = true, slices.Clone(ls.Locators)
	return n
}

// expireLocked drops the remote nodes without news for NodeTTL.
func (g *Gossip) expireLocked(now time.Time) {
	if g.remotes == 0 || now.Sub(g.lastExpiry) < g.s.cfg.Limits.NodeTTL/4 {
		return
	}
	g.lastExpiry = now
	for id, n := range g.nodes {
		if !n.neighbour && now.Sub(n.seen) > g.s.cfg.Limits.NodeTTL {
			g.deleteNode(id)
		}
	}
}

// Nodes returns the gossip graph other than this node, ordered by ZenohID.
func (g *Gossip) Nodes() []GossipNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]GossipNode, 0, len(g.nodes))
	for _, n := range g.nodes {
		out = append(out, GossipNode{ZID: n.zid, WhatAmI: n.role, SN: n.sn, Locators: slices.Clone(n.locators), Neighbour: n.neighbour})
	}
	slices.SortFunc(out, func(a, b GossipNode) int { return a.ZID.Compare(b.ZID) })
	return out
}

func (g *Gossip) linkCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.links)
}
