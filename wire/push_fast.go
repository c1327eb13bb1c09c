package wire

import "unicode/utf8"

// plain reports whether m is the common publication the fast paths of Len and Append encode:
// a Put with at most an encoding (no schema), no timestamp, source info, attachment or unknown
// extension at either level, no node id, and fields the encoder can represent (a suffix that
// is not too long, a payload that fits a u32, a known mapping). Everything else takes the
// general path, which gives the same bytes.
func (m *Push) plain() bool {
	if m.HasTimestamp || m.NodeID != 0 || len(m.Exts) != 0 || m.Body.ID != DataIDPut ||
		m.WireExpr.Mapping > MappingSender || len(m.WireExpr.Suffix) > MaxKeySuffixLen {
		return false
	}
	p := &m.Body.Put
	return !p.HasTimestamp && !p.HasSourceInfo && !p.HasAttachment && len(p.Exts) == 0 &&
		!p.Encoding.HasSchema && len(p.Encoding.Schema) == 0 && !bytesTooLong(p.Payload)
}

// plainLen is Len for a plain Push.
func (m *Push) plainLen() int {
	n := 1 + ZintLen(uint64(m.WireExpr.Scope)) + 1 + bytesLen(m.Body.Put.Payload)
	if len(m.WireExpr.Suffix) > 0 {
		n += bytesLen(m.WireExpr.Suffix)
	}
	if m.QoS != NetQoSDefault {
		n += z64ExtLen(uint64(m.QoS))
	}
	if e := &m.Body.Put.Encoding; e.ID != 0 {
		n += ZintLen(e.head())
	}
	return n
}

// appendPlain is Append for a plain Push: the same bytes as the general encoder, without its
// extension bookkeeping.
//
//	|Z|M|N| Push |  Z only when QoS is not the default
//	scope [suffix]
//	[QoS z64 ext]
//	|Z|E|T| Put  |  E when the encoding is not the default; Z and T clear
//	[encoding id<<1]
//	payload
func (m *Push) appendPlain(b []byte) ([]byte, error) {
	we := &m.WireExpr
	if len(we.Suffix) > 0 && !utf8.Valid(we.Suffix) {
		return b, encErr("Push", "suffix", "not UTF-8")
	}
	h := byte(NetIDPush) | we.Flags()
	if m.QoS != NetQoSDefault {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(we.Scope))
	if len(we.Suffix) > 0 {
		b = appendBytes(b, we.Suffix)
	}
	if m.QoS != NetQoSDefault {
		b = appendZ64Ext(b, netExtQoS, uint64(m.QoS), false)
	}
	p := &m.Body.Put
	if p.Encoding.ID != 0 {
		b = AppendZint(append(b, byte(DataIDPut)|putFlagE), p.Encoding.head())
	} else {
		b = append(b, byte(DataIDPut))
	}
	return appendBytes(b, p.Payload), nil
}

// pushPlain decodes, after its header h, a plain Push (see plain) whose only extension is at
// most a QoS, the common publication, without the general decoder's bookkeeping. It reports
// false, with r.off unchanged and m untouched, for anything else (or anything wrong): the
// general decoder then decodes it, or reports the error.
func (r *rd) pushPlain(m *Push, h byte, rep *repeatHead) bool {
	b, off := r.b, r.off
	scope, n := zintAt(b, off)
	if n <= 0 || scope > netMaxU16 {
		return false
	}
	off += n
	var suffix []byte
	sufOff := 0
	if h&netFlagN != 0 {
		l, n := zintAt(b, off)
		if n <= 0 || l > MaxKeySuffixLen || l > uint64(len(b)-off-n) {
			return false
		}
		off += n
		sufOff = off
		suffix = b[off : off+int(l) : off+int(l)]
		off += int(l)
		if !utf8.Valid(suffix) {
			return false
		}
		if len(suffix) == 0 {
			suffix = nil
		}
	}
	qos := NetQoSDefault
	if h&netFlagZ != 0 {
		if off >= len(b) || b[off] != netExtQoS { // exactly one extension: a QoS
			return false
		}
		v, n := zintAt(b, off+1)
		if n <= 0 || v > 0xff {
			return false
		}
		qos, off = NetQoS(v), off+1+n
	}
	if off >= len(b) {
		return false
	}
	bh := b[off]
	if bh != byte(DataIDPut) && bh != byte(DataIDPut)|putFlagE {
		return false
	}
	off++
	var enc uint64
	if bh&putFlagE != 0 {
		v, n := zintAt(b, off)
		if n <= 0 || v&1 != 0 || v>>1 > 0xffff { // no schema here
			return false
		}
		enc, off = v>>1, off+n
	}
	headLen := off - r.off + 1 // from the header byte, read before the call
	l, n := zintAt(b, off)
	if n <= 0 || l > MaxPayloadLen || l > uint64(len(b)-off-n) {
		return false
	}
	off += n
	if rep != nil && headLen <= len(rep.head) {
		start := r.off - 1
		rep.n = copy(rep.head[:], b[start:start+headLen])
		rep.sufOff, rep.sufLen = sufOff-start, len(suffix)
		rep.scope, rep.mapping, rep.qos, rep.enc = uint16(scope), mappingOf(h&netFlagM != 0), qos, uint16(enc)
	}
	var payload []byte
	if l > 0 {
		payload = b[off : off+int(l) : off+int(l)]
	}
	off += int(l)
	if !m.plainHeld() {
		*m = Push{} // rare: what m held is not a plain Push
	}
	// m now holds zero or a plain Push: setting the plain fields makes it equal to the result
	// of the general decoder, without writing the whole (large) struct.
	m.WireExpr = WireExpr{Scope: uint16(scope), Suffix: suffix, Mapping: mappingOf(h&netFlagM != 0)}
	m.QoS = qos
	m.Body.ID = DataIDPut
	m.Body.Put.Encoding.ID = uint16(enc)
	m.Body.Put.Payload = payload
	r.off = off
	return true
}

// zintAt reads a zint at b[off:]; n is 0 when it is truncated.
func zintAt(b []byte, off int) (v uint64, n int) {
	v, n, err := ReadZint(b[off:])
	if err != nil {
		return 0, 0
	}
	return v, n
}

// plainHeld reports whether m holds nothing but the fields pushPlain sets: either zero or a
// plain Push as a decoder left it (a decoder zeroes Del when it decodes a Put).
func (m *Push) plainHeld() bool {
	p := &m.Body.Put
	return !m.HasTimestamp && m.Timestamp == Timestamp{} && m.NodeID == 0 && m.Exts == nil &&
		(m.Body.ID == DataIDPut || m.Body.ID == 0) && !p.HasTimestamp && p.Timestamp == Timestamp{} &&
		!p.Encoding.HasSchema && p.Encoding.Schema == nil && !p.HasSourceInfo && p.SourceInfo == SourceInfo{} &&
		!p.HasAttachment && p.Attachment == nil && p.Exts == nil && m.Body.Del.isZero()
}

// isZero reports whether d is the zero Del.
func (d *Del) isZero() bool {
	return !d.HasTimestamp && d.Timestamp == Timestamp{} && !d.HasSourceInfo && d.SourceInfo == SourceInfo{} &&
		!d.HasAttachment && d.Attachment == nil && d.Exts == nil
}

// repeatHead is the head of the last plain Push decoded into a message (its bytes up to the
// payload's length, see AppendPutHead) and what they decode to. A publisher's stream repeats
// the same head: BatchIter decodes the next Push with those very bytes by comparing them
// (see repeat), instead of parsing them again.
type repeatHead struct {
	n              int // head length; 0 for none
	head           [32]byte
	sufOff, sufLen int // the suffix's place in head
	scope          uint16
	mapping        Mapping
	qos            NetQoS
	enc            uint16
}

// repeat decodes from b a Push whose head is rep's into m, which holds the last one decoded
// with that head (or is zero), and returns its length; 0 when b does not start with rep's
// head followed by a valid payload.
func (m *Push) repeat(b []byte, rep *repeatHead) int {
	hl := rep.n
	if hl == 0 || hl > len(rep.head) || len(b) <= hl {
		return 0
	}
	// A byte loop: heads are a few bytes, shorter than a call to memequal pays for.
	for i, c := range b[:hl] {
		if c != rep.head[i] {
			return 0
		}
	}
	var l uint64
	var n int
	if c := b[hl]; c < 0x80 { // a payload length below 128: one byte
		l, n = uint64(c), 1
	} else if l, n = zintAt(b, hl); n <= 0 {
		return 0
	}
	if l > MaxPayloadLen || l > uint64(len(b)-hl-n) {
		return 0
	}
	off := hl + n
	var suffix, payload []byte
	if rep.sufLen > 0 {
		suffix = b[rep.sufOff : rep.sufOff+rep.sufLen : rep.sufOff+rep.sufLen]
	}
	if l > 0 {
		payload = b[off : off+int(l) : off+int(l)]
	}
	// Field by field: a composite literal is built on the stack and copied with wide loads
	// that cannot be forwarded from its narrow stores (a stall on every message).
	m.WireExpr.Scope, m.WireExpr.Suffix, m.WireExpr.Mapping = rep.scope, suffix, rep.mapping
	m.QoS = rep.qos
	m.Body.ID = DataIDPut
	m.Body.Put.Encoding.ID = rep.enc
	m.Body.Put.Payload = payload
	return off + int(l)
}
