package wire

import (
	"bytes"
	"errors"
	"testing"
)

// trPushPut returns a Push of a Put of n payload bytes to key expression (scope 1, "/x"), as the
// captured sessions send it.
func trPushPut(n int) NetworkMessage {
	var m NetworkMessage
	m.ID = NetIDPush
	m.Push = Push{
		WireExpr: WireExpr{Scope: 1, Suffix: []byte("/x")},
		QoS:      NetQoSDefault,
		Body:     PushBody{ID: DataIDPut, Put: Put{Payload: bytes.Repeat([]byte{0xab}, n)}},
	}
	return m
}

func trEncodeNet(t testing.TB, m *NetworkMessage) []byte {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type trItem struct {
	kind BatchItem
	name string // transport message name, or network id
	raw  []byte
}

func trWalk(t *testing.T, batch []byte) ([]trItem, error) {
	t.Helper()
	var items []trItem
	it := NewBatchIter(batch)
	for k := it.Next(); k != BatchDone; k = it.Next() {
		item := trItem{kind: k, raw: append([]byte(nil), it.Raw()...)}
		switch k {
		case BatchNetwork:
			item.name = it.Network().ID.String()
		case BatchTransport:
			item.name = it.Transport().Name()
		case BatchFrame:
			item.name = it.FrameHeader().Reliability.String()
		}
		items = append(items, item)
		if len(items) > 1000 {
			t.Fatal("runaway iterator")
		}
	}
	return items, it.Err()
}

func TestBatchIterCaptured(t *testing.T) {
	// Captured from zenoh 1.10.2: A's first batch, a Frame of three declarations.
	in := trHex(t, capDefaultFrameA)
	items, err := trWalk(t, in)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []BatchItem
	var all []byte
	for _, it := range items {
		kinds = append(kinds, it.kind)
		all = append(all, it.raw...)
	}
	if len(items) != 4 || kinds[0] != BatchFrame || items[1].name != "Declare" || items[3].name != "Declare" || !bytes.Equal(all, in) {
		t.Fatalf("items %+v", items)
	}
	// The captured KeepAlive and Close batches.
	for _, c := range []struct{ hex, name string }{{capKeepAlive, "KeepAlive"}, {capClose, "Close"}} {
		items, err := trWalk(t, trHex(t, c.hex))
		if err != nil || len(items) != 1 || items[0].kind != BatchTransport || items[0].name != c.name {
			t.Fatalf("%s: %+v %v", c.name, items, err)
		}
	}
}

func TestBatchIterMixed(t *testing.T) {
	put := trPushPut(8)
	p := trEncodeNet(t, &put)
	var b []byte
	b = append(b, 0x04)                                      // KeepAlive
	b = append(append(append(b, 0x25, 0x01), p...), p...)    // reliable Frame SN 1: two Push
	b = append(append(b, 0x85, 0x02, 0x31, 0x00), p...)      // best-effort Frame SN 2, priority Control: one Push
	b = append(b, 0x05, 0x03)                                // empty best-effort Frame SN 3
	b = append(b, 0x03, 0x04)                                // Close(MAX_LINKS)
	b = append(append(b, trHex(t, "e6 04 02")...), p[:5]...) // Fragment, runs to the end
	items, err := trWalk(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind BatchItem
		name string
	}{
		{BatchTransport, "KeepAlive"}, {BatchFrame, "reliable"}, {BatchNetwork, "Push"}, {BatchNetwork, "Push"},
		{BatchFrame, "best-effort"}, {BatchNetwork, "Push"}, {BatchFrame, "best-effort"},
		{BatchTransport, "Close"}, {BatchTransport, "Fragment"},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items: %+v", len(items), items)
	}
	var all []byte
	for i, w := range want {
		if items[i].kind != w.kind || items[i].name != w.name {
			t.Errorf("item %d = %s %s, want %s %s", i, items[i].kind, items[i].name, w.kind, w.name)
		}
		all = append(all, items[i].raw...)
	}
	if !bytes.Equal(all, b) {
		t.Fatal("Raw items do not cover the batch")
	}
	// Accessors describe the current item.
	it := NewBatchIter(b)
	it.Next()
	it.Next()
	if k := it.Next(); k != BatchNetwork || !it.InFrame() || it.FrameHeader().SN != 1 || !bytes.Equal(it.Network().Push.Body.Put.Payload, put.Push.Body.Put.Payload) {
		t.Fatalf("third item: %s", k)
	}
	if it.Offset() != 1+2+len(p) {
		t.Fatalf("Offset = %d", it.Offset())
	}
	// Reset walks another batch from the start.
	it.Reset(trHex(t, capKeepAlive))
	if it.Next() != BatchTransport || it.Next() != BatchDone || it.Err() != nil {
		t.Fatal("after Reset")
	}
	it.Reset(nil)
	if it.Next() != BatchDone || it.Err() != nil {
		t.Fatal("empty batch")
	}
}

func TestBatchIterErrors(t *testing.T) {
	put := trPushPut(8)
	p := trEncodeNet(t, &put)
	for _, c := range []struct {
		name   string
		batch  []byte
		items  int
		want   error
		offset int // where the failing item starts
	}{
		// A network message cut short inside a Frame: Rust ends the Frame there, then fails to
		// decode a transport message, and closes the link.
		{"truncated push", append(append([]byte{0x25, 0x01}, p...), p[:len(p)-1]...), 2, ErrTruncated, 2 + len(p)},
		{"unknown transport id", append(append([]byte{0x25, 0x01}, p...), 0x08), 2, ErrUnknownMessage, 2 + len(p)},
		{"truncated frame header", []byte{0x04, 0x25}, 1, ErrTruncated, 1},
		{"mandatory unknown frame ext", []byte{0xa5, 0x01, 0x12}, 0, ErrUnknownMandatory, 0},
		{"bad close", []byte{0x04, 0x83, 0x00, 0x10}, 1, ErrUnknownMandatory, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			items, err := trWalk(t, c.batch)
			if len(items) != c.items || !errors.Is(err, c.want) {
				t.Fatalf("%d items, err %v; want %d, %v", len(items), err, c.items, c.want)
			}
			var de *DecodeError
			// The offset is batch-relative: inside the item that failed, which starts at c.offset.
			if !errors.As(err, &de) || de.Offset < c.offset || de.Offset > len(c.batch) {
				t.Fatalf("error %v: offset want in [%d, %d]", err, c.offset, len(c.batch))
			}
		})
	}
	// After an error, Next keeps returning BatchDone.
	it := NewBatchIter([]byte{0x08, 0x04})
	if it.Next() != BatchDone || it.Next() != BatchDone || it.Err() == nil {
		t.Fatal("error is not sticky")
	}
}

// trFrameBatch returns a batch holding one reliable Frame with n copies of a Push/Put of size
// payload bytes.
func trFrameBatch(t testing.TB, n, size int) []byte {
	put := trPushPut(size)
	p := trEncodeNet(t, &put)
	b := []byte{0x25, 0x80, 0x01}
	for i := 0; i < n; i++ {
		b = append(b, p...)
	}
	return b
}

func TestBatchIterZeroAlloc(t *testing.T) {
	batch := trFrameBatch(t, 10, 8)
	batch = append(batch, trHex(t, capKeepAlive)...)
	var it BatchIter
	count := 0
	allocs := testing.AllocsPerRun(100, func() {
		it.Reset(batch)
		count = 0
		for k := it.Next(); k != BatchDone; k = it.Next() {
			if k == BatchNetwork {
				count += len(it.Network().Push.Body.Put.Payload)
			}
		}
	})
	if allocs != 0 || count != 80 || it.Err() != nil {
		t.Fatalf("BatchIter: %v allocs/run, %d payload bytes, err %v", allocs, count, it.Err())
	}
	// DecodeTransport of the same Frame (which walks its network messages) allocates nothing
	// either, and neither does decoding a Fragment.
	var m TransportMessage
	frag := append(trHex(t, capDefaultFragMidHead), make([]byte, 1000)...)
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := DecodeTransportInto(batch, &m); err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeTransportInto(frag, &m); err != nil {
			t.Fatal(err)
		}
		if v, _, err := DecodeTransport(batch); err != nil || len(v.Frame.Payload) == 0 {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("DecodeTransportInto: %v allocs/run", allocs)
	}
}
