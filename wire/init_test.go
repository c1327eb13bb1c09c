package wire

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"
)

var (
	initSynCodec = trCodec[InitSyn]{DecodeInitSyn, (*InitSyn).Append, (*InitSyn).Len}
	initAckCodec = trCodec[InitAck]{DecodeInitAck, (*InitAck).Append, (*InitAck).Len}
)

// trSeq returns n bytes counting up from first (the doc's illustrative cookies 10 11 12 …).
func trSeq(first byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = first + byte(i)
	}
	return b
}

func TestInitSynGolden(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		want InitSyn
	}{
		// Captured from zenoh 1.10.2 (see transport_capture_test.go). The batch size is 65480
		// (c8 ff), not the 65482 the doc derives, and python zenoh adds a Shm extension.
		{"captured default", capDefaultInitSyn, InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 0xffc8,
			InitExts: InitExts{QoS: true, Shm: ZBufExt{true, trHex(t, "c78fb5d104")}, Patch: 1}}},
		{"captured 16-bit sn, batch 8192, no qos", capTunedInitSyn, InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: NewResolution(Bits16, Bits32), BatchSize: 8192,
			InitExts: InitExts{Shm: ZBufExt{true, trHex(t, "95c4edee0e")}, Patch: 1}}},
		{"captured compression", capCompressionInitSyn, InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 0xffc8,
			InitExts: InitExts{QoS: true, Shm: ZBufExt{true, trHex(t, "938684aa0e")}, Compression: true, Patch: 1}}},
		{"captured lowlatency", capLowLatencyInitSyn, InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 0xffc8,
			InitExts: InitExts{Shm: ZBufExt{true, trHex(t, "9d9bcbd508")}, LowLatency: true, Patch: 1}}},
		// zenoh-wire-transport.md §5.2 (hand-derived; layout confirmed by the captures above).
		{"doc rust peer", "C1 | 09 | F1 | 96 A5 B4 C3 D2 F0 E1 A6 55 4C 3A 7B 9E 1C D0 2F | 0A | CA FF | 81 | 27 01",
			InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 65482, InitExts: InitExts{QoS: true, Patch: 1}}},
		{"doc minimal go", "01 | 09 | 71 | 18 07 F6 E5 D4 C3 B2 A1", NewInitSyn(Peer, trZIDA)},
		{"doc go batch 8192 qos patch", "C1 | 09 | 71 | 18 07 F6 E5 D4 C3 B2 A1 | 0A | 00 20 | 81 | 27 01",
			InitSyn{Version: 9, WhatAmI: Peer, ZID: trZIDA, Resolution: 0x0a, BatchSize: 8192, InitExts: InitExts{QoS: true, Patch: 1}}},
		// Every extension, in Rust's writing order, then an unknown optional one.
		{"all extensions", "81 09 00 01 | 81 | A1 07 | C2 01 AA | C3 01 BB | C4 01 CC | 85 | 86 | A7 02 | C8 02 65 75 | 4F 00",
			InitSyn{Version: 9, WhatAmI: Router, ZID: ZenohID{1}, Resolution: 0x0a, BatchSize: 0xffff, InitExts: InitExts{
				QoS: true, QoSLink: Z64Ext{true, 7}, Shm: ZBufExt{true, []byte{0xaa}}, Auth: ZBufExt{true, []byte{0xbb}},
				MultiLink: ZBufExt{true, []byte{0xcc}}, LowLatency: true, Compression: true, Patch: 2,
				RegionName: ZBufExt{true, []byte("eu")}, Exts: []Ext{{Header: 0x4f, Body: []byte{}}}}}},
		{"client, resolution only", "41 09 12 01 02 05 FF FF", InitSyn{Version: 9, WhatAmI: Client, ZID: ZenohID{1, 2}, Resolution: 0x05, BatchSize: 0xffff}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { initSynCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestInitAckGolden(t *testing.T) {
	defCookie := trHex(t, "308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f2")
	tunedCookie := trHex(t, "3002a00d901c3c4af2c4419328bf83a1f18470c6077eb54186fa5ec0eeca135efa136b4f427ae1409554f359fa6ef828e5")
	cases := []struct {
		name string
		hex  string
		want InitAck
	}{
		// Captured from zenoh 1.10.2: A (the acceptor) settles on batch size 49152 (00 c0), below
		// both peers' 65480, and sends a 49-byte cookie.
		{"captured default", capDefaultInitAck, InitAck{Version: 9, WhatAmI: Peer, ZID: trZIDA, Resolution: 0x0a, BatchSize: 0xc000, Cookie: defCookie,
			InitExts: InitExts{QoS: true, Shm: ZBufExt{true, trHex(t, "e6c1f2fd848a89ec20ffe2a128")}, Patch: 1}}},
		{"captured tuned", capTunedInitAck, InitAck{Version: 9, WhatAmI: Peer, ZID: trZIDA, Resolution: 0x09, BatchSize: 8192, Cookie: tunedCookie,
			InitExts: InitExts{Shm: ZBufExt{true, trHex(t, "f6c7b9d288b5bee7e29fc7e8d30b")}, Patch: 1}}},
		// zenoh-wire-transport.md §5.3 (hand-derived; the cookie is the doc's stand-in).
		{"doc rust acceptor", "61 | 09 | F1 | 96 A5 B4 C3 D2 F0 E1 A6 55 4C 3A 7B 9E 1C D0 2F | 0A | CA FF | 30 | " + trBytesHex(trSeq(0x10, 48)),
			InitAck{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 65482, Cookie: trSeq(0x10, 48)}},
		{"doc rust acceptor qos patch", "E1 | 09 | F1 | 96 A5 B4 C3 D2 F0 E1 A6 55 4C 3A 7B 9E 1C D0 2F | 0A | 00 20 | 30 | " + trBytesHex(trSeq(0x10, 48)) + " | 81 | 27 01",
			InitAck{Version: 9, WhatAmI: Peer, ZID: trZIDB, Resolution: 0x0a, BatchSize: 8192, Cookie: trSeq(0x10, 48), InitExts: InitExts{QoS: true, Patch: 1}}},
		{"doc minimal go acceptor", "21 | 09 | 71 | 18 07 F6 E5 D4 C3 B2 A1 | 10 | " + trBytesHex(trSeq(0x40, 16)),
			NewInitAck(Peer, trZIDA, trSeq(0x40, 16))},
		{"empty cookie", "21 09 00 01 00", InitAck{Version: 9, WhatAmI: Router, ZID: ZenohID{1}, Resolution: 0x0a, BatchSize: 0xffff, Cookie: []byte{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { initAckCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func trBytesHex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestInitSizeParamsDefaults(t *testing.T) {
	// S set with default values decodes to the defaults; re-encoding leaves S out, as Rust does.
	m, n, err := DecodeInitSyn(trHex(t, "41 09 00 01 0A FF FF"))
	if err != nil || n != 7 || m.Resolution != DefaultResolution || m.BatchSize != DefaultUnicastBatchSize {
		t.Fatalf("DecodeInitSyn = %+v, %d, %v", m, n, err)
	}
	if out, _ := m.Append(nil); !bytes.Equal(out, trHex(t, "01 09 00 01")) {
		t.Fatalf("re-encoded %x", out)
	}
	// Bits 7-6 of the resolution byte are dropped, bits 5-4 kept.
	m, _, err = DecodeInitSyn(trHex(t, "41 09 00 01 FA 00 01"))
	if err != nil || m.Resolution != 0x3a || m.BatchSize != 256 {
		t.Fatalf("resolution 0xfa: %+v %v", m, err)
	}
	if _, err := (&InitSyn{Version: 9, WhatAmI: Peer, ZID: ZenohID{1}, Resolution: 0x4a}).Append(nil); err == nil {
		t.Fatal("Append accepted resolution bits 7-6")
	}
	// A Patch value wider than a byte is truncated as Rust does (z64 read, then "as u8").
	m, _, err = DecodeInitSyn(trHex(t, "81 09 00 01 27 81 02"))
	if err != nil || m.Patch != 1 {
		t.Fatalf("patch 0x101: %+v %v", m, err)
	}
}

func TestInitBad(t *testing.T) {
	initSynCodec.bad(t, trHex(t, "21 09 00 01 00"), ErrUnknownMessage) // an InitAck
	initAckCodec.bad(t, trHex(t, "01 09 00 01"), ErrUnknownMessage)    // an InitSyn
	initSynCodec.bad(t, trHex(t, "02 09 00 01"), ErrUnknownMessage)
	initSynCodec.bad(t, trHex(t, "01 09 03 01"), ErrInvalid)             // whatami code 3
	initSynCodec.bad(t, trHex(t, "01 09 10 00 00"), ErrInvalid)          // all-zero zid
	initSynCodec.bad(t, trHex(t, "41 09 00 01 0A FF"), ErrTruncated)     // batch size cut
	initSynCodec.bad(t, trHex(t, "81 09 00 01 11"), ErrUnknownMandatory) // QoS id with M set is unknown
	initSynCodec.bad(t, trHex(t, "81 09 00 01 5F 00"), ErrUnknownMandatory)
	initSynCodec.bad(t, trHex(t, "81 09 00 01 61"), ErrInvalid)         // reserved encoding
	initSynCodec.bad(t, trHex(t, "81 09 00 01 C2 05 01"), ErrTruncated) // ext body past the end
	// Cookie length above u16, and cookie length larger than the input: rejected before use.
	initAckCodec.bad(t, trHex(t, "21 09 00 01 80 80 04"), ErrLimit)
	initAckCodec.bad(t, trHex(t, "21 09 00 01 FF FF 03 00"), ErrTruncated)
	// More unknown extensions than MaxExtensions.
	in := trHex(t, "81 09 00 01")
	for i := 0; i <= MaxExtensions; i++ {
		in = append(in, 0x8f)
	}
	in = append(in, 0x0f)
	initSynCodec.bad(t, in, ErrLimit)

	syn := NewInitSyn(Peer, ZenohID{1})
	syn.Exts = []Ext{{Header: trExtInitQoS}}
	if _, err := syn.Append(nil); err == nil {
		t.Fatal("Append accepted a known extension among the unknown ones")
	}
	syn.Exts = []Ext{{Header: 0x6f}}
	if _, err := syn.Append(nil); err == nil {
		t.Fatal("Append accepted a reserved extension encoding")
	}
	if _, err := (&InitAck{Version: 9, WhatAmI: Peer, ZID: ZenohID{1}, Cookie: make([]byte, MaxCookieLen+1)}).Append(nil); err == nil {
		t.Fatal("Append accepted an oversized cookie")
	}
	if _, err := (&InitSyn{WhatAmI: Peer}).Append(nil); err == nil {
		t.Fatal("Append accepted a zero zid")
	}
}

func trGenInitExts(t *rapid.T) InitExts {
	z64 := func(l string) Z64Ext {
		if !rapid.Bool().Draw(t, l) {
			return Z64Ext{}
		}
		return Z64Ext{true, rapid.Uint64().Draw(t, l+".v")}
	}
	zbuf := func(l string) ZBufExt {
		if !rapid.Bool().Draw(t, l) {
			return ZBufExt{}
		}
		return ZBufExt{true, rapid.SliceOfN(rapid.Byte(), 0, 40).Draw(t, l+".v")}
	}
	return InitExts{
		QoS: rapid.Bool().Draw(t, "qos"), QoSLink: z64("qoslink"), Shm: zbuf("shm"), Auth: zbuf("auth"),
		MultiLink: zbuf("mlink"), LowLatency: rapid.Bool().Draw(t, "ll"), Compression: rapid.Bool().Draw(t, "comp"),
		Patch: rapid.Byte().Draw(t, "patch"), RegionName: zbuf("region"),
		Exts: trGenExts(t, "exts", false, trExtInitQoS, trExtInitQoSLink, trExtInitShm, trExtInitAuth,
			trExtInitMultiLink, trExtInitLowLatency, trExtInitCompression, trExtInitPatch, trExtInitRegionName),
	}
}

func trGenResolution(t *rapid.T) Resolution {
	if rapid.Bool().Draw(t, "defres") {
		return DefaultResolution
	}
	return Resolution(rapid.IntRange(0, resolutionWireMask).Draw(t, "res"))
}

func trGenBatch(t *rapid.T, def uint16) uint16 {
	if rapid.Bool().Draw(t, "defbatch") {
		return def
	}
	return rapid.Uint16().Draw(t, "batch")
}

func TestInitRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		syn := InitSyn{
			Version: rapid.Byte().Draw(t, "version"), WhatAmI: rapid.SampledFrom([]WhatAmI{Router, Peer, Client}).Draw(t, "w"),
			ZID: trGenZID(t, "zid"), Resolution: trGenResolution(t), BatchSize: trGenBatch(t, DefaultUnicastBatchSize),
			InitExts: trGenInitExts(t),
		}
		initSynCodec.roundTrip(t, syn, true)
		ack := InitAck{
			Version: syn.Version, WhatAmI: syn.WhatAmI, ZID: syn.ZID, Resolution: syn.Resolution, BatchSize: syn.BatchSize,
			Cookie: rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "cookie"), InitExts: syn.InitExts,
		}
		initAckCodec.roundTrip(t, ack, true)
	})
}
