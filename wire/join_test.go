package wire

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

var joinCodec = trCodec[Join]{DecodeJoin, (*Join).Append, (*Join).Len}

func TestJoinGolden(t *testing.T) {
	qos := [NumPriorities]PrioritySN{}
	body := trHex(t, "81f4c86894a18637fb83d162d4d2ab3885c0fa239a9ce865a7d89728b688c40eb7c2a7329eb7e763d08bf16e87f9fa5881fba50ee8d4fe1082b3b343aede8f1c")
	r := newRd(body, "test")
	for i := range qos {
		p, err := r.trPrioritySN()
		if err != nil {
			t.Fatal(err)
		}
		qos[i] = p
	}
	cases := []struct {
		name string
		hex  string
		want Join
	}{
		// Captured from zenoh 1.10.2: the Join a peer sends on udp/224.0.0.225:17470#iface=lo.
		{"captured", capJoin, Join{Version: 9, WhatAmI: Peer, ZID: trZIDA, Resolution: 0x0a, BatchSize: 8192, Lease: 10 * time.Second,
			NextSN: PrioritySN{Reliable: 15660830, BestEffort: 171987322}, Patch: 1}},
		// Captured with transport.multicast.qos on and lease 2500 ms: next SNs per priority.
		{"captured qos lease 2500ms", capJoinQoS, Join{Version: 9, WhatAmI: Peer, ZID: trZIDA, Resolution: 0x0a, BatchSize: 8192,
			Lease: 2500 * time.Millisecond, HasQoS: true, QoS: qos, Patch: 1}},
		// zenoh-wire-transport.md §6.6.
		{"doc", "A7 09 71 18 07 F6 E5 D4 C3 B2 A1 0A B4 24 F8 AC 01 27 01", Join{Version: 9, WhatAmI: Peer, ZID: trZIDA,
			Resolution: 0x0a, BatchSize: 8192, Lease: 10 * time.Second, NextSN: PrioritySN{0x1234, 0x5678}, Patch: 1}},
		{"sized, shm, unknown ext", "E7 09 00 01 | 0A FF FF | 00 | 00 00 | D2 01 05 | 0E", Join{Version: 9, WhatAmI: Router, ZID: ZenohID{1},
			Resolution: 0x0a, BatchSize: 0xffff, Lease: 0, Shm: ZBufExt{true, []byte{5}}, Exts: []Ext{{Header: 0x0e}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { joinCodec.golden(t, trHex(t, c.hex), c.want) })
	}
	if qos[0].Reliable == 0 && qos[7].BestEffort == 0 {
		t.Fatal("captured QoS SNs all zero")
	}
}

func TestJoinBad(t *testing.T) {
	joinCodec.bad(t, trHex(t, "07 09 00"), ErrTruncated)
	joinCodec.bad(t, trHex(t, "06 09 00 01 0A 00 00"), ErrUnknownMessage)
	joinCodec.bad(t, trHex(t, "87 09 00 01 0A 00 00 27"), ErrTruncated)
	joinCodec.bad(t, trHex(t, "87 09 00 01 0A 00 00 53 00"), ErrUnknownMandatory)
	// The QoS body must hold exactly eight SN pairs.
	joinCodec.bad(t, trHex(t, "87 09 00 01 0A 00 00 51 02 00 00"), ErrTruncated)
	joinCodec.bad(t, trHex(t, "87 09 00 01 0A 00 00 51 11 00000000000000000000000000000000 00"), ErrTrailing)
	joinCodec.bad(t, trHex(t, "27 09 00 01 FF FF FF FF FF FF FF FF FF 00 00"), ErrOverflow)
	if _, err := (&Join{Version: 9, WhatAmI: Peer, ZID: ZenohID{1}, Lease: time.Microsecond}).Append(nil); err == nil {
		t.Fatal("Append accepted a sub-millisecond lease")
	}
}

func TestJoinRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := Join{
			Version: rapid.Byte().Draw(t, "v"), WhatAmI: rapid.SampledFrom([]WhatAmI{Router, Peer, Client}).Draw(t, "w"),
			ZID: trGenZID(t, "zid"), Resolution: trGenResolution(t), BatchSize: trGenBatch(t, DefaultMulticastBatchSize),
			Lease:  time.Duration(rapid.Int64Range(0, 1<<40).Draw(t, "lease")) * time.Millisecond,
			NextSN: PrioritySN{rapid.Uint32().Draw(t, "r"), rapid.Uint32().Draw(t, "be")},
			HasQoS: rapid.Bool().Draw(t, "hasqos"), Patch: rapid.Byte().Draw(t, "patch"),
			Exts: trGenExts(t, "exts", false, trExtJoinQoS, trExtJoinShm, trExtJoinPatch),
		}
		if m.HasQoS {
			for i := range m.QoS {
				m.QoS[i] = PrioritySN{rapid.Uint32().Draw(t, "qr"), rapid.Uint32().Draw(t, "qbe")}
			}
		}
		if rapid.Bool().Draw(t, "hasshm") {
			m.Shm = ZBufExt{true, rapid.SliceOfN(rapid.Byte(), 0, 10).Draw(t, "shm")}
		}
		joinCodec.roundTrip(t, m, true)
	})
}
