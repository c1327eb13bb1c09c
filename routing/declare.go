package routing

import (
	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// handleDeclare applies a Declare received from remote face f.
//
// What is dropped (counted in Stats.DeclarationsDropped, logged at debug level) rather than
// failing the face, as Rust logs and ignores it: a wire expression with an unknown scope, a
// key that is not a valid key expression (Rust keeps it but it can never match), an expression
// id 0, the re-declaration of an expression id with another key ("Remapping unsupported"), an
// undeclaration of an unknown id, a token answering an interest we do not know, a DeclareFinal
// without interest id or for an unknown interest. Exceeding Limits fails the face.
func (r *Router) handleDeclare(f *Face, d *wire.Declare) error {
	r.st.declarations.Add(1)
	r.mu.Lock()
	var err error
	if !f.closed.Load() {
		err = r.declareLocked(f, d)
	}
	r.unlock()
	r.out.drain(r)
	return err
}

// dropDecl counts and logs a dropped declaration. Called with r.mu held.
func (r *Router) dropDecl(f *Face, b *wire.DeclareBody, why string) {
	r.st.declarationsDropped.Add(1)
	r.logf("routing: declaration dropped", "zid", f.info.ZID, "decl", b.ID, "id", b.EntityID, "why", why)
}

// declKeyOf resolves and validates the key of a declaration. Called with r.mu held.
func (r *Router) declKeyOf(f *Face, b *wire.DeclareBody) (keyexpr.KeyExpr, bool) {
	s, ok := f.resolveOwned(&b.WireExpr)
	if !ok {
		r.dropDecl(f, b, "unknown scope")
		return keyexpr.KeyExpr{}, false
	}
	k, err := keyexpr.New(s)
	if err != nil {
		r.dropDecl(f, b, "invalid key expression")
		return keyexpr.KeyExpr{}, false
	}
	return k, true
}

// declareLocked applies one declaration. Called with r.mu held.
func (r *Router) declareLocked(f *Face, d *wire.Declare) error {
	b := &d.Body
	lim := r.limitsOf(f)
	switch b.ID {
	case wire.DeclIDKeyExpr:
		return r.declareExpr(f, b)
	case wire.DeclIDUndeclKeyExpr:
		id := uint16(b.EntityID)
		e := f.remoteIDs.get(id)
		if e == nil || b.EntityID > 0xffff {
			r.dropDecl(f, b, "unknown expression id")
			return nil
		}
		f.remoteIDs.set(id, nil)
		f.c.nRemoteIDs--
		if f.c.remoteByKey[e.s] == id {
			delete(f.c.remoteByKey, e.s)
		}
	case wire.DeclIDSubscriber:
		k, ok := r.declKeyOf(f, b)
		if !ok {
			return nil
		}
		if f.c.subs[b.EntityID] != nil {
			r.removeRemoteSub(f, b.EntityID) // a re-declared id replaces the old one
		} else if len(f.c.subs)+len(f.c.qabls) >= lim.MaxDeclarations {
			return r.fail(f, "MaxDeclarations", lim.MaxDeclarations)
		}
		e := &subEntry{face: f, key: k}
		e.de, _ = r.subs.insert(k, e)
		f.c.subs[b.EntityID] = e
		r.addHolding(f, kindSub, k, false)
	case wire.DeclIDUndeclSubscriber:
		if f.c.subs[b.EntityID] == nil {
			r.dropDecl(f, b, "unknown subscriber id")
			return nil
		}
		r.removeRemoteSub(f, b.EntityID)
	case wire.DeclIDQueryable:
		k, ok := r.declKeyOf(f, b)
		if !ok {
			return nil
		}
		if f.c.qabls[b.EntityID] != nil {
			r.removeRemoteQabl(f, b.EntityID)
		} else if len(f.c.subs)+len(f.c.qabls) >= lim.MaxDeclarations {
			return r.fail(f, "MaxDeclarations", lim.MaxDeclarations)
		}
		e := &qablEntry{face: f, key: k, complete: b.Complete}
		e.de, _ = r.qabls.insert(k, e)
		f.c.qabls[b.EntityID] = e
		r.addHolding(f, kindQabl, k, b.Complete)
	case wire.DeclIDUndeclQueryable:
		if f.c.qabls[b.EntityID] == nil {
			r.dropDecl(f, b, "unknown queryable id")
			return nil
		}
		r.removeRemoteQabl(f, b.EntityID)
	case wire.DeclIDToken:
		k, ok := r.declKeyOf(f, b)
		if !ok {
			return nil
		}
		var answer *fwdInterest // the interest whose current part this token answers
		if d.HasInterestID && d.InterestID != 0 {
			// An answer to a Current token interest we sent (a liveliness Get): reported to
			// that Get only, not registered (Rust does the same for Current interests). An
			// answer to a Future or CurrentFuture interest we sent is registered as any token.
			if lq := f.c.lgets[d.InterestID]; lq != nil {
				lq.get.found(r, k)
				return nil
			}
			fi := f.c.out[d.InterestID]
			if fi == nil {
				r.dropDecl(f, b, "token for an unknown interest")
				return nil
			}
			answer = fi.answerOf(f)
		}
		if old := f.c.tokens[b.EntityID]; old != nil {
			if old.key.String() == k.String() {
				return nil // declared again (answering another interest): nothing changes
			}
			r.removeRemoteToken(f, b.EntityID)
		} else if len(f.c.tokens) >= lim.MaxTokens {
			return r.fail(f, "MaxTokens", lim.MaxTokens)
		}
		f.c.tokens[b.EntityID] = r.addHoldingFor(f, kindToken, k, false, answer)
	case wire.DeclIDUndeclToken:
		// Rust also accepts an unknown id with the key in the extension, for a token it never
		// declared on this face; such a face holds no token on that key here, so it is a no-op.
		if f.c.tokens[b.EntityID] == nil {
			r.dropDecl(f, b, "unknown token id")
			return nil
		}
		r.removeRemoteToken(f, b.EntityID)
	case wire.DeclIDFinal:
		r.declareFinal(f, d)
	}
	return nil
}

// declareExpr applies a DeclareKeyExpr. Called with r.mu held.
func (r *Router) declareExpr(f *Face, b *wire.DeclareBody) error {
	if b.EntityID == 0 || b.EntityID > 0xffff {
		r.dropDecl(f, b, "invalid expression id")
		return nil
	}
	id := uint16(b.EntityID)
	s, ok := f.resolveOwned(&b.WireExpr)
	if !ok {
		r.dropDecl(f, b, "unknown scope")
		return nil
	}
	if len(s) > keyexpr.MaxKeyLen {
		r.dropDecl(f, b, "key too long")
		return nil
	}
	if old := f.remoteIDs.get(id); old != nil {
		if old.s != s {
			r.dropDecl(f, b, "remapping unsupported")
		}
		return nil
	}
	if max := r.limitsOf(f).MaxKeyExprs; f.c.nRemoteIDs >= max {
		return r.fail(f, "MaxKeyExprs", max)
	}
	e := &exprEntry{s: s}
	e.ke, _ = keyexpr.New(s) // zero when s is only a prefix of keys
	f.remoteIDs.set(id, e)
	f.c.nRemoteIDs++
	f.c.remoteByKey[s] = id
	return nil
}

// declareFinal applies a DeclareFinal. Called with r.mu held.
func (r *Router) declareFinal(f *Face, d *wire.Declare) {
	switch {
	case !d.HasInterestID:
		r.dropDecl(f, &d.Body, "DeclareFinal without interest id")
	case d.InterestID == 0:
		// The peer's initial declarations are complete: from now on route to it only what
		// its declarations ask for.
		if f.kind == kindPeer && !f.c.finalized {
			f.c.finalized = true
			r.publish()
			if f.c.finalWait != nil {
				close(f.c.finalWait)
				f.c.finalWait = nil
			}
		}
	default:
		if lq := f.c.lgets[d.InterestID]; lq != nil {
			delete(f.c.lgets, d.InterestID)
			lq.get.branchDone(r)
			return
		}
		fi := f.c.out[d.InterestID]
		if fi == nil {
			r.dropDecl(f, &d.Body, "DeclareFinal for an unknown interest")
			return
		}
		// The current part of a Future or CurrentFuture interest we sent is complete: its
		// declarations arrived (registered as they came), its future part goes on.
		r.outFinal(f, fi)
	}
}

// removeRemoteSub removes subscriber id of face f. Called with r.mu held.
func (r *Router) removeRemoteSub(f *Face, id uint32) {
	e := f.c.subs[id]
	delete(f.c.subs, id)
	r.subs.remove(e.de)
	if ks := r.keys[kindSub][e.key.String()]; ks != nil {
		r.removeHolding(f, ks, false)
	}
}

// removeRemoteQabl removes queryable id of face f. Called with r.mu held.
func (r *Router) removeRemoteQabl(f *Face, id uint32) {
	e := f.c.qabls[id]
	delete(f.c.qabls, id)
	r.qabls.remove(e.de)
	if ks := r.keys[kindQabl][e.key.String()]; ks != nil {
		r.removeHolding(f, ks, e.complete)
	}
}

// removeRemoteToken removes token id of face f. Called with r.mu held.
func (r *Router) removeRemoteToken(f *Face, id uint32) {
	ks := f.c.tokens[id]
	delete(f.c.tokens, id)
	r.removeHolding(f, ks, false)
}
