package routing

import (
	"bytes"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Sample is a publication delivered to a local subscriber callback. It and everything it
// points to (Key's text included: it may alias the receive buffer or a reused scratch buffer)
// are valid only during the callback: copy what must outlive it (strings.Clone(Key.String())).
type Sample struct {
	Key         keyexpr.KeyExpr // the resolved key (Push.WireExpr is as received)
	Push        *wire.Push      // the publication: Body is a Put or a Del
	Reliability wire.Reliability
	Source      *Face // the face it came from (Router.Local() for local publications)
	// KeyOwned says Key's text is immutable (a cached route's copy) and may be kept after
	// the call; otherwise it may alias a buffer that is reused once the call returns.
	KeyOwned bool
}

// routePush routes a Push received from remote face src. m.Push's wire expression is changed
// while it is forwarded and restored before local subscribers see it.
func (r *Router) routePush(src *Face, m *wire.NetworkMessage, rel wire.Reliability) {
	if we := &m.Push.WireExpr; we.Scope != 0 && len(we.Suffix) == 0 {
		// An expression id alone (Rust's pushes to our exact-key subscribers, and ours): the
		// route is cached on the id's entry.
		if e, ok := src.prefixOf(we); ok && e != nil && !e.ke.IsZero() {
			g := r.routes.gen.Load() // before reading the index: see routeCache
			gr := e.rt.Load()
			if gr == nil || gr.gen != g {
				sc := getScratch()
				gr = &genRoute{gen: g, rt: r.cachedRoute(sc, e.ke, []byte(e.s), g, false)}
				putScratch(sc)
				e.rt.Store(gr)
			}
			r.sendRoute(src, gr.rt, m, rel)
			return
		}
	}
	sc := getScratch()
	kb, st := sc.resolveBytes(src, &m.Push.WireExpr)
	if st != resolved {
		r.st.pushesDropped.Add(1)
		putScratch(sc)
		return
	}
	concrete := bytes.IndexByte(kb, '*') < 0
	g := r.routes.gen.Load() // before reading the index: see routeCache
	var rt *route
	if concrete {
		rt = r.routes.lookup(kb, g) // a hit means kb was a valid key
	}
	if rt == nil {
		ke, ok := validKey(kb)
		switch {
		case !ok:
			r.st.pushesDropped.Add(1)
			putScratch(sc)
			return
		case concrete:
			rt = r.cachedRoute(sc, ke, kb, g, true)
		default:
			rt = r.scratchRoute(sc, ke, kb)
		}
	}
	r.sendRoute(src, rt, m, rel)
	putScratch(sc)
}

// scratchRoute returns the route of a wildcard key (not cached), built in sc.
func (r *Router) scratchRoute(sc *scratch, ke keyexpr.KeyExpr, kb []byte) *route {
	g := r.routes.gen.Load() // before reading the index: see buildRoute
	sc.subs = r.subs.appendMatch(sc.subs[:0], ke)
	rt := &sc.route
	r.buildRoute(rt, ke, kb, sc.subs, false, g)
	return rt
}

// Publish routes a publication of the local session on key: to every remote face with a
// matching subscriber (once per face), to the peers whose initial declarations have not all
// arrived yet, and to the local subscribers whose key intersects. p.WireExpr is ignored (the
// faces receive key, or an expression id they declared for it); p.QoS, timestamps and the body
// are forwarded as they are. Set p.QoS to wire.NetQoSDefault (0x05) for default QoS: the zero
// value means Control priority. p is only read during the call; local subscriber callbacks run
// synchronously on the calling goroutine. Publish allocates nothing in the steady state. It
// returns ErrClosed after Close.
func (r *Router) Publish(key keyexpr.KeyExpr, p *wire.Push, rel wire.Reliability) error {
	if key.IsZero() {
		return ErrZeroKey
	}
	if r.down.Load() {
		return ErrClosed
	}
	sc := getScratch()
	n := copy(sc.kbuf[:], key.String())
	kb := sc.kbuf[:n]
	var rt *route
	if bytes.IndexByte(kb, '*') < 0 {
		rt = r.cachedRoute(sc, key, kb, r.routes.gen.Load(), true)
	} else {
		rt = r.scratchRoute(sc, key, kb)
	}
	m := &sc.out
	m.ID = wire.NetIDPush
	m.Push = *p
	r.sendRoute(r.local, rt, m, rel)
	putScratch(sc)
	return nil
}

// sendRoute sends the publication m.Push from face src along rt: to rt's remote faces that the
// peer rules allow (never back to src; from a peer or router only to clients), to rt's blind
// faces when src is south, and to rt's local subscribers (local publications included).
// m.Push's wire expression, node id, extensions and timestamp flag are changed for the copies
// sent and restored before local delivery.
func (r *Router) sendRoute(src *Face, rt *route, m *wire.NetworkMessage, rel wire.Reliability) {
	c := pushCounts{routed: 1}
	south := src.south()
	var blind []*Face
	if south && rt.blind != nil {
		blind = rt.blind.faces
	}
	n := 0 // remote destinations
	for i := range rt.dests {
		if d := rt.dests[i].face; d.allowedFrom(src, south) {
			n++
		}
	}
	for _, d := range blind {
		if rt.blindTo(d, src) {
			n++
		}
	}
	if n > 0 {
		p := &m.Push
		we, node, exts, hasTS := p.WireExpr, p.NodeID, p.Exts, p.HasTimestamp
		p.NodeID = 0
		p.Exts = nil // Rust does not keep unknown network extensions
		if len(rt.locals) > 0 && src.kind != kindLocal {
			n++ // the local session is one of Rust's destinations (its own publications excepted)
		}
		if n > 1 {
			p.HasTimestamp = false // Rust drops the network timestamp for several destinations
		}
		for i := range rt.dests {
			d := &rt.dests[i]
			if !d.face.allowedFrom(src, south) {
				continue
			}
			p.WireExpr = d.we
			r.send(d.face, m, rel, &c)
		}
		if len(blind) > 0 {
			p.WireExpr = wire.WireExpr{Suffix: rt.kb, Mapping: wire.MappingSender}
			for _, d := range blind {
				if rt.blindTo(d, src) {
					r.send(d, m, rel, &c)
				}
			}
		}
		p.WireExpr, p.NodeID, p.Exts, p.HasTimestamp = we, node, exts, hasTS
	}
	if len(rt.locals) > 0 {
		s := Sample{Key: rt.key, Push: &m.Push, Reliability: rel, Source: src, KeyOwned: rt.owned}
		for _, sub := range rt.locals {
			if sub.unguarded { // deliver without its deferred recovery, inline: no call
				if !sub.undeclared.Load() {
					sub.fn(s)
					c.delivered++
				}
			} else if r.deliver(sub, s) {
				c.delivered++
			}
		}
	}
	r.count(src, &c)
}

// allowedFrom reports whether a publication from src (south: src.south()) may go to d.
func (d *Face) allowedFrom(src *Face, south bool) bool {
	return d != src && (south || d.kind == kindClient) && !d.closed.Load()
}

// blindTo reports whether a publication from src along rt goes to its blind face d: not back
// to src, not to a closed face, not twice to a destination, not to a face rt.blind skips.
func (rt *route) blindTo(d, src *Face) bool {
	if d == src || d.closed.Load() || rt.has(d) {
		return false
	}
	for _, s := range rt.blind.skip {
		if s == d {
			return false
		}
	}
	return true
}

// has reports whether f is one of rt's remote destinations.
func (rt *route) has(f *Face) bool {
	for i := range rt.dests {
		if rt.dests[i].face == f {
			return true
		}
	}
	return false
}

// send sends m to face d, counting the outcome in c.
func (r *Router) send(d *Face, m *wire.NetworkMessage, rel wire.Reliability, c *pushCounts) {
	if err := d.sender.Send(m, rel); err != nil {
		c.sendErrors++
	} else {
		c.sent++
	}
}

// deliver calls a local subscriber's callback, recovering a panic; it reports whether the
// callback returned normally.
func (r *Router) deliver(sub *Subscriber, s Sample) (ok bool) {
	defer r.recoverCallback()
	if sub.undeclared.Load() {
		return false
	}
	sub.fn(s)
	return true
}
