package cluster

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// Event bodies use LEB128 unsigned integers (the encoding Stalwart uses), zigzag for signed
// ones, and length-prefixed UTF-8 strings. Integers must be minimally encoded. Fields may be
// appended to a body in a later version: decoders ignore bytes after the fields they know.

// writer appends to b and remembers the first error.
type writer struct {
	b   []byte
	err error
}

func (w *writer) u(v uint64) { w.b = binary.AppendUvarint(w.b, v) }

func (w *writer) i(v int64) { w.b = binary.AppendVarint(w.b, v) }

// time writes t with one-second precision: 0 for the zero time, else zigzag(Unix())+1.
func (w *writer) time(field string, t time.Time) {
	if t.IsZero() {
		w.u(0)
		return
	}
	s := t.Unix()
	if s == math.MinInt64 {
		w.fail(errorsf(ErrInvalidEvent, "%s: time out of range", field))
	}
	w.u(uint64(s<<1^s>>63) + 1)
}

func (w *writer) byte1(v byte) { w.b = append(w.b, v) }

func (w *writer) str(field, s string) {
	switch {
	case len(s) > MaxStringBytes:
		w.fail(errorsf(ErrTooLarge, "%s: %d bytes (limit %d)", field, len(s), MaxStringBytes))
	case !utf8.ValidString(s):
		w.fail(errorsf(ErrInvalidEvent, "%s: not UTF-8", field))
	}
	w.u(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) raw(field string, p []byte) {
	if len(p) > MaxEventBytes {
		w.fail(errorsf(ErrTooLarge, "%s: %d bytes (limit %d)", field, len(p), MaxEventBytes))
	}
	w.b = append(w.b, p...)
}

func (w *writer) count(field string, n int) {
	if n > MaxListItems {
		w.fail(errorsf(ErrLimit, "%s: %d items (limit %d)", field, n, MaxListItems))
	}
	w.u(uint64(n))
}

func (w *writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// reader consumes b and remembers the first error; after an error every read returns zero.
type reader struct {
	b   []byte
	err error
}

// parseUvarint reads a minimally encoded LEB128 integer of at most 10 bytes.
func parseUvarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	switch {
	case n == 0:
		return 0, 0, ErrTruncated
	case n < 0:
		return 0, 0, errorsf(ErrMalformed, "integer overflows 64 bits")
	case n > 1 && b[n-1] == 0:
		return 0, 0, errorsf(ErrMalformed, "integer not minimally encoded")
	}
	return v, n, nil
}

func (r *reader) u(field string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n, err := parseUvarint(r.b)
	if err != nil {
		r.fail(field, err)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) i(field string) int64 {
	u := r.u(field)
	return int64(u>>1) ^ -int64(u&1)
}

// time is the inverse of writer.time; times are in UTC.
func (r *reader) time(field string) time.Time {
	v := r.u(field)
	if v == 0 {
		return time.Time{}
	}
	v--
	return time.Unix(int64(v>>1)^-int64(v&1), 0).UTC()
}

func (r *reader) u32(field string) uint32 {
	v := r.u(field)
	if v > math.MaxUint32 {
		r.fail(field, errorsf(ErrMalformed, "%d does not fit 32 bits", v))
		return 0
	}
	return uint32(v)
}

func (r *reader) byte1(field string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail(field, ErrTruncated)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) bytes(field string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail(field, ErrTruncated)
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) str(field string) string {
	n := r.u(field)
	if r.err != nil {
		return ""
	}
	if n > MaxStringBytes {
		r.fail(field, errorsf(ErrTooLarge, "string of %d bytes (limit %d)", n, MaxStringBytes))
		return ""
	}
	p := r.bytes(field, int(n))
	if r.err != nil {
		return ""
	}
	if !utf8.Valid(p) {
		r.fail(field, errorsf(ErrMalformed, "string not UTF-8"))
		return ""
	}
	return string(p)
}

// count reads a list length and checks it against MaxListItems and against the bytes left,
// given that each item takes at least minItem bytes.
func (r *reader) count(field string, minItem int) int {
	n := r.u(field)
	if r.err != nil {
		return 0
	}
	if n > MaxListItems {
		r.fail(field, errorsf(ErrLimit, "%d items (limit %d)", n, MaxListItems))
		return 0
	}
	if n*uint64(minItem) > uint64(len(r.b)) {
		r.fail(field, ErrTruncated)
		return 0
	}
	return int(n)
}

func (r *reader) fail(field string, err error) {
	if r.err == nil {
		r.err = &DecodeError{Token: "body", Err: fmt.Errorf("%s: %w", field, err)}
	}
}
