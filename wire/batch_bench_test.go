package wire

import (
	"strconv"
	"testing"
)

// trFullFrameBatch returns a batch (at most MaxBatchSize-2 bytes, what a TCP link carries) of one
// reliable Frame holding as many Push/Put of size payload bytes as fit, and the message count.
func trFullFrameBatch(b testing.TB, size, limit int) ([]byte, int) {
	put := trPushPut(size)
	p := trEncodeNet(b, &put)
	batch := []byte{0x25, 0x80, 0x01}
	n := 0
	for len(batch)+len(p) <= limit {
		batch = append(batch, p...)
		n++
	}
	return batch, n
}

func BenchmarkBatchIterPushPut(b *testing.B) {
	for _, size := range []int{8, 1024} {
		for _, full := range []bool{false, true} {
			limit := 0
			name := strconv.Itoa(size) + "B/1msg"
			if full {
				limit = MaxBatchSize - StreamPrefixLen
				name = strconv.Itoa(size) + "B/fullbatch"
			}
			b.Run(name, func(b *testing.B) {
				batch, n := trFullFrameBatch(b, size, max(limit, 3+size+20))
				var it BatchIter
				b.SetBytes(int64(len(batch)))
				b.ReportAllocs()
				for b.Loop() {
					it.Reset(batch)
					for k := it.Next(); k != BatchDone; k = it.Next() {
					}
					if it.Err() != nil {
						b.Fatal(it.Err())
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
			})
		}
	}
	// 64 KiB does not fit a batch (65535 bytes at most, 65533 on TCP): Rust fragments it. This
	// measures walking one full-size Fragment batch (the header; the payload is aliased) and
	// then decoding the reassembled 64 KiB Push/Put.
	b.Run("64KiB/fragment", func(b *testing.B) {
		batch := append([]byte{0x66, 0x80, 0x01}, make([]byte, MaxBatchSize-StreamPrefixLen-3)...)
		var it BatchIter
		b.SetBytes(int64(len(batch)))
		b.ReportAllocs()
		for b.Loop() {
			it.Reset(batch)
			for k := it.Next(); k != BatchDone; k = it.Next() {
			}
		}
	})
	b.Run("64KiB/reassembled", func(b *testing.B) {
		put := trPushPut(64 << 10)
		msg := trEncodeNet(b, &put)
		var nm NetworkMessage
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := nm.Decode(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeTransportFrame(b *testing.B) {
	for _, size := range []int{8, 1024} {
		b.Run(strconv.Itoa(size)+"B", func(b *testing.B) {
			batch, _ := trFullFrameBatch(b, size, 3+size+20)
			var m TransportMessage
			b.SetBytes(int64(len(batch)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeTransportInto(batch, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBatchWriterPushPut(b *testing.B) {
	for _, size := range []int{8, 1024} {
		b.Run(strconv.Itoa(size)+"B/fullbatch", func(b *testing.B) {
			put := trPushPut(size)
			cfg := BatchConfig{Size: MaxBatchSize, Streamed: true}
			w := NewBatchWriter(make([]byte, 0, cfg.Size), cfg)
			h := FrameHeader{Reliability: Reliable}
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				w.Clear()
				h.SN++
				if err := w.AppendFrame(&h, &put); err != nil {
					b.Fatal(err)
				}
				n++
				for w.AppendNetwork(&put, Reliable, TransportQoSDefault) == nil {
					n++
				}
				_ = w.Bytes()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/msg")
		})
	}
}

func BenchmarkSplitStream(b *testing.B) {
	stream, _ := AppendStreamBatch(nil, make([]byte, 1000))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := SplitStream(stream); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLZ4(b *testing.B) {
	batch, _ := trFullFrameBatch(b, 1024, MaxBatchSize-StreamPrefixLen-1)
	comp := CompressBatch(nil, batch)
	b.Run("compress", func(b *testing.B) {
		dst := make([]byte, 0, MaxBatchSize+MaxBatchSize/255+16)
		b.SetBytes(int64(len(batch)))
		b.ReportAllocs()
		for b.Loop() {
			dst = CompressBatch(dst[:0], batch)
		}
	})
	b.Run("decompress", func(b *testing.B) {
		dst := make([]byte, 0, MaxBatchSize)
		b.SetBytes(int64(len(batch)))
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if dst, err = DecompressBatch(dst[:0], comp, MaxDecompressedBatch); err != nil {
				b.Fatal(err)
			}
		}
	})
}
