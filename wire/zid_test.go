package wire

import (
	"bytes"
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestZenohIDDocExamples(t *testing.T) {
	for _, c := range []struct{ text, wire string }{
		{"a1b2c3d4e5f60718", "1807f6e5d4c3b2a1"},
		{"2fd01c9e7b3a4c55a6e1f0d2c3b4a596", "96a5b4c3d2f0e1a6554c3a7b9e1cd02f"},
		{"1", "01"},
		{"100", "0001"},
	} {
		id, err := ParseZenohID(c.text)
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		if got := id.Bytes(); !bytes.Equal(got, unhex(t, c.wire)) {
			t.Errorf("%s: bytes %x, want %s", c.text, got, c.wire)
		}
		if id.String() != c.text {
			t.Errorf("String() = %s, want %s", id.String(), c.text)
		}
	}
}

func TestZenohIDRejects(t *testing.T) {
	for _, s := range []string{"", "0", "0a", "A1", "xyz", "123456789012345678901234567890123"} {
		if _, err := ParseZenohID(s); err == nil {
			t.Errorf("ParseZenohID(%q) accepted", s)
		}
	}
	if _, err := ZenohIDFromBytes(make([]byte, 4)); err == nil {
		t.Error("all-zero id accepted")
	}
	if _, err := ZenohIDFromBytes(make([]byte, 17)); err == nil {
		t.Error("17-byte id accepted")
	}
	r := newRd([]byte{0}, "T")
	if _, err := r.zidVLE("id"); !errors.Is(err, ErrInvalid) {
		t.Errorf("zero-length id: %v", err)
	}
}

func TestZenohIDOrderIsLittleEndianLexicographic(t *testing.T) {
	a, _ := ParseZenohID("a1b2")
	f, _ := ParseZenohID("ff")
	if a.Compare(f) >= 0 {
		t.Fatal("want a1b2 < ff in Zenoh's order")
	}
}

func TestZenohIDTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SliceOfN(rapid.Byte(), 1, 16).Draw(t, "p")
		id, err := ZenohIDFromBytes(p)
		if err != nil {
			t.Skip()
		}
		back, err := ParseZenohID(id.String())
		if err != nil || back != id {
			t.Fatalf("%s: %v %v", id, back, err)
		}
	})
}

func TestTimestampDocExample(t *testing.T) {
	// 2026-01-01T00:00:00.5Z with id a1b2c3d4e5f60718 (zenoh-wire-transport.md 1.7).
	id, _ := ParseZenohID("a1b2c3d4e5f60718")
	ts := Timestamp{Time: uint64(1767225600)<<32 | 1<<31, ID: id}
	b, err := ts.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "80808080"+"88a0eeaa69"+"08"+"1807f6e5d4c3b2a1")
	if !bytes.Equal(b, want) {
		t.Fatalf("got %x\nwant %x", b, want)
	}
	got, n, err := DecodeTimestamp(b)
	if err != nil || n != len(b) || got != ts || ts.Len() != len(b) {
		t.Fatalf("decode: %+v %d %v", got, n, err)
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	for _, e := range []Encoding{{}, {ID: 8}, {ID: 1, HasSchema: true}, {ID: 0xffff, HasSchema: true, Schema: []byte("utf-8")}} {
		b, err := e.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, n, err := DecodeEncoding(b)
		if err != nil || n != len(b) || n != e.Len() || got.ID != e.ID || got.HasSchema != e.HasSchema || !bytes.Equal(got.Schema, e.Schema) {
			t.Fatalf("%+v: %+v %d %v", e, got, n, err)
		}
	}
	if _, _, err := DecodeEncoding(unhex(t, "ffff0f")); !errors.Is(err, ErrOverflow) {
		t.Errorf("id above u16: %v", err)
	}
}
