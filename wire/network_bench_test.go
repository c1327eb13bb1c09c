package wire

import (
	"strconv"
	"testing"
)

var netBenchSizes = []int{8, 1024, 64 * 1024}

func netBenchName(n int) string {
	if n >= 1024 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

// BenchmarkNetPushEncode encodes a Push of a Put into a reused buffer.
func BenchmarkNetPushEncode(b *testing.B) {
	for _, size := range netBenchSizes {
		b.Run(netBenchName(size), func(b *testing.B) {
			p := netSamplePush(make([]byte, size))
			buf := make([]byte, 0, p.Len())
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				var err error
				if buf, err = p.Append(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNetPushDecode decodes a Push of a Put in place into a reused NetworkMessage.
func BenchmarkNetPushDecode(b *testing.B) {
	for _, size := range netBenchSizes {
		b.Run(netBenchName(size), func(b *testing.B) {
			p := netSamplePush(make([]byte, size))
			enc, err := p.Append(nil)
			if err != nil {
				b.Fatal(err)
			}
			var m NetworkMessage
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := m.Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNetPushDecodeValue decodes through DecodeNetwork, which returns the whole union by value.
func BenchmarkNetPushDecodeValue(b *testing.B) {
	p := netSamplePush(make([]byte, 8))
	enc, err := p.Append(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := DecodeNetwork(enc); err != nil {
			b.Fatal(err)
		}
	}
}
