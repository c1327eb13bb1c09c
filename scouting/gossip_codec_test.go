package scouting

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh/wire"
	"pgregory.net/rapid"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// linkStateVectors are worked out by hand from zenoh/src/net/codec/linkstate.rs.
var linkStateVectors = []struct {
	name   string
	states []LinkState
	hex    string
}{
	{
		// A Go peer's own state as zenoh-wire-network.md 8.6 describes it: options 07, psid 0,
		// sn 1, zid a1b2c3d4e5f60718, whatami peer, one locator, no links.
		name: "own state",
		states: []LinkState{{
			PSID: 0, SN: 1, ZID: mustZID("a1b2c3d4e5f60718"), WhatAmI: wire.Peer,
			HasLocators: true, Locators: []wire.Locator{"tcp/127.0.0.1:7447"},
		}},
		hex: "01 07 00 01 08 18 07 f6 e5 d4 c3 b2 a1 02 01 12" +
			hex.EncodeToString([]byte("tcp/127.0.0.1:7447")) + " 00",
	},
	{
		// Rust's add_link on an existing link: the self state without zid, locators and links.
		name: "self without zid",
		states: []LinkState{{
			PSID: 0, SN: 300, WhatAmI: wire.Router, HasLocators: true, Links: []uint64{1, 2},
		}},
		hex: "01 06 00 ac 02 01 00 02 01 02",
	},
	{
		// A new neighbour: zid only (no locators), then weights and the gateway bit.
		name: "two states",
		states: []LinkState{
			{PSID: 1, SN: 0, ZID: mustZID("2"), WhatAmI: wire.Peer},
			{PSID: 2, SN: 5, Links: []uint64{0, 130}, Weights: []uint16{100, 65535}, Gateway: true},
		},
		hex: "02 03 01 00 01 02 02 00 18 02 05 02 00 82 01 64 ff ff 03",
	},
}

func mustZID(s string) wire.ZenohID {
	id, err := wire.ParseZenohID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func TestLinkStateVectors(t *testing.T) {
	for _, v := range linkStateVectors {
		t.Run(v.name, func(t *testing.T) {
			want := mustHex(t, v.hex)
			got, err := AppendLinkStates(nil, v.states)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("encoded\n% x\nwant\n% x", got, want)
			}
			dec, err := DecodeLinkStates(want, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			if !equalStates(dec, v.states) {
				t.Fatalf("decoded %+v\nwant %+v", dec, v.states)
			}
		})
	}
}

func equalStates(a, b []LinkState) bool {
	return slices.EqualFunc(a, b, func(x, y LinkState) bool {
		return x.PSID == y.PSID && x.SN == y.SN && x.ZID == y.ZID && x.WhatAmI == y.WhatAmI &&
			x.HasLocators == y.HasLocators && slices.Equal(x.Locators, y.Locators) &&
			slices.Equal(x.Links, y.Links) && (x.Weights == nil) == (y.Weights == nil) &&
			slices.Equal(x.Weights, y.Weights) && x.Gateway == y.Gateway
	})
}

// TestLinkStatesRejects checks every truncation of a valid list and a set of invalid ones: each
// fails with a *wire.DecodeError wrapping the right sentinel and nothing panics.
func TestLinkStatesRejects(t *testing.T) {
	full := mustHex(t, linkStateVectors[0].hex)
	for i := range len(full) {
		_, err := DecodeLinkStates(full[:i], nil, 100)
		var de *wire.DecodeError
		if !errors.As(err, &de) || !errors.Is(err, wire.ErrTruncated) {
			t.Errorf("prefix of %d bytes: %v, want a truncation DecodeError", i, err)
		}
	}
	for _, c := range []struct {
		name string
		hex  string
		want error
	}{
		{"too many states", "ff ff 03", wire.ErrLimit},
		{"count above input", "05 00 00 00", wire.ErrTruncated},
		{"zero zid", "01 01 00 01 01 00 00", wire.ErrInvalid},
		{"zid too long", "01 01 00 01 11" + strings.Repeat(" 01", 17) + " 00", wire.ErrLimit},
		{"bad whatami", "01 02 00 01 03 00", wire.ErrInvalid},
		{"locator with #", "01 04 00 01 01 08 74 63 70 2f 61 3a 31 23 00", wire.ErrInvalid},
		{"locator not utf-8", "01 04 00 01 01 06 74 63 70 2f ff fe 00", wire.ErrInvalid},
		{"too many locators", "01 04 00 01 ff 03", wire.ErrLimit},
		{"too many links", "01 00 00 01 ff ff 03", wire.ErrLimit},
		{"weights missing", "01 08 00 01 02 00 01", wire.ErrTruncated},
	} {
		_, err := DecodeLinkStates(mustHex(t, c.hex), nil, 100)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := DecodeLinkStates(mustHex(t, "03 00 00 00 00 00 00 00 00 00 00 00 00"), nil, 2); !errors.Is(err, wire.ErrLimit) {
		t.Errorf("3 states with a limit of 2: %v", err)
	}
	// Trailing bytes are ignored, as Zenoh does.
	if _, err := DecodeLinkStates(append(full, 0xff, 0xff), nil, 100); err != nil {
		t.Errorf("trailing bytes: %v", err)
	}
	// Encoder refusals.
	for _, bad := range []LinkState{
		{WhatAmI: 3},
		{Links: []uint64{1}, Weights: []uint16{}},
		{Locators: []wire.Locator{"tcp/a:1#iface=x"}},
	} {
		if _, err := AppendLinkStates(nil, []LinkState{bad}); !errors.Is(err, wire.ErrEncode) {
			t.Errorf("encoding %+v: %v, want ErrEncode", bad, err)
		}
	}
}

// TestLinkStatesRoundTrip checks decode(encode(x)) == x for random lists.
func TestLinkStatesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 5).Draw(t, "n")
		states := make([]LinkState, n)
		for i := range states {
			ls := &states[i]
			ls.PSID = rapid.Uint64().Draw(t, "psid")
			ls.SN = rapid.Uint64().Draw(t, "sn")
			if rapid.Bool().Draw(t, "hasZID") {
				b := rapid.SliceOfN(rapid.Byte(), 1, 16).Draw(t, "zid")
				b[0] |= 1
				ls.ZID, _ = wire.ZenohIDFromBytes(b)
			}
			ls.WhatAmI = rapid.SampledFrom([]wire.WhatAmI{0, wire.Router, wire.Peer, wire.Client}).Draw(t, "w")
			ls.HasLocators = rapid.Bool().Draw(t, "hasLoc")
			if ls.HasLocators {
				for range rapid.IntRange(0, 3).Draw(t, "nloc") {
					port := rapid.IntRange(1, 65535).Draw(t, "port")
					ls.Locators = append(ls.Locators, wire.Locator("tcp/10.0.0.1:"+itoa(port)))
				}
			}
			ls.Links = rapid.SliceOfN(rapid.Uint64(), 0, 4).Draw(t, "links")
			if len(ls.Links) == 0 {
				ls.Links = nil
			}
			if rapid.Bool().Draw(t, "hasW") {
				ls.Weights = make([]uint16, len(ls.Links))
				for j := range ls.Weights {
					ls.Weights[j] = rapid.Uint16().Draw(t, "w")
				}
			}
			ls.Gateway = rapid.Bool().Draw(t, "gw")
		}
		b, err := AppendLinkStates(nil, states)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeLinkStates(b, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		if !equalStates(got, states) {
			t.Fatalf("round trip\n%+v\n%+v", got, states)
		}
	})
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// FuzzDecodeLinkStates checks that no input panics, that decoding allocates no more than the
// input justifies, and that what decodes re-encodes to something that decodes the same.
func FuzzDecodeLinkStates(f *testing.F) {
	for _, v := range linkStateVectors {
		f.Add(mustHex(f, v.hex))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		states, err := DecodeLinkStates(b, nil, 1024)
		if err != nil {
			return
		}
		enc, err := AppendLinkStates(nil, states)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", states, err)
		}
		again, err := DecodeLinkStates(enc, nil, 1024)
		if err != nil || !equalStates(again, states) {
			t.Fatalf("re-decoding: %v\n%+v\n%+v", err, again, states)
		}
	})
}

func BenchmarkDecodeLinkStates(b *testing.B) {
	body := mustHex(b, linkStateVectors[0].hex)
	dst := make([]LinkState, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeLinkStates(body, dst[:0], 16); err != nil {
			b.Fatal(err)
		}
	}
}
