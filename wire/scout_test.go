package wire

import (
	"testing"

	"pgregory.net/rapid"
)

var scoutCodec = trCodec[Scout]{DecodeScout, (*Scout).Append, (*Scout).Len}

func TestScoutGolden(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		want Scout
	}{
		// Captured from zenoh 1.10.2: zenoh.scout(what="peer|router") on 127.0.0.1 (multicast on lo).
		{"captured python scout peer|router", "01 09 03", Scout{Version: 9, What: WhatAmIMatcher(Router | Peer)}},
		// zenoh-wire-transport.md §3.1: Rust's default scout (router|peer|client).
		{"doc rust default", "01 09 07", Scout{Version: 9, What: 7}},
		// zenoh-wire-transport.md §3.1; a real zenoh 1.10.2 peer answered it with a Hello.
		{"doc go scout with zid", "01 09 7B 18 07 F6 E5 D4 C3 B2 A1", Scout{Version: 9, What: WhatAmIMatcher(Router | Peer), ZID: trZIDA}},
		{"what none", "01 09 00", Scout{Version: 9}},
		{"one-byte zid", "01 09 0C 2A", Scout{Version: 9, What: WhatAmIMatcher(Client), ZID: ZenohID{0x2a}}},
		{"unknown extension kept", "81 09 01 42 02 AA BB", Scout{Version: 9, What: 1, Exts: []Ext{{Header: 0x42, Body: []byte{0xaa, 0xbb}}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { scoutCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestScoutLenientExtensions(t *testing.T) {
	// Zenoh drops Scout extensions without checking M, so a mandatory unknown one is accepted.
	m, n, err := DecodeScout(trHex(t, "81 09 03 95 | 3F 07"))
	if err != nil || n != 6 {
		t.Fatalf("DecodeScout = %v, %d, %v", m, n, err)
	}
	if len(m.Exts) != 2 || m.Exts[0].Header != 0x15 || m.Exts[1].Header != 0x3f || m.Exts[1].Value != 7 {
		t.Fatalf("exts = %+v", m.Exts)
	}
	// Only the first MaxExtensions are kept; the rest are read and dropped.
	in := []byte{0x81, 9, 3}
	for i := 0; i < MaxExtensions+5; i++ {
		in = append(in, 0x81)
	}
	in[len(in)-1] = 0x01
	m, n, err = DecodeScout(in)
	if err != nil || n != len(in) || len(m.Exts) != MaxExtensions {
		t.Fatalf("DecodeScout = %d exts, n %d, %v", len(m.Exts), n, err)
	}
}

func TestScoutBad(t *testing.T) {
	scoutCodec.bad(t, nil, ErrTruncated)
	scoutCodec.bad(t, trHex(t, "02 09 03"), ErrUnknownMessage)
	scoutCodec.bad(t, trHex(t, "01 09 08"), ErrTruncated)               // I set, no zid
	scoutCodec.bad(t, trHex(t, "01 09 18 00 00"), ErrInvalid)           // all-zero zid
	scoutCodec.bad(t, trHex(t, "81 09 03 61"), ErrInvalid)              // reserved extension encoding
	scoutCodec.bad(t, trHex(t, "81 09 03 42 05 01"), ErrTruncated)      // extension body longer than input
	scoutCodec.bad(t, trHex(t, "81 09 03 42 FF FF FF FF 1F"), ErrLimit) // extension length above u32
	if _, err := (&Scout{Version: 9, What: 8}).Append(nil); err == nil {
		t.Fatal("Append accepted what = 8")
	}
}

func trGenExts(t *rapid.T, label string, lenient bool, known ...byte) []Ext {
	n := rapid.IntRange(0, 3).Draw(t, label+".n")
	if n == 0 {
		return nil
	}
	es := make([]Ext, 0, n)
	for len(es) < n {
		enc := rapid.SampledFrom([]byte{0x00, 0x20, 0x40}).Draw(t, label+".enc")
		h := enc | rapid.Byte().Draw(t, label+".id")&ExtIDMask
		if lenient {
			h |= rapid.SampledFrom([]byte{0, ExtMandatory}).Draw(t, label+".m")
		}
		skip := false
		for _, k := range known {
			skip = skip || h == k
		}
		if skip {
			continue
		}
		e := Ext{Header: h}
		switch ExtEnc(enc) {
		case ExtZ64:
			e.Value = rapid.Uint64().Draw(t, label+".v")
		case ExtZBuf:
			e.Body = rapid.SliceOfN(rapid.Byte(), 0, 20).Draw(t, label+".body")
		}
		es = append(es, e)
	}
	return es
}

func trGenZID(t *rapid.T, label string) ZenohID {
	n := rapid.IntRange(1, MaxZIDSize).Draw(t, label+".n")
	var id ZenohID
	for i := 0; i < n; i++ {
		id[i] = rapid.Byte().Draw(t, label)
	}
	if id[n-1] == 0 {
		id[n-1] = 1 // trimmed form: the top byte is significant
	}
	return id
}

func TestScoutRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := Scout{
			Version: rapid.Byte().Draw(t, "version"),
			What:    WhatAmIMatcher(rapid.IntRange(0, 7).Draw(t, "what")),
			Exts:    trGenExts(t, "exts", true),
		}
		if rapid.Bool().Draw(t, "hasZID") {
			m.ZID = trGenZID(t, "zid")
		}
		scoutCodec.roundTrip(t, m, true)
	})
}
