package fuzz

import (
	"bytes"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// scoutingCaptured are scouting datagrams captured from eclipse-zenoh 1.10.2 on 127.0.0.1
// (multicast on lo), plus the doc's examples that real Zenoh accepted.
var scoutingCaptured = []string{
	"010903",
	"01097b1807f6e5d4c3b2a1",
	"2209f196a5b4c3d2f0e1a6554c3a7b9e1cd02f01137463702f3132372e302e302e313a3137343632",
	"2209711807f6e5d4c3b2a10112" + "7463702f3132372e302e302e313a37343437",
	"a2090002017463702f613f613d313b6201" + "0f" + "5500",
}

// FuzzScouting decodes one scouting message; when that succeeds it re-encodes it, decodes the
// encoding again, and requires the same message, an exact Len and a stable encoding.
func FuzzScouting(f *testing.F) {
	for _, s := range scoutingCaptured {
		f.Add(trHexSeed(f, s))
	}
	seeds := []wire.ScoutingMessage{
		{ID: wire.ScoutingIDScout, Scout: wire.Scout{Version: 9, What: 5, ZID: wire.ZenohID{1, 2}, Exts: []wire.Ext{{Header: 0x55, Body: []byte{1}}}}},
		{ID: wire.ScoutingIDHello, Hello: wire.Hello{Version: 9, WhatAmI: wire.Client, ZID: wire.ZenohID{3},
			Locators: []wire.Locator{"tcp/[::1]:7447", "udp/1.2.3.4:5?a=1;rel=0"}, Exts: []wire.Ext{{Header: 0x21, Value: 300}}}},
	}
	for i := range seeds {
		b, err := seeds[i].Append(nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m1, n, err := wire.DecodeScouting(in)
		if err != nil {
			return
		}
		if n <= 0 || n > len(in) {
			t.Fatalf("decode used %d of %d bytes", n, len(in))
		}
		enc1, err := m1.Append(nil)
		if err != nil {
			t.Fatalf("decoded %s does not encode: %v", m1.ID, err)
		}
		if m1.Len() != len(enc1) {
			t.Fatalf("Len %d, encoded %d", m1.Len(), len(enc1))
		}
		m2, n2, err := wire.DecodeScouting(enc1)
		if err != nil || n2 != len(enc1) || !trSame(m1, m2) {
			t.Fatalf("re-decode of %x: %d, %v\n%+v\n%+v", enc1, n2, err, m1, m2)
		}
		if enc2, err := m2.Append(nil); err != nil || !bytes.Equal(enc1, enc2) {
			t.Fatalf("unstable encoding %x then %x (%v)", enc1, enc2, err)
		}
	})
}
