package wire

import "unicode/utf8"

// DeclareBody is the one declaration a Declare message carries. It is a flat union: ID says which
// declaration it is and which fields are meaningful.
//
//	ID                      EntityID             WireExpr                       other
//	DeclIDKeyExpr           expression id (u16)  the key it stands for (M unused)
//	DeclIDUndeclKeyExpr     expression id (u16)  -
//	DeclIDSubscriber        subscriber id        the subscribed key
//	DeclIDUndeclSubscriber  subscriber id        ext 0x5f: the key, or null
//	DeclIDQueryable         queryable id         the key                        Complete, Distance
//	DeclIDUndeclQueryable   queryable id         ext 0x5f: the key, or null
//	DeclIDToken             token id             the key
//	DeclIDUndeclToken       token id             ext 0x5f: the key, or null
//	DeclIDFinal             -                    -
//
// Wire layouts (commons/zenoh-codec/src/network/declare.rs), header |Z|M|N| id | with M and N
// only where a wire expression follows (DeclareKeyExpr has N but no M):
//
//	DeclareKeyExpr          %expr id% %scope% [%len% ~suffix~]                 [exts]
//	UndeclareKeyExpr        %expr id%                                          [exts]
//	Declare{Sub,Token}      %entity id% %scope% [%len% ~suffix~]               [exts]
//	DeclareQueryable        %entity id% %scope% [%len% ~suffix~]   [QueryableInfo 0x21] [exts]
//	Undeclare{Sub,Qbl,Tok}  %entity id%                            [WireExpr 0x5f] [exts]
//	DeclareFinal                                                               [exts]
//
// QueryableInfo is a z64: bit 0 complete, bits 8-23 distance; written only when not (false, 0).
// The undeclare WireExpr extension (mandatory zbuf) holds a flags byte (bit 0: suffix present,
// bit 1: sender's mapping), %scope%, and the suffix raw to the end of the body. Rust writes it
// for UndeclareSubscriber only when not null, and always for UndeclareQueryable and
// UndeclareToken; this encoder does the same. The null expression is the zero WireExpr.
//
// Like Rust, the decoder ignores reserved header flags; unlike Rust, it rejects ids out of the
// range of their type (Rust truncates them) and an undeclare extension body with bytes after an
// absent suffix.
type DeclareBody struct {
	ID       DeclareID
	EntityID uint32
	WireExpr WireExpr
	Complete bool   // DeclIDQueryable: the queryable answers every key its expression covers
	Distance uint16 // DeclIDQueryable: hops to the queryable (routers)
	Exts     []Ext  // unknown non-mandatory extensions, re-emitted after the known ones
}

// Declaration header flags.
const (
	declFlagN byte = 0x20
	declFlagM byte = 0x40
)

// Undeclare WireExpr extension flags.
const (
	undeclExprNamed  byte = 0x01
	undeclExprSender byte = 0x02
)

// valid reports whether id is a known declaration.
func (id DeclareID) valid() bool { return id <= DeclIDUndeclToken || id == DeclIDFinal }

// hasWireExpr reports whether the declaration carries a wire expression in its body.
func (m *DeclareBody) hasWireExpr() bool {
	switch m.ID {
	case DeclIDKeyExpr, DeclIDSubscriber, DeclIDQueryable, DeclIDToken:
		return true
	}
	return false
}

// hasUndeclExt reports whether the declaration writes the undeclare WireExpr extension.
func (m *DeclareBody) hasUndeclExt() bool {
	switch m.ID {
	case DeclIDUndeclQueryable, DeclIDUndeclToken:
		return true
	case DeclIDUndeclSubscriber:
		return !m.WireExpr.IsNull()
	}
	return false
}

func (m *DeclareBody) qblInfo() uint64 {
	v := uint64(m.Distance) << 8
	if m.Complete {
		v |= 1
	}
	return v
}

func (m *DeclareBody) undeclExtBodyLen() int {
	return 1 + ZintLen(uint64(m.WireExpr.Scope)) + len(m.WireExpr.Suffix)
}

// Len returns the encoded size (0 for an unknown ID).
func (m *DeclareBody) Len() int {
	if !m.ID.valid() {
		return 0
	}
	n := 1
	if m.ID != DeclIDFinal {
		n += ZintLen(uint64(m.EntityID))
	}
	if m.hasWireExpr() {
		n += m.WireExpr.Len()
	}
	if m.ID == DeclIDQueryable && m.qblInfo() != 0 {
		n += z64ExtLen(m.qblInfo())
	}
	if m.hasUndeclExt() {
		n += zbufExtLen(m.undeclExtBodyLen())
	}
	return n + extsLen(m.Exts)
}

// Append appends the encoded declaration to b. On error b is returned unchanged.
func (m *DeclareBody) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *DeclareBody) append(b []byte) ([]byte, error) {
	msg := "DeclareBody"
	if !m.ID.valid() {
		return b, encErr(msg, "id", "unknown declaration")
	}
	if (m.ID == DeclIDKeyExpr || m.ID == DeclIDUndeclKeyExpr) && m.EntityID > netMaxU16 {
		return b, encErr(msg, "expr_id", "above u16")
	}
	if m.hasWireExpr() || m.hasUndeclExt() {
		if err := m.WireExpr.check(msg); err != nil {
			return b, err
		}
	}
	var known []byte
	switch m.ID {
	case DeclIDQueryable:
		known = []byte{declExtQueryableInfo}
	case DeclIDUndeclSubscriber, DeclIDUndeclQueryable, DeclIDUndeclToken:
		known = []byte{declExtWireExpr}
	}
	if err := checkExts(msg, m.Exts, known...); err != nil {
		return b, err
	}
	n := len(m.Exts)
	if m.ID == DeclIDQueryable && m.qblInfo() != 0 {
		n++
	}
	if m.hasUndeclExt() {
		n++
	}
	h := byte(m.ID)
	if m.hasWireExpr() {
		h |= m.WireExpr.Flags()
		if m.ID == DeclIDKeyExpr {
			h &^= declFlagM
		}
	}
	if n > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	if m.ID != DeclIDFinal {
		b = AppendZint(b, uint64(m.EntityID))
	}
	if m.hasWireExpr() {
		b = m.WireExpr.append(b)
	}
	if m.ID == DeclIDQueryable && m.qblInfo() != 0 {
		n--
		b = appendZ64Ext(b, declExtQueryableInfo, m.qblInfo(), n > 0)
	}
	if m.hasUndeclExt() {
		n--
		b = appendZBufExtHead(b, declExtWireExpr, m.undeclExtBodyLen(), n > 0)
		var f byte
		if m.WireExpr.HasSuffix() {
			f |= undeclExprNamed
		}
		if m.WireExpr.Mapping == MappingSender {
			f |= undeclExprSender
		}
		b = AppendZint(append(b, f), uint64(m.WireExpr.Scope))
		b = append(b, m.WireExpr.Suffix...)
	}
	return appendExts(b, m.Exts, false), nil
}

// DecodeDeclareBody decodes a declaration (header included) from the start of b.
func DecodeDeclareBody(b []byte) (DeclareBody, int, error) {
	var m DeclareBody
	r := newRd(b, "DeclareBody")
	err := r.declareBody(&m)
	return m, r.off, err
}

// declareBody reads a declaration, header included, into m.
func (r *rd) declareBody(m *DeclareBody) error {
	*m = DeclareBody{}
	start := r.off
	h, err := r.u8("body")
	if err != nil {
		return err
	}
	m.ID = DeclareID(h & netIDMask)
	switch m.ID {
	case DeclIDFinal:
	case DeclIDKeyExpr, DeclIDUndeclKeyExpr:
		v, err := r.zintMax("expr_id", netMaxU16)
		if err != nil {
			return err
		}
		m.EntityID = uint32(v)
	case DeclIDSubscriber, DeclIDUndeclSubscriber, DeclIDQueryable, DeclIDUndeclQueryable,
		DeclIDToken, DeclIDUndeclToken:
		v, err := r.zintMax("entity_id", netMaxU32)
		if err != nil {
			return err
		}
		m.EntityID = uint32(v)
	default:
		return r.failAt(start, "body", ErrUnknownMessage)
	}
	if m.hasWireExpr() {
		mapping := mappingOf(h&declFlagM != 0)
		if m.ID == DeclIDKeyExpr {
			mapping = MappingReceiver
		}
		if m.WireExpr, err = r.wireExpr(h&declFlagN != 0, mapping); err != nil {
			return err
		}
	}
	for more := h&netFlagZ != 0; more; {
		var e Ext
		if e, more, err = r.ext("ext"); err != nil {
			return err
		}
		switch {
		case m.ID == DeclIDQueryable && e.Header == declExtQueryableInfo:
			if e.Value>>24 != 0 {
				return r.fail("ext_qbl_info", ErrOverflow)
			}
			m.Complete, m.Distance = e.Value&1 != 0, uint16(e.Value>>8)
		case e.Header == declExtWireExpr &&
			(m.ID == DeclIDUndeclSubscriber || m.ID == DeclIDUndeclQueryable || m.ID == DeclIDUndeclToken):
			if m.WireExpr, err = r.undeclWireExpr(e); err != nil {
				return err
			}
		default:
			if m.Exts, err = r.keepExt(e, m.Exts); err != nil {
				return err
			}
		}
	}
	return nil
}

// undeclWireExpr decodes the body of an undeclare WireExpr extension.
func (r *rd) undeclWireExpr(e Ext) (WireExpr, error) {
	var w WireExpr
	s := r.extSub(e.Body)
	f, err := s.u8("ext_wire_expr")
	if err != nil {
		return w, err
	}
	v, err := s.zintMax("ext_wire_expr.scope", netMaxU16)
	if err != nil {
		return w, err
	}
	w.Scope, w.Mapping = uint16(v), mappingOf(f&undeclExprSender != 0)
	rest := s.b[s.off:len(s.b):len(s.b)]
	switch {
	case f&undeclExprNamed == 0 && len(rest) > 0:
		return w, s.fail("ext_wire_expr.suffix", ErrTrailing)
	case len(rest) > MaxKeySuffixLen:
		return w, s.fail("ext_wire_expr.suffix", ErrLimit)
	case !utf8.Valid(rest):
		return w, s.fail("ext_wire_expr.suffix", ErrInvalid)
	}
	w.Suffix = nilIfEmpty(rest)
	return w, nil
}
