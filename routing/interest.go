package routing

import (
	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// handleInterest applies an Interest received from remote face f, as a Zenoh 1.x peer does:
//
//   - Final forgets interest id.
//   - Future and CurrentFuture are remembered (bounded by Limits.MaxInterests): a client then
//     learns, as they come and go, the declarations of every other face matching them. A
//     client's are also forwarded, in their mode, to the interest targets (routers), whose
//     answers are then declared to it as those of any other face (see interest_fwd.go); its
//     Final is forwarded too.
//   - Current and CurrentFuture are answered with the matching declarations that exist now,
//     each tagged with the interest id (entity id 0 for Current; the id later undeclarations
//     use for CurrentFuture), then DeclareFinal(id) — always, so that a remote
//     liveliness().get() never waits for its timeout. A client is told of the subscribers,
//     queryables and tokens of every other face; a peer or router only of the tokens of the
//     local session and of clients (its subscribers and queryables are pushed to it anyway).
//   - A client's Current token interest (its liveliness Get) is also forwarded to the faces a
//     local liveliness Get asks (routers, unfinalized peers); the tokens they answer are
//     declared to the client under its interest id, and its DeclareFinal is sent once they all
//     answered or closed, or after routing.interests.timeout. At most Limits.MaxInterests such
//     interests of one client are forwarded at a time; the others are answered locally.
//
// An Interest restricted to a wire expression with an unknown scope is dropped without answer
// (as Rust); one restricted to an invalid key matches nothing.
func (r *Router) handleInterest(f *Face, in *wire.Interest) error {
	r.st.interests.Add(1)
	r.mu.Lock()
	var err error
	if !f.closed.Load() {
		err = r.interestLocked(f, in)
	}
	r.unlock()
	r.out.drain(r)
	return err
}

// interestLocked applies an Interest. Called with r.mu held.
func (r *Router) interestLocked(f *Face, in *wire.Interest) error {
	if in.Mode == wire.InterestFinal {
		if _, ok := f.c.interests[in.InterestID]; ok {
			delete(f.c.interests, in.InterestID)
			r.forgetUncovered(f)
		}
		if fi := f.c.fwd[in.InterestID]; fi != nil {
			r.endForward(fi)
		}
		return nil
	}
	ri := &remoteInterest{options: in.Options, restricted: in.Restricted}
	if in.Restricted {
		s, ok := f.resolveOwned(&in.WireExpr)
		if !ok {
			r.st.intDropped.Add(1)
			r.logf("routing: interest dropped: unknown scope", "zid", f.info.ZID, "id", in.InterestID)
			return nil
		}
		ri.key, _ = keyexpr.New(s) // the zero KeyExpr intersects nothing
	}
	future := in.Mode == wire.InterestFuture || in.Mode == wire.InterestCurrentFuture
	if future {
		max := r.limitsOf(f).MaxInterests
		if _, ok := f.c.interests[in.InterestID]; !ok && len(f.c.interests) >= max {
			return r.fail(f, "MaxInterests", max)
		}
		f.c.interests[in.InterestID] = ri
	}
	// A client's interests are forwarded north (see interest_fwd.go), unless restricted to an
	// invalid key (which matches nothing).
	forward := f.kind == kindClient && (!ri.restricted || !ri.key.IsZero())
	if future && f.kind == kindClient {
		if old := f.c.fwd[in.InterestID]; old != nil {
			r.endForward(old) // a re-declared id replaces the old interest
		}
		if forward {
			r.forwardInterest(f, in.InterestID, in.Mode, in.Options, ri.restricted, ri.key)
		}
	}
	switch {
	case in.Mode == wire.InterestCurrent && f.kind == kindClient && in.Options&wire.InterestTokens != 0:
		// A client's liveliness Get: the tokens known here, then those the faces that may know
		// more answer, then DeclareFinal once they all did (or routing.interests.timeout).
		rest := *ri
		rest.options &^= wire.InterestTokens
		r.answerInterest(f, in.InterestID, false, &rest)
		g := &livelinessGet{key: ri.key, all: !ri.restricted, client: f, clientID: in.InterestID,
			seen: make(map[string]struct{})}
		ask := forward && f.c.cgets < r.limitsOf(f).MaxInterests
		f.c.cgets++
		r.startLivelinessGet(g, r.cfg.InterestTimeout, ask)
	case in.Mode == wire.InterestCurrent || in.Mode == wire.InterestCurrentFuture:
		r.answerInterest(f, in.InterestID, future, ri)
		r.sendDeclare(f, true, in.InterestID, wire.DeclareBody{ID: wire.DeclIDFinal})
	}
	return nil
}

// answerInterest sends face f the current declarations matching ri, tagged with interest id.
// Called with r.mu held.
func (r *Router) answerInterest(f *Face, id uint32, future bool, ri *remoteInterest) {
	for k := declKind(0); k < nKinds; k++ {
		if ri.options&kindOption[k] == 0 || (k != kindToken && f.kind != kindClient) {
			continue
		}
		for _, ks := range r.sortedKeys(k) {
			if ri.restricted && !ri.key.Intersects(ks.key) {
				continue
			}
			want, complete := offer(f, ks)
			if !want {
				continue
			}
			eid := uint32(0)
			if future {
				s := f.c.sent[k][ks.key.String()]
				if s == nil {
					s = &sentDecl{id: f.c.newID(), key: ks.key, complete: complete}
					f.c.sent[k][ks.key.String()] = s
				}
				s.complete = complete
				eid = s.id
			}
			r.sendDeclare(f, true, id, r.declBody(f, k, eid, ks.key, complete))
		}
	}
}

// forgetUncovered drops, silently as Rust does when a client's interest ends, what we declared
// to client f that no remaining interest covers: it will hear no more about those keys.
// Called with r.mu held.
func (r *Router) forgetUncovered(f *Face) {
	if f.kind != kindClient {
		return
	}
	for k := declKind(0); k < nKinds; k++ {
		for key, s := range f.c.sent[k] {
			if !f.interested(&keyState{kind: k, key: s.key}) {
				delete(f.c.sent[k], key)
			}
		}
	}
}
