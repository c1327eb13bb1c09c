package zenoh

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
)

// TestCloseReleasesEverything: after Close, no goroutine of the session (transports,
// listeners, scouting, subscribers, queryables, listeners) is left.
func TestCloseReleasesEverything(t *testing.T) {
	checkNoLeak(t)
	ctx := context.Background()
	a := openTest(t, testConfig(t))
	b := openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "connected", func() bool { return len(a.Info().Peers) == 1 })
	sub, err := a.DeclareSubscriber("l/**", func(Sample) {})
	must(t, err)
	_, err = a.DeclareSubscriberChan("l/**", 4, DropOldest)
	must(t, err)
	_, err = a.DeclareQueryable("l/q", func(q *Query) { _ = q.Reply("l/q", nil) })
	must(t, err)
	_, err = a.Liveliness().DeclareToken("l/t")
	must(t, err)
	_, err = b.Liveliness().DeclareSubscriber("l/**", func(Sample) {}, WithHistory(true))
	must(t, err)
	pub, err := b.DeclarePublisher("l/x")
	must(t, err)
	_, err = pub.WatchMatching(func(bool) {})
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	must(t, pub.Put(ctx, []byte("x")))
	for range b.Get(ctx, "l/q") {
	}
	// A third peer with multicast scouting (on lo, in a group of its own) and gossip.
	ccfg := testConfig(t)
	must(t, ccfg.Insert("scouting/multicast/enabled", "true"))
	must(t, ccfg.Insert("scouting/multicast/interface", `"lo"`))
	must(t, ccfg.Insert("scouting/multicast/address", `"224.0.0.224:`+freeUDPPort(t)+`"`))
	must(t, ccfg.Insert("scouting/delay", "50"))
	c := openTest(t, ccfg)
	must(t, sub.Close())
	must(t, c.Close())
	must(t, b.Close())
	must(t, a.Close())
	must(t, a.Close()) // idempotent
	if err := a.Put(ctx, "l/x", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after Close: %v", err)
	}
	if _, err := a.DeclareSubscriber("l/**", func(Sample) {}); !errors.Is(err, ErrClosed) {
		t.Fatalf("DeclareSubscriber after Close: %v", err)
	}
	for _, err := range a.Get(ctx, "l/q") {
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Get after Close: %v", err)
		}
	}
}

// TestCloseFromCallback: a callback may close its subscriber and its session.
func TestCloseFromCallback(t *testing.T) {
	checkNoLeak(t)
	a, b := pair(t)
	done := make(chan struct{})
	var sub *Subscriber
	ready := make(chan struct{})
	sub, err := a.DeclareSubscriber("cb/**", func(Sample) {
		<-ready
		must(t, sub.Close())
		must(t, a.Close())
		close(done)
	})
	must(t, err)
	close(ready)
	pub, err := b.DeclarePublisher("cb/x")
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	must(t, pub.Put(context.Background(), nil))
	recv(t, done, "close from the callback")
	must(t, b.Close())
}

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cfg := testConfig(t)
	must(t, cfg.Insert("mode", `"router"`))
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrUnsupported) {
		t.Errorf("router mode: %v", err)
	}
	cfg = testConfig(t)
	must(t, cfg.Insert("mode", `"client"`))
	must(t, cfg.Insert("listen/endpoints", `[]`))
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("client without endpoints nor scouting: %v", err)
	}
	must(t, cfg.Insert("connect/endpoints", `["tcp/127.0.0.1:1"]`))
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrConnect) {
		t.Errorf("client that cannot connect: %v", err)
	}
	cfg = testConfig(t)
	must(t, cfg.Insert("listen/endpoints", `["bogus/x"]`))
	if _, err := Open(ctx, cfg); err == nil {
		t.Errorf("listen on an unsupported protocol: no error")
	}
	cfg = testConfig(t)
	cfg.ID = "zz"
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("bad id: %v", err)
	}
}

// TestPeerRedials: a peer that loses its connection dials the endpoint again.
func TestPeerRedials(t *testing.T) {
	a := openTest(t, testConfig(t))
	loc := a.Info().Locators[0]
	cfg := testConfig(t, loc)
	must(t, cfg.Insert("connect/retry/period_init_ms", "50"))
	b := openTest(t, cfg)
	waitFor(t, "connected", func() bool { return len(b.Info().Peers) == 1 })
	for _, tr := range a.mgr.Transports() {
		tr.Abort()
	}
	waitFor(t, "reconnected", func() bool {
		st := a.Stats().Transport
		return st.TransportsOpened >= 2 && st.Transports == 1
	})
	_ = time.Second
}

// TestClientMode: a client connected to a peer publishes to and subscribes from another
// client of that peer... and from the peer itself.
func TestClientMode(t *testing.T) {
	p, c1, c2 := peerWithClients(t)
	if c1.Mode() != WhatAmIClient || len(c1.Info().Peers) != 1 {
		t.Fatalf("client info %+v", c1.Info())
	}
	waitFor(t, "clients connected", func() bool { return len(p.Info().Clients) == 2 })
	got := newCollector()
	sub, err := c2.DeclareSubscriber("cl/**", got.add)
	must(t, err)
	defer sub.Close()
	fromPeer := newCollector()
	psub, err := p.DeclareSubscriber("cl/**", fromPeer.add)
	must(t, err)
	defer psub.Close()
	pub, err := c1.DeclarePublisher("cl/a")
	must(t, err)
	waitFor(t, "c2's subscriber known at the peer", func() bool {
		return p.rt.Stats().Declarations >= 1
	})
	deadline := time.Now().Add(testTimeout)
	for got.count() == 0 && time.Now().Before(deadline) {
		must(t, pub.Put(context.Background(), []byte("hi")))
		time.Sleep(10 * time.Millisecond)
	}
	if s := got.wait(t, 1)[0]; s.Key != "cl/a" || string(s.Payload) != "hi" {
		t.Fatalf("client to client: %+v", s)
	}
	fromPeer.wait(t, 1)
	q, err := c2.DeclareQueryable("cl/q", func(q *Query) { must(t, q.Reply("cl/q", []byte("answer"))) })
	must(t, err)
	defer q.Close()
	waitFor(t, "reply through the peer", func() bool {
		r, _ := getAll(t, c1, "cl/q")
		return len(r) == 1 && r[0] == "cl/q=answer"
	})
}

// freeUDPPort returns a UDP port of 127.0.0.1 that was free when probed.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	must(t, err)
	defer c.Close()
	return strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port)
}
