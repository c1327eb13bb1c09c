package session

import (
	"runtime"
	"testing"
)

// TestGetg: a goroutine's token is stable across calls (and stack growth), and differs from
// every other live goroutine's.
func TestGetg(t *testing.T) {
	me := getg()
	if me == 0 {
		if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" {
			t.Fatal("getg returned 0")
		}
		t.Skip("getg is not read on " + runtime.GOARCH)
	}
	var grow func(int) uintptr
	grow = func(n int) uintptr {
		var pad [256]byte
		if n == 0 {
			return getg() + uintptr(pad[0])
		}
		return grow(n - 1)
	}
	if g := grow(200); g != me {
		t.Fatalf("token changed after the stack grew: %#x, was %#x", g, me)
	}
	const n = 50
	tokens := make(chan uintptr, n)
	release := make(chan struct{})
	for range n {
		go func() {
			tokens <- getg()
			<-release // all alive at once
		}()
	}
	seen := map[uintptr]bool{me: true}
	for range n {
		g := <-tokens
		if seen[g] {
			t.Fatalf("two live goroutines share token %#x", g)
		}
		seen[g] = true
	}
	close(release)
}
