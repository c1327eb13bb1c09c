package session

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"
)

func countFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// TestNoLeaks opens and closes 1000 transports over loopback TCP (alternately gracefully,
// abruptly and from the other side), then closes both managers: every goroutine and file
// descriptor they used is released.
func TestNoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 TCP cycles")
	}
	g0, fd0 := runtime.NumGoroutine(), countFDs(t)
	cfgA := DefaultConfig()
	cfgA.Listen = []string{"tcp/127.0.0.1:0"}
	recA := newRecorder()
	recA.ups = make(chan *Transport, 2000)
	recA.downs = make(chan error, 2000)
	a, err := NewManager(cfgA, recA)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	loc := a.Locators()[0]
	recB := newRecorder()
	recB.ups = make(chan *Transport, 2000)
	recB.downs = make(chan error, 2000)
	b, err := NewManager(DefaultConfig(), recB)
	if err != nil {
		t.Fatal(err)
	}
	const cycles = 1000
	for i := range cycles {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		tr, err := b.Open(ctx, loc)
		cancel()
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		ta := <-recA.ups
		switch i % 3 {
		case 0:
			tr.Close()
		case 1:
			tr.Abort()
			<-tr.Done()
		case 2:
			ta.Close()
			<-tr.Done()
		}
		<-ta.Done()
		// Both sides are gone before the next cycle: one transport at a time.
		if n := len(a.Transports()) + len(b.Transports()); n != 0 {
			t.Fatalf("cycle %d: %d transports left", i, n)
		}
	}
	if len(recA.downs) != cycles || len(recB.downs) != cycles {
		t.Fatalf("downs %d/%d", len(recA.downs), len(recB.downs))
	}
	// A manager closed with a live transport releases it too.
	if _, err := b.Open(context.Background(), loc); err != nil {
		t.Fatal(err)
	}
	b.Close()
	a.Close()
	// A goroutine that has signalled its end may still be on its way out: allow it a moment,
	// as leak checkers do (bounded: a real leak still fails).
	g, fd := runtime.NumGoroutine(), countFDs(t)
	for deadline := time.Now().Add(2 * time.Second); (g > g0 || fd > fd0) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		g, fd = runtime.NumGoroutine(), countFDs(t)
	}
	if g > g0 || fd > fd0 {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines %d → %d, fds %d → %d\n%s", g0, g, fd0, fd, buf[:runtime.Stack(buf, true)])
	}
}
