package wire

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var helloCodec = trCodec[Hello]{DecodeHello, (*Hello).Append, (*Hello).Len}

func TestHelloGolden(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		want Hello
	}{
		// Captured from zenoh 1.10.2: a peer with zid 2fd0…a596 listening on tcp/127.0.0.1:17462,
		// answering a Scout 01 09 03 sent to its multicast group on lo.
		{"captured python peer", "22 09 F1 96A5B4C3D2F0E1A6554C3A7B9E1CD02F 01 13 7463702f3132372e302e302e313a3137343632",
			Hello{Version: 9, WhatAmI: Peer, ZID: trZIDB, Locators: []Locator{"tcp/127.0.0.1:17462"}}},
		// zenoh-wire-transport.md §3.2 and §10 step 2 (hand-derived; same layout as the capture).
		{"doc rust peer", "22 09 F1 96 A5 B4 C3 D2 F0 E1 A6 55 4C 3A 7B 9E 1C D0 2F 01 16 74 63 70 2F 31 39 32 2E 31 36 38 2E 31 2E 31 30 3A 33 38 32 39 31",
			Hello{Version: 9, WhatAmI: Peer, ZID: trZIDB, Locators: []Locator{"tcp/192.168.1.10:38291"}}},
		// zenoh-wire-transport.md §3.2; zenoh.scout in zenoh 1.10.2 reported this Hello as
		// Hello { zid: a1b2c3d4e5f60718, whatami: Peer, locators: [tcp/127.0.0.1:7447] }.
		{"doc go peer", "22 09 71 18 07 F6 E5 D4 C3 B2 A1 01 12 74 63 70 2F 31 32 37 2E 30 2E 30 2E 31 3A 37 34 34 37",
			Hello{Version: 9, WhatAmI: Peer, ZID: trZIDA, Locators: []Locator{"tcp/127.0.0.1:7447"}}},
		{"router no locators", "02 09 00 05", Hello{Version: 9, WhatAmI: Router, ZID: ZenohID{5}}},
		{"client two locators", "22 09 02 07 02 05 74 63 70 2F 61 0B 75 64 70 2F 62 3F 61 3D 31 3B 62",
			Hello{Version: 9, WhatAmI: Client, ZID: ZenohID{7}, Locators: []Locator{"tcp/a", "udp/b?a=1;b"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { helloCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestHelloBad(t *testing.T) {
	helloCodec.bad(t, trHex(t, "22 09 03 01"), ErrInvalid)      // whatami code 3
	helloCodec.bad(t, trHex(t, "22 09 71 01 02"), ErrTruncated) // zid shorter than its nibble
	// Locator count above MaxLocators, and a count larger than the input, fail before allocating.
	helloCodec.bad(t, trHex(t, "22 09 00 01 81 02"), ErrLimit)
	helloCodec.bad(t, trHex(t, "22 09 00 01 05 01 61"), ErrTruncated)
	// Locator length above u8 (Zenoh bounds it to 255).
	long := append(trHex(t, "22 09 00 01 01 80 02"), make([]byte, 256)...)
	helloCodec.bad(t, long, ErrLimit)
	// Non-canonical locators, which Zenoh 1.9+ rejects.
	for _, l := range []string{"tcp/a#iface=lo", "tcp/a?b=1;a=2", "tcp", "/a", "tcp/", "tcp/a?", "tcp/a?=1", "tcp/a?k=", "tcp/a?x;;y", "a?b/c"} {
		in := append(trHex(t, "22 09 00 01 01"), byte(len(l)))
		helloCodec.bad(t, append(in, l...), ErrInvalid)
	}
	helloCodec.bad(t, trHex(t, "22 09 00 01 01 02 FF FE"), ErrInvalid) // not UTF-8
	if _, err := (&Hello{Version: 9, WhatAmI: Peer, ZID: ZenohID{1}, Locators: []Locator{"tcp/a#x=1"}}).Append(nil); err == nil {
		t.Fatal("Append accepted a non-canonical locator")
	}
	if _, err := (&Hello{Version: 9, WhatAmI: 3, ZID: ZenohID{1}}).Append(nil); err == nil {
		t.Fatal("Append accepted an invalid WhatAmI")
	}
}

func TestHelloRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := Hello{
			Version: rapid.Byte().Draw(t, "version"),
			WhatAmI: rapid.SampledFrom([]WhatAmI{Router, Peer, Client}).Draw(t, "whatami"),
			ZID:     trGenZID(t, "zid"),
			Exts:    trGenExts(t, "exts", true),
		}
		for i := rapid.IntRange(0, 3).Draw(t, "nloc"); i > 0; i-- {
			m.Locators = append(m.Locators, trGenLocator(t, "loc"))
		}
		helloCodec.roundTrip(t, m, true)
	})
}

func trGenLocator(t *rapid.T, label string) Locator {
	word := rapid.StringMatching(`[a-z0-9.:\[\]]{1,12}`)
	s := word.Draw(t, label+".proto") + "/" + word.Draw(t, label+".addr")
	if rapid.Bool().Draw(t, label+".hasmd") {
		keys := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z]{1,5}`), 1, 3, func(s string) string { return s }).Draw(t, label+".keys")
		trSortStrings(keys)
		var md []string
		for _, k := range keys {
			if rapid.Bool().Draw(t, label+".hasv") {
				k += "=" + rapid.StringMatching(`[a-z0-9|-]{1,4}`).Draw(t, label+".v")
			}
			md = append(md, k)
		}
		s += "?" + strings.Join(md, ";")
	}
	l, err := ParseLocator(s)
	if err != nil {
		t.Fatalf("generated locator %q: %v", s, err)
	}
	return l
}

func trSortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
