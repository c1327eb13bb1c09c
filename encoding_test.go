package zenoh

import (
	"errors"
	"strings"
	"testing"
)

func TestEncodingTable(t *testing.T) {
	if len(encodingNames) != 53 {
		t.Fatalf("table has %d entries, want Zenoh's 53 (ids 0..52)", len(encodingNames))
	}
	// A few ids pinned to Zenoh's zenoh/src/api/encoding.rs.
	pins := map[uint16]string{0: "zenoh/bytes", 1: "zenoh/string", 4: "text/plain", 5: "application/json",
		13: "application/protobuf", 28: "text/csv", 52: "video/vp9"}
	for id, name := range pins {
		if got := (Encoding{id: id}).String(); got != name {
			t.Errorf("id %d: %q, want %q", id, got, name)
		}
	}
	for i, name := range encodingNames {
		e := NewEncoding(name)
		if e.ID() != uint16(i) || e.Schema() != "" || e.String() != name {
			t.Errorf("%q: id %d schema %q string %q", name, e.ID(), e.Schema(), e.String())
		}
	}
	vars := []Encoding{EncodingZenohBytes, EncodingTextPlain, EncodingApplicationJSON, EncodingVideoVP9}
	for _, e := range vars {
		if NewEncoding(e.String()) != e {
			t.Errorf("%v does not round-trip", e)
		}
	}
}

func TestEncodingParse(t *testing.T) {
	tests := []struct {
		in     string
		id     uint16
		schema string
		str    string
	}{
		{"", 0, "", "zenoh/bytes"},
		{"zenoh/bytes", 0, "", "zenoh/bytes"},
		{"text/plain;utf-8", 4, "utf-8", "text/plain;utf-8"},
		{"application/json;", 5, "", "application/json"},
		{"custom/format;v1.0", 0xffff, "custom/format;v1.0", "custom/format;v1.0"},
		{"my_encoding", 0xffff, "my_encoding", "my_encoding"},
	}
	for _, tc := range tests {
		e := NewEncoding(tc.in)
		if e.ID() != tc.id || e.Schema() != tc.schema || e.String() != tc.str {
			t.Errorf("NewEncoding(%q) = id %d schema %q string %q, want %d %q %q", tc.in, e.ID(), e.Schema(), e.String(), tc.id, tc.schema, tc.str)
		}
	}
}

func TestEncodingWithSchema(t *testing.T) {
	if got := EncodingTextPlain.WithSchema("utf-8").String(); got != "text/plain;utf-8" {
		t.Errorf("got %q", got)
	}
	c := NewEncoding("custom/format;v1.0").WithSchema("v2.0")
	if c.String() != "custom/format;v2.0" {
		t.Errorf("custom with schema: %q", c)
	}
	if got := NewEncoding("custom/format;v1.0").WithSchema("").String(); got != "custom/format" {
		t.Errorf("custom without schema: %q", got)
	}
	if got := (Encoding{id: 999}).String(); got != "unknown(999)" {
		t.Errorf("unknown id: %q", got)
	}
	if got := (Encoding{id: 999, schema: "x"}).String(); got != "unknown(999);x" {
		t.Errorf("unknown id with schema: %q", got)
	}
}

func TestEncodingWire(t *testing.T) {
	w := EncodingTextPlain.WithSchema("utf-8").toWire()
	if w.ID != 4 || !w.HasSchema || string(w.Schema) != "utf-8" {
		t.Fatalf("toWire: %+v", w)
	}
	if back := encodingFromWire(&w); back != EncodingTextPlain.WithSchema("utf-8") {
		t.Fatalf("fromWire: %v", back)
	}
	if w := EncodingZenohBytes.toWire(); !w.IsDefault() {
		t.Fatalf("default encoding is not default on the wire: %+v", w)
	}
	long := EncodingTextPlain.WithSchema(strings.Repeat("x", MaxEncodingSchemaLen+1))
	if err := long.check(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("long schema: %v", err)
	}
}

// FuzzNewEncoding: any string makes an encoding whose text form parses back to it.
func FuzzNewEncoding(f *testing.F) {
	for _, s := range []string{"", "text/plain", "text/plain;utf-8", "custom/format;v1.0", "zenoh/bytes;", ";x", "a;b;c", "unknown(3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := NewEncoding(s)
		if back := NewEncoding(e.String()); back != e {
			t.Fatalf("%q: %#v -> %q -> %#v", s, e, e.String(), back)
		}
		w := e.toWire()
		if encodingFromWire(&w) != e {
			t.Fatalf("%q: wire round trip", s)
		}
	})
}
