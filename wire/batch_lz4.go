package wire

// LZ4 block format, as lz4_flex::block writes and reads it for compressed batches: a sequence of
//
//	token    |lit_len:4|match_len-4:4|   a nibble of 15 continues in the bytes after it
//	[lit_len continuation]             bytes of 255 then one below 255, all added up
//	literals lit_len bytes
//	offset   u16 little-endian, 1..65535   (absent in the last sequence)
//	[match_len continuation]
//
// The last sequence holds only literals and ends the block. There is no frame and no size
// prefix. Mirrors io/zenoh-transport/src/common/batch.rs (compress, decompress).

const (
	lz4MinMatch     = 4
	lz4LastLiterals = 5  // the block always ends with at least this many literals
	lz4MFLimit      = 12 // no match starts within this many bytes of the end
	lz4MaxOffset    = 1<<16 - 1
	lz4HashLog      = 12
)

// DecompressBatch appends to dst what the LZ4 block src decompresses to and returns the extended
// slice. Output beyond limit bytes (MaxDecompressedBatch for a batch) fails with ErrLimit before
// it is written; malformed input fails with ErrTruncated or ErrInvalid. It allocates only when
// dst lacks capacity.
func DecompressBatch(dst, src []byte, limit int) ([]byte, error) {
	r := newRd(src, "LZ4Batch")
	base := len(dst)
	for {
		token, err := r.u8("token")
		if err != nil {
			return dst[:base], err
		}
		lit, err := r.lz4Len(int(token>>4), limit)
		if err != nil {
			return dst[:base], err
		}
		if len(dst)-base+lit > limit {
			return dst[:base], r.fail("literals", ErrLimit)
		}
		p, err := r.fixed("literals", lit)
		if err != nil {
			return dst[:base], err
		}
		dst = append(dst, p...)
		if r.left() == 0 {
			return dst, nil
		}
		at := r.off
		off, err := r.u16LE("offset")
		if err != nil {
			return dst[:base], err
		}
		if off == 0 || int(off) > len(dst)-base {
			r.off = at
			return dst[:base], r.fail("offset", ErrInvalid)
		}
		ml, err := r.lz4Len(int(token&15), limit)
		if err != nil {
			return dst[:base], err
		}
		ml += lz4MinMatch
		if len(dst)-base+ml > limit {
			return dst[:base], r.fail("match", ErrLimit)
		}
		// The match repeats the output from off bytes back; when it overlaps what it writes, the
		// source run (from `from` to the end) doubles with each copy.
		from := len(dst) - int(off)
		for ml > 0 {
			n := min(len(dst)-from, ml)
			dst = append(dst, dst[from:from+n]...)
			ml -= n
		}
	}
}

// lz4Len completes a 4-bit length: 15 continues with bytes that add up until one below 255.
func (r *rd) lz4Len(n, limit int) (int, error) {
	if n != 15 {
		return n, nil
	}
	for {
		c, err := r.u8("length")
		if err != nil {
			return 0, err
		}
		n += int(c)
		if n > limit+lz4MinMatch+15 {
			return 0, r.fail("length", ErrLimit)
		}
		if c != 255 {
			return n, nil
		}
	}
}

// CompressBatch appends the LZ4 block of src to dst and returns the extended slice. It is a
// simple greedy compressor (one hash probe per position), valid input for any LZ4 block
// decoder. A batch is at most MaxBatchSize bytes; longer input is compressed without matches
// beyond a 64 KiB window. It allocates only when dst lacks capacity.
func CompressBatch(dst, src []byte) []byte {
	var table [1 << lz4HashLog]int32 // position+1 of the last 4 bytes with each hash
	anchor := 0
	if len(src) > lz4MFLimit {
		for i := 0; i < len(src)-lz4MFLimit; {
			v := lz4Load(src, i)
			h := (v * 2654435761) >> (32 - lz4HashLog)
			cand := int(table[h]) - 1
			table[h] = int32(i + 1)
			if cand < 0 || i-cand > lz4MaxOffset || lz4Load(src, cand) != v {
				i++
				continue
			}
			ml := lz4MinMatch
			for i+ml < len(src)-lz4LastLiterals && src[cand+ml] == src[i+ml] {
				ml++
			}
			dst = lz4Sequence(dst, src[anchor:i], i-cand, ml)
			i += ml
			anchor = i
		}
	}
	return lz4Sequence(dst, src[anchor:], 0, 0)
}

func lz4Load(b []byte, i int) uint32 {
	return uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24
}

// lz4Sequence appends one sequence; ml 0 makes it the last (literals only).
func lz4Sequence(dst, lit []byte, off, ml int) []byte {
	tl := min(len(lit), 15)
	tm := 0
	if ml > 0 {
		tm = min(ml-lz4MinMatch, 15)
	}
	dst = append(dst, byte(tl<<4|tm))
	if tl == 15 {
		dst = lz4AppendLen(dst, len(lit)-15)
	}
	dst = append(dst, lit...)
	if ml == 0 {
		return dst
	}
	dst = append(dst, byte(off), byte(off>>8))
	if tm == 15 {
		dst = lz4AppendLen(dst, ml-lz4MinMatch-15)
	}
	return dst
}

func lz4AppendLen(dst []byte, n int) []byte {
	for ; n >= 255; n -= 255 {
		dst = append(dst, 255)
	}
	return append(dst, byte(n))
}
