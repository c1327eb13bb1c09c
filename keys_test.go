package zenoh

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSampleKeysStable: the keys of samples, queued or direct, stay what they were once later
// publications arrived, whether they came on a key with a cached route (kept as is) or on a
// wildcard key (copied or interned out of the receive buffer).
func TestSampleKeysStable(t *testing.T) {
	a, b := pair(t)
	for _, direct := range []bool{false, true} {
		p := "ks" + map[bool]string{false: "q", true: "d"}[direct]
		keys := []string{p + "/a/x", p + "/*/x", p + "/b/y", p + "/**", p + "/a/x"}
		var mu sync.Mutex
		var got []string
		done := make(chan struct{})
		sub, err := a.DeclareSubscriber(p+"/**", func(s Sample) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, s.Key)
			if len(got) == len(keys) {
				close(done)
			}
		}, WithDirect(direct))
		must(t, err)
		pub, err := b.DeclarePublisher(p + "/a/x")
		must(t, err)
		waitFor(t, "the subscriber known", pub.Matching)
		pub.Close()
		for _, k := range keys {
			must(t, b.Put(context.Background(), k, []byte(k)))
		}
		select {
		case <-done:
		case <-time.After(testTimeout):
			t.Fatalf("direct %v: got %v", direct, got)
		}
		mu.Lock()
		if !slices.Equal(got, keys) {
			t.Fatalf("direct %v: keys %q, want %q", direct, got, keys)
		}
		mu.Unlock()
		sub.Close()
	}
}
