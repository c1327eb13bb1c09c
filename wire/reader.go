package wire

import "unicode/utf8"

// rd is the decoding cursor every decoder uses. It never panics: each read checks the
// remaining input first and reports failures as *DecodeError with the message and field name.
// It lives on the caller's stack, so decoding through it does not allocate.
type rd struct {
	b   []byte
	off int
	msg string
}

func newRd(b []byte, msg string) rd { return rd{b: b, msg: msg} }

func (r *rd) fail(field string, e error) error {
	return &DecodeError{Msg: r.msg, Field: field, Offset: r.off, Err: e}
}

func (r *rd) left() int { return len(r.b) - r.off }

// header reads a message header and checks that its id (the low five bits, in every layer) is
// want. On a mismatch the cursor goes back to the header: the failure reports offset 0 and the
// decoder reports no byte used.
func (r *rd) header(want byte) (byte, error) {
	h, err := r.u8("header")
	if err != nil {
		return 0, err
	}
	if h&0x1f != want {
		r.off = 0
		return 0, r.fail("header", ErrUnknownMessage)
	}
	return h, nil
}

func (r *rd) u8(field string) (byte, error) {
	if r.off >= len(r.b) {
		return 0, r.fail(field, ErrTruncated)
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *rd) zint(field string) (uint64, error) {
	v, n, err := ReadZint(r.b[r.off:])
	if err != nil {
		return 0, r.fail(field, err)
	}
	r.off += n
	return v, nil
}

// zintMax reads a zint and rejects values above max, as Zenoh's bounded reads do.
func (r *rd) zintMax(field string, max uint64) (uint64, error) {
	start := r.off
	v, err := r.zint(field)
	if err != nil {
		return 0, err
	}
	if v > max {
		r.off = start
		return 0, r.fail(field, ErrOverflow)
	}
	return v, nil
}

func (r *rd) u16LE(field string) (uint16, error) {
	if r.left() < 2 {
		return 0, r.fail(field, ErrTruncated)
	}
	v := uint16(r.b[r.off]) | uint16(r.b[r.off+1])<<8
	r.off += 2
	return v, nil
}

// fixed returns the next n bytes, aliasing the input.
func (r *rd) fixed(field string, n int) ([]byte, error) {
	if n < 0 || r.left() < n {
		return nil, r.fail(field, ErrTruncated)
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p, nil
}

// bytes reads a zint length (at most limit) and that many bytes, aliasing the input. The length
// is checked against limit and against the remaining input before anything else happens.
func (r *rd) bytes(field string, limit uint64) ([]byte, error) {
	start := r.off
	n, err := r.zint(field)
	if err != nil {
		return nil, err
	}
	if n > limit {
		r.off = start
		return nil, r.fail(field, ErrLimit)
	}
	if n > uint64(r.left()) {
		r.off = start
		return nil, r.fail(field, ErrTruncated)
	}
	return r.fixed(field, int(n))
}

// str reads a length-prefixed UTF-8 string. It allocates the string; it is for fields off the
// data path (locators, names).
func (r *rd) str(field string, limit uint64) (string, error) {
	start := r.off
	p, err := r.bytes(field, limit)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(p) {
		r.off = start
		return "", r.fail(field, ErrInvalid)
	}
	return string(p), nil
}

// zid reads n raw bytes of a ZenohID (n comes from a header nibble or a length prefix).
func (r *rd) zid(field string, n int) (ZenohID, error) {
	start := r.off
	if n < 1 || n > MaxZIDSize {
		return ZenohID{}, r.fail(field, ErrInvalid)
	}
	p, err := r.fixed(field, n)
	if err != nil {
		return ZenohID{}, err
	}
	id, err := ZenohIDFromBytes(p)
	if err != nil {
		r.off = start
		return ZenohID{}, r.fail(field, ErrInvalid)
	}
	return id, nil
}

// zidVLE reads a ZenohID written as a zint length followed by its bytes.
func (r *rd) zidVLE(field string) (ZenohID, error) {
	start := r.off
	n, err := r.zint(field)
	if err != nil {
		return ZenohID{}, err
	}
	if n < 1 || n > MaxZIDSize {
		r.off = start
		return ZenohID{}, r.fail(field, ErrInvalid)
	}
	return r.zid(field, int(n))
}

// ext reads one extension and reports whether another follows it.
func (r *rd) ext(field string) (Ext, bool, error) {
	start := r.off
	h, err := r.u8(field)
	if err != nil {
		return Ext{}, false, err
	}
	e := Ext{Header: h &^ ExtMore}
	switch e.Enc() {
	case ExtUnit:
	case ExtZ64:
		if e.Value, err = r.zint(field); err != nil {
			return Ext{}, false, err
		}
	case ExtZBuf:
		if e.Body, err = r.bytes(field, MaxExtBodyLen); err != nil {
			return Ext{}, false, err
		}
	default:
		r.off = start
		return Ext{}, false, r.fail(field, ErrInvalid)
	}
	return e, h&ExtMore != 0, nil
}

// unknownExt handles an extension the message does not define: a mandatory one fails the
// message; an optional one is appended to keep (so that re-encoding reproduces it). At most
// MaxExtensions are kept.
func (r *rd) unknownExt(field string, e Ext, keep []Ext) ([]Ext, error) {
	if e.Mandatory() {
		return keep, r.fail(field, ErrUnknownMandatory)
	}
	if len(keep) >= MaxExtensions {
		return keep, r.fail(field, ErrLimit)
	}
	return append(keep, e), nil
}

// appendBytes appends p with its zint length prefix.
func appendBytes(b, p []byte) []byte {
	b = AppendZint(b, uint64(len(p)))
	return append(b, p...)
}

// bytesLen is the encoded size of p with its length prefix.
func bytesLen(p []byte) int { return ZintLen(uint64(len(p))) + len(p) }

func appendString(b []byte, s string) []byte {
	b = AppendZint(b, uint64(len(s)))
	return append(b, s...)
}

func stringLen(s string) int { return ZintLen(uint64(len(s))) + len(s) }
