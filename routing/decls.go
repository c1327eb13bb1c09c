package routing

import (
	"strings"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// declKind is a kind of declared entity.
type declKind uint8

const (
	kindSub   declKind = iota // subscriber
	kindQabl                  // queryable
	kindToken                 // liveliness token
	nKinds
)

// Per kind: the Interest option asking for it, and its declaration and undeclaration ids.
var (
	kindOption = [nKinds]wire.InterestOptions{wire.InterestSubscribers, wire.InterestQueryables, wire.InterestTokens}
	declID     = [nKinds]wire.DeclareID{wire.DeclIDSubscriber, wire.DeclIDQueryable, wire.DeclIDToken}
	undeclID   = [nKinds]wire.DeclareID{wire.DeclIDUndeclSubscriber, wire.DeclIDUndeclQueryable, wire.DeclIDUndeclToken}
)

// qosDeclare is the QoS Rust gives every Declare and Interest: control priority, block.
const qosDeclare = wire.NetQoSDontDrop

// subEntry is one subscriber (remote or local) in the subscriber index.
type subEntry struct {
	face  *Face
	key   keyexpr.KeyExpr
	local *Subscriber // local subscribers only
	de    *dualEntry[*subEntry]
}

// qablEntry is one queryable (remote or local) in the queryable index.
type qablEntry struct {
	face     *Face
	key      keyexpr.KeyExpr
	complete bool
	local    *Queryable // local queryables only
	de       *dualEntry[*qablEntry]
}

// keyState aggregates, for one kind and one key expression, which faces (the local one
// included) hold entities on it. Declarations are made to other faces per key, not per entity,
// as Rust does (one DeclareSubscriber per resource, whatever the number of local subscribers).
type keyState struct {
	kind    declKind
	key     keyexpr.KeyExpr
	holders map[*Face]*holding
}

// holding counts the entities one face holds on a key.
type holding struct {
	n        int
	complete int // queryables declared complete
}

// addHolding records one more entity of face f on key. Called with r.mu held.
func (r *Router) addHolding(f *Face, k declKind, key keyexpr.KeyExpr, complete bool) *keyState {
	return r.addHoldingFor(f, k, key, complete, nil)
}

// addHoldingFor is addHolding for a declaration that answers the current part of interest
// answer we sent (nil: none). As in Zenoh, such a declaration is "historical": a token that
// becomes alive so is reported to the local liveliness subscribers with history only, and it
// is declared to the client whose interest it answers under that client's interest id.
// Called with r.mu held.
func (r *Router) addHoldingFor(f *Face, k declKind, key keyexpr.KeyExpr, complete bool, answer *fwdInterest) *keyState {
	ks := r.keyOf(k, key)
	wasAlive := len(ks.holders) > 0
	h := ks.holders[f]
	if h == nil {
		h = &holding{}
		ks.holders[f] = h
	}
	h.n++
	if complete {
		h.complete++
	}
	r.afterChange(ks, wasAlive, answer)
	return ks
}

// removeHolding records one entity less of face f on ks. Called with r.mu held.
func (r *Router) removeHolding(f *Face, ks *keyState, complete bool) {
	h := ks.holders[f]
	if h == nil {
		return
	}
	h.n--
	if complete {
		h.complete--
	}
	if h.n <= 0 {
		delete(ks.holders, f)
	}
	r.afterChange(ks, true, nil)
	if len(ks.holders) == 0 {
		delete(r.keys[ks.kind], ks.key.String())
	}
}

// afterChange propagates a change of ks: declarations to the other faces, liveliness events,
// matching status; answer is the interest whose current part the change answers, if any (see
// addHoldingFor). Called with r.mu held.
func (r *Router) afterChange(ks *keyState, wasAlive bool, answer *fwdInterest) {
	for _, d := range r.slots {
		if d != nil {
			r.syncDeclFor(d, ks, answer)
		}
	}
	if ks.kind == kindToken {
		if alive := len(ks.holders) > 0; alive != wasAlive {
			r.livelinessEvent(ks.key, alive, answer != nil)
		}
		return
	}
	r.updateMatching()
}

// qualifies reports whether what face src declares may be declared to face d: never back to
// itself, and between peers (or routers) never (p2p_peer: source or destination must be a
// client, the local session being one).
func qualifies(src, d *Face) bool {
	return src != d && (src.south() || d.kind == kindClient)
}

// offer reports whether ks should be declared to face d, ignoring d's interests, and whether
// as complete (queryables).
func offer(d *Face, ks *keyState) (want, complete bool) {
	for f, h := range ks.holders {
		if qualifies(f, d) {
			want = true
			if h.complete > 0 {
				complete = true
			}
		}
	}
	return want, complete
}

// interested reports whether a client face d has a live interest covering ks.
func (d *Face) interested(ks *keyState) bool {
	for _, i := range d.c.interests {
		if i.matches(ks.kind, ks.key) {
			return true
		}
	}
	return false
}

// syncDecl makes what we declared to face d about ks match what it should know: declare,
// re-declare a queryable whose completeness changed, or undeclare. Peers and routers learn
// every key of the local session and of clients; clients learn the keys of every other face
// that match one of their Future or CurrentFuture interests. Called with r.mu held.
func (r *Router) syncDecl(d *Face, ks *keyState) { r.syncDeclFor(d, ks, nil) }

// syncDeclFor is syncDecl for a change that answers interest answer (nil: none): a new
// declaration to the client that interest came from carries its interest id. Called with r.mu
// held.
func (r *Router) syncDeclFor(d *Face, ks *keyState, answer *fwdInterest) {
	if d.closed.Load() {
		return
	}
	want, complete := offer(d, ks)
	if want && d.kind == kindClient {
		want = d.interested(ks)
	}
	sent := d.c.sent[ks.kind]
	s := sent[ks.key.String()]
	switch {
	case want && s == nil:
		s = &sentDecl{id: d.c.newID(), key: ks.key, complete: complete}
		sent[ks.key.String()] = s
		tagged := answer != nil && answer.src == d
		iid := uint32(0)
		if tagged {
			iid = answer.srcID
		}
		r.sendDeclare(d, tagged, iid, r.declBody(d, ks.kind, s.id, ks.key, complete))
	case want && ks.kind == kindQabl && s.complete != complete:
		s.complete = complete
		r.sendDeclare(d, false, 0, r.declBody(d, ks.kind, s.id, ks.key, complete))
	case !want && s != nil:
		delete(sent, ks.key.String())
		r.sendDeclare(d, false, 0, wire.DeclareBody{ID: undeclID[ks.kind], EntityID: s.id})
	}
}

// declBody builds the declaration of an entity of kind k on key for face d.
func (r *Router) declBody(d *Face, k declKind, id uint32, key keyexpr.KeyExpr, complete bool) wire.DeclareBody {
	return wire.DeclareBody{ID: declID[k], EntityID: id, WireExpr: r.declKey(d, key), Complete: complete && k == kindQabl}
}

// sendDeclare queues a Declare to face d. Called with r.mu held.
func (r *Router) sendDeclare(d *Face, hasInterest bool, interest uint32, body wire.DeclareBody) {
	m := &wire.NetworkMessage{ID: wire.NetIDDeclare}
	m.Declare = wire.Declare{HasInterestID: hasInterest, InterestID: interest, QoS: qosDeclare, Body: body}
	r.out.add(effect{face: d, msg: m})
	r.st.declarationsSent.Add(1)
}

// nonWildSplit splits a key expression into its leading chunks without '*' and the rest
// (which starts with '/'), as Rust's Resource::nonwild_prefix: "a/b/*/c" gives ("a/b",
// "/*/c"), "a/b" gives ("a/b", ""), "*/a" and "a$*/b" give ("", the key).
func nonWildSplit(s string) (prefix, wild string) {
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], '/')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if strings.IndexByte(s[start:end], '*') >= 0 {
			if start == 0 {
				return "", s
			}
			return s[:start-1], s[start-1:]
		}
		start = end + 1
	}
	return s, ""
}

// declKey returns the wire expression declaring key to face d, as Rust's Resource::decl_key:
// the non-wild prefix by an expression id known on d (its own id first, M=0, then ours, M=1)
// followed by the wild rest; towards a peer or router a prefix without id is first declared
// with a DeclareKeyExpr using the smallest id free in both directions; towards a client (which
// we do not track key-expression interests for) the full key with scope 0. Called with r.mu
// held.
func (r *Router) declKey(d *Face, key keyexpr.KeyExpr) wire.WireExpr {
	s := key.String()
	full := wire.WireExpr{Suffix: []byte(s), Mapping: wire.MappingSender}
	prefix, wild := nonWildSplit(s)
	if prefix == "" {
		return full
	}
	suffix := []byte(nil)
	if wild != "" {
		suffix = []byte(wild)
	}
	if id, ok := d.c.remoteByKey[prefix]; ok {
		return wire.WireExpr{Scope: id, Suffix: suffix, Mapping: wire.MappingReceiver}
	}
	if id, ok := d.c.localByKey[prefix]; ok {
		return wire.WireExpr{Scope: id, Suffix: suffix, Mapping: wire.MappingSender}
	}
	if d.kind == kindClient {
		return full
	}
	id := uint16(0)
	for i := 1; i <= 0xffff; i++ {
		if d.localIDs.get(uint16(i)) == nil && d.remoteIDs.get(uint16(i)) == nil {
			id = uint16(i)
			break
		}
	}
	if id == 0 {
		return full
	}
	e := &exprEntry{s: prefix}
	e.ke, _ = keyexpr.New(prefix) // a prefix of whole non-wild chunks of a key is a key
	d.localIDs.set(id, e)
	d.c.localByKey[prefix] = id
	r.sendDeclare(d, false, 0, wire.DeclareBody{ID: wire.DeclIDKeyExpr, EntityID: uint32(id),
		WireExpr: wire.WireExpr{Suffix: []byte(prefix), Mapping: wire.MappingSender}})
	return wire.WireExpr{Scope: id, Suffix: suffix, Mapping: wire.MappingSender}
}
