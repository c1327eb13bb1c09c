package wire

import "math/bits"

// MaxZintLen is the longest encoding of a zint.
const MaxZintLen = 9

// AppendZint appends v as a Zenoh zint and returns the extended slice.
//
// A zint is little-endian base-128 with a continuation bit, like LEB128, except that it stops at
// nine bytes: the ninth byte, when present, carries the top eight bits of the value whole. So
// every uint64 takes 1..9 bytes and values at or above 2^56 always take 9.
func AppendZint(b []byte, v uint64) []byte {
	for i := 0; i < 8 && v >= 0x80; i++ {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// ZintLen returns the number of bytes AppendZint uses for v.
func ZintLen(v uint64) int {
	n := (bits.Len64(v|1) + 6) / 7
	if n > MaxZintLen {
		n = MaxZintLen
	}
	return n
}

// ReadZint decodes a zint from the start of b and returns it with the number of bytes used.
// Like Rust zenoh, it accepts non-minimal encodings. It fails with ErrTruncated when b ends
// before the zint does.
func ReadZint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < MaxZintLen; i++ {
		if i >= len(b) {
			return 0, 0, ErrTruncated
		}
		c := b[i]
		if i == MaxZintLen-1 {
			return v | uint64(c)<<56, MaxZintLen, nil
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, ErrTruncated // unreachable
}
