package wire

import (
	"bytes"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// TestPushPlainSameBytes: the fast path of Push.Len and Push.Append gives exactly the bytes and
// size of the general encoder, for every plain Push (and plain() holds for them), including
// the capture-derived shapes (scope only; full key with M; QoS; encoding).
func TestPushPlainSameBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := Push{WireExpr: netGenWireExpr(t, "we", true), QoS: netGenQoS(t, "qos")}
		m.Body.ID = DataIDPut
		m.Body.Put.Payload = netBytes(t, "payload", 64)
		if rapid.Bool().Draw(t, "enc") {
			m.Body.Put.Encoding.ID = rapid.Uint16().Draw(t, "encid")
		}
		if !m.plain() {
			t.Fatalf("not plain: %+v", m)
		}
		fast, err := m.Append([]byte{0xaa})
		if err != nil {
			t.Fatal(err)
		}
		slow, err := m.append([]byte{0xaa})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Fatalf("fast % x\nslow % x", fast, slow)
		}
		if m.Len() != len(slow)-1 {
			t.Fatalf("Len %d, encoded %d", m.Len(), len(slow)-1)
		}
		var back Push
		if n, err := back.Decode(fast[1:]); err != nil || n != len(fast)-1 {
			t.Fatalf("decode: %d %v", n, err)
		}
	})
}

// TestPushPlainRefusals: the fast path refuses what the general encoder refuses, appending
// nothing, and leaves everything else to the general path.
func TestPushPlainRefusals(t *testing.T) {
	m := Push{QoS: NetQoSDefault, WireExpr: WireExpr{Suffix: []byte{0xff, 0xfe}, Mapping: MappingSender}}
	m.Body.ID = DataIDPut
	b, err := m.Append([]byte{1})
	if err == nil || len(b) != 1 {
		t.Fatalf("invalid UTF-8 suffix: %x %v", b, err)
	}
	for name, f := range map[string]func(*Push){
		"timestamp":     func(p *Push) { p.HasTimestamp = true },
		"node id":       func(p *Push) { p.NodeID = 3 },
		"del":           func(p *Push) { p.Body.ID = DataIDDel },
		"attachment":    func(p *Push) { p.Body.Put.HasAttachment = true },
		"put timestamp": func(p *Push) { p.Body.Put.HasTimestamp = true },
		"schema":        func(p *Push) { p.Body.Put.Encoding.HasSchema = true },
		"ext":           func(p *Push) { p.Exts = []Ext{{Header: 0x05}} },
	} {
		p := Push{QoS: NetQoSDefault}
		p.Body.ID = DataIDPut
		f(&p)
		if p.plain() {
			t.Errorf("%s: taken as plain", name)
		}
	}
}

// TestPushPlainDecodeAgrees: whatever the plain decoder accepts, the general decoder decodes to
// the same message and length; it accepts every plain Push with at most a QoS extension; on
// anything else it declines and leaves the reader where it was.
func TestPushPlainDecodeAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var enc []byte
		if rapid.Bool().Draw(t, "valid") {
			m := Push{WireExpr: netGenWireExpr(t, "we", true), QoS: netGenQoS(t, "qos")}
			m.Body.ID = DataIDPut
			m.Body.Put.Payload = netBytes(t, "payload", 32)
			if rapid.Bool().Draw(t, "enc") {
				m.Body.Put.Encoding.ID = rapid.Uint16().Draw(t, "encid")
			}
			var err error
			if enc, err = m.Append(nil); err != nil {
				t.Fatal(err)
			}
			// Mutate a byte now and then: the two decoders must still agree.
			if len(enc) > 1 && rapid.Bool().Draw(t, "mutate") {
				i := rapid.IntRange(1, len(enc)-1).Draw(t, "at")
				enc[i] = rapid.Byte().Draw(t, "to")
			} else {
				r := newRd(enc, "Push")
				r.off = 1 // the header, read by the caller
				var fast Push
				if !r.pushPlain(&fast, enc[0], nil) || r.off != len(enc) {
					t.Fatalf("plain decoder declined % x", enc)
				}
			}
		} else {
			enc = append([]byte{byte(NetIDPush) | rapid.Byte().Draw(t, "flags")&0xe0}, netBytes(t, "rest", 24)...)
		}
		r := newRd(enc, "Push")
		r.off = 1 // the header, read by the caller
		var fast Push
		if !r.pushPlain(&fast, enc[0], nil) {
			if r.off != 1 {
				t.Fatalf("declined but moved to %d", r.off)
			}
			return
		}
		var slow Push
		n, err := slow.Decode(enc)
		if err != nil || n != r.off {
			t.Fatalf("plain took %d bytes of % x; general: %d %v", r.off, enc, n, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("plain %+v\ngeneral %+v", fast, slow)
		}
	})
}

// TestPushPlainDecodeReused: decoding into a reused NetworkMessage (as BatchIter does) gives,
// message after message, what a fresh decode gives, whatever the previous message left there
// (plain Pushes after Pushes with timestamps, attachments, extensions, Dels).
func TestPushPlainDecodeReused(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var reused NetworkMessage
		for i := range rapid.IntRange(1, 6).Draw(t, "n") {
			var m Push
			if rapid.Bool().Draw(t, "plain") {
				m = Push{WireExpr: netGenWireExpr(t, "we", true), QoS: netGenQoS(t, "qos")}
				m.Body.ID = DataIDPut
				m.Body.Put.Payload = netBytes(t, "payload", 16)
			} else {
				m = netGenPush(t)
			}
			enc, err := (&NetworkMessage{ID: NetIDPush, Push: m}).Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reused.Decode(enc); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			var fresh Push
			if _, err := fresh.Decode(enc); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(reused.Push, fresh) {
				t.Fatalf("message %d:\nreused %+v\nfresh  %+v", i, reused.Push, fresh)
			}
		}
	})
}

// TestPushRepeatAgrees: walking a batch of Pushes that share a few heads (a publisher's
// stream: the repeat path), mixed with other Pushes and network messages, gives message after
// message what a fresh decode of its bytes gives, and the same lengths; and so does a byte
// changed anywhere.
func TestPushRepeatAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		heads := make([]Push, rapid.IntRange(1, 3).Draw(t, "heads"))
		for i := range heads {
			m := Push{WireExpr: netGenWireExpr(t, "we", true), QoS: netGenQoS(t, "qos")}
			m.Body.ID = DataIDPut
			if rapid.Bool().Draw(t, "enc") {
				m.Body.Put.Encoding.ID = rapid.Uint16().Draw(t, "encid")
			}
			heads[i] = m
		}
		var msgs []NetworkMessage
		for range rapid.IntRange(1, 12).Draw(t, "n") {
			switch rapid.IntRange(0, 5).Draw(t, "kind") {
			case 0:
				msgs = append(msgs, netGenMessage(t))
			case 1:
				msgs = append(msgs, NetworkMessage{ID: NetIDPush, Push: netGenPush(t)})
			default:
				m := heads[rapid.IntRange(0, len(heads)-1).Draw(t, "head")]
				m.Body.Put.Payload = netBytes(t, "payload", 300) // lengths of one and two zint bytes
				msgs = append(msgs, NetworkMessage{ID: NetIDPush, Push: m})
			}
		}
		w := NewBatchWriter(nil, BatchConfig{Size: MaxBatchSize})
		h := FrameHeader{Reliability: Reliable}
		for i := range msgs {
			var err error
			if i == 0 {
				err = w.AppendFrame(&h, &msgs[i])
			} else {
				err = w.AppendNetwork(&msgs[i], Reliable, TransportQoSDefault)
			}
			if err != nil {
				t.Skip(err)
			}
		}
		b := w.Bytes()
		if rapid.Bool().Draw(t, "mutate") {
			b[rapid.IntRange(0, len(b)-1).Draw(t, "at")] ^= rapid.Byte().Draw(t, "xor")
		}
		it := NewBatchIter(b)
		for k := it.Next(); k != BatchDone; k = it.Next() {
			if k != BatchNetwork {
				continue
			}
			var fresh NetworkMessage
			n, err := fresh.Decode(it.Raw())
			if err != nil || n != len(it.Raw()) {
				t.Fatalf("fresh decode of % x: %d %v", it.Raw(), n, err)
			}
			if !reflect.DeepEqual(*it.Network(), fresh) {
				t.Fatalf("walked %+v\nfresh  %+v", *it.Network(), fresh)
			}
		}
		if it.Err() != nil {
			// The walk stopped where a fresh decode fails too.
			var fresh NetworkMessage
			if _, err := fresh.Decode(b[it.Offset():]); err == nil && it.InFrame() {
				t.Fatalf("walk failed (%v) where a fresh decode succeeds", it.Err())
			}
		}
	})
}

// TestPushRepeatZeroAlloc: a batch of a publisher's stream walks without allocating.
func TestPushRepeatZeroAlloc(t *testing.T) {
	m := NetworkMessage{ID: NetIDPush}
	m.Push = Push{WireExpr: WireExpr{Scope: 3}, QoS: NetQoSDefault}
	m.Push.Body.ID = DataIDPut
	m.Push.Body.Put.Payload = []byte("12345678")
	w := NewBatchWriter(nil, BatchConfig{Size: 4096})
	h := FrameHeader{Reliability: Reliable}
	if err := w.AppendFrame(&h, &m); err != nil {
		t.Fatal(err)
	}
	for w.AppendNetwork(&m, Reliable, TransportQoSDefault) == nil {
	}
	b := w.Bytes()
	var it BatchIter
	n := 0
	allocs := testing.AllocsPerRun(20, func() {
		it.Reset(b)
		for k := it.Next(); k != BatchDone; k = it.Next() {
			n++
		}
	})
	if allocs != 0 || it.Err() != nil || it.rep.n == 0 {
		t.Fatalf("%v allocs, err %v, repeat head %d", allocs, it.Err(), it.rep.n)
	}
}

// TestPushRepeatLengths walks a stream of one head whose payload lengths cross each zint
// length boundary (one byte below 128, two from 128, three from 16384), so that the repeat
// path's length decoding is checked at every one of them.
func TestPushRepeatLengths(t *testing.T) {
	m := NetworkMessage{ID: NetIDPush}
	m.Push.WireExpr = WireExpr{Scope: 7, Mapping: MappingSender}
	m.Push.QoS = NetQoSDefault
	m.Push.Body.ID = DataIDPut
	lengths := []int{0, 1, 127, 128, 129, 255, 256, 300, 16383, 16384, 16385, 1}
	w := NewBatchWriter(nil, BatchConfig{Size: MaxBatchSize})
	h := FrameHeader{Reliability: Reliable}
	for i, n := range lengths {
		m.Push.Body.Put.Payload = bytes.Repeat([]byte{byte(i + 1)}, n)
		var err error
		if i == 0 {
			err = w.AppendFrame(&h, &m)
		} else {
			err = w.AppendNetwork(&m, Reliable, TransportQoSDefault)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	it := NewBatchIter(w.Bytes())
	i := 0
	for k := it.Next(); k != BatchDone; k = it.Next() {
		if k != BatchNetwork {
			continue
		}
		p := it.Network().Push.Body.Put.Payload
		if len(p) != lengths[i] || (len(p) > 0 && (p[0] != byte(i+1) || p[len(p)-1] != byte(i+1))) {
			t.Fatalf("message %d: payload of %d bytes, want %d", i, len(p), lengths[i])
		}
		i++
	}
	if it.Err() != nil || i != len(lengths) {
		t.Fatalf("walked %d of %d messages: %v", i, len(lengths), it.Err())
	}
	if it.rep.n == 0 {
		t.Fatal("the stream did not take the repeat path")
	}
}
