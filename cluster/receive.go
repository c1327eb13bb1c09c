package cluster

import (
	"errors"
	"math/bits"
)

// peerNode is what the receive side knows about one node id: its recent incarnations.
type peerNode struct {
	incs []*peerInc
}

// peerInc is the receive state of one incarnation of a node.
type peerInc struct {
	inc        uint64
	next       uint64 // next expected sequence number (valid once heard)
	finalNext  uint64 // with left: the sequence number after its last event
	tick       uint64 // recency, for eviction
	heard      bool   // an envelope was received
	left       bool   // its leave envelope was received
	down       bool   // its token went away and has not come back
	superseded bool   // a newer incarnation of the same id appeared
	collided   bool   // a collision involving it was reported
}

// cleanlyGone reports whether the incarnation left with every event delivered.
func (p *peerInc) cleanlyGone() bool { return p.left && p.next >= p.finalNext }

// onMessage is the transport callback for the event key. It decodes, checks sequence numbers,
// and queues deliveries; it never blocks on a handler.
func (b *Bus) onMessage(_ string, payload []byte) {
	b.stats.received.Add(1)
	b.recvMu.Lock()
	defer b.recvMu.Unlock()
	if b.closed {
		return
	}
	env := &b.env
	if err := ParseEnvelope(payload, env); err != nil {
		b.envelopeFailed(env, err)
		return
	}
	h := env.Header
	if h.From == b.self {
		if h.Incarnation == b.inc {
			b.stats.selfSkipped.Add(1)
			return
		}
		b.selfCollision(h.Incarnation)
	}
	pi := b.incarnation(h.From, h.Incarnation)
	if pi.superseded && !pi.collided {
		b.checkCollision(h.From, pi)
	}
	if !pi.heard {
		pi.heard = true
		pi.next = h.Seq
		if h.Seq > 1 {
			b.resync(h.From, h.Incarnation, ReasonFirstContact, 0)
		}
	}
	n := uint64(len(env.Events))
	if h.Seq > pi.next {
		b.resync(h.From, h.Incarnation, ReasonGap, h.Seq-pi.next)
		pi.next = h.Seq
	}
	skip := uint64(0)
	if h.Seq < pi.next {
		skip = min(pi.next-h.Seq, n)
		b.stats.duplicates.Add(skip)
	}
	var failed uint64
	for i := skip; i < n; i++ {
		raw := env.Events[i]
		ev, err := b.reg.Decode(raw.Kind, raw.Body)
		if err != nil {
			if errors.Is(err, ErrUnknownKind) {
				b.stats.unknownKinds.Add(1)
				continue
			}
			failed++
			b.countDecodeError(err, h.From)
			continue
		}
		b.stats.eventsReceived.Add(1)
		b.dispatch(Delivery{From: h.From, Incarnation: h.Incarnation, Seq: h.Seq + i, Event: ev})
	}
	if failed > 0 {
		b.resync(h.From, h.Incarnation, ReasonDecode, failed)
	}
	if h.Seq+n > pi.next {
		pi.next = h.Seq + n
	}
	if h.Flags&FlagLeave != 0 {
		pi.left, pi.finalNext = true, h.Seq+n
		b.leaveReceived(h.From, pi)
	}
}

// envelopeFailed handles an envelope that did not decode.
func (b *Bus) envelopeFailed(env *Envelope, err error) {
	if errors.Is(err, ErrVersion) {
		b.stats.badVersion.Add(1)
	}
	b.countDecodeError(err, env.From)
	if env.From != 0 && (env.From != b.self || env.Incarnation != b.inc) {
		// The header was readable, so the sender is known: its events are lost.
		b.resync(env.From, env.Incarnation, ReasonDecode, 0)
	}
}

// countDecodeError counts a decode error and logs the first ones, then every power of two.
func (b *Bus) countDecodeError(err error, from NodeID) {
	n := b.stats.decodeErrors.Add(1)
	if n <= 8 || bits.OnesCount64(n) == 1 {
		b.log.Warn("cluster: cannot decode", "from", from.String(), "err", err, "count", n)
	}
}

// resync records a sender-level resync and queues it on every subscription.
func (b *Bus) resync(from NodeID, inc uint64, reason ResyncReason, missed uint64) {
	b.stats.resyncs[reason].Add(1)
	b.log.Info("cluster: resync", "from", from.String(), "incarnation", incString(inc), "reason", reason.String(), "missed", missed)
	b.dispatch(Delivery{From: from, Incarnation: inc, Event: Resync{From: from, Incarnation: inc, Reason: reason, Missed: missed}})
}

// incarnation returns the state of (id, inc), creating it. A new incarnation of a known node
// supersedes the older ones and, unless the latest of them left cleanly, causes a restart resync.
func (b *Bus) incarnation(id NodeID, inc uint64) *peerInc {
	b.tick++
	node := b.peers[id]
	if node == nil {
		node = &peerNode{}
		b.peers[id] = node
	}
	var latest *peerInc
	for _, p := range node.incs {
		if p.inc == inc {
			p.tick = b.tick
			return p
		}
		if latest == nil || p.tick > latest.tick {
			latest = p
		}
	}
	if len(node.incs) >= MaxIncarnationsPerNode {
		b.evict(id, node, oldest(node.incs))
	}
	if b.nPeers >= MaxTrackedPeers {
		b.evictGlobal()
	}
	p := &peerInc{inc: inc, tick: b.tick}
	node.incs = append(node.incs, p)
	b.nPeers++
	if latest != nil {
		for _, o := range node.incs {
			if o != p {
				o.superseded = true
			}
		}
		if !latest.cleanlyGone() {
			b.resync(id, inc, ReasonRestart, 0)
		}
	}
	return p
}

func oldest(ps []*peerInc) *peerInc {
	o := ps[0]
	for _, p := range ps[1:] {
		if p.tick < o.tick {
			o = p
		}
	}
	return o
}

func (b *Bus) evict(id NodeID, node *peerNode, p *peerInc) {
	for i, x := range node.incs {
		if x == p {
			node.incs = append(node.incs[:i], node.incs[i+1:]...)
			b.nPeers--
			break
		}
	}
	if len(node.incs) == 0 {
		delete(b.peers, id)
	}
}

// evictGlobal forgets the least recently heard incarnation of any node.
func (b *Bus) evictGlobal() {
	var (
		vid  NodeID
		vn   *peerNode
		vict *peerInc
	)
	for id, node := range b.peers {
		for _, p := range node.incs {
			if vict == nil || p.tick < vict.tick {
				vid, vn, vict = id, node, p
			}
		}
	}
	if vict != nil {
		b.evict(vid, vn, vict)
	}
}

// checkCollision reports a collision when an envelope comes from a superseded incarnation while
// a newer incarnation of the same id has been heard: two live processes share the id.
func (b *Bus) checkCollision(id NodeID, pi *peerInc) {
	var newer *peerInc
	for _, o := range b.peers[id].incs {
		if o != pi && o.heard && !o.superseded {
			newer = o
		}
	}
	if newer == nil {
		return
	}
	pi.collided, newer.collided = true, true
	b.reportCollision(Collision{ID: id, Incarnations: [2]uint64{newer.inc, pi.inc}})
}

// selfCollision reports another process sending with this node's id.
func (b *Bus) selfCollision(other uint64) {
	if b.selfCollided[other] || len(b.selfCollided) >= MaxIncarnationsPerNode {
		return // already reported
	}
	b.selfCollided[other] = true
	b.reportCollision(Collision{ID: b.self, Incarnations: [2]uint64{b.inc, other}})
}

func (b *Bus) reportCollision(c Collision) {
	b.stats.collisions.Add(1)
	b.log.Error("cluster: node id collision: two live processes use the same node id; give each node a unique cluster.node-id",
		"id", c.ID.String(), "incarnation", incString(c.Incarnations[0]), "other", incString(c.Incarnations[1]))
	b.dispatch(Delivery{From: c.ID, Event: c})
}
