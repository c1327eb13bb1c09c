package routing

import (
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
}

// routePush routes a Push received from remote face src.
func (r *Router) routePush(src *Face, p *wire.Push, rel wire.Reliability) {
	sc := getScratch()
	ke, kb, st := sc.resolve(src, &p.WireExpr)
	if st != resolved {
		r.st.pushesDropped.Add(1)
		putScratch(sc)
		return
	}
	r.dispatchPush(src, ke, kb, p, rel, sc)
	putScratch(sc)
}

// Publish routes a publication of the local session on key: to every remote face with a
// matching subscriber (once per face), to the peers whose initial declarations have not all
// arrived yet, and to the local subscribers whose key intersects. p.WireExpr is ignored (the
// faces receive key with scope 0); p.QoS, timestamps and the body are forwarded as they are.
// Set p.QoS to wire.NetQoSDefault (0x05) for default QoS: the zero value means Control
// priority. p is only read during the call; local subscriber callbacks run synchronously on
// the calling goroutine. Publish allocates nothing in the steady state. It returns ErrClosed
// after Close.
func (r *Router) Publish(key keyexpr.KeyExpr, p *wire.Push, rel wire.Reliability) error {
	if key.IsZero() {
		return ErrZeroKey
	}
	if r.down.Load() {
		return ErrClosed
	}
	sc := getScratch()
	n := copy(sc.kbuf[:], key.String())
	r.dispatchPush(r.local, key, sc.kbuf[:n], p, rel, sc)
	putScratch(sc)
	return nil
}

// dispatchPush sends a publication on key ke (whose bytes are kb) from face src to its
// destinations. Lock-free: the subscriber index is read through its left-right copies and the
// face list through the snapshot.
func (r *Router) dispatchPush(src *Face, ke keyexpr.KeyExpr, kb []byte, p *wire.Push, rel wire.Reliability, sc *scratch) {
	r.st.pushesRouted.Add(1)
	snap := r.snap.Load()
	subs := r.matchSubs(sc, ke, kb)
	sc.resetMarks()
	south := src.south()
	for _, e := range subs {
		d := e.face
		if d.kind == kindLocal {
			sc.locals = append(sc.locals, e.local)
			continue
		}
		// Never back to the source; from a peer or router only to clients (full mesh).
		if d == src || (!south && d.kind != kindClient) || d.closed.Load() {
			continue
		}
		if sc.mark(d.slot) {
			sc.dests = append(sc.dests, d)
		}
	}
	if south {
		for _, d := range snap.blind {
			if d != src && !d.closed.Load() && sc.mark(d.slot) {
				sc.dests = append(sc.dests, d)
			}
		}
	}
	if len(sc.dests) > 0 {
		out := &sc.out
		out.ID = wire.NetIDPush
		out.Push = *p
		out.Push.WireExpr = wire.WireExpr{Suffix: kb, Mapping: wire.MappingSender}
		out.Push.NodeID = 0
		out.Push.Exts = nil // Rust does not keep unknown network extensions
		n := len(sc.dests)
		if len(sc.locals) > 0 && src.kind != kindLocal {
			n++ // the local session is one of Rust's destinations (its own publications excepted)
		}
		if n > 1 {
			out.Push.HasTimestamp = false // Rust drops the network timestamp for several destinations
		}
		for _, d := range sc.dests {
			if err := d.sender.Send(out, rel); err != nil {
				r.st.sendErrors.Add(1)
			} else {
				r.st.pushesSent.Add(1)
			}
		}
	}
	if len(sc.locals) > 0 {
		s := &sc.sample
		*s = Sample{Key: ke, Push: p, Reliability: rel, Source: src}
		for _, sub := range sc.locals {
			r.deliver(sub, s)
		}
	}
}

// deliver calls a local subscriber's callback, recovering a panic.
func (r *Router) deliver(sub *Subscriber, s *Sample) {
	defer r.recoverCallback()
	if sub.undeclared.Load() {
		return
	}
	sub.fn(s)
	r.st.pushesDelivered.Add(1)
}
