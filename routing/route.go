package routing

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// route is where publications on one key go: the remote faces with a matching subscriber
// (each once, with the wire expression to use towards it) and the matching local
// subscribers. A route is immutable once built; the ones in the route cache and in
// PublisherRoute handles are shared by concurrent readers. A route does not depend on the
// source of a publication: dispatch filters the source out and applies the peer rules.
type route struct {
	key    keyexpr.KeyExpr // the validated key (owned, for cached routes)
	kb     []byte          // its bytes (owned, for cached routes)
	dests  []routeDest
	locals []*Subscriber
	owned  bool // key and kb are the route's own copies (see buildRoute)
	// blind is where publications from a south face also go (each face not a destination
	// already): a set of the snapshot the route was built with (shared, never written).
	blind *blindSet
}

// blindSet is the blind faces of a snapshot, less those that answered our subscriber interest
// on one key (skip): they get only what they subscribed to, through the route's dests.
type blindSet struct {
	faces []*Face
	skip  []*Face
}

// routeDest is one remote destination of a route.
type routeDest struct {
	face *Face
	// we is the wire expression of the key towards face: an expression id the face declared
	// (mapping receiver, as Rust's get_best_key prefers; ids the face declared are known to it
	// before it could declare the subscriber, so they never race with the data lane), or the
	// full key with scope 0.
	we wire.WireExpr
}

// buildRoute fills rt from the subscriber entries subs of key ke (bytes kb), read from the
// index under route cache generation g (loaded before the index was read). With own, the
// route gets copies of everything it keeps (for the cache); otherwise it aliases kb and reuses
// rt's slices (a scratch route for a wildcard key). Faces' declared expression ids are read
// under r.mu when own is set (a cache miss), so that cached routes use them.
//
// The blind faces come from the snapshot loaded after the index was read, and the filtered
// ones are skipped only if no control operation completed since g was loaded: so a face is
// skipped only when the route's subscribers include every one it declared for the key. (A
// target's subscribers are committed by an operation before the one publishing its
// DeclareFinal, and the end of an interest publishes its snapshot before committing the
// removal of the subscribers it covered; see Router.publish.) Otherwise the face is kept
// blind: at worst it gets a publication it did not need.
func (r *Router) buildRoute(rt *route, ke keyexpr.KeyExpr, kb []byte, subs []*subEntry, own bool, g uint64) {
	if own {
		str := string(kb)
		if k, err := keyexpr.New(str); err == nil { // valid already: re-made on the owned copy
			ke = k
		}
		kb = []byte(str)
	}
	rt.key, rt.kb, rt.owned = ke, kb, own
	rt.dests, rt.locals = rt.dests[:0], rt.locals[:0]
	for _, e := range subs {
		if e.face.kind == kindLocal {
			rt.locals = append(rt.locals, e.local)
			continue
		}
		if !rt.has(e.face) {
			rt.dests = append(rt.dests, routeDest{face: e.face,
				we: wire.WireExpr{Suffix: kb, Mapping: wire.MappingSender}})
		}
	}
	snap := r.snap.Load() // after the index: see above
	rt.blind = &snap.all
	if len(snap.filtered) > 0 {
		if bs := snap.filtered[string(kb)]; bs != nil && r.routes.gen.Load() == g {
			rt.blind = bs
		}
	}
	if !own || len(rt.dests) == 0 {
		return
	}
	r.mu.Lock()
	for i := range rt.dests {
		rt.dests[i].we = bestExpr(rt.dests[i].face, ke.String(), kb)
	}
	r.mu.Unlock()
}

// bestExpr returns the wire expression of key s towards face d: the longest chunk prefix of s
// that d declared an expression id for, then the rest of s as suffix; or s itself (full, its
// bytes) with scope 0. Called with r.mu held.
func bestExpr(d *Face, s string, full []byte) wire.WireExpr {
	if len(d.c.remoteByKey) > 0 {
		for end := len(s); end > 0; {
			if id, ok := d.c.remoteByKey[s[:end]]; ok {
				we := wire.WireExpr{Scope: id, Mapping: wire.MappingReceiver}
				if end < len(s) {
					we.Suffix = full[end:]
				}
				return we
			}
			end = strings.LastIndexByte(s[:end], '/')
		}
	}
	return wire.WireExpr{Suffix: full, Mapping: wire.MappingSender}
}

// PublisherRoute caches the route of a declared publisher's key, so that its publications
// skip the route cache lookup. It is safe for concurrent use; create it with
// Router.NewPublisherRoute and publish with Router.PublishRoute.
type PublisherRoute struct {
	key  keyexpr.KeyExpr
	kb   []byte
	tmpl *wire.Push // the Put that PublishPut sends (see NewPutRoute); nil for none
	c    atomic.Pointer[genRoute]
}

// genRoute is a route computed under a route cache generation.
type genRoute struct {
	gen uint64
	rt  *route
	// heads holds, for each of rt.dests, the head of the PublisherRoute's template Put towards
	// it (see wire.AppendPutHead); nil when PublishPut cannot send along rt (see putHeads).
	heads [][]byte
}

// NewPublisherRoute returns a route handle for publications on key.
func (r *Router) NewPublisherRoute(key keyexpr.KeyExpr) *PublisherRoute {
	return &PublisherRoute{key: key, kb: []byte(key.String())}
}

// Key returns the key of the handle.
func (pr *PublisherRoute) Key() keyexpr.KeyExpr { return pr.key }

// PublishRoute is Publish on the key of pr, using (and refreshing after any declaration or
// face change) the route pr caches.
func (r *Router) PublishRoute(pr *PublisherRoute, p *wire.Push, rel wire.Reliability) error {
	sc := getScratch()
	m := &sc.out
	m.ID = wire.NetIDPush
	m.Push = *p
	err := r.PublishMessage(pr, m, rel)
	putScratch(sc)
	return err
}

// PublishMessage is PublishRoute with the Push already in a network message m (m.ID must be
// wire.NetIDPush), which saves a copy: m.Push is changed during the call (wire expression,
// node id, extensions) and restored before it returns, except WireExpr, which is left
// unspecified. It allocates nothing in the steady state.
func (r *Router) PublishMessage(pr *PublisherRoute, m *wire.NetworkMessage, rel wire.Reliability) error {
	if pr.key.IsZero() {
		return ErrZeroKey
	}
	if r.down.Load() {
		return ErrClosed
	}
	if m.ID != wire.NetIDPush {
		return fmt.Errorf("routing: PublishMessage of a %v", m.ID)
	}
	if strings.IndexByte(pr.key.String(), '*') >= 0 {
		return r.Publish(pr.key, &m.Push, rel)
	}
	gr := r.publisherRoute(pr)
	r.sendRoute(r.local, gr.rt, m, rel)
	return nil
}

// publisherRoute returns pr's route under the current route cache generation, computing it
// (and its Put heads) after a change.
func (r *Router) publisherRoute(pr *PublisherRoute) *genRoute {
	g := r.routes.gen.Load() // before reading the index: see routeCache
	gr := pr.c.Load()
	if gr == nil || gr.gen != g {
		sc := getScratch()
		gr = &genRoute{gen: g, rt: r.cachedRoute(sc, pr.key, pr.kb, g, false)}
		putScratch(sc)
		if pr.tmpl != nil {
			gr.heads = r.putHeads(pr.tmpl, gr.rt)
		}
		pr.c.Store(gr)
	}
	return gr
}
