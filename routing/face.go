package routing

import (
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Sender sends network messages to one remote node. *session.Transport implements it.
//
// Send must encode m (or copy what it needs) before returning: m and every slice in it may be
// reused or changed as soon as it returns. It may block for congestion control, but boundedly
// (the session gives up after its WaitBeforeClose). Routing calls it from the data path
// without holding any lock, and for control messages (declarations, interests) from a single
// goroutine at a time, in the order the router decided them.
type Sender interface {
	Send(m *wire.NetworkMessage, rel wire.Reliability) error
}

// FaceInfo describes the remote node of a face.
type FaceInfo struct {
	ZID     wire.ZenohID
	WhatAmI wire.WhatAmI // wire.Peer, wire.Client or wire.Router
}

// faceKind is the role a face plays in routing.
type faceKind uint8

const (
	kindLocal  faceKind = iota // the local session (the router's own API)
	kindPeer                   // a peer: full mesh, nothing it sends is relayed to another peer
	kindClient                 // a client: served like the local session (its data goes everywhere)
	kindRouter                 // a router: treated as a peer that never finalises its declarations
)

// Face is the router's view of one remote node (a transport) or of the local session. Faces
// are created by OpenFace and ended by CloseFace.
type Face struct {
	r      *Router
	kind   faceKind
	info   FaceInfo
	sender Sender
	puts   PutSender // sender, if it is one
	data   any       // see SetData
	slot   int       // index in snapshot.faces (remote faces only)

	// Expression ids, readable without lock by the data path; written under r.mu.
	remoteIDs idTable // ids the remote declared (wire mapping "sender" in its messages)
	localIDs  idTable // ids we declared to the remote (mapping "receiver" in its messages)

	closed atomic.Bool
	failed atomic.Pointer[LimitError]

	// Push counters of a face whose owner calls EndBatch (see DeferCounts): written only by
	// the goroutine handling the face's messages (one at a time), added to the Router's
	// totals by EndBatch, so that the data path counts with plain additions.
	deferred bool
	pc       pushCounts

	c faceCtl // control state, guarded by r.mu

	qmu      sync.Mutex         // guards the query state below
	nextRID  uint32             // last request id used towards this face
	pending  map[uint32]*branch // queries forwarded to this face, by our request id
	inflight int                // queries received from this face and not yet finalised
}

// south reports whether what f sends may be routed everywhere (the local session and clients,
// as in Zenoh's p2p_peer hat, where the local session is a client face). Data, queries and
// declarations of the others (peers, routers) only go to south faces.
func (f *Face) south() bool { return f.kind == kindLocal || f.kind == kindClient }

// pushCounts are the push counters routing keeps per message.
type pushCounts struct{ routed, delivered, sent, sendErrors uint64 }

// DeferCounts makes the counting of the pushes f sends cheaper: they are added to Stats only
// when EndBatch(f) is called. The caller must call Handle for f from one goroutine at a time
// and EndBatch from the same goroutines, after each run of Handle calls (a transport's
// batch). Call it before f's first message is handled.
func (f *Face) DeferCounts() { f.deferred = true }

// EndBatch adds the pushes counted for f since the last call to the Router's Stats (see
// DeferCounts).
func (f *Face) EndBatch() {
	f.r.addCounts(&f.pc)
	f.pc = pushCounts{}
}

// addCounts adds c to the Router's totals.
func (r *Router) addCounts(c *pushCounts) {
	if c.routed != 0 {
		r.st.pushesRouted.Add(c.routed)
	}
	if c.delivered != 0 {
		r.st.pushesDelivered.Add(c.delivered)
	}
	if c.sent != 0 {
		r.st.pushesSent.Add(c.sent)
	}
	if c.sendErrors != 0 {
		r.st.sendErrors.Add(c.sendErrors)
	}
}

// count adds the outcome of one routed push from src to src's deferred counters, or to the
// Router's totals.
func (r *Router) count(src *Face, c *pushCounts) {
	if !src.deferred {
		r.addCounts(c)
		return
	}
	src.pc.add(c)
}

// add adds c to p.
func (p *pushCounts) add(c *pushCounts) {
	p.routed += c.routed
	p.delivered += c.delivered
	p.sent += c.sent
	p.sendErrors += c.sendErrors
}

// SetData attaches a value of the caller's to f (the root package keeps its per-transport
// state there), read back with Data. Call it before f's first message is handled.
func (f *Face) SetData(v any) { f.data = v }

// Data returns the value given to SetData (nil if none).
func (f *Face) Data() any { return f.data }

// Info returns the face's remote node description (zero for the local face).
func (f *Face) Info() FaceInfo { return f.info }

// Local reports whether f is the router's local face.
func (f *Face) Local() bool { return f.kind == kindLocal }

// Err returns the *LimitError that failed f, if any.
func (f *Face) Err() error {
	if e := f.failed.Load(); e != nil {
		return e
	}
	return nil
}

// faceCtl is the declaration state of a face (guarded by Router.mu).
type faceCtl struct {
	subs      map[uint32]*subEntry  // subscribers the remote declared, by its id
	qabls     map[uint32]*qablEntry // queryables the remote declared, by its id
	tokens    map[uint32]*keyState  // tokens the remote declared, by its id
	interests map[uint32]*remoteInterest

	remoteByKey map[string]uint16 // reverse of remoteIDs
	localByKey  map[string]uint16 // reverse of localIDs
	nRemoteIDs  int

	sent   [nKinds]map[string]*sentDecl // what we declared to this face, by key
	nextID uint32                       // last entity/interest id we used on this face (0 reserved)

	finalized bool                        // peers: their DeclareFinal(0) arrived
	finalWait chan struct{}               // peers: closed when finalized or closed (WaitDeclares); lazy
	lgets     map[uint32]*livelinessQuery // our Current token interests on this face
	cgets     int                         // clients: their Current token interests we forwarded, pending

	// Interests forwarded north (see interest_fwd.go), both maps allocated on first use.
	fwd map[uint32]*fwdInterest // a south face's live Future/CurrentFuture interests we forwarded, by its id
	out map[uint32]*fwdInterest // on an interest target: the live interests we sent it, by our id
}

// sentDecl is a declaration we made to a face.
type sentDecl struct {
	id       uint32
	key      keyexpr.KeyExpr
	complete bool // queryables
}

// remoteInterest is a Future or CurrentFuture interest a face declared.
type remoteInterest struct {
	options    wire.InterestOptions
	restricted bool
	key        keyexpr.KeyExpr // when restricted and valid
}

// matches reports whether the interest covers kind k on key.
func (i *remoteInterest) matches(k declKind, key keyexpr.KeyExpr) bool {
	if i.options&kindOption[k] == 0 {
		return false
	}
	return !i.restricted || i.key.Intersects(key)
}

// newID returns a fresh entity or interest id for this face (ids start at 1, 0 is the initial
// interest's).
func (c *faceCtl) newID() uint32 {
	c.nextID++
	if c.nextID == 0 {
		c.nextID = 1
	}
	return c.nextID
}

// exprEntry is the key an expression id stands for.
type exprEntry struct {
	s  string
	ke keyexpr.KeyExpr // the validated key when s is a key expression on its own
	// rt caches the route of ke (concrete keys only) for pushes whose wire expression is this
	// id alone, so that they skip the route cache; valid only under its generation.
	rt atomic.Pointer[genRoute]
}

// idPage is 256 consecutive expression ids.
type idPage [256]atomic.Pointer[exprEntry]

// idTable maps expression ids (u16) to keys. Reads are lock-free atomic loads; writes happen
// under Router.mu. Pages are allocated on first use.
type idTable struct {
	pages [256]atomic.Pointer[idPage]
}

// get returns the entry of id, or nil.
func (t *idTable) get(id uint16) *exprEntry {
	p := t.pages[id>>8].Load()
	if p == nil {
		return nil
	}
	return p[id&0xff].Load()
}

// set stores (or, with nil, clears) the entry of id. Writer only.
func (t *idTable) set(id uint16, e *exprEntry) {
	p := t.pages[id>>8].Load()
	if p == nil {
		if e == nil {
			return
		}
		p = new(idPage)
		t.pages[id>>8].Store(p)
	}
	p[id&0xff].Store(e)
}

// clear drops every entry. Writer only.
func (t *idTable) clear() {
	for i := range t.pages {
		t.pages[i].Store(nil)
	}
}
