package routing

import (
	"sort"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Interests we send, as Zenoh 1.x does (Rust's p2p_peer hat, and its client hat in client
// mode; the wire behaviour was captured from zenoh 1.10.2):
//
// A router declares nothing to a peer or client unless asked, and in client mode neither does
// the peer we are connected to. So the interests of the south faces (the local session's
// liveliness subscribers and liveliness Gets, and the interests of our clients) are forwarded
// to those "interest targets": routers, and in client mode every face.
//
//   - A Future or CurrentFuture interest (a liveliness subscriber: K|T restricted to its key,
//     CurrentFuture with history; a client's interest, in its own mode) is sent to every
//     interest target, each under an id of that face's numbering, its key declared as Rust's
//     decl_key does (a DeclareKeyExpr for a new non-wild prefix). A target that opens later is
//     sent every live one, in mode CurrentFuture. The declarations that come back, with or
//     without the interest id, are registered as that face's own; DeclareFinal(id) ends the
//     current part. When the interest ends (the subscriber is undeclared, the client sends
//     Final or closes) each target is sent Interest Final(id), and what it declared that no
//     remaining interest covers is forgotten silently (it will not tell us when it goes).
//   - A Current token interest (a liveliness Get, or a client's) goes to the interest targets
//     and, in peer mode, to the peers whose DeclareFinal(0) has not arrived; the tokens that
//     come back with its id are reported to the Get only (see livelinessGet).
//
// The interests of remote peers and routers are never forwarded (they are north).

// fwdInterest is a Future or CurrentFuture interest of a south face forwarded to the interest
// targets.
type fwdInterest struct {
	src        *Face  // the local face or a client
	srcID      uint32 // its id on src (the client's interest id; a local serial number)
	options    wire.InterestOptions
	restricted bool
	key        keyexpr.KeyExpr    // when restricted (zero if invalid: matches nothing)
	sent       map[*Face]uint32   // interest target -> our interest id on it
	final      map[*Face]struct{} // the targets whose DeclareFinal answered it (lazy)
	// catchUp holds the targets it was sent to when they opened, after it was declared (lazy):
	// their answers are news to its subscribers (they saw the tokens of a previous connection
	// go, or never saw them), not history, and are handled as future declarations.
	catchUp map[*Face]struct{}
}

// answerOf returns fi when a declaration from face f tagged with its id answers its current
// part as history, or nil when it is a catch-up after f (re)opened (see catchUp).
func (fi *fwdInterest) answerOf(f *Face) *fwdInterest {
	if _, ok := fi.catchUp[f]; ok {
		return nil
	}
	return fi
}

// covers reports whether the interest asks for kind k on key.
func (fi *fwdInterest) covers(k declKind, key keyexpr.KeyExpr) bool {
	if fi.options&kindOption[k] == 0 {
		return false
	}
	return !fi.restricted || fi.key.Intersects(key)
}

// interestTarget reports whether the interests of south faces are forwarded to face d:
// routers, and in client mode every peer or router.
func (r *Router) interestTarget(d *Face) bool {
	if d.closed.Load() {
		return false
	}
	return d.kind == kindRouter || (r.cfg.Client && d.kind == kindPeer)
}

// currentTarget reports whether a Current token interest goes to face d: an interest target,
// or a peer whose initial declarations have not all arrived.
func (r *Router) currentTarget(d *Face) bool {
	return r.interestTarget(d) || (d.kind == kindPeer && !d.c.finalized && !d.closed.Load())
}

// forwardInterest records the interest srcID of south face src and sends it in mode to every
// interest target. Called with r.mu held.
func (r *Router) forwardInterest(src *Face, srcID uint32, mode wire.InterestMode, options wire.InterestOptions, restricted bool, key keyexpr.KeyExpr) *fwdInterest {
	fi := &fwdInterest{src: src, srcID: srcID, options: options &^ interestWireBits, restricted: restricted, key: key,
		sent: make(map[*Face]uint32)}
	if src.c.fwd == nil {
		src.c.fwd = make(map[uint32]*fwdInterest)
	}
	src.c.fwd[srcID] = fi
	for _, d := range r.slots {
		if d != nil && d != src && r.interestTarget(d) {
			r.sendInterest(d, fi, mode)
		}
	}
	return fi
}

// interestWireBits are the option bits that describe the wire expression, not what is asked.
const interestWireBits = wire.InterestRestricted | wire.InterestNamed | wire.InterestMapping

// sendInterest sends fi to interest target d in mode, under a new id of d. Called with r.mu
// held.
func (r *Router) sendInterest(d *Face, fi *fwdInterest, mode wire.InterestMode) {
	id := d.c.newID()
	if d.c.out == nil {
		d.c.out = make(map[uint32]*fwdInterest)
	}
	d.c.out[id] = fi
	fi.sent[d] = id
	r.queueInterest(d, id, mode, fi.options, fi.restricted, fi.key)
}

// queueInterest queues an Interest to face d; a restricted one names its key as Rust's
// decl_key does (declaring a new non-wild prefix first). Called with r.mu held.
func (r *Router) queueInterest(d *Face, id uint32, mode wire.InterestMode, options wire.InterestOptions, restricted bool, key keyexpr.KeyExpr) {
	m := &wire.NetworkMessage{ID: wire.NetIDInterest}
	m.Interest = wire.Interest{InterestID: id, Mode: mode, Options: options, QoS: qosDeclare}
	if restricted && !key.IsZero() {
		m.Interest.Restricted = true
		m.Interest.WireExpr = r.declKey(d, key)
	}
	r.out.add(effect{face: d, msg: m})
}

// endForward ends a forwarded interest: each target is sent Interest Final and forgets (here)
// what only that interest made it declare. Called with r.mu held.
func (r *Router) endForward(fi *fwdInterest) {
	if fi.src.c.fwd[fi.srcID] == fi {
		delete(fi.src.c.fwd, fi.srcID)
	}
	targets := make([]*Face, 0, len(fi.sent))
	for d := range fi.sent {
		targets = append(targets, d)
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].slot < targets[j].slot })
	republish := false // a target no longer filters publications on fi's key
	for _, d := range targets {
		id := fi.sent[d]
		delete(fi.sent, d)
		if d.c.out[id] == fi {
			delete(d.c.out, id)
		}
		_, answered := fi.final[d]
		delete(fi.final, d)
		if d.closed.Load() {
			continue
		}
		m := &wire.NetworkMessage{ID: wire.NetIDInterest}
		m.Interest = wire.Interest{InterestID: id, Mode: wire.InterestFinal, QoS: qosDeclare}
		r.out.add(effect{face: d, msg: m})
		r.forgetUncoveredNorth(d, fi)
		if answered && fi.filters() {
			republish = true
		}
	}
	if republish {
		r.publish() // before the index changes are committed: see buildRoute
	}
}

// outCovers reports whether one of the interests we sent face d asks for kind k on key.
func (d *Face) outCovers(k declKind, key keyexpr.KeyExpr) bool {
	for _, fi := range d.c.out {
		if fi.covers(k, key) {
			return true
		}
	}
	return false
}

// forgetUncoveredNorth removes what interest target d declared under ended interest fi that
// no remaining interest covers: d no longer tells us about those (a Zenoh router forgets what
// it declared to an interest that ends), so keeping them would leave stale entries. No local
// liveliness subscriber or client interest intersects them any more (each has a live
// interest on d), so nobody sees them go. Called with r.mu held.
func (r *Router) forgetUncoveredNorth(d *Face, fi *fwdInterest) {
	stale := func(k declKind, key keyexpr.KeyExpr) bool { return fi.covers(k, key) && !d.outCovers(k, key) }
	for _, id := range sortedIDs(d.c.tokens) {
		if stale(kindToken, d.c.tokens[id].key) {
			r.removeRemoteToken(d, id)
		}
	}
	for _, id := range sortedIDs(d.c.subs) {
		if stale(kindSub, d.c.subs[id].key) {
			r.removeRemoteSub(d, id)
		}
	}
	for _, id := range sortedIDs(d.c.qabls) {
		if stale(kindQabl, d.c.qabls[id].key) {
			r.removeRemoteQabl(d, id)
		}
	}
}

// sortedIDs returns the keys of m in increasing order (for deterministic output).
func sortedIDs[V any](m map[uint32]V) []uint32 {
	out := make([]uint32, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// interestsOnOpen sends a new interest target f every live forwarded interest, in mode
// CurrentFuture (Rust's interests_new_face): those of the local session first, then those of
// each client, each in id order. Called with r.mu held, before f is sent any declaration.
func (r *Router) interestsOnOpen(f *Face) {
	if !r.interestTarget(f) {
		return
	}
	srcs := []*Face{r.local}
	for _, c := range r.slots {
		if c != nil && c.kind == kindClient && c != f {
			srcs = append(srcs, c)
		}
	}
	for _, src := range srcs {
		for _, id := range sortedIDs(src.c.fwd) {
			fi := src.c.fwd[id]
			if fi.catchUp == nil {
				fi.catchUp = make(map[*Face]struct{})
			}
			fi.catchUp[f] = struct{}{}
			r.sendInterest(f, fi, wire.InterestCurrentFuture)
		}
	}
}

// interestsOnClose cleans up the interests of a face that closes: those it forwarded as a
// client end (their targets are sent Final), those we sent it are forgotten, the liveliness
// Gets of its Current interests end without answer, and waiters for its DeclareFinal(0) are
// released. Called with r.mu held, before f's declarations are removed.
func (r *Router) interestsOnClose(f *Face) {
	for _, id := range sortedIDs(f.c.fwd) {
		r.endForward(f.c.fwd[id])
	}
	for id, fi := range f.c.out {
		delete(fi.sent, f)
		delete(fi.final, f)
		delete(fi.catchUp, f)
		delete(f.c.out, id)
	}
	for g := range r.lgets {
		if g.client == f {
			g.finish(r, false) // its DeclareFinal is not sent: f is closed
		}
	}
	if f.c.finalWait != nil {
		close(f.c.finalWait)
		f.c.finalWait = nil
	}
}
