package zenoh

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// testTimeout bounds every wait of the tests.
const testTimeout = 10 * time.Second

// testConfig returns a peer configuration with multicast scouting off that listens on a free
// loopback port and connects to connect.
func testConfig(t testing.TB, connect ...string) Config {
	t.Helper()
	cfg := DefaultConfig()
	must(t, cfg.Insert("scouting/multicast/enabled", "false"))
	must(t, cfg.Insert("listen/endpoints", `["tcp/127.0.0.1:0"]`))
	if len(connect) > 0 {
		must(t, cfg.Insert("connect/endpoints", `["`+strings.Join(connect, `","`)+`"]`))
	}
	return cfg
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openTest opens a session closed at the end of the test.
func openTest(t testing.TB, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pair opens two peers, b connected to a, and waits until each sees the other.
func pair(t testing.TB) (a, b *Session) {
	t.Helper()
	a = openTest(t, testConfig(t))
	b = openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "a and b connected", func() bool {
		return len(a.Info().Peers) == 1 && len(b.Info().Peers) == 1
	})
	return a, b
}

// waitFor polls cond until it holds, failing the test after testTimeout.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// recv receives from ch within testTimeout.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// checkNoLeak fails the test if goroutines started during it are still running after Close
// (given a moment to exit), listing their stacks.
func checkNoLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("goroutine leak: %d > %d\n%s", runtime.NumGoroutine(), before, buf[:n])
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

var _ = fmt.Sprintf

// peerWithClients opens a peer and two clients connected to it (listening nowhere).
func peerWithClients(t testing.TB) (p, c1, c2 *Session) {
	t.Helper()
	p = openTest(t, testConfig(t))
	ccfg := testConfig(t, p.Info().Locators[0])
	must(t, ccfg.Insert("mode", `"client"`))
	must(t, ccfg.Insert("listen/endpoints", `[]`))
	return p, openTest(t, ccfg), openTest(t, ccfg)
}
