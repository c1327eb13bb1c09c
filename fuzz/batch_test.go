package fuzz

import (
	"bytes"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// FuzzBatch walks arbitrary bytes as a received batch with wire.BatchIter and checks that the
// items tile the consumed bytes, that each transport message round-trips (see FuzzTransport) and
// that each network message re-encodes to a stable form. It also runs the stream splitter and
// the LZ4 decompressor on the input, and checks compression round trips.
func FuzzBatch(f *testing.F) {
	for _, s := range transportCaptured {
		f.Add(trHexSeed(f, s))
	}
	var all []byte
	for _, b := range transportSeedsFromEncoders(f) {
		all = append(all, b...)
	}
	f.Add(all) // ends at the Fragment, which takes the rest
	f.Add(trHexSeed(f, "04 25 01 3d01022f780108abababababababab 05 02 0300"))
	f.Add(trHexSeed(f, "ef25a885d8773d01022f78018008ab0100ffffffe960abababababab")) // captured LZ4 block
	f.Fuzz(func(t *testing.T, in []byte) {
		it := wire.NewBatchIter(in)
		var tiles []byte
		for i := 0; ; i++ {
			k := it.Next()
			if k == wire.BatchDone {
				break
			}
			if i > len(in) {
				t.Fatal("more items than bytes")
			}
			tiles = append(tiles, it.Raw()...)
			switch k {
			case wire.BatchTransport:
				raw := it.Raw()
				trRoundTrip(t, *it.Transport(), len(raw), len(raw))
			case wire.BatchNetwork:
				enc, err := it.Network().Append(nil)
				if err != nil || len(enc) != it.Network().Len() {
					t.Fatalf("network message does not re-encode: %v", err)
				}
			case wire.BatchFrame:
				h := it.FrameHeader()
				if enc, err := h.Append(nil); err != nil || len(enc) != h.Len() {
					t.Fatalf("frame header does not re-encode: %v", err)
				}
			}
		}
		if !bytes.Equal(tiles, in[:it.Offset()]) || (it.Err() == nil && it.Offset() != len(in)) {
			t.Fatalf("items cover %d of %d bytes (err %v)", it.Offset(), len(in), it.Err())
		}

		if batch, n, err := wire.SplitStream(in); err == nil && (n != len(batch)+2 || n > len(in)) {
			t.Fatalf("SplitStream: batch %d, n %d", len(batch), n)
		}

		out, err := wire.DecompressBatch(nil, in, wire.MaxDecompressedBatch)
		if len(out) > wire.MaxDecompressedBatch {
			t.Fatalf("decompressed to %d bytes", len(out))
		}
		if err == nil {
			c := wire.CompressBatch(nil, out)
			back, err := wire.DecompressBatch(nil, c, wire.MaxDecompressedBatch)
			if err != nil || !bytes.Equal(back, out) {
				t.Fatalf("compression round trip: %v", err)
			}
		}
		c := wire.CompressBatch(nil, in)
		if back, err := wire.DecompressBatch(nil, c, len(in)); err != nil || !bytes.Equal(back, in) {
			t.Fatalf("compression of the input: %v", err)
		}
	})
}
