package wire

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// trHex decodes hex that may contain spaces and '|' separators.
func trHex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.NewReplacer(" ", "", "|", "", "\n", "", "\t", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// trShort formats b as hex, eliding the middle of long inputs.
func trShort(b []byte) string {
	if len(b) <= 64 {
		return hex.EncodeToString(b)
	}
	return hex.EncodeToString(b[:32]) + "…(" + strconv.Itoa(len(b)) + " bytes)…" + hex.EncodeToString(b[len(b)-16:])
}

// trCanon returns a deep copy of v in which every empty slice is nil, so that values that
// differ only in nil versus empty slices compare equal.
func trCanon(v any) any {
	rv := reflect.ValueOf(v)
	out := reflect.New(rv.Type()).Elem()
	trCanonInto(out, rv)
	return out.Interface()
}

func trCanonInto(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		for i := 0; i < src.NumField(); i++ {
			trCanonInto(dst.Field(i), src.Field(i))
		}
	case reflect.Slice:
		if src.Len() == 0 {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			trCanonInto(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			trCanonInto(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}

// trSame reports whether a and b are equal up to nil versus empty slices.
func trSame(a, b any) bool { return reflect.DeepEqual(trCanon(a), trCanon(b)) }

// trCodec bundles a message type's decoder and encoder for the shared checks below.
type trCodec[M any] struct {
	dec func([]byte) (M, int, error)
	enc func(*M, []byte) ([]byte, error)
	len func(*M) int
}

// golden checks that in decodes to want using all of in, and that want encodes back to in.
func (c trCodec[M]) golden(t *testing.T, in []byte, want M) {
	t.Helper()
	got, n, err := c.dec(in)
	if err != nil {
		t.Fatalf("decode %s: %v", trShort(in), err)
	}
	if n != len(in) {
		t.Errorf("decode used %d of %d bytes", n, len(in))
	}
	if !trSame(got, want) {
		t.Errorf("decode %s:\n got %.300v\nwant %.300v", trShort(in), got, want)
	}
	out, err := c.enc(&want, nil)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("encode:\n got %s\nwant %s", trShort(out), trShort(in))
	}
	if l := c.len(&want); l != len(in) {
		t.Errorf("Len = %d, want %d", l, len(in))
	}
}

// roundTrip encodes m (after a prefix, which must be kept), checks Len, decodes the encoding
// back to m, and checks that every strict prefix of the encoding fails with ErrTruncated.
// It returns the encoding.
func (c trCodec[M]) roundTrip(t trTB, m M, prefixes bool) []byte {
	t.Helper()
	pre := []byte{0xee, 0xff}
	b, err := c.enc(&m, append([]byte(nil), pre...))
	if err != nil {
		t.Fatalf("encode %+v: %v", m, err)
	}
	if string(b[:2]) != string(pre) {
		t.Fatalf("encode clobbered the prefix")
	}
	b = b[2:]
	if l := c.len(&m); l != len(b) {
		t.Fatalf("Len = %d, encoded %d bytes (%x)", l, len(b), b)
	}
	got, n, err := c.dec(b)
	if err != nil {
		t.Fatalf("decode %x of %+v: %v", b, m, err)
	}
	if n != len(b) {
		t.Fatalf("decode used %d of %d bytes", n, len(b))
	}
	if !trSame(got, m) {
		t.Fatalf("round trip %x:\n got %+v\nwant %+v", b, got, m)
	}
	if prefixes {
		for i := 0; i < len(b); i++ {
			if _, _, err := c.dec(b[:i]); !errors.Is(err, ErrTruncated) {
				t.Fatalf("prefix %x of %x: err = %v, want ErrTruncated", b[:i], b, err)
			}
		}
	}
	return b
}

// bad checks that decoding in fails with sentinel want and a *DecodeError.
func (c trCodec[M]) bad(t *testing.T, in []byte, want error) {
	t.Helper()
	_, _, err := c.dec(in)
	if !errors.Is(err, want) {
		t.Fatalf("decode %x: err = %v, want %v", in, err, want)
	}
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("decode %x: err %T is not a *DecodeError", in, err)
	}
}

// trTB is what both *testing.T and *rapid.T provide.
type trTB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// trZIDA and trZIDB are the two node ids of zenoh-wire-transport.md §10, used by the captures.
var (
	trZIDA = trMustZID("a1b2c3d4e5f60718")
	trZIDB = trMustZID("2fd01c9e7b3a4c55a6e1f0d2c3b4a596")
)

func trMustZID(s string) ZenohID {
	id, err := ParseZenohID(s)
	if err != nil {
		panic(err)
	}
	return id
}
