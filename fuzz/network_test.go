package fuzz

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// networkCaptured are network messages captured from eclipse-zenoh 1.10.2 (two Python sessions
// through a TCP proxy on 127.0.0.1); the last one is a shared-memory Put, which must fail.
var networkCaptured = []string{
	"df0121087502070002100a06e446e6de58f1ff9bcb74967b90ae0203137463702f5b666430303a3a325d3a3435383531137463702f3139322e302e322e323a34353835311e7463702f5b666538303a3a66633a66663a666530303a315d3a343538353100030100106c161e3944cf2012cca295193a714f940200",
	"be0021081a",
	"3d010b2f6d61696c626f782f343201026869",
	"3d01042f656e63c109057574662d3843020102026869",
	"bd01052f7072696f211901027274",
	"3d01032f747321b088c5c9f6e893866b100a06e446e6de58f1ff9bcb74967b90ae0174",
	"3d01032f7369814113f00a06e446e6de58f1ff9bcb74967b90ae06070173",
	"3d01072f637573746f6d41ffff07066d792f656e630163",
	"3d010b2f6d61696c626f782f343202",
	"3d01022f64a2e7d6bbb383e993866b100a06e446e6de58f1ff9bcb74967b90ae42026461",
	"bc0102022f31a10d26904e2303",
	"bc0202042f657272a10d26904e2303",
	"bc0302042f64656ca10d26904e2303",
	"bc0402022f78a10db40126c413e30107613d313b623d32c30308717045027161",
	"9e2108200400096361702f746f6b2f62",
	"9e2108460104",
	"3d01062f7075622f7801027031",
	"bd01082f7473737461636b473a0702011af081bcff98e993866b100a06e446e6de58f1ff9bcb74967b90ae021ae0d2c4ff98e993866b100a06e446e6de58f1ff9bcb74967b90ae010169",
	"9e210887015f020000",
	"df0121084202070002106c161e3944cf2012cca295193a714f940201137463702f3132372e302e302e313a343738313100030100100a06e446e6de58f1ff9bcb74967b90ae0200",
	"9e210820010003636170",
	"9e2108200200056361702f71",
	"9e2108200300096361702f746f6b2f61",
	"9e2108620101032f2a2a",
	"9e2108e40202032f2a2a2101",
	"9e2108460303",
	"fb0100076361702f712f31a10d4312f06c161e3944cf2012cca295193a714f940704c10a430361747406616e73776572",
	"9a01210d",
	"fb0200096361702f712f657272a10d4312f06c161e3944cf2012cca295193a714f9407450809626164207468696e67",
	"9a02210d",
	"fb0300096361702f712f64656ca10d4312f06c161e3944cf2012cca295193a714f94070402",
	"9a03210d",
	"fb0400076361702f712f78a10d4312f06c161e3944cf2012cca295193a714f940704c10a430361747406616e73776572",
	"9a04210d",
	"9e210887035f020000",
	"9e210885025f020000",
	"9e21080301",
	"9e210820010007636c692f707562",
	"f90153012108",
	"5d01010176",
	"9e210820020007636c692f746f6b",
	"b9027902032f2a2a2108",
	"d9037902032f2a2a2108",
	"9e210820030005636c692f71",
	"f90455032108",
	"dc0103a10d26904e2303",
	"99042108",
	"99032108",
	"99012108",
	"be01210862010006636c692f2a2a",
	"be0121081a",
	"be02210866000009636c692f746f6b2f61",
	"be0221081a",
	"be042108040203",
	"be0421081a",
	"fb010005636c692f71a10d4312f0e1cc4372029c3bd2fba37b0197c6abe70804010178",
	"9e210820040009636c692f746f6b2f7a",
	"9e2108460304",
	"7d0012636c75737465722f6d61696c626f782f343201026869",
	"7d0012636c75737465722f6d61696c626f782f343202",
	"fc010012636c75737465722f6d61696c626f782f3432a10d26904e2303",
	"fc020012636c75737465722f6d61696c626f782f3432a10db40126904e2303",
	"fc03000b636c75737465722f657272a10d26904e2303",
	"7d0012636c75737465722f6d61696c626f782f34324108026869",
	"7d0012636c75737465722f6d61696c626f782f34324109057574662d38026869",
	"fd0012636c75737465722f6d61696c626f782f3432210d01026869",
	"9e2108620100022a2a",
	"9e2108640200022a2a",
	"fb010012636c75737465722f6d61696c626f782f3432a10d4312f05c3dccd0e25b947b741871abaf434a79070401026869",
	"fb020012636c75737465722f6d61696c626f782f3432a10d4312f05c3dccd0e25b947b741871abaf434a79070401026869",
	"fb03000b636c75737465722f657272a10d4312f05c3dccd0e25b947b741871abaf434a7907050754696d656f7574",
	"3d01042f73686d811201010640ffd3020000",
}

func networkSeedsFromEncoders(f *testing.F) [][]byte {
	zid := wire.ZenohID{0x11, 0x22, 0x33}
	ts := wire.Timestamp{Time: 1 << 60, ID: zid}
	si := wire.SourceInfo{ID: wire.EntityGlobalID{ZID: zid, EID: 7}, SN: 9}
	put := wire.Put{HasTimestamp: true, Timestamp: ts, Encoding: wire.Encoding{ID: 5, HasSchema: true, Schema: []byte("s")},
		HasSourceInfo: true, SourceInfo: si, HasAttachment: true, Attachment: []byte("att"),
		Exts: []wire.Ext{{Header: 0x2e, Value: 3}}, Payload: []byte("payload")}
	del := wire.Del{HasTimestamp: true, Timestamp: ts, HasSourceInfo: true, SourceInfo: si, HasAttachment: true, Attachment: []byte("a")}
	we := wire.WireExpr{Scope: 3, Suffix: []byte("/a/**"), Mapping: wire.MappingSender}
	msgs := []wire.NetworkMessage{
		{ID: wire.NetIDPush, Push: wire.Push{WireExpr: we, QoS: 0x19, HasTimestamp: true, Timestamp: ts, NodeID: 4,
			Body: wire.PushBody{ID: wire.DataIDPut, Put: put}}},
		{ID: wire.NetIDPush, Push: wire.Push{WireExpr: we, QoS: wire.NetQoSDefault, Body: wire.PushBody{ID: wire.DataIDDel, Del: del}}},
		{ID: wire.NetIDRequest, Request: wire.Request{RequestID: 77, WireExpr: we, QoS: 0x0d, HasTimestamp: true, Timestamp: ts,
			Target: wire.QueryTargetAllComplete, Budget: 5, HasTimeout: true, TimeoutMs: 1000, NodeID: 2,
			Query: wire.Query{Consolidation: wire.ConsolidationMonotonic, Parameters: []byte("x=1"), HasSourceInfo: true, SourceInfo: si,
				HasBody: true, Body: wire.QueryBody{Encoding: wire.Encoding{ID: 1}, Payload: []byte("q")}, HasAttachment: true, Attachment: []byte("b")}}},
		{ID: wire.NetIDResponse, Response: wire.Response{RequestID: 77, WireExpr: we, QoS: 0x0d, HasResponderID: true,
			ResponderID: si.ID, Body: wire.ResponseBody{ID: wire.DataIDReply, Reply: wire.Reply{Consolidation: wire.ConsolidationLatest,
				Body: wire.PushBody{ID: wire.DataIDPut, Put: put}}}}},
		{ID: wire.NetIDResponse, Response: wire.Response{RequestID: 77, QoS: 0x0d, Body: wire.ResponseBody{ID: wire.DataIDErr,
			Err: wire.ErrReply{Encoding: wire.Encoding{ID: 4}, HasSourceInfo: true, SourceInfo: si, Payload: []byte("no")}}}},
		{ID: wire.NetIDResponseFinal, ResponseFinal: wire.ResponseFinal{RequestID: 77, QoS: 0x0d, HasTimestamp: true, Timestamp: ts}},
		{ID: wire.NetIDInterest, Interest: wire.Interest{InterestID: 9, Mode: wire.InterestCurrentFuture,
			Options: wire.InterestKeyExprs | wire.InterestTokens | wire.InterestAggregate, Restricted: true, WireExpr: we, QoS: 0x08, NodeID: 1}},
		{ID: wire.NetIDDeclare, Declare: wire.Declare{HasInterestID: true, InterestID: 9, QoS: 0x08,
			Body: wire.DeclareBody{ID: wire.DeclIDQueryable, EntityID: 3, WireExpr: we, Complete: true, Distance: 2}}},
		{ID: wire.NetIDDeclare, Declare: wire.Declare{QoS: 0x08, Body: wire.DeclareBody{ID: wire.DeclIDUndeclToken, EntityID: 3, WireExpr: we}}},
		{ID: wire.NetIDDeclare, Declare: wire.Declare{QoS: 0x08, Body: wire.DeclareBody{ID: wire.DeclIDKeyExpr, EntityID: 1, WireExpr: wire.WireExpr{Suffix: []byte("k")}}}},
		{ID: wire.NetIDOAM, OAM: wire.NetworkOAM{OAMID: wire.OAMIDLinkState, QoS: 0x08, Enc: wire.ExtZBuf, Body: []byte{1, 2, 3}}},
		{ID: wire.NetIDOAM, OAM: wire.NetworkOAM{OAMID: 2, QoS: wire.NetQoSDefault, Enc: wire.ExtZ64, Value: 1 << 40}},
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

func networkSeeds(f *testing.F) {
	for _, s := range networkCaptured {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			f.Fatalf("bad seed %q: %v", s, err)
		}
		f.Add(b)
	}
	var all []byte
	for _, b := range networkSeedsFromEncoders(f) {
		f.Add(b)
		all = append(all, b...)
	}
	f.Add(all) // a Frame body: messages back to back
}

// FuzzNetwork decodes one network message; when that succeeds it re-encodes it, decodes the
// encoding again and requires the same message, an exact Len and a stable encoding. It also
// checks that decoding into a reused NetworkMessage gives the same result.
func FuzzNetwork(f *testing.F) {
	networkSeeds(f)
	prev, _, err := wire.DecodeNetwork([]byte{0x1d, 0x00, 0x01, 0x01, 0x61})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		m1, n, err := wire.DecodeNetwork(in)
		if err != nil {
			return
		}
		if n <= 0 || n > len(in) {
			t.Fatalf("decode used %d of %d bytes", n, len(in))
		}
		enc1, err := m1.Append(nil)
		if err != nil {
			t.Fatalf("decoded %v does not encode: %v", m1.ID, err)
		}
		if m1.Len() != len(enc1) {
			t.Fatalf("Len %d, encoded %d", m1.Len(), len(enc1))
		}
		m2, n2, err := wire.DecodeNetwork(enc1)
		if err != nil || n2 != len(enc1) {
			t.Fatalf("re-decode % x: %d %v", enc1, n2, err)
		}
		if !reflect.DeepEqual(m1, m2) {
			t.Fatalf("decoded values differ\n 1st %+v\n 2nd %+v", m1, m2)
		}
		enc2, err := m2.Append(nil)
		if err != nil || !bytes.Equal(enc1, enc2) {
			t.Fatalf("unstable encoding\n % x\n % x (%v)", enc1, enc2, err)
		}
		reused := prev
		if _, err := reused.Decode(in); err != nil || !reflect.DeepEqual(reused, m1) {
			t.Fatalf("in-place decode differs (%v)", err)
		}
	})
}

// FuzzNetworkBodies does the same for the per-type decoders of data messages and declarations,
// which also run on their own (e.g. for a Reply's body).
func FuzzNetworkBodies(f *testing.F) {
	for _, s := range []string{"01026869", "210880808080100101026869", "a2e7d6bbb383e993866b100a06e446e6de58f1ff9bcb74967b90ae42026461",
		"e30107613d313b623d32c30308717045027161", "0401026869", "4508096261642074686 96e67", "8705 5f0903006772 6f75702f61",
		"e40202032f2a2a2101", "1a", "0501", "811201"} {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			f.Fatalf("bad seed %q: %v", s, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		netRoundTrip(t, in, wire.DecodePushBody)
		netRoundTrip(t, in, wire.DecodeResponseBody)
		netRoundTrip(t, in, wire.DecodeQuery)
		netRoundTrip(t, in, wire.DecodeDeclareBody)
	})
}

// netCodec is what every wire message type offers.
type netCodec interface {
	Len() int
	Append([]byte) ([]byte, error)
}

func netRoundTrip[M any, P interface {
	*M
	netCodec
}](t *testing.T, in []byte, decode func([]byte) (M, int, error)) {
	t.Helper()
	m1, n, err := decode(in)
	if err != nil {
		return
	}
	if n <= 0 || n > len(in) {
		t.Fatalf("%T: decode used %d of %d bytes", m1, n, len(in))
	}
	enc1, err := P(&m1).Append(nil)
	if err != nil {
		t.Fatalf("%T: decoded value does not encode: %v", m1, err)
	}
	if P(&m1).Len() != len(enc1) {
		t.Fatalf("%T: Len %d, encoded %d", m1, P(&m1).Len(), len(enc1))
	}
	m2, n2, err := decode(enc1)
	if err != nil || n2 != len(enc1) {
		t.Fatalf("%T: re-decode % x: %d %v", m1, enc1, n2, err)
	}
	if !reflect.DeepEqual(m1, m2) {
		t.Fatalf("%T: decoded values differ\n 1st %+v\n 2nd %+v", m1, m1, m2)
	}
	enc2, err := P(&m2).Append(nil)
	if err != nil || !bytes.Equal(enc1, enc2) {
		t.Fatalf("%T: unstable encoding\n % x\n % x (%v)", m1, enc1, enc2, err)
	}
}

// TestNetworkCapturedSeeds checks that the captured seeds are what they claim: each decodes to a
// message using all its bytes and re-encodes to the same bytes, except the shared-memory Put.
func TestNetworkCapturedSeeds(t *testing.T) {
	for i, s := range networkCaptured {
		b, _ := hex.DecodeString(s)
		m, n, err := wire.DecodeNetwork(b)
		if i == len(networkCaptured)-1 {
			if err == nil {
				t.Fatalf("shared-memory Put decoded")
			}
			continue
		}
		if err != nil || n != len(b) {
			t.Fatalf("seed %d: %d/%d %v", i, n, len(b), err)
		}
		if out, err := m.Append(nil); err != nil || !bytes.Equal(out, b) {
			t.Fatalf("seed %d re-encodes to % x (%v)", i, out, err)
		}
	}
}
