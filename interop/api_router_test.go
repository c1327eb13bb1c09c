package interop

import (
	"context"
	"fmt"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// TestAPIRouter: a Go peer and a Go client connected to a real Zenoh router exchange data and
// queries with a real client behind the router, in both directions.
func TestAPIRouter(t *testing.T) {
	router := StartPeer(t, PeerOptions{Mode: "router", Listen: []string{Endpoint(0)}})
	rc := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	gp := apiOpen(t, apiConfig(t, "peer", router.Locator()))
	gc := apiOpen(t, apiConfig(t, "client", router.Locator()))
	if in := gp.Info(); len(in.Routers) != 1 {
		t.Fatalf("Go peer: %+v", in)
	}
	if in := gc.Info(); in.WhatAmI != zenoh.WhatAmIClient || len(in.Routers) != 1 {
		t.Fatalf("Go client: %+v", in)
	}
	apiMust(t, rc.Sub("r/**"))
	fromP, fromC := newAPISamples(), newAPISamples()
	subP, err := gp.DeclareSubscriber("r/**", fromP.add)
	apiMust(t, err)
	defer subP.Close()
	subC, err := gc.DeclareSubscriber("r/**", fromC.add)
	apiMust(t, err)
	defer subC.Close()

	// Rust client → router → Go peer and Go client. The router learns the Go subscribers
	// asynchronously: publish until both got one.
	apiMust(t, rc.WaitMatching("r/rust", "sub"))
	deadline := time.Now().Add(DefaultTimeout)
	for i := 0; len(fromP.wait(t, 0)) == 0 || len(fromC.wait(t, 0)) == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("Rust client's data did not reach both Go nodes: peer %d, client %d", len(fromP.wait(t, 0)), len(fromC.wait(t, 0)))
		}
		apiMust(t, rc.Put("r/rust", []byte(fmt.Sprint("from rust ", i)), Opts{"encoding": "text/plain"}))
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []*apiSamples{fromP, fromC} {
		if s := c.wait(t, 1)[0]; s.Key != "r/rust" || s.Encoding != zenoh.EncodingTextPlain {
			t.Errorf("sample from Rust: %+v", s)
		}
	}

	// Go peer and Go client → router → Rust client (and each other).
	ctx := context.Background()
	apiMust(t, gp.Put(ctx, "r/gopeer", []byte("from go peer"), zenoh.WithAttachment([]byte("p"))))
	apiMust(t, gc.Put(ctx, "r/goclient", []byte("from go client"), zenoh.WithAttachment([]byte("c"))))
	for _, k := range []string{"r/gopeer", "r/goclient"} {
		e, err := rc.WaitSample(k, DefaultTimeout)
		if err != nil {
			t.Fatalf("%s at the Rust client: %v", k, err)
		}
		if e.Text != "from "+map[string]string{"r/gopeer": "go peer", "r/goclient": "go client"}[k] {
			t.Errorf("%s: %v", k, e)
		}
	}
	apiWait(t, "Go client's data at the Go peer", func() bool {
		for _, s := range fromP.wait(t, 0) {
			if s.Key == "r/goclient" && string(s.Attachment) == "c" {
				return true
			}
		}
		return false
	})
	apiWait(t, "Go peer's data at the Go client", func() bool {
		for _, s := range fromC.wait(t, 0) {
			if s.Key == "r/gopeer" && string(s.Attachment) == "p" {
				return true
			}
		}
		return false
	})

	// Queries through the router, both ways.
	apiMust(t, rc.Queryable("rq/rust", Opts{"reply": "rust answer"}))
	for _, g := range []*zenoh.Session{gp, gc} {
		apiWait(t, "reply from the Rust client", func() bool {
			rs, _ := apiGet(t, g, "rq/rust")
			return len(rs) == 1 && string(rs[0].Sample.Payload) == "rust answer"
		})
	}
	qc, err := gc.DeclareQueryable("rq/goclient", func(q *zenoh.Query) { apiMust(t, q.Reply("rq/goclient", []byte("go answer"))) })
	apiMust(t, err)
	defer qc.Close()
	apiMust(t, rc.WaitMatchingQueryable("rq/goclient"))
	evs, err := rc.Get("rq/goclient", nil)
	apiMust(t, err)
	if len(evs) != 1 || !evs[0].OK || evs[0].Text != "go answer" {
		t.Fatalf("Rust client's get: %v", evs)
	}
}
