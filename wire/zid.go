package wire

import (
	"encoding/hex"
	"errors"
	"strings"
)

// ZenohID identifies a Zenoh node: a non-zero 128-bit number kept as 16 little-endian bytes.
// It is comparable and usable as a map key.
//
// On the wire only its significant bytes travel, least significant first (Size of them). Its text
// form is lowercase hex of the number, most significant digit first, without leading zeros.
// Mirrors commons/zenoh-protocol/src/core/mod.rs (ZenohIdProto).
type ZenohID [MaxZIDSize]byte

// errZID is returned by the ZenohID constructors.
var errZID = errors.New("wire: invalid ZenohID")

// ZenohIDFromBytes builds a ZenohID from 1..16 little-endian bytes, not all zero.
func ZenohIDFromBytes(p []byte) (ZenohID, error) {
	var id ZenohID
	if len(p) == 0 || len(p) > MaxZIDSize {
		return id, errZID
	}
	copy(id[:], p)
	if id.IsZero() {
		return id, errZID
	}
	return id, nil
}

// ParseZenohID parses the text form (lowercase hex, no leading zero, at most 32 digits).
func ParseZenohID(s string) (ZenohID, error) {
	var id ZenohID
	if s == "" || len(s) > 2*MaxZIDSize || s[0] == '0' || strings.ToLower(s) != s {
		return id, errZID
	}
	if len(s)%2 == 1 {
		s = "0" + s
	}
	be, err := hex.DecodeString(s)
	if err != nil {
		return id, errZID
	}
	for i, c := range be {
		id[len(be)-1-i] = c
	}
	return id, nil
}

// IsZero reports whether the id is the (invalid) zero id.
func (id ZenohID) IsZero() bool { return id == ZenohID{} }

// Size returns the number of significant bytes, 1..16 (0 for the zero id).
func (id ZenohID) Size() int {
	n := MaxZIDSize
	for n > 0 && id[n-1] == 0 {
		n--
	}
	return n
}

// Bytes returns the significant bytes, least significant first, as they travel.
func (id *ZenohID) Bytes() []byte { return id[:id.Size()] }

// String returns the text form.
func (id ZenohID) String() string {
	n := id.Size()
	if n == 0 {
		return "0"
	}
	var be [2 * MaxZIDSize]byte
	const digits = "0123456789abcdef"
	for i := 0; i < n; i++ {
		c := id[n-1-i]
		be[2*i] = digits[c>>4]
		be[2*i+1] = digits[c&0xf]
	}
	s := be[:2*n]
	if s[0] == '0' {
		s = s[1:]
	}
	return string(s)
}

// Compare orders ids the way Rust zenoh does (lexicographically on the little-endian bytes,
// which is not numeric order). It returns -1, 0 or +1.
func (id ZenohID) Compare(o ZenohID) int {
	for i := range id {
		if id[i] != o[i] {
			if id[i] < o[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// appendZIDVLE appends the id as a zint length followed by its bytes (timestamps, cookies).
func appendZIDVLE(b []byte, id ZenohID) []byte {
	n := id.Size()
	b = AppendZint(b, uint64(n))
	return append(b, id[:n]...)
}

func zidVLELen(id ZenohID) int { n := id.Size(); return ZintLen(uint64(n)) + n }
