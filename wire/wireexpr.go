package wire

import "unicode/utf8"

// WireExpr is a key expression as it travels: an expression id (scope) declared earlier on the
// same face, optionally followed by a suffix; the full key is the scope's key with the suffix
// appended as is. Scope 0 is the empty prefix, so (0, "a/b") is the plain key "a/b".
//
// Wire layout (commons/zenoh-codec/src/core/wire_expr.rs):
//
//	%scope%              zint bounded to u16
//	[%len% ~suffix~]     only when the enclosing header's N flag is set: UTF-8, at most 65535 bytes
//
// The mapping travels as the enclosing header's M flag (or a bit of the Interest options or of
// the undeclare extension). A suffix is written only when non-empty; a decoded empty suffix is
// nil. Suffix aliases the decoded input.
type WireExpr struct {
	Scope   uint16
	Suffix  []byte
	Mapping Mapping
}

// HasSuffix reports whether the expression has a non-empty suffix (the N flag).
func (w *WireExpr) HasSuffix() bool { return len(w.Suffix) > 0 }

// IsNull reports whether w is the zero expression (scope 0, no suffix, receiver mapping).
func (w *WireExpr) IsNull() bool {
	return w.Scope == 0 && len(w.Suffix) == 0 && w.Mapping == MappingReceiver
}

// Len returns the encoded size of the scope and, when present, the suffix.
func (w *WireExpr) Len() int {
	n := ZintLen(uint64(w.Scope))
	if len(w.Suffix) > 0 {
		n += bytesLen(w.Suffix)
	}
	return n
}

// check validates what the encoder cannot represent.
func (w *WireExpr) check(msg string) error {
	if len(w.Suffix) > MaxKeySuffixLen {
		return encErr(msg, "suffix", "longer than 65535 bytes")
	}
	if !utf8.Valid(w.Suffix) {
		return encErr(msg, "suffix", "not UTF-8")
	}
	if w.Mapping > MappingSender {
		return encErr(msg, "mapping", "unknown mapping")
	}
	return nil
}

// Append appends the scope and, when present, the suffix. The N and M flags belong to the
// enclosing header; see Flags.
func (w *WireExpr) Append(b []byte) ([]byte, error) {
	if err := w.check("WireExpr"); err != nil {
		return b, err
	}
	return w.append(b), nil
}

func (w *WireExpr) append(b []byte) []byte {
	b = AppendZint(b, uint64(w.Scope))
	if len(w.Suffix) > 0 {
		b = appendBytes(b, w.Suffix)
	}
	return b
}

// Flags returns the N and M header flags (0x20, 0x40) that describe w.
func (w *WireExpr) Flags() byte {
	var f byte
	if len(w.Suffix) > 0 {
		f |= netFlagN
	}
	if w.Mapping == MappingSender {
		f |= netFlagM
	}
	return f
}

// DecodeWireExpr decodes a wire expression from the start of b, reading a suffix when named is
// set (the N flag of its header) and giving it mapping m (from the M flag).
func DecodeWireExpr(b []byte, named bool, m Mapping) (WireExpr, int, error) {
	r := newRd(b, "WireExpr")
	w, err := r.wireExpr(named, m)
	return w, r.off, err
}

// wireExpr reads a scope and, when named, a suffix.
func (r *rd) wireExpr(named bool, m Mapping) (WireExpr, error) {
	w := WireExpr{Mapping: m}
	s, err := r.zintMax("scope", netMaxU16)
	if err != nil {
		return w, err
	}
	w.Scope = uint16(s)
	if named {
		start := r.off
		p, err := r.bytes("suffix", MaxKeySuffixLen)
		if err != nil {
			return w, err
		}
		if !utf8.Valid(p) {
			return w, r.failAt(start, "suffix", ErrInvalid)
		}
		if len(p) > 0 {
			w.Suffix = p
		}
	}
	return w, nil
}

// mappingOf returns the mapping an M flag (or bit) stands for.
func mappingOf(set bool) Mapping {
	if set {
		return MappingSender
	}
	return MappingReceiver
}
