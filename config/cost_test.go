package config

import (
	"runtime"
	"strings"
	"testing"
)

// hostileDocs are documents built to make a parser slow: long keys above many values, deep
// nesting, many unknown or duplicate keys, many bare words.
func hostileDocs() map[string]string {
	long := strings.Repeat("k", MaxStringLength-10)
	return map[string]string{
		"long key above many values": "{metadata: {" + long + ": [" + strings.Repeat("1,", 60000) + "]}}",
		"deep long keys":             "{metadata: " + strings.Repeat("{"+strings.Repeat("k", 15000)+": ", 60) + "1" + strings.Repeat("}", 60) + "}",
		"many unknown keys":          "{" + strings.Repeat("zz: 1,", 60000) + "}",
		"many duplicate keys":        "{metadata: {" + strings.Repeat("a: 1,", 60000) + "}}",
		"many bare words":            "{metadata: [" + strings.Repeat("abc,", 60000) + "]}",
		"deepest nesting":            "{plugins: " + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + "}",
		"many endpoints":             "{connect: {endpoints: {router: [" + strings.Repeat(`"tcp/127.0.0.1:7447?a=1;b=2",`, MaxEndpoints) + "]}}}",
		"unterminated comment":       "{" + strings.Repeat(" ", MaxDocumentSize-10) + "/*",
	}
}

// TestConfigBoundedCost checks that the memory Parse allocates is proportional to the document,
// whatever its shape (a parsed value takes about 100 bytes, so small values cost ~50x their text).
func TestConfigBoundedCost(t *testing.T) {
	for name, doc := range hostileDocs() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, _ = Parse([]byte(doc))
		runtime.ReadMemStats(&after)
		if used, limit := after.TotalAlloc-before.TotalAlloc, uint64(128*len(doc)+(4<<20)); used > limit {
			t.Errorf("%s: %d bytes of input allocated %d bytes, more than %d", name, len(doc), used, limit)
		}
	}
}

func BenchmarkConfigParseDefault(b *testing.B) {
	doc, _ := DefaultConfig().MarshalJSON5()
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConfigParseStalwart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse([]byte(stalwartExample)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConfigParseHostile(b *testing.B) {
	for name, doc := range hostileDocs() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				_, _, _ = Parse([]byte(doc))
			}
		})
	}
}

func BenchmarkConfigKeepAliveInterval(b *testing.B) {
	c := DefaultConfig()
	b.ReportAllocs()
	var sink int64
	for b.Loop() {
		sink += int64(c.Transport.Link.TX.KeepAliveInterval())
	}
	_ = sink
}
