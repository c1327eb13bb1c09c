package wire

import (
	"bytes"
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestBatchWriterFrames(t *testing.T) {
	put := trPushPut(8)
	p := trEncodeNet(t, &put)
	cfg := BatchConfig{Size: 64, Streamed: true}
	w := NewBatchWriter(make([]byte, 0, 64), cfg)
	if !w.IsEmpty() || w.Free() != 62 {
		t.Fatalf("empty writer: Len %d Free %d", w.Len(), w.Free())
	}
	if err := w.AppendNetwork(&put, Reliable, TransportQoSDefault); !errors.Is(err, ErrNewFrame) {
		t.Fatalf("AppendNetwork without a frame: %v", err)
	}
	h := FrameHeader{Reliability: Reliable, SN: 7}
	if err := w.AppendFrame(&h, &put); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendNetwork(&put, BestEffort, TransportQoSDefault); !errors.Is(err, ErrNewFrame) {
		t.Fatalf("other reliability: %v", err)
	}
	if err := w.AppendNetwork(&put, Reliable, NewTransportQoS(PriorityControl)); !errors.Is(err, ErrNewFrame) {
		t.Fatalf("other priority: %v", err)
	}
	n := 1
	for {
		err := w.AppendNetwork(&put, Reliable, TransportQoSDefault)
		if errors.Is(err, ErrBatchFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	// 62 bytes: 2-byte frame header, then 15-byte messages: 4 fit.
	if n != 4 || w.Len() != 2+4*len(p) {
		t.Fatalf("%d messages, Len %d", n, w.Len())
	}
	before := append([]byte(nil), w.Bytes()...)
	if err := w.AppendTransport(&TransportMessage{ID: TransportIDClose}); !errors.Is(err, ErrBatchFull) || !bytes.Equal(w.Bytes(), before) {
		t.Fatalf("Close into a full batch: %v", err)
	}
	out := w.Bytes()
	if len(out) > cfg.Size {
		t.Fatalf("batch of %d bytes exceeds %d", len(out), cfg.Size)
	}
	batch, used, err := SplitStream(out)
	if err != nil || used != len(out) {
		t.Fatalf("SplitStream: %v", err)
	}
	items, err := trWalk(t, batch)
	if err != nil || len(items) != 5 || items[0].kind != BatchFrame || items[4].name != "Push" {
		t.Fatalf("walk: %+v %v", items, err)
	}

	// A transport message ends the open Frame; the next Push needs a new Frame.
	w.Clear()
	if err := w.AppendFrameBytes(&h, p); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendNetworkBytes(p, Reliable, TransportQoSDefault); err != nil {
		t.Fatal(err)
	}
	ka := TransportMessage{ID: TransportIDKeepAlive}
	if err := w.AppendTransport(&ka); err != nil {
		t.Fatal(err)
	}
	if err := w.AppendNetworkBytes(p, Reliable, TransportQoSDefault); !errors.Is(err, ErrNewFrame) {
		t.Fatalf("after a transport message: %v", err)
	}
	if err := w.AppendNetworkBytes(make([]byte, 100), Reliable, TransportQoSDefault); !errors.Is(err, ErrNewFrame) {
		t.Fatalf("after a transport message: %v", err)
	}
	h2 := FrameHeader{Reliability: BestEffort, SN: 8}
	if err := w.AppendFrameBytes(&h2, make([]byte, 100)); !errors.Is(err, ErrBatchFull) {
		t.Fatalf("oversized frame: %v", err)
	}
	if err := w.AppendFrameBytes(&FrameHeader{Reliability: 3}, p); err == nil {
		t.Fatal("AppendFrameBytes accepted a bad header")
	}
	batch, _, _ = SplitStream(w.Bytes())
	items, err = trWalk(t, batch)
	if err != nil || len(items) != 4 || items[3].name != "KeepAlive" {
		t.Fatalf("walk: %+v %v", items, err)
	}
}

func TestBatchWriterFragments(t *testing.T) {
	big := trPushPut(300)
	msg := trEncodeNet(t, &big)
	var got []byte
	sn := uint32(10)
	cfg := BatchConfig{Size: 128, Streamed: true}
	w := NewBatchWriter(make([]byte, 0, 128), cfg)
	rest := msg
	for i := 0; len(rest) > 0; i++ {
		if i > 10 {
			t.Fatal("too many fragments")
		}
		w.Clear()
		h := FragmentHeader{Reliability: Reliable, More: true, SN: sn, First: i == 0}
		n, err := w.AppendFragment(&h, rest)
		if err != nil || n == 0 {
			t.Fatalf("AppendFragment: %d %v", n, err)
		}
		if w.Free() != 0 {
			t.Fatal("a fragment did not seal the batch")
		}
		if err := w.AppendTransport(&TransportMessage{ID: TransportIDKeepAlive}); !errors.Is(err, ErrBatchFull) {
			t.Fatalf("after a fragment: %v", err)
		}
		out := w.Bytes()
		if len(out) > cfg.Size {
			t.Fatalf("fragment batch of %d bytes", len(out))
		}
		batch, _, _ := SplitStream(out)
		f, _, err := DecodeFragment(batch)
		if err != nil || f.SN != sn || f.First != (i == 0) || f.More != (n < len(rest)) || h.More != f.More {
			t.Fatalf("fragment %d: %+v %v", i, f.FragmentHeader, err)
		}
		got = append(got, f.Payload...)
		rest = rest[n:]
		sn++
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("reassembly differs")
	}
	// A drop marker: an empty fragment.
	w.Clear()
	h := FragmentHeader{Reliability: Reliable, SN: sn, Drop: true}
	if n, err := w.AppendFragment(&h, nil); err != nil || n != 0 || !bytes.Equal(w.Bytes()[2:], []byte{0xa6, byte(sn), 0x03}) {
		t.Fatalf("drop marker: %x %v", w.Bytes(), err)
	}
	// No room for a header and one byte.
	w.Reset(make([]byte, 0, 8), BatchConfig{Size: 8})
	w.AppendTransport(&TransportMessage{ID: TransportIDKeepAlive})
	w.AppendTransport(&TransportMessage{ID: TransportIDKeepAlive})
	w.AppendTransport(&TransportMessage{ID: TransportIDKeepAlive})
	h = FragmentHeader{SN: 1 << 28} // a 6-byte header: with 3 KeepAlives in 8 bytes, 5 are left
	if _, err := w.AppendFragment(&h, msg); !errors.Is(err, ErrBatchFull) {
		t.Fatalf("no room: %v", err)
	}
}

func TestBatchWriterCompression(t *testing.T) {
	put := trPushPut(1024)
	h := FrameHeader{Reliability: Reliable, SN: 0x0ef602a8}
	cfg := BatchConfig{Size: 49152, Streamed: true, Compression: true}
	w := NewBatchWriter(make([]byte, 0, cfg.Size), cfg)
	if err := w.AppendFrame(&h, &put); err != nil {
		t.Fatal(err)
	}
	plain := append([]byte(nil), w.Bytes()[3:]...)
	// This is the Frame captured from zenoh 1.10.2 for the 1024-byte put.
	if !bytes.Equal(plain, append(trHex(t, "25a885d8773d01022f78018008"), bytes.Repeat([]byte{0xab}, 1024)...)) {
		t.Fatalf("frame %s", trShort(plain))
	}
	out := w.CompressedBytes(make([]byte, 0, cfg.Size))
	batch, n, err := SplitStream(out)
	if err != nil || n != len(out) || len(out) > 40 {
		t.Fatalf("compressed batch %d bytes: %v", len(out), err)
	}
	bh, block, _ := SplitBatchHeader(batch)
	got, err := DecompressBatch(nil, block, MaxDecompressedBatch)
	if !bh.Compressed() || err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("decompressed: %v %v", bh, err)
	}
	// Incompressible content goes out uncompressed, header 0.
	w.Clear()
	ka := TransportMessage{ID: TransportIDKeepAlive}
	w.AppendTransport(&ka)
	out = w.CompressedBytes(nil)
	if !bytes.Equal(out, trHex(t, "02 00 00 04")) {
		t.Fatalf("keepalive batch %x", out)
	}
	// Without compression configured, CompressedBytes is Bytes.
	w.Reset(w.buf, BatchConfig{})
	w.AppendTransport(&ka)
	if out := w.CompressedBytes(nil); !bytes.Equal(out, []byte{4}) {
		t.Fatalf("plain keepalive %x", out)
	}
}

func TestBatchWriterNeverOverflows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := BatchConfig{Size: rapid.IntRange(4, 300).Draw(t, "size"), Streamed: rapid.Bool().Draw(t, "streamed"), Compression: rapid.Bool().Draw(t, "comp")}
		w := NewBatchWriter(nil, cfg)
		var frames, msgs int
		for i := rapid.IntRange(0, 30).Draw(t, "ops"); i > 0; i-- {
			put := trPushPut(rapid.IntRange(0, 40).Draw(t, "payload"))
			rel := Reliability(rapid.IntRange(0, 1).Draw(t, "rel"))
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				h := FrameHeader{Reliability: rel, SN: uint32(i)}
				if w.AppendFrame(&h, &put) == nil {
					frames++
					msgs++
				}
			case 1:
				if w.AppendNetwork(&put, rel, TransportQoSDefault) == nil {
					msgs++
				}
			case 2:
				w.AppendTransport(&TransportMessage{ID: TransportIDClose})
			}
			if w.Free() < 0 || len(w.Bytes()) > cfg.Size {
				t.Fatalf("batch of %d bytes, size %d", len(w.Bytes()), cfg.Size)
			}
		}
		b := w.Bytes()
		if cfg.Streamed {
			var err error
			if b, _, err = SplitStream(b); err != nil {
				t.Fatal(err)
			}
		}
		if cfg.Compression {
			b = b[1:]
		}
		it := NewBatchIter(b)
		var gotFrames, gotMsgs int
		for k := it.Next(); k != BatchDone; k = it.Next() {
			switch k {
			case BatchFrame:
				gotFrames++
			case BatchNetwork:
				gotMsgs++
			}
		}
		if it.Err() != nil || gotFrames != frames || gotMsgs != msgs {
			t.Fatalf("walked %d frames %d msgs (%v), wrote %d %d", gotFrames, gotMsgs, it.Err(), frames, msgs)
		}
	})
}

func TestBatchWriterZeroAlloc(t *testing.T) {
	put := trPushPut(8)
	cfg := BatchConfig{Size: 2048, Streamed: true}
	w := NewBatchWriter(make([]byte, 0, cfg.Size), cfg)
	h := FrameHeader{Reliability: Reliable}
	allocs := testing.AllocsPerRun(100, func() {
		w.Clear()
		h.SN++
		if err := w.AppendFrame(&h, &put); err != nil {
			t.Fatal(err)
		}
		for w.AppendNetwork(&put, Reliable, TransportQoSDefault) == nil {
		}
		_ = w.Bytes()
	})
	if allocs != 0 {
		t.Fatalf("BatchWriter: %v allocs/run", allocs)
	}
}
