package scouting

import (
	"unicode/utf8"

	"github.com/gozenoh/zenoh/wire"
)

// OAMIDLinkState is the id of the network OAM message whose body is a link-state list
// (zenoh-protocol network::oam::id::OAM_LINKSTATE). Its body travels with the ZBuf encoding.
const OAMIDLinkState = wire.OAMIDLinkState

// Option bits of a LinkState (zenoh/src/net/protocol/linkstate.rs).
const (
	lsOptZID      = 1 << 0 // P: zid present
	lsOptWhatAmI  = 1 << 1 // W: whatami present
	lsOptLocators = 1 << 2 // L: locators present
	lsOptWeights  = 1 << 3 // H: link weights present
	lsOptGateway  = 1 << 4 // G: region gateway (zenoh >= 1.9)
)

// Limits of the link-state codec, checked before anything is allocated.
const (
	// MaxLinkStatesPerList bounds the states of one list (also bounded by Limits.MaxLinkStates).
	MaxLinkStatesPerList = 1 << 16
	// MaxLinksPerState bounds the neighbour identifiers of one state.
	MaxLinksPerState = 1 << 12
)

// LinkState describes one node in a gossip link-state list: its sender-local identifier, its
// sequence number and, optionally, its ZenohID, role, locators, neighbours (sender-local
// identifiers) and link weights.
//
// Wire layout, each field a zint unless noted (zenoh/src/net/codec/linkstate.rs):
//
//	options   bit0 P zid, bit1 W whatami, bit2 L locators, bit3 H weights, bit4 G gateway
//	psid
//	sn
//	zid       if P: zint length then the bytes
//	whatami   if W: one byte, 1 router, 2 peer, 4 client
//	locators  if L: count, then each as a zint length (at most 255) and UTF-8
//	links     count, then each psid
//	weights   if H: one zint (u16) per link, no count
type LinkState struct {
	PSID        uint64
	SN          uint64
	ZID         wire.ZenohID   // the zero id: absent
	WhatAmI     wire.WhatAmI   // 0: absent (Zenoh then assumes a router)
	HasLocators bool           // L: an empty list and no list differ
	Locators    []wire.Locator //
	Links       []uint64       //
	Weights     []uint16       // nil: absent; otherwise one per link
	Gateway     bool           //
}

// AppendLinkStates appends a link-state list (a count, then the states) to b.
func AppendLinkStates(b []byte, states []LinkState) ([]byte, error) {
	b = wire.AppendZint(b, uint64(len(states)))
	for i := range states {
		var err error
		if b, err = appendLinkState(b, &states[i]); err != nil {
			return b, err
		}
	}
	return b, nil
}

func appendLinkState(b []byte, ls *LinkState) ([]byte, error) {
	var opt uint64
	if !ls.ZID.IsZero() {
		opt |= lsOptZID
	}
	if ls.WhatAmI != 0 {
		if !ls.WhatAmI.Valid() {
			return b, &wire.EncodeError{Msg: "LinkState", Field: "whatami", Why: "not router, peer or client"}
		}
		opt |= lsOptWhatAmI
	}
	if ls.HasLocators || len(ls.Locators) > 0 {
		opt |= lsOptLocators
	}
	if ls.Weights != nil {
		if len(ls.Weights) != len(ls.Links) {
			return b, &wire.EncodeError{Msg: "LinkState", Field: "weights", Why: "not one per link"}
		}
		opt |= lsOptWeights
	}
	if ls.Gateway {
		opt |= lsOptGateway
	}
	b = wire.AppendZint(b, opt)
	b = wire.AppendZint(b, ls.PSID)
	b = wire.AppendZint(b, ls.SN)
	if opt&lsOptZID != 0 {
		zb := ls.ZID.Bytes()
		b = wire.AppendZint(b, uint64(len(zb)))
		b = append(b, zb...)
	}
	if opt&lsOptWhatAmI != 0 {
		b = append(b, byte(ls.WhatAmI))
	}
	if opt&lsOptLocators != 0 {
		if len(ls.Locators) > wire.MaxLocators {
			return b, &wire.EncodeError{Msg: "LinkState", Field: "locators", Why: "more than wire.MaxLocators"}
		}
		b = wire.AppendZint(b, uint64(len(ls.Locators)))
		for _, l := range ls.Locators {
			if _, err := wire.ParseLocator(string(l)); err != nil {
				return b, &wire.EncodeError{Msg: "LinkState", Field: "locators", Why: "not canonical: " + string(l)}
			}
			b = wire.AppendZint(b, uint64(len(l)))
			b = append(b, l...)
		}
	}
	b = wire.AppendZint(b, uint64(len(ls.Links)))
	for _, l := range ls.Links {
		b = wire.AppendZint(b, l)
	}
	for _, w := range ls.Weights {
		b = wire.AppendZint(b, uint64(w))
	}
	return b, nil
}

// lsReader is the decoding cursor of link-state lists; it never panics.
type lsReader struct {
	b   []byte
	off int
}

func (r *lsReader) fail(field string, err error) error {
	return &wire.DecodeError{Msg: "LinkState", Field: field, Offset: r.off, Err: err}
}

func (r *lsReader) zint(field string) (uint64, error) {
	v, n, err := wire.ReadZint(r.b[r.off:])
	if err != nil {
		return 0, r.fail(field, wire.ErrTruncated)
	}
	r.off += n
	return v, nil
}

// count reads a count and checks it against max and against the remaining input, given that
// every element takes at least one byte.
func (r *lsReader) count(field string, max int) (int, error) {
	at := r.off
	n, err := r.zint(field)
	if err != nil {
		return 0, err
	}
	if n > uint64(max) {
		r.off = at
		return 0, r.fail(field, wire.ErrLimit)
	}
	if n > uint64(len(r.b)-r.off) {
		r.off = at
		return 0, r.fail(field, wire.ErrTruncated)
	}
	return int(n), nil
}

// DecodeLinkStates decodes a link-state list (a network OAM LINKSTATE body), appending the
// states to dst. It accepts at most maxStates states (and never more than
// MaxLinkStatesPerList), rejects input it cannot parse, and ignores bytes after the list as
// Zenoh does. Locators are checked to be canonical, as Zenoh's decoder does.
func DecodeLinkStates(b []byte, dst []LinkState, maxStates int) ([]LinkState, error) {
	r := lsReader{b: b}
	n, err := r.count("count", min(maxStates, MaxLinkStatesPerList))
	if err != nil {
		return dst, err
	}
	for range n {
		ls, err := r.state()
		if err != nil {
			return dst, err
		}
		dst = append(dst, ls)
	}
	return dst, nil
}

func (r *lsReader) state() (LinkState, error) {
	var ls LinkState
	opt, err := r.zint("options")
	if err != nil {
		return ls, err
	}
	if ls.PSID, err = r.zint("psid"); err != nil {
		return ls, err
	}
	if ls.SN, err = r.zint("sn"); err != nil {
		return ls, err
	}
	if opt&lsOptZID != 0 {
		at := r.off
		n, err := r.count("zid", wire.MaxZIDSize)
		if err != nil {
			return ls, err
		}
		if ls.ZID, err = wire.ZenohIDFromBytes(r.b[r.off : r.off+n]); err != nil {
			r.off = at
			return ls, r.fail("zid", wire.ErrInvalid)
		}
		r.off += n
	}
	if opt&lsOptWhatAmI != 0 {
		if r.off >= len(r.b) {
			return ls, r.fail("whatami", wire.ErrTruncated)
		}
		ls.WhatAmI = wire.WhatAmI(r.b[r.off])
		if !ls.WhatAmI.Valid() {
			return ls, r.fail("whatami", wire.ErrInvalid)
		}
		r.off++
	}
	if opt&lsOptLocators != 0 {
		ls.HasLocators = true
		n, err := r.count("locators", wire.MaxLocators)
		if err != nil {
			return ls, err
		}
		if n > 0 {
			ls.Locators = make([]wire.Locator, 0, n)
		}
		for range n {
			at := r.off
			l, err := r.count("locator", wire.MaxLocatorLen)
			if err != nil {
				return ls, err
			}
			p := r.b[r.off : r.off+l]
			if !utf8.Valid(p) {
				r.off = at
				return ls, r.fail("locator", wire.ErrInvalid)
			}
			loc, err := wire.ParseLocator(string(p))
			if err != nil {
				r.off = at
				return ls, r.fail("locator", wire.ErrInvalid)
			}
			r.off += l
			ls.Locators = append(ls.Locators, loc)
		}
	}
	n, err := r.count("links", MaxLinksPerState)
	if err != nil {
		return ls, err
	}
	if n > 0 {
		ls.Links = make([]uint64, n)
	}
	for i := range n {
		if ls.Links[i], err = r.zint("links"); err != nil {
			return ls, err
		}
	}
	if opt&lsOptWeights != 0 {
		ls.Weights = make([]uint16, n)
		for i := range n {
			w, err := r.zint("weights")
			if err != nil {
				return ls, err
			}
			ls.Weights[i] = uint16(w) // Zenoh truncates, too
		}
	}
	ls.Gateway = opt&lsOptGateway != 0
	return ls, nil
}
