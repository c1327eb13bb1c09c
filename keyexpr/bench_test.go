package keyexpr

import (
	"fmt"
	"testing"
)

func BenchmarkIntersects(b *testing.B) {
	for _, p := range hotKeys {
		k1, k2 := mustNew(b, p[0]), mustNew(b, p[1])
		b.Run(p[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k1.Intersects(k2)
			}
		})
	}
}

func BenchmarkIncludes(b *testing.B) {
	for _, p := range hotKeys {
		k1, k2 := mustNew(b, p[0]), mustNew(b, p[1])
		b.Run(p[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k2.Includes(k1)
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New("stalwart/cluster/ev/node-12/mailbox"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAutocanonize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Autocanonize("stalwart/**/**/*/$*$*/mailbox"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdversarialDoubleStar matches 500 "**" against a 40-chunk key, a case that Zenoh's
// backtracking cannot finish: "**/a/…/**/b", which the trailing chunks decide, and
// "**/a/…/**/a/**", which runs the whole programme.
func BenchmarkAdversarialDoubleStar(b *testing.B) {
	x, y := adversarialPair(500, 40)
	ox, oy := adversarialOpen(500, 40)
	b.Run("open/intersects", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			IntersectsString(ox, oy)
		}
	})
	b.Run("open/includes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			IncludesString(ox, oy)
		}
	})
	b.Run("intersects", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			IntersectsString(x, y)
		}
	})
	b.Run("includes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			IncludesString(x, y)
		}
	})
	b.Run("open/index", func(b *testing.B) {
		var idx Index[int]
		if _, err := idx.Insert(mustNew(b, ox), 1); err != nil {
			b.Fatal(err)
		}
		q := mustNew(b, oy)
		buf := make([]int, 0, 1)
		b.ReportAllocs()
		for b.Loop() {
			buf = idx.AppendMatch(buf[:0], q)
		}
	})
}

// BenchmarkWorstCase runs the pairs of long keys that no shortcut decides, at MaxKeyLen and at
// 256 bytes (the limit proposed for the mail cluster).
func BenchmarkWorstCase(b *testing.B) {
	for _, size := range []int{MaxKeyLen, 256} {
		for i, p := range worstPairs(size) {
			b.Run(fmt.Sprintf("%dB/%d", size, i), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					IntersectsString(p[0], p[1])
				}
			})
		}
	}
}

// subscriptionKeys returns n mail-cluster subscriptions: concrete per-node keys
// "stalwart/cluster/<domain>/node-<i/4>/<leaf>", and, for one i in 100, a per-node wildcard
// "stalwart/cluster/*/node-<i/4>/**"; for one i in 1,000, a whole-domain
// "stalwart/cluster/ev/**" (the same key again and again, as many subscribers would).
func subscriptionKeys(n int) []string {
	domains := []string{"ev", "mbx", "queue", "dav"}
	leaves := []string{"mailbox", "flags", "quota", "push"}
	keys := make([]string, n)
	for i := range keys {
		switch {
		case i%100 == 7:
			keys[i] = fmt.Sprintf("stalwart/cluster/*/node-%d/**", i/4)
		case i%1000 == 40:
			keys[i] = "stalwart/cluster/ev/**"
		default:
			keys[i] = fmt.Sprintf("stalwart/cluster/%s/node-%d/%s", domains[i%4], i/4, leaves[(i/16)%4])
		}
	}
	return keys
}

func BenchmarkIndexMatch(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		var idx Index[int]
		for i, k := range subscriptionKeys(n) {
			if _, err := idx.Insert(mustNew(b, k), i); err != nil {
				b.Fatal(err)
			}
		}
		for _, q := range []string{"stalwart/cluster/ev/node-1/mailbox", "stalwart/cluster/dav/node-1$*/flags"} {
			k := mustNew(b, q)
			buf := idx.AppendMatch(nil, k)
			b.Run(fmt.Sprintf("subs=%d/%s/matches=%d", n, q, len(buf)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					buf = idx.AppendMatch(buf[:0], k)
				}
			})
		}
	}
}
