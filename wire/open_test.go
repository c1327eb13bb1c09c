package wire

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

var (
	openSynCodec = trCodec[OpenSyn]{DecodeOpenSyn, (*OpenSyn).Append, (*OpenSyn).Len}
	openAckCodec = trCodec[OpenAck]{DecodeOpenAck, (*OpenAck).Append, (*OpenAck).Len}
)

func TestOpenSynGolden(t *testing.T) {
	defCookie := trHex(t, "308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f2")
	tunedCookie := trHex(t, "3002a00d901c3c4af2c4419328bf83a1f18470c6077eb54186fa5ec0eeca135efa136b4f427ae1409554f359fa6ef828e5")
	cases := []struct {
		name string
		hex  string
		want OpenSyn
	}{
		// Captured from zenoh 1.10.2: lease 10 s (T), initial SN 0x0ef602a6 (the doc's
		// SHAKE128-derived value, confirmed), the InitAck cookie echoed, and a shared-memory
		// extension 0x42 (zbuf), where the 1.9 source defines 0x22 (z64).
		{"captured default", capDefaultOpenSyn, OpenSyn{Lease: 10 * time.Second, InitialSN: 0x0ef602a6, Cookie: defCookie,
			ShmZBuf: ZBufExt{true, trHex(t, "ebdadaf1b3a0a5fd31010001020304050607")}}},
		// Captured: lease 2500 ms (no T), SN masked to 16 bits (0x02a6).
		{"captured lease 2500ms 16-bit sn", capTunedOpenSyn, OpenSyn{Lease: 2500 * time.Millisecond, InitialSN: 0x02a6, Cookie: tunedCookie,
			ShmZBuf: ZBufExt{true, trHex(t, "9cccd6b8e695aaaa28010001020304050607")}}},
		// zenoh-wire-transport.md §5.4 and §10 step 5.
		{"doc go opensyn", "42 | 0A | E3 BC B7 37 | 30 | " + trBytesHex(trSeq(0x10, 48)),
			OpenSyn{Lease: 10 * time.Second, InitialSN: 0x06edde63, Cookie: trSeq(0x10, 48)}},
		{"doc lease 2500ms", "02 | C4 13 | E3 BC B7 37 | 30 | " + trBytesHex(trSeq(0x10, 48)),
			OpenSyn{Lease: 2500 * time.Millisecond, InitialSN: 0x06edde63, Cookie: trSeq(0x10, 48)}},
		{"doc reverse direction", "42 0A A6 85 D8 77 10 " + trBytesHex(trSeq(0x40, 16)),
			OpenSyn{Lease: 10 * time.Second, InitialSN: 0x0ef602a6, Cookie: trSeq(0x40, 16)}},
		{"all extensions", "C2 00 00 00 | 81 | A2 05 | C2 00 | C3 01 01 | C4 00 | 85 | 86 | A7 01 | 0F",
			OpenSyn{Lease: 0, Cookie: []byte{}, QoS: true, Shm: Z64Ext{true, 5}, ShmZBuf: ZBufExt{true, []byte{}},
				Auth: ZBufExt{true, []byte{1}}, MultiLink: ZBufExt{true, []byte{}}, LowLatency: true, Compression: true,
				RemoteBound: Z64Ext{true, 1}, Exts: []Ext{{Header: 0x0f}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { openSynCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestOpenAckGolden(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		want OpenAck
	}{
		// Captured from zenoh 1.10.2: A's lease 10 s and initial SN 0x06edde63 (the doc's value).
		{"captured default", capDefaultOpenAck, OpenAck{Lease: 10 * time.Second, InitialSN: 0x06edde63, ShmZBuf: ZBufExt{true, trHex(t, "010001020304050607")}}},
		// Captured: the same SN masked to 16 bits.
		{"captured 16-bit sn", capTunedOpenAck, OpenAck{Lease: 10 * time.Second, InitialSN: 0x1e63, ShmZBuf: ZBufExt{true, trHex(t, "010001020304050607")}}},
		// zenoh-wire-transport.md §5.5 and §10 step 6.
		{"doc rust openack", "62 | 0A | A6 85 D8 77", OpenAck{Lease: 10 * time.Second, InitialSN: 0x0ef602a6}},
		{"doc go openack", "62 | 0A | E3 BC B7 37", OpenAck{Lease: 10 * time.Second, InitialSN: 0x06edde63}},
		{"lease 1500ms, all extensions", "A2 DC 0B 00 | 81 | A2 01 | C2 01 09 | C3 00 | 84 | 85 | 86 | 27 00",
			OpenAck{Lease: 1500 * time.Millisecond, QoS: true, Shm: Z64Ext{true, 1}, ShmZBuf: ZBufExt{true, []byte{9}},
				Auth: ZBufExt{true, []byte{}}, MultiLink: true, LowLatency: true, Compression: true, RemoteBound: Z64Ext{true, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { openAckCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestOpenLease(t *testing.T) {
	// A millisecond lease that is a whole number of seconds decodes, and re-encodes with T.
	m, _, err := DecodeOpenAck(trHex(t, "22 90 4E 00"))
	if err != nil || m.Lease != 10*time.Second {
		t.Fatalf("lease 10000 ms: %+v %v", m, err)
	}
	if out, _ := m.Append(nil); trBytesHex(out) != "620a00" {
		t.Fatalf("re-encoded %x", out)
	}
	// Leases a time.Duration cannot hold are rejected.
	openAckCodec.bad(t, trHex(t, "62 FF FF FF FF FF FF FF FF FF 00"), ErrOverflow)
	openAckCodec.bad(t, trHex(t, "22 FF FF FF FF FF FF FF FF FF 00"), ErrOverflow)
	// The largest lease in seconds that fits is accepted.
	secs := uint64(MaxLease / time.Second)
	in := AppendZint([]byte{0x62}, secs)
	if m, _, err = DecodeOpenAck(append(in, 0)); err != nil || m.Lease != time.Duration(secs)*time.Second {
		t.Fatalf("max lease: %v %v", m.Lease, err)
	}
	for _, d := range []time.Duration{-time.Second, 1500 * time.Microsecond} {
		if _, err := (&OpenAck{Lease: d}).Append(nil); err == nil {
			t.Errorf("Append accepted lease %v", d)
		}
		if _, err := (&OpenSyn{Lease: d}).Append(nil); err == nil {
			t.Errorf("Append accepted lease %v", d)
		}
	}
	// An SN wider than 32 bits is truncated, as Rust's u32 read does.
	if m, _, err = DecodeOpenAck(trHex(t, "62 0A 81 80 80 80 10")); err != nil || m.InitialSN != 1 {
		t.Fatalf("sn 2^32+1: %+v %v", m, err)
	}
}

func TestOpenBad(t *testing.T) {
	openSynCodec.bad(t, trHex(t, "62 0A 00"), ErrUnknownMessage)
	openAckCodec.bad(t, trHex(t, "42 0A 00 00"), ErrUnknownMessage)
	openSynCodec.bad(t, trHex(t, "42 0A 00 05 01 02"), ErrTruncated) // cookie past the end
	openSynCodec.bad(t, trHex(t, "42 0A 00 80 80 04"), ErrLimit)     // cookie above u16
	openSynCodec.bad(t, trHex(t, "42 0A"), ErrTruncated)
	openAckCodec.bad(t, trHex(t, "E2 0A 00 11"), ErrUnknownMandatory)
	openAckCodec.bad(t, trHex(t, "E2 0A 00 B4 00 02"), ErrUnknownMandatory)
	// The other variant's MultiLink form is an unknown optional extension: kept, not typed.
	syn, _, err := DecodeOpenSyn(trHex(t, "C2 0A 00 00 04"))
	if err != nil || syn.MultiLink.Present || len(syn.Exts) != 1 || syn.Exts[0].Header != 0x04 {
		t.Fatalf("OpenSyn with 0x04: %+v %v", syn, err)
	}
	ack, _, err := DecodeOpenAck(trHex(t, "E2 0A 00 44 00"))
	if err != nil || ack.MultiLink || len(ack.Exts) != 1 || ack.Exts[0].Header != 0x44 {
		t.Fatalf("OpenAck with 0x44: %+v %v", ack, err)
	}
	if _, err := (&OpenSyn{Lease: time.Second, Cookie: make([]byte, MaxOpenCookieLen+1)}).Append(nil); err == nil {
		t.Fatal("Append accepted an oversized cookie")
	}
}

func TestOpenRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
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
		lease := time.Duration(rapid.Int64Range(0, int64(MaxLease/time.Millisecond)).Draw(t, "lease")) * time.Millisecond
		if rapid.Bool().Draw(t, "secs") {
			lease = lease.Truncate(time.Second)
		}
		syn := OpenSyn{
			Lease: lease, InitialSN: rapid.Uint32().Draw(t, "sn"), Cookie: rapid.SliceOfN(rapid.Byte(), 0, 200).Draw(t, "cookie"),
			QoS: rapid.Bool().Draw(t, "qos"), Shm: z64("shm"), ShmZBuf: zbuf("shmz"), Auth: zbuf("auth"), MultiLink: zbuf("ml"),
			LowLatency: rapid.Bool().Draw(t, "ll"), Compression: rapid.Bool().Draw(t, "c"), RemoteBound: z64("rb"),
			Exts: trGenExts(t, "exts", false, trExtOpenQoS, trExtOpenShm, trExtOpenShmZBuf, trExtOpenAuth,
				trExtOpenMultiLinkSyn, trExtOpenLowLatency, trExtOpenCompression, trExtOpenRemoteBound),
		}
		openSynCodec.roundTrip(t, syn, true)
		ack := OpenAck{
			Lease: lease, InitialSN: syn.InitialSN, QoS: syn.QoS, Shm: syn.Shm, ShmZBuf: syn.ShmZBuf, Auth: syn.Auth,
			MultiLink: rapid.Bool().Draw(t, "mla"), LowLatency: syn.LowLatency, Compression: syn.Compression, RemoteBound: syn.RemoteBound,
			Exts: trGenExts(t, "exts", false, trExtOpenQoS, trExtOpenShm, trExtOpenShmZBuf, trExtOpenAuth,
				trExtOpenMultiLinkAck, trExtOpenLowLatency, trExtOpenCompression, trExtOpenRemoteBound),
		}
		openAckCodec.roundTrip(t, ack, true)
	})
}
