package routing

import (
	"sync"
	"unsafe"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// scratch is the per-call working memory of the data path, pooled so that routing a Push
// allocates nothing in the steady state.
type scratch struct {
	kbuf   [keyexpr.MaxKeyLen]byte // a key built from an expression id's prefix and a suffix
	subs   []*subEntry
	qabls  []*qablEntry
	marks  []uint64 // faces already chosen, by slot
	dests  []*Face
	locals []*Subscriber
	cands  []queryCand
	out    wire.NetworkMessage
	route  route // the route of a wildcard key
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns an empty scratch.
func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch empties sc (dropping references to messages and faces) and pools it.
func putScratch(sc *scratch) {
	clear(sc.subs)
	clear(sc.qabls)
	clear(sc.dests)
	clear(sc.locals)
	clear(sc.cands)
	sc.subs, sc.qabls, sc.dests, sc.locals, sc.cands = sc.subs[:0], sc.qabls[:0], sc.dests[:0], sc.locals[:0], sc.cands[:0]
	clear(sc.route.dests)
	clear(sc.route.locals)
	sc.route = route{dests: sc.route.dests[:0], locals: sc.route.locals[:0]}
	sc.out.Reset()
	scratchPool.Put(sc)
}

// resetMarks clears the chosen-face set.
func (sc *scratch) resetMarks() { clear(sc.marks) }

// mark adds the face in slot to the chosen set and reports whether it was not there yet.
func (sc *scratch) mark(slot int) bool {
	w, bit := slot>>6, uint64(1)<<(slot&63)
	for w >= len(sc.marks) {
		sc.marks = append(sc.marks, 0)
	}
	if sc.marks[w]&bit != 0 {
		return false
	}
	sc.marks[w] |= bit
	return true
}

// resolveStatus is the outcome of resolving a wire expression.
type resolveStatus uint8

const (
	resolved     resolveStatus = iota
	unknownScope               // the scope is not a known expression id: Rust drops the message
	invalidKey                 // the resolved string is not a key expression: dropped
)

// prefixOf returns the key prefix the scope of we stands for on face f ("" for scope 0).
func (f *Face) prefixOf(we *wire.WireExpr) (*exprEntry, bool) {
	if we.Scope == 0 {
		return nil, true
	}
	var e *exprEntry
	if we.Mapping == wire.MappingSender {
		e = f.remoteIDs.get(we.Scope)
	} else {
		e = f.localIDs.get(we.Scope)
	}
	return e, e != nil
}

// resolveBytes returns the key bytes of we as received from face f, not validated: they alias
// we.Suffix or sc.kbuf. Without allocation.
func (sc *scratch) resolveBytes(f *Face, we *wire.WireExpr) ([]byte, resolveStatus) {
	e, ok := f.prefixOf(we)
	if !ok {
		return nil, unknownScope
	}
	var kb []byte
	switch {
	case e == nil: // scope 0: the suffix is the key
		kb = we.Suffix
	case len(e.s)+len(we.Suffix) > len(sc.kbuf):
		return nil, invalidKey
	default:
		n := copy(sc.kbuf[:], e.s)
		n += copy(sc.kbuf[n:], we.Suffix)
		kb = sc.kbuf[:n]
	}
	if len(kb) == 0 {
		return nil, invalidKey
	}
	return kb, resolved
}

// resolve returns the key expression of we as received from face f, and its bytes (see
// resolveBytes): a prefix id alone is already validated, anything else is validated here.
func (sc *scratch) resolve(f *Face, we *wire.WireExpr) (keyexpr.KeyExpr, []byte, resolveStatus) {
	kb, st := sc.resolveBytes(f, we)
	if st != resolved {
		return keyexpr.KeyExpr{}, nil, st
	}
	if we.Scope != 0 && len(we.Suffix) == 0 {
		if e, _ := f.prefixOf(we); e != nil && !e.ke.IsZero() {
			return e.ke, kb, resolved
		}
	}
	ke, ok := validKey(kb)
	if !ok {
		return keyexpr.KeyExpr{}, nil, invalidKey
	}
	return ke, kb, resolved
}

// validKey validates the key bytes kb; the key's string aliases kb (valid while kb is, as
// documented on Sample.Key).
func validKey(kb []byte) (keyexpr.KeyExpr, bool) {
	ke, err := keyexpr.New(unsafe.String(&kb[0], len(kb)))
	return ke, err == nil
}

// resolveOwned returns the key string of we as received from face f, freshly allocated, for
// the control plane (declarations, interests).
func (f *Face) resolveOwned(we *wire.WireExpr) (string, bool) {
	e, ok := f.prefixOf(we)
	if !ok {
		return "", false
	}
	if e == nil {
		return string(we.Suffix), true
	}
	return e.s + string(we.Suffix), true
}
