package bench

import (
	"context"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// benchTimeout bounds every wait of the benchmarks.
const benchTimeout = 60 * time.Second

// peerConfig is a peer with multicast scouting off, listening on a free loopback port and
// connecting to connect (if not empty).
func peerConfig(tb testing.TB, connect string) zenoh.Config {
	tb.Helper()
	cfg := zenoh.DefaultConfig()
	must(tb, cfg.Insert("scouting/multicast/enabled", "false"))
	must(tb, cfg.Insert("listen/endpoints", `["tcp/127.0.0.1:0"]`))
	if connect != "" {
		must(tb, cfg.Insert("connect/endpoints", `["`+connect+`"]`))
	}
	return cfg
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// open opens a session closed when the benchmark ends.
func open(tb testing.TB, cfg zenoh.Config) *zenoh.Session {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	s, err := zenoh.Open(ctx, cfg)
	must(tb, err)
	tb.Cleanup(func() { s.Close() })
	return s
}

// goPair opens two connected Go peers.
func goPair(tb testing.TB) (a, b *zenoh.Session) {
	tb.Helper()
	a = open(tb, peerConfig(tb, ""))
	b = open(tb, peerConfig(tb, a.Info().Locators[0]))
	deadline := time.Now().Add(benchTimeout)
	for len(a.Info().Peers) == 0 || len(b.Info().Peers) == 0 {
		if time.Now().After(deadline) {
			tb.Fatal("peers did not connect")
		}
		time.Sleep(time.Millisecond)
	}
	return a, b
}
