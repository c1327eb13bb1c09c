package wire

import (
	"bytes"
	"errors"
	"testing"

	"pgregory.net/rapid"
)

func TestStreamFraming(t *testing.T) {
	// zenoh-wire-transport.md §6.3 / §10: a KeepAlive on TCP is 01 00 04; Close is 02 00 03 00.
	b, err := AppendStreamBatch(nil, trHex(t, "04"))
	if err != nil || !bytes.Equal(b, trHex(t, "01 00 04")) {
		t.Fatalf("AppendStreamBatch = %x, %v", b, err)
	}
	b, _ = AppendStreamBatch(b, trHex(t, "03 00"))
	b, _ = AppendStreamBatch(b, nil) // zero-length batches are valid after the handshake
	var got [][]byte
	for len(b) > 0 {
		batch, n, err := SplitStream(b)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, batch)
		b = b[n:]
	}
	if len(got) != 3 || !bytes.Equal(got[0], []byte{4}) || !bytes.Equal(got[1], []byte{3, 0}) || len(got[2]) != 0 {
		t.Fatalf("SplitStream gave %x", got)
	}
	// Incomplete input asks for more.
	for _, in := range []string{"", "05", "05 00 01 02 03 04"} {
		if _, n, err := SplitStream(trHex(t, in)); !errors.Is(err, ErrTruncated) || n != 0 {
			t.Errorf("SplitStream(%s) = %d, %v", in, n, err)
		}
	}
	if _, err := AppendStreamBatch(nil, make([]byte, MaxBatchSize+1)); !errors.Is(err, ErrEncode) {
		t.Fatalf("oversized batch: %v", err)
	}
	full := make([]byte, MaxBatchSize)
	b, err = AppendStreamBatch(nil, full)
	if err != nil || b[0] != 0xff || b[1] != 0xff {
		t.Fatalf("max batch: %x %v", b[:2], err)
	}
}

func TestBatchHeader(t *testing.T) {
	h, rest, err := SplitBatchHeader(trHex(t, capCompressionClose))
	if err != nil || h.Compressed() || !bytes.Equal(rest, trHex(t, capClose)) {
		t.Fatalf("uncompressed: %v %x %v", h, rest, err)
	}
	h, _, err = SplitBatchHeader(trHex(t, capCompressionPut1024))
	if err != nil || !h.Compressed() {
		t.Fatalf("compressed: %v %v", h, err)
	}
	if _, _, err := SplitBatchHeader(nil); !errors.Is(err, ErrTruncated) {
		t.Fatalf("empty: %v", err)
	}
}

// trCompressedFirstFragment is the captured compressed batch holding the first fragment of the
// 100000-byte put (zenoh 1.10.2 with compression on).
func trCompressedFirstFragment(t *testing.T) []byte {
	return append(append(trHex(t, "01ff01e6a985d877023d01022f7801a08d06ab0100"), bytes.Repeat([]byte{0xff}, 192)...), trHex(t, "9460abababababab")...)
}

func TestDecompressCaptured(t *testing.T) {
	// Captured from zenoh 1.10.2: the compressed batch of a 1024-byte put decompresses to the
	// same Frame the uncompressed session sent (SN and all).
	_, block, _ := SplitBatchHeader(trHex(t, capCompressionPut1024))
	out, err := DecompressBatch(nil, block, MaxDecompressedBatch)
	want := append(trHex(t, "25a885d8773d01022f78018008"), bytes.Repeat([]byte{0xab}, 1024)...)
	if err != nil || !bytes.Equal(out, want) {
		t.Fatalf("DecompressBatch = %s, %v", trShort(out), err)
	}
	// The first fragment of the 100000-byte put fills the batch: 49152 - 2 (prefix) - 1 (header).
	_, block, _ = SplitBatchHeader(trCompressedFirstFragment(t))
	out, err = DecompressBatch(nil, block, MaxDecompressedBatch)
	if err != nil || len(out) != 49149 {
		t.Fatalf("fragment: %d bytes, %v", len(out), err)
	}
	f, _, err := DecodeFragment(out)
	if err != nil || !f.More || !f.First || f.SN != 0x0ef602a9 || !bytes.HasPrefix(f.Payload, trHex(t, "3d01022f7801a08d06ab")) {
		t.Fatalf("fragment: %+v %v", f.FragmentHeader, err)
	}
	// A limit below the output size fails before writing past it.
	if _, err := DecompressBatch(nil, block, 1000); !errors.Is(err, ErrLimit) {
		t.Fatalf("limit: %v", err)
	}
}

func TestDecompressBad(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want error
	}{
		{"", ErrTruncated},
		{"30 61 62", ErrTruncated},  // 3 literals announced, 2 present
		{"14 61 00 00", ErrInvalid}, // offset 0
		{"14 61 02 00", ErrInvalid}, // offset beyond the output
		{"14 61 01", ErrTruncated},  // offset cut
		{"1f 61 01 00 ff ff", ErrTruncated},
		{"f0 ff ff ff", ErrTruncated},
	} {
		if _, err := DecompressBatch(nil, trHex(t, c.hex), MaxDecompressedBatch); !errors.Is(err, c.want) {
			t.Errorf("DecompressBatch(%s) = %v, want %v", c.hex, err, c.want)
		}
	}
	// A tiny block cannot expand past the limit.
	bomb := append(trHex(t, "1f 61 01 00"), bytes.Repeat([]byte{0xff}, 300)...)
	bomb = append(bomb, 0, 0x00)
	if _, err := DecompressBatch(nil, bomb, MaxDecompressedBatch); !errors.Is(err, ErrLimit) {
		t.Fatalf("bomb: %v", err)
	}
	// Overlapping matches repeat: "a" then 19 more copies of offset 1.
	out, err := DecompressBatch([]byte("x"), trHex(t, "1f 61 01 00 00 00"), 100)
	if err != nil || string(out) != "x"+string(bytes.Repeat([]byte("a"), 20)) {
		t.Fatalf("overlap: %q %v", out, err)
	}
}

func TestCompressRoundTrip(t *testing.T) {
	put := append(trHex(t, "25a885d8773d01022f78018008"), bytes.Repeat([]byte{0xab}, 1024)...)
	c := CompressBatch(nil, put)
	if len(c) >= len(put)/10 {
		t.Fatalf("1037 repetitive bytes compressed to %d", len(c))
	}
	rapid.Check(t, func(t *rapid.T) {
		alpha := rapid.SliceOfN(rapid.Byte(), 1, 4).Draw(t, "alpha")
		src := rapid.SliceOfN(rapid.SampledFrom(alpha), 0, 3000).Draw(t, "src")
		if rapid.Bool().Draw(t, "random") {
			src = rapid.SliceOfN(rapid.Byte(), 0, 3000).Draw(t, "rnd")
		}
		c := CompressBatch(nil, src)
		out, err := DecompressBatch(nil, c, MaxDecompressedBatch)
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("round trip of %d bytes: %v", len(src), err)
		}
		// LZ4's end rules, which strict decoders enforce: the block ends with at least 5
		// literals, and no match starts in the last 12 bytes.
		lastLit, lastMatchStart := trLZ4Tail(t, c)
		if lastLit < min(len(src), lz4LastLiterals) || (lastMatchStart >= 0 && lastMatchStart > len(src)-lz4MFLimit) {
			t.Fatalf("end rules: %d last literals, last match at %d of %d", lastLit, lastMatchStart, len(src))
		}
	})
}

// trLZ4Tail parses an LZ4 block and returns the literal count of its last sequence and where the
// last match starts in the output (-1 when there is none).
func trLZ4Tail(t *rapid.T, c []byte) (int, int) {
	i, out, lastMatch := 0, 0, -1
	rd := func(n int) int {
		if n != 15 {
			return n
		}
		for {
			v := int(c[i])
			i++
			n += v
			if v != 255 {
				return n
			}
		}
	}
	for {
		tok := c[i]
		i++
		lit := rd(int(tok >> 4))
		i += lit
		out += lit
		if i == len(c) {
			return lit, lastMatch
		}
		i += 2
		ml := rd(int(tok&15)) + lz4MinMatch
		lastMatch = out
		out += ml
	}
}
