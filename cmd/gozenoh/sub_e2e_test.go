package main

import (
	"context"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh"
)

// zMatchingPublisher declares a publisher on key and waits until a subscriber matches it.
func zMatchingPublisher(t *testing.T, s *zenoh.Session, key string) *zenoh.Publisher {
	t.Helper()
	pub, err := s.DeclarePublisher(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	zWaitFor(t, "a subscriber matching "+key, pub.Matching)
	return pub
}

func TestE2ESubJSON(t *testing.T) {
	s, ep := zTestSession(t)
	r := zStart(t, runSub, append([]string{"-k", "demo/**", "--json", "--count", "3"}, zConnectArgs(ep)...)...)
	ready := r.event(t, "ready")
	if ready["key"] != "demo/**" || ready["zid"] == "" {
		t.Fatalf("ready %v", ready)
	}
	pub := zMatchingPublisher(t, s, "demo/a")
	ctx := context.Background()
	if err := pub.Put(ctx, []byte("x"), zenoh.WithEncoding(zenoh.EncodingApplicationJSON), zenoh.WithAttachment([]byte{0xff})); err != nil {
		t.Fatal(err)
	}
	if err := pub.Put(ctx, []byte{0, 0xfe}); err != nil {
		t.Fatal(err)
	}
	if err := pub.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"event":"sample","kind":"put","key":"demo/a","payload":"x","encoding":"application/json","attachment_base64":"/w==","priority":"data","congestion_control":"drop","express":false}`,
		`{"event":"sample","kind":"put","key":"demo/a","payload_base64":"AP4=","encoding":"zenoh/bytes","priority":"data","congestion_control":"drop","express":false}`,
		`{"event":"sample","kind":"delete","key":"demo/a","payload":"","encoding":"zenoh/bytes","priority":"data","congestion_control":"drop","express":false}`,
	} {
		if got := r.line(t); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	if err := r.wait(t); err != nil { // --count 3 reached
		t.Fatal(err)
	}
	r.noMoreLines(t)
}

func TestE2ESubTextAndTimeout(t *testing.T) {
	s, ep := zTestSession(t)
	r := zStart(t, runSub, append([]string{"-k", "demo/**", "--count", "2", "--timeout", "30s"}, zConnectArgs(ep)...)...)
	pub := zMatchingPublisher(t, s, "demo/t")
	if err := pub.Put(context.Background(), []byte("hello"), zenoh.WithAttachment([]byte("meta"))); err != nil {
		t.Fatal(err)
	}
	if got, want := r.line(t), ">> [Subscriber] Received PUT ('demo/t': 'hello') (meta)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if e := r.errb.String(); !strings.Contains(e, "Declaring Subscriber on 'demo/**'...") {
		t.Errorf("stderr %q", e)
	}
	// CTRL-C before --count: a normal end.
	if err := r.stop(t); err != nil {
		t.Fatalf("interrupted: %v", err)
	}

	// --timeout before --count: exit 1 naming what was missing.
	code, _, errs := runCmd(t, "", append([]string{"sub", "-k", "nothing/here", "--count", "1", "--timeout", "200ms"}, zConnectArgs(zTestEndpoint(t))...)...)
	if code != 1 || !strings.Contains(errs, "gozenoh sub: timed out after 200ms: 0 of 1 samples") {
		t.Fatalf("timeout: exit %d, stderr %q", code, errs)
	}
}

// zTestEndpoint returns the endpoint of a fresh test session.
func zTestEndpoint(t *testing.T) string {
	_, ep := zTestSession(t)
	return ep
}
