package routing

import (
	"strings"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Interests of publishers and queriers, and write-side filtering towards interest targets, as
// Zenoh 1.x does (captured from zenoh 1.10.2, peer and client modes alike):
//
//   - Declaring a publisher sends the interest targets (routers; in client mode every face)
//     a DeclareKeyExpr for the key's non-wild prefix (as decl_key) and an Interest
//     CurrentFuture K|S restricted to the key (e.g. 9e 21 08 20 01 00 03 "p/a", then
//     f9 01 53 01 21 08); a querier the same with K|Q (f9 03 55 03 21 08). Publishers (or
//     queriers) on the same key share one interest, whose Interest Final (99 01 21 08) is sent
//     when the last of them goes. A target that opens later is sent it too (see
//     interestsOnOpen). The target answers with its matching subscribers (or queryables),
//     then DeclareFinal(id), then keeps us informed: they are registered as that face's own,
//     so matching status (Router.Matching, WatchMatching) sees the subscribers held anywhere
//     behind a router.
//   - Write-side filtering: once a target's DeclareFinal has answered a live subscriber
//     interest restricted to a concrete (non-wildcard) key, the publications of the local
//     session and of clients on exactly that key go to that target only when it declared a
//     matching subscriber (it is then a destination of the route like any face), instead of
//     always (a "blind" face). That is Rust's subscriber_interest_finalized on the
//     publication's resource. Any other key, a wildcard one included, still goes to the target
//     whatever it declared, as before. Unlike Rust, which keeps filtering a key after its
//     interest ended (and then loses publications to subscribers the router no longer tells
//     us about), the filtering stops with the interest: no publication is lost. Queries are
//     not filtered (Get sends no interest in Zenoh 1.10.2: only a declared querier does).
//
// The blind faces skipped per key are part of the immutable face snapshot (snapshot.filtered),
// which every change republishes; a route takes its blind set from it when it is built (see
// buildRoute) and keeps it, so the data path stays lock-free and allocation-free.

// EntityInterest is the interest of a local publisher or querier, declared to the interest
// targets. Create it with Router.DeclarePublisherInterest or Router.DeclareQuerierInterest and
// end it with Undeclare.
type EntityInterest struct {
	r          *Router
	si         *sharedInterest
	undeclared bool // guarded by r.mu
}

// sharedInterest is the one interest of the local publishers (or queriers) on one key.
type sharedInterest struct {
	kind int // index in Router.ents
	key  string
	fi   *fwdInterest
	n    int // live EntityInterest handles
}

// Kinds of entity interests (index of Router.ents) and what each asks for.
const (
	entPublisher = iota
	entQuerier
	nEntKinds
)

var entOption = [nEntKinds]wire.InterestOptions{wire.InterestSubscribers, wire.InterestQueryables}

// DeclarePublisherInterest declares the interest of a local publisher on key, as Zenoh's
// declare_publisher does: the interest targets (routers; in client mode every face) are sent an
// Interest CurrentFuture for the subscribers on key, so that they declare us those of their
// network (the publisher's matching status then sees them), and, once a target answered,
// publications on key go to it only when it has a matching subscriber (see interest_pub.go).
// Publishers on the same key share one interest. Undeclare the handle when the publisher
// closes. It returns ErrZeroKey for a zero key and ErrClosed after Close.
func (r *Router) DeclarePublisherInterest(key keyexpr.KeyExpr) (*EntityInterest, error) {
	return r.declareEntityInterest(entPublisher, key)
}

// DeclareQuerierInterest is DeclarePublisherInterest for a local querier: the interest asks
// for the queryables on key (Interest CurrentFuture K|Q), so that Matching(key,
// MatchQueryables) sees those behind a router. Queries are not filtered by it.
func (r *Router) DeclareQuerierInterest(key keyexpr.KeyExpr) (*EntityInterest, error) {
	return r.declareEntityInterest(entQuerier, key)
}

// declareEntityInterest declares an interest of kind k on key.
func (r *Router) declareEntityInterest(k int, key keyexpr.KeyExpr) (*EntityInterest, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	r.mu.Lock()
	if r.closed {
		r.unlock()
		return nil, ErrClosed
	}
	si := r.ents[k][key.String()]
	if si == nil {
		si = &sharedInterest{kind: k, key: key.String()}
		si.fi = r.forwardInterest(r.local, r.local.c.newID(), wire.InterestCurrentFuture,
			wire.InterestKeyExprs|entOption[k], true, key)
		r.ents[k][si.key] = si
	}
	si.n++
	r.unlock()
	r.out.drain(r)
	return &EntityInterest{r: r, si: si}, nil
}

// Undeclare ends the handle; when it was the last one on its key, the interest targets are
// sent Interest Final and publications on the key go to them whatever they declared again.
func (e *EntityInterest) Undeclare() error {
	r := e.r
	r.mu.Lock()
	if e.undeclared {
		r.unlock()
		return ErrUndeclared
	}
	e.undeclared = true
	si := e.si
	si.n--
	if si.n == 0 {
		delete(r.ents[si.kind], si.key)
		if !r.closed {
			r.endForward(si.fi)
		}
	}
	r.unlock()
	r.out.drain(r)
	return nil
}

// filters reports whether the interest, once answered by a target, filters the publications
// on its key towards it: it asks for subscribers on one concrete key.
func (fi *fwdInterest) filters() bool {
	return fi.options&wire.InterestSubscribers != 0 && fi.restricted && !fi.key.IsZero() &&
		strings.IndexByte(fi.key.String(), '*') < 0
}

// outFinal records the DeclareFinal of interest target d for the interest fi we sent it: its
// current declarations are all in. Called with r.mu held.
func (r *Router) outFinal(d *Face, fi *fwdInterest) {
	if _, ok := fi.final[d]; ok {
		return
	}
	if fi.final == nil {
		fi.final = make(map[*Face]struct{})
	}
	fi.final[d] = struct{}{}
	if fi.filters() {
		r.publish()
	}
}

// filteredFaces returns, for a snapshot whose blind faces are blind, the blind set of each
// filtered key: the blind faces less those that answered a filtering interest on it (nil when
// no key is filtered). Called with r.mu held.
func (r *Router) filteredFaces(blind []*Face) map[string]*blindSet {
	var m map[string]*blindSet
	for _, d := range blind {
		for _, fi := range d.c.out {
			if _, ok := fi.final[d]; !ok || !fi.filters() {
				continue
			}
			if m == nil {
				m = make(map[string]*blindSet)
			}
			k := fi.key.String()
			bs := m[k]
			if bs == nil {
				bs = &blindSet{faces: blind}
				m[k] = bs
			}
			if n := len(bs.skip); n == 0 || bs.skip[n-1] != d {
				bs.skip = append(bs.skip, d)
			}
		}
	}
	return m
}
