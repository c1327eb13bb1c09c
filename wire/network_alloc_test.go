package wire

import (
	"testing"
	"unsafe"
)

// netAliases reports whether p points into b.
func netAliases(p, b []byte) bool {
	if len(p) == 0 || len(b) == 0 {
		return false
	}
	s, e := uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&b[len(b)-1]))
	q := uintptr(unsafe.Pointer(&p[0]))
	return q >= s && q <= e
}

func netSamplePush(payload []byte) Push {
	return Push{
		WireExpr: WireExpr{Scope: 1, Suffix: []byte("/mailbox/42")},
		QoS:      NetQoSDefault,
		Body: PushBody{ID: DataIDPut, Put: Put{
			Encoding: Encoding{ID: 4, HasSchema: true, Schema: []byte("utf-8")},
			Payload:  payload,
		}},
	}
}

// TestNetAllocDecodePush proves that decoding a Push of a Put allocates nothing, whichever entry
// point is used, and that the payload and key suffix alias the input.
func TestNetAllocDecodePush(t *testing.T) {
	p := netSamplePush([]byte("hello, zenoh"))
	p.HasTimestamp, p.Timestamp = true, Timestamp{Time: 1 << 60, ID: ZenohID{1, 2, 3}}
	p.Body.Put.HasAttachment, p.Body.Put.Attachment = true, []byte("att")
	p.Body.Put.HasSourceInfo, p.Body.Put.SourceInfo = true, SourceInfo{ID: EntityGlobalID{ZID: ZenohID{9}, EID: 3}, SN: 4}
	b, err := p.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	var reused NetworkMessage
	var push Push
	var sink int
	for name, f := range map[string]func(){
		"DecodeNetwork":          func() { m, n, _ := DecodeNetwork(b); sink += n + len(m.Push.Body.Put.Payload) },
		"NetworkMessage.Decode":  func() { n, _ := reused.Decode(b); sink += n },
		"DecodePush":             func() { m, n, _ := DecodePush(b); sink += n + len(m.Body.Put.Payload) },
		"Push.Decode":            func() { n, _ := push.Decode(b); sink += n },
		"DecodePut (body alone)": func() { m, n, _ := DecodePut(b[len(b)-p.Body.Put.Len():]); sink += n + len(m.Payload) },
	} {
		if a := testing.AllocsPerRun(200, f); a != 0 {
			t.Errorf("%s: %v allocs per decode, want 0", name, a)
		}
	}
	if _, err := reused.Decode(b); err != nil {
		t.Fatal(err)
	}
	got := &reused.Push
	if !netAliases(got.Body.Put.Payload, b) || !netAliases(got.WireExpr.Suffix, b) || !netAliases(got.Body.Put.Attachment, b) {
		t.Fatal("payload, suffix or attachment does not alias the input")
	}
	if string(got.Body.Put.Payload) != "hello, zenoh" || sink == 0 {
		t.Fatalf("decoded payload %q", got.Body.Put.Payload)
	}
}

// TestNetAllocDecodeOthers checks the other data-path messages decode without allocating.
func TestNetAllocDecodeOthers(t *testing.T) {
	msgs := map[string]string{
		"push-del":      "3d 01 0b 2f 6d 61 69 6c 62 6f 78 2f 34 32 02",
		"request":       "bc 04 02 02 2f 78 a1 0d b4 01 26 c4 13 e3 01 07 61 3d 31 3b 62 3d 32 c3 03 08 71 70 45 02 71 61",
		"response":      "fb 01 00 07 63 61 70 2f 71 2f 31 a1 0d 43 12 f0 " + netZidQ + " 07 04 c1 0a 43 03 61 74 74 06 61 6e 73 77 65 72",
		"response-err":  "fb 02 00 09 63 61 70 2f 71 2f 65 72 72 a1 0d 43 12 f0 " + netZidQ + " 07 45 08 09 62 61 64 20 74 68 69 6e 67",
		"responsefinal": "9a 01 21 0d",
		"declare":       "9e 21 08 e4 02 02 03 2f 2a 2a 21 01",
		"interest":      "b9 02 79 02 03 2f 2a 2a 21 08",
	}
	var m NetworkMessage
	for name, h := range msgs {
		b := netHex(t, h)
		if a := testing.AllocsPerRun(100, func() { _, _ = m.Decode(b) }); a != 0 {
			t.Errorf("%s: %v allocs per decode, want 0", name, a)
		}
	}
}

// TestNetAllocEncodePush proves that encoding a Push into a reused buffer allocates nothing.
func TestNetAllocEncodePush(t *testing.T) {
	p := netSamplePush(make([]byte, 1024))
	p.QoS = NewNetQoS(PriorityRealTime, CongestionBlock, true)
	m := NetworkMessage{ID: NetIDPush, Push: p}
	buf := make([]byte, 0, 2048)
	var err error
	if a := testing.AllocsPerRun(200, func() { buf, err = p.Append(buf[:0]) }); a != 0 || err != nil {
		t.Errorf("Push.Append: %v allocs (%v), want 0", a, err)
	}
	if a := testing.AllocsPerRun(200, func() { buf, err = m.Append(buf[:0]) }); a != 0 || err != nil {
		t.Errorf("NetworkMessage.Append: %v allocs (%v), want 0", a, err)
	}
	if a := testing.AllocsPerRun(200, func() { _ = m.Len() }); a != 0 {
		t.Errorf("Len: %v allocs, want 0", a)
	}
	if len(buf) != p.Len() {
		t.Fatalf("encoded %d bytes, Len %d", len(buf), p.Len())
	}
}
