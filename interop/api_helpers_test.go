package interop

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// Helpers of the TestAPI… tests: Go sessions of the public API talking to real Zenoh.

// apiConfig returns a Go configuration of mode ("peer" or "client") with multicast scouting
// off, listening on a free loopback port (peers) and connecting to connect.
func apiConfig(t testing.TB, mode string, connect ...string) zenoh.Config {
	t.Helper()
	cfg := zenoh.DefaultConfig()
	apiMust(t, cfg.Insert("mode", `"`+mode+`"`))
	apiMust(t, cfg.Insert("scouting/multicast/enabled", "false"))
	listen := `["tcp/127.0.0.1:0"]`
	if mode == "client" {
		listen = `[]`
	}
	apiMust(t, cfg.Insert("listen/endpoints", listen))
	if len(connect) > 0 {
		apiMust(t, cfg.Insert("connect/endpoints", `["`+strings.Join(connect, `","`)+`"]`))
	}
	return cfg
}

func apiMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// apiOpen opens a Go session closed at the end of the test. GOZENOH_API_DEBUG=1 logs it.
func apiOpen(t testing.TB, cfg zenoh.Config) *zenoh.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	var opts []zenoh.OpenOption
	if os.Getenv("GOZENOH_API_DEBUG") != "" {
		opts = append(opts, zenoh.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	s, err := zenoh.Open(ctx, cfg, opts...)
	if err != nil {
		t.Fatalf("zenoh.Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// apiWait polls cond until it holds, failing the test after DefaultTimeout.
func apiWait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(DefaultTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// apiWaitMatching waits until the Go session knows a subscriber matching key.
func apiWaitMatching(t testing.TB, s *zenoh.Session, key string) {
	t.Helper()
	pub, err := s.DeclarePublisher(key)
	apiMust(t, err)
	defer pub.Close()
	apiWait(t, "a subscriber matching "+key, pub.Matching)
}

// apiSamples collects owned copies of the samples of a Go subscriber.
type apiSamples struct {
	mu  sync.Mutex
	s   []zenoh.Sample
	new chan struct{}
}

func newAPISamples() *apiSamples { return &apiSamples{new: make(chan struct{}, 1)} }

func (c *apiSamples) add(s zenoh.Sample) {
	c.mu.Lock()
	c.s = append(c.s, s.Clone())
	c.mu.Unlock()
	select {
	case c.new <- struct{}{}:
	default:
	}
}

// wait waits until n samples arrived and returns them.
func (c *apiSamples) wait(t testing.TB, n int) []zenoh.Sample {
	t.Helper()
	deadline := time.NewTimer(DefaultTimeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if len(c.s) >= n {
			out := append([]zenoh.Sample(nil), c.s...)
			c.mu.Unlock()
			return out
		}
		have := len(c.s)
		c.mu.Unlock()
		select {
		case <-c.new:
		case <-deadline.C:
			t.Fatalf("got %d samples, want %d", have, n)
		}
	}
}

// apiGet runs a Go Get to completion and returns its replies and errors.
func apiGet(t testing.TB, s *zenoh.Session, selector string, opts ...zenoh.GetOption) ([]zenoh.Reply, []error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*DefaultTimeout)
	defer cancel()
	var rs []zenoh.Reply
	var errs []error
	for r, err := range s.Get(ctx, selector, opts...) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rs = append(rs, r)
	}
	return rs, errs
}
