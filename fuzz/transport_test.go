package fuzz

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// transportCaptured are transport messages captured from eclipse-zenoh 1.10.2 (two Python
// peers through a logging TCP proxy on 127.0.0.1, and a multicast Join on lo).
var transportCaptured = []string{
	"c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ff81c205c78fb5d1042701",
	"e109711807f6e5d4c3b2a10a00c031308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f281c20de6c1f2fd848a89ec20ffe2a1282701",
	"c20aa685d87731308e48e2b3f42fbd818727d6673888e76a5431f319290d472acef43e803ae7787ee3b5304371ba65aed201b60e4995d2f24212ebdadaf1b3a0a5fd31010001020304050607",
	"e20ae3bcb7374209010001020304050607",
	"a5e3bcb73731009e21082001000464656d6f9e2108620101032f2a2abe0021081a",
	"25a685d8773d01022f780108abababababababab",
	"e6a985d877023d01022f7801a08d06abababab",
	"26ab85d877abababab",
	"0300",
	"04",
	"c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f090020c20595c4edee0e2701",
	"82c413a605313002a00d901c3c4af2c4419328bf83a1f18470c6077eb54186fa5ec0eeca135efa136b4f427ae1409554f359fa6ef828e542129cccd6b8e695aaaa28010001020304050607",
	"e20ae33c4209010001020304050607",
	"c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ff81c205938684aa0e862701",
	"c109f196a5b4c3d2f0e1a6554c3a7b9e1cd02f0ac8ffc2059d9bcbd508852701",
	"a709711807f6e5d4c3b2a10a9eeebb07faa281522701",
	"8709711807f6e5d4c3b2a1c4130000d14081f4c86894a18637fb83d162d4d2ab3885c0fa239a9ce865a7d89728b688c40eb7c2a7329eb7e763d08bf16e87f9fa5881fba50ee8d4fe1082b3b343aede8f1c2701",
	"259eeebb077d000664656d6f2f6a01020102",
}

func trHexSeed(f *testing.F, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		f.Fatalf("bad seed %q: %v", s, err)
	}
	return b
}

// transportSeedsFromEncoders encodes one message of every kind with every extension set.
func transportSeedsFromEncoders(f *testing.F) [][]byte {
	zid := wire.ZenohID{0xa1, 0xb2, 0xc3}
	x := wire.InitExts{QoS: true, QoSLink: wire.Z64Ext{Present: true, Value: 0x80001}, Shm: wire.ZBufExt{Present: true, Body: []byte{1}},
		Auth: wire.ZBufExt{Present: true, Body: []byte{2}}, MultiLink: wire.ZBufExt{Present: true, Body: []byte{3}}, LowLatency: true,
		Compression: true, Patch: 1, RegionName: wire.ZBufExt{Present: true, Body: []byte("eu")}, Exts: []wire.Ext{{Header: 0x4e, Body: []byte{9}}}}
	msgs := []wire.TransportMessage{
		{ID: wire.TransportIDInit, InitSyn: wire.InitSyn{Version: 9, WhatAmI: wire.Peer, ZID: zid, Resolution: 0x05, BatchSize: 8192, InitExts: x}},
		{ID: wire.TransportIDInit, Ack: true, InitAck: wire.InitAck{Version: 9, WhatAmI: wire.Router, ZID: zid, Resolution: 0x0a, BatchSize: 65535, Cookie: []byte("cookie"), InitExts: x}},
		{ID: wire.TransportIDOpen, OpenSyn: wire.OpenSyn{Lease: 2500 * time.Millisecond, InitialSN: 1 << 27, Cookie: []byte("cookie"), QoS: true,
			Shm: wire.Z64Ext{Present: true, Value: 7}, ShmZBuf: wire.ZBufExt{Present: true, Body: []byte{1}}, Auth: wire.ZBufExt{Present: true},
			MultiLink: wire.ZBufExt{Present: true, Body: []byte{4}}, LowLatency: true, Compression: true, RemoteBound: wire.Z64Ext{Present: true, Value: 1}}},
		{ID: wire.TransportIDOpen, Ack: true, OpenAck: wire.OpenAck{Lease: 10 * time.Second, InitialSN: 5, MultiLink: true, RemoteBound: wire.Z64Ext{Present: true}}},
		{ID: wire.TransportIDClose, Close: wire.Close{Reason: wire.CloseMaxLinks, Session: true}},
		{ID: wire.TransportIDKeepAlive, KeepAlive: wire.KeepAlive{Exts: []wire.Ext{{Header: 0x21, Value: 1}}}},
		{ID: wire.TransportIDFrame, Frame: wire.Frame{FrameHeader: wire.FrameHeader{Reliability: wire.BestEffort, SN: 9, QoS: wire.NewTransportQoS(wire.PriorityControl)},
			Payload: trHexSeed(f, "3d01022f780108abababababababab3d01022f780108abababababababab")}},
		{ID: wire.TransportIDFragment, Fragment: wire.Fragment{FragmentHeader: wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: 3,
			QoS: wire.NewTransportQoS(wire.PriorityDataLow), First: true, Drop: true}, Payload: []byte{1, 2, 3}}},
		{ID: wire.TransportIDOAM, OAM: wire.TransportOAM{ID: 7, Enc: wire.ExtZBuf, Body: []byte{1}, QoS: wire.NewTransportQoS(wire.PriorityBackground)}},
		{ID: wire.TransportIDJoin, Join: wire.Join{Version: 9, WhatAmI: wire.Peer, ZID: zid, Resolution: 0x0a, BatchSize: 9000, Lease: time.Second,
			NextSN: wire.PrioritySN{Reliable: 1, BestEffort: 2}, HasQoS: true, Shm: wire.ZBufExt{Present: true, Body: []byte{5}}, Patch: 1}},
	}
	var seeds [][]byte
	for i := range msgs {
		b, err := msgs[i].Append(nil)
		if err != nil {
			f.Fatalf("seed %d: %v", i, err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// trCanon returns a deep copy of v in which every empty slice is nil.
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

// trRoundTrip is the round-trip check for one decoded transport message m1 (decoded from n of
// len(in) bytes).
func trRoundTrip(t *testing.T, m1 wire.TransportMessage, n, inLen int) []byte {
	t.Helper()
	if n <= 0 || n > inLen {
		t.Fatalf("decode used %d of %d bytes", n, inLen)
	}
	enc1, err := m1.Append(nil)
	if err != nil {
		t.Fatalf("decoded %s does not encode: %v", m1.Name(), err)
	}
	if m1.Len() != len(enc1) {
		t.Fatalf("%s: Len %d, encoded %d", m1.Name(), m1.Len(), len(enc1))
	}
	m2, n2, err := wire.DecodeTransport(enc1)
	if err != nil || n2 != len(enc1) {
		t.Fatalf("re-decode of %s %x: %d of %d, %v", m1.Name(), enc1, n2, len(enc1), err)
	}
	if !trSame(m1, m2) {
		t.Fatalf("%s changed across a round trip:\n%+v\n%+v", m1.Name(), m1, m2)
	}
	enc2, err := m2.Append(nil)
	if err != nil || !bytes.Equal(enc1, enc2) {
		t.Fatalf("%s: unstable encoding %x then %x (%v)", m1.Name(), enc1, enc2, err)
	}
	return enc1
}

// FuzzTransport decodes one transport message; when that succeeds it re-encodes it, decodes
// the encoding again, and requires the same message, an exact Len and a stable encoding.
func FuzzTransport(f *testing.F) {
	for _, s := range transportCaptured {
		f.Add(trHexSeed(f, s))
	}
	for _, b := range transportSeedsFromEncoders(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var m1 wire.TransportMessage
		n, err := wire.DecodeTransportInto(in, &m1)
		if err != nil {
			return
		}
		trRoundTrip(t, m1, n, len(in))
	})
}

func TestTransportCapturedSeeds(t *testing.T) {
	for _, s := range transportCaptured {
		b, _ := hex.DecodeString(s)
		m, n, err := wire.DecodeTransport(b)
		if err != nil || n != len(b) {
			t.Fatalf("captured %s: %d of %d, %v", s, n, len(b), err)
		}
		if out := trRoundTrip(t, m, n, len(b)); !bytes.Equal(out, b) {
			t.Fatalf("captured %s re-encoded as %x", s, out)
		}
	}
}
