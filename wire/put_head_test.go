package wire

import (
	"bytes"
	"errors"
	"testing"

	"pgregory.net/rapid"
)

// TestPutHeadSameBytes: head, payload length and payload are the bytes Push.Append gives, for
// every Push carrying a Put (extensions, timestamps and attachments included), and the batch
// writer's Put methods write the same frame as AppendFrame and AppendNetwork.
func TestPutHeadSameBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := netGenPush(t)
		if m.Body.ID != DataIDPut {
			m.Body = PushBody{ID: DataIDPut, Put: netGenPut(t)}
		}
		want, err := m.Append([]byte{0xaa})
		if err != nil {
			t.Skip(err)
		}
		head, err := AppendPutHead([]byte{0xbb}, &m)
		if err != nil {
			t.Fatal(err)
		}
		payload := m.Body.Put.Payload
		got, err := AppendPut([]byte{0xaa}, head[1:], payload)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("AppendPut % x (%v)\nAppend    % x", got, err, want)
		}
		if n := PutLen(head[1:], payload); n != m.Len() {
			t.Fatalf("PutLen %d, Len %d", n, m.Len())
		}

		cfg := BatchConfig{Size: rapid.IntRange(8, 600).Draw(t, "size"), Streamed: true}
		w1, w2 := NewBatchWriter(nil, cfg), NewBatchWriter(nil, cfg)
		msg := NetworkMessage{ID: NetIDPush, Push: m}
		h := FrameHeader{Reliability: Reliable, SN: 7}
		e1, e2 := w1.AppendFrame(&h, &msg), w2.AppendFramePut(&h, head[1:], payload)
		for i := 0; e1 == nil && e2 == nil && i < 3; i++ {
			e1, e2 = w1.AppendNetwork(&msg, Reliable, TransportQoSDefault), w2.AppendNetworkPut(head[1:], payload, Reliable, TransportQoSDefault)
		}
		if !errors.Is(e1, e2) || !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("message: %v, % x\nput:     %v, % x", e1, w1.Bytes(), e2, w2.Bytes())
		}
		if w2.AppendNetworkPut(head[1:], payload, BestEffort, TransportQoSDefault) != ErrNewFrame || w2.FrameOpen(BestEffort, TransportQoSDefault) {
			t.Fatal("a Put on another channel went into the open frame")
		}
		if e2 == nil && !w2.FrameOpen(Reliable, TransportQoSDefault) {
			t.Fatal("FrameOpen: no frame after AppendFramePut")
		}
	})
}

// TestPutHeadRefusals: a Del has no head, and a refused head leaves b unchanged.
func TestPutHeadRefusals(t *testing.T) {
	m := Push{QoS: NetQoSDefault, WireExpr: WireExpr{Scope: 1}}
	m.Body.ID = DataIDDel
	if b, err := AppendPutHead([]byte{1}, &m); err == nil || len(b) != 1 {
		t.Fatalf("Del: % x %v", b, err)
	}
	m.Body.ID = DataIDPut
	m.WireExpr = WireExpr{Suffix: []byte{0xff}, Mapping: MappingSender}
	if b, err := AppendPutHead([]byte{1}, &m); err == nil || len(b) != 1 {
		t.Fatalf("invalid suffix: % x %v", b, err)
	}
}

func TestPutHeadZeroAlloc(t *testing.T) {
	m := trPushPut(8)
	head, err := AppendPutHead(nil, &m.Push)
	if err != nil {
		t.Fatal(err)
	}
	payload := make([]byte, 8)
	cfg := BatchConfig{Size: 2048, Streamed: true}
	w := NewBatchWriter(make([]byte, 0, cfg.Size), cfg)
	h := FrameHeader{Reliability: Reliable}
	allocs := testing.AllocsPerRun(100, func() {
		w.Clear()
		if err := w.AppendFramePut(&h, head, payload); err != nil {
			t.Fatal(err)
		}
		for w.AppendNetworkPut(head, payload, Reliable, TransportQoSDefault) == nil {
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocs/run", allocs)
	}
}
