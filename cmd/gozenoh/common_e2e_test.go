package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

// The end-to-end tests run the subcommands in-process against a Go session over loopback TCP
// (multicast off); the interop tests run the built binary against real Zenoh.

// zE2ETimeout bounds every wait of these tests.
const zE2ETimeout = 10 * time.Second

// zE2EMaxLines bounds the output lines a test keeps.
const zE2EMaxLines = 4096

// zLineSink is an io.Writer that hands each complete line to a channel.
type zLineSink struct {
	mu      sync.Mutex
	partial []byte
	lines   chan string
}

func newZLineSink() *zLineSink { return &zLineSink{lines: make(chan string, zE2EMaxLines)} }

// Write splits p into lines; lines beyond zE2EMaxLines are dropped.
func (s *zLineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case s.lines <- string(s.partial[:i]):
		default:
		}
		s.partial = s.partial[i+1:]
	}
}

// zLockedBuffer is a bytes.Buffer safe for concurrent use.
type zLockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *zLockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *zLockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// zRun is a subcommand running in-process.
type zRun struct {
	out    *zLineSink
	errb   *zLockedBuffer
	done   chan error
	cancel context.CancelFunc
	args   []string
}

// zStart runs fn with args in a goroutine; the test's cleanup cancels it (as CTRL-C would)
// and waits for it.
func zStart(t *testing.T, fn zCommand, args ...string) *zRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &zRun{out: newZLineSink(), errb: &zLockedBuffer{}, done: make(chan error, 1), cancel: cancel, args: args}
	go func() { r.done <- fn(ctx, args, strings.NewReader(""), r.out, r.errb) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(zE2ETimeout):
			t.Errorf("%v did not end when cancelled", args)
		}
		if t.Failed() {
			t.Logf("%v stderr:\n%s", args, r.errb.String())
		}
	})
	return r
}

// line returns the next stdout line.
func (r *zRun) line(t *testing.T) string {
	t.Helper()
	select {
	case l := <-r.out.lines:
		return l
	case err := <-r.done:
		r.done <- err
		select { // the last lines may have been written just before the end
		case l := <-r.out.lines:
			return l
		default:
		}
		t.Fatalf("%v ended (%v) before printing the expected line; stderr:\n%s", r.args, err, r.errb.String())
	case <-time.After(zE2ETimeout):
		t.Fatalf("%v printed no line in %v; stderr:\n%s", r.args, zE2ETimeout, r.errb.String())
	}
	return ""
}

// anyEvent returns the next stdout line decoded as a JSON object.
func (r *zRun) anyEvent(t *testing.T) map[string]any {
	t.Helper()
	l := r.line(t)
	var m map[string]any
	if err := json.Unmarshal([]byte(l), &m); err != nil {
		t.Fatalf("line %q is not a JSON object: %v", l, err)
	}
	return m
}

// event returns the next stdout line decoded as a JSON object, and checks its "event".
func (r *zRun) event(t *testing.T, want string) map[string]any {
	t.Helper()
	m := r.anyEvent(t)
	if m["event"] != want {
		t.Fatalf("line %v: want event %q", m, want)
	}
	return m
}

// wait waits for the command to end by itself and returns its result.
func (r *zRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(zE2ETimeout):
		t.Fatalf("%v still running after %v; stderr:\n%s", r.args, zE2ETimeout, r.errb.String())
	}
	return nil
}

// stop cancels the command (CTRL-C) and returns its result.
func (r *zRun) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	return r.wait(t)
}

// noMoreLines checks that the command printed nothing else.
func (r *zRun) noMoreLines(t *testing.T) {
	t.Helper()
	select {
	case l := <-r.out.lines:
		t.Fatalf("unexpected line %q", l)
	default:
	}
}

// zTestSession opens a peer that listens on a free loopback port, multicast scouting off, and
// returns it with its endpoint.
func zTestSession(t *testing.T) (*zenoh.Session, string) {
	t.Helper()
	cfg := zenoh.DefaultConfig()
	for k, v := range map[string]string{"scouting/multicast/enabled": "false", "listen/endpoints": `["tcp/127.0.0.1:0"]`} {
		if err := cfg.Insert(k, v); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), zE2ETimeout)
	defer cancel()
	s, err := zenoh.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	locs := s.Info().Locators
	if len(locs) == 0 {
		t.Fatal("the test session has no locator")
	}
	return s, locs[0]
}

// zConnectArgs are the flags that connect a command to the test session only.
func zConnectArgs(ep string) []string {
	return []string{"-e", ep, "--no-multicast-scouting", "-l", "tcp/127.0.0.1:0"}
}

// zWaitFor polls cond (every millisecond, for at most zE2ETimeout).
func zWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(zE2ETimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// zRecvSample receives the next sample of a channel subscriber.
func zRecvSample(t *testing.T, sub *zenoh.ChanSubscriber) zenoh.Sample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), zE2ETimeout)
	defer cancel()
	s, err := sub.Recv(ctx)
	if err != nil {
		t.Fatalf("no sample on %s: %v", sub.Key(), err)
	}
	return s
}
