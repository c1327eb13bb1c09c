package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestZintGolden(t *testing.T) {
	cases := []struct {
		v   uint64
		hex string
	}{
		{0, "00"},
		{1, "01"},
		{127, "7f"},
		{1 << 7, "8001"},
		{300, "ac02"},
		{10000, "904e"},
		{1<<14 - 1, "ff7f"},
		{1 << 14, "808001"},
		{65535, "ffff03"},
		{0x0fffffff, "ffffff7f"},
		{0xffffffff, "ffffffff0f"},
		{1<<56 - 1, "ffffffffffffff7f"},
		{1 << 56, "808080808080808001"},
		{1 << 63, "808080808080808080"},
		{math.MaxUint64, "ffffffffffffffffff"},
	}
	for _, c := range cases {
		got := AppendZint(nil, c.v)
		if hex.EncodeToString(got) != c.hex {
			t.Errorf("AppendZint(%#x) = %x, want %s", c.v, got, c.hex)
		}
		if ZintLen(c.v) != len(got) {
			t.Errorf("ZintLen(%#x) = %d, want %d", c.v, ZintLen(c.v), len(got))
		}
		v, n, err := ReadZint(unhex(t, c.hex+"ee"))
		if err != nil || v != c.v || n != len(got) {
			t.Errorf("ReadZint(%s) = %#x, %d, %v", c.hex, v, n, err)
		}
	}
}

func TestZintNineBytesMax(t *testing.T) {
	// The ninth byte is taken whole: a tenth byte is never part of the zint.
	v, n, err := ReadZint(unhex(t, "ffffffffffffffffff01"))
	if err != nil || n != 9 || v != math.MaxUint64 {
		t.Fatalf("got %#x, %d, %v", v, n, err)
	}
}

func TestZintNonMinimalAccepted(t *testing.T) {
	// Rust accepts non-minimal forms; so do we.
	v, n, err := ReadZint(unhex(t, "8000"))
	if err != nil || v != 0 || n != 2 {
		t.Fatalf("got %#x, %d, %v", v, n, err)
	}
}

func TestZintOverLongRejectedByBoundedReads(t *testing.T) {
	for _, c := range []struct {
		hex string
		max uint64
	}{
		{"808004", 0xffff},                // 65536 in a u16 field
		{"8080808010", 0xffffffff},        // 2^32 in a u32 field
		{"ffffffffffffffffff", 1<<32 - 1}, // a 9-byte zint in a u32 field
	} {
		r := newRd(unhex(t, c.hex), "T")
		if _, err := r.zintMax("f", c.max); !errors.Is(err, ErrOverflow) {
			t.Errorf("%s with max %#x: err = %v, want ErrOverflow", c.hex, c.max, err)
		}
	}
}

func TestZintTruncated(t *testing.T) {
	full := AppendZint(nil, math.MaxUint64)
	for i := 0; i < len(full); i++ {
		if _, _, err := ReadZint(full[:i]); !errors.Is(err, ErrTruncated) {
			t.Errorf("prefix %d: err = %v", i, err)
		}
	}
}

func TestZintRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.Uint64().Draw(t, "v")
		b := AppendZint([]byte{0xaa}, v)
		if len(b)-1 != ZintLen(v) {
			t.Fatalf("len %d, ZintLen %d", len(b)-1, ZintLen(v))
		}
		got, n, err := ReadZint(b[1:])
		if err != nil || got != v || n != len(b)-1 {
			t.Fatalf("got %#x %d %v", got, n, err)
		}
		if !bytes.Equal(b[:1], []byte{0xaa}) {
			t.Fatal("prefix clobbered")
		}
	})
}

func TestZintAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	if a := testing.AllocsPerRun(100, func() { buf = AppendZint(buf[:0], math.MaxUint64) }); a != 0 {
		t.Fatalf("allocs = %v", a)
	}
}
