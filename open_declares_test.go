package zenoh

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// TestOpenWaitsForDeclares: with open/return_conditions/declares (the default), Open returns
// once the peers it connected to sent their initial declarations: a subscriber and a token of
// the peer are known as soon as Open returns.
func TestOpenWaitsForDeclares(t *testing.T) {
	a := openTest(t, testConfig(t))
	sub, err := a.DeclareSubscriber("od/**", func(Sample) {})
	must(t, err)
	defer sub.Close()
	tok, err := a.Liveliness().DeclareToken("od/tok")
	must(t, err)
	defer tok.Close()
	loc := a.Info().Locators[0]
	for i := range 5 { // each Open must see them, not only a lucky one
		b := openTest(t, testConfig(t, loc))
		pub, err := b.DeclarePublisher("od/x")
		must(t, err)
		if !pub.Matching() {
			t.Fatalf("open %d: the peer's subscriber is not known when Open returns", i)
		}
		hist, err := b.Liveliness().DeclareSubscriberChan("od/**", 4, Block, WithHistory(true))
		must(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		s, err := hist.Recv(ctx)
		cancel()
		if err != nil || s.Key != "od/tok" {
			t.Fatalf("open %d: history %+v %v", i, s, err)
		}
		must(t, pub.Close())
		must(t, hist.Close())
		must(t, b.Close())
	}
}

// TestOpenLivelinessClientsThroughPeer: Go clients of a Go peer see each other's tokens and
// the peer's (a client learns of tokens only through the interests it sends), with history,
// live, through a liveliness Get, and see them go.
func TestOpenLivelinessClientsThroughPeer(t *testing.T) {
	p, c1, c2 := peerWithClients(t)
	ptok, err := p.Liveliness().DeclareToken("cl/tok/peer")
	must(t, err)
	defer ptok.Close()
	t1, err := c1.Liveliness().DeclareToken("cl/tok/c1")
	must(t, err)
	waitFor(t, "both tokens at the second client", func() bool {
		return fmt.Sprint(livelinessKeys(t, c2, "cl/tok/**")) == "[cl/tok/c1 cl/tok/peer]"
	})
	hist := newCollector()
	hsub, err := c2.Liveliness().DeclareSubscriber("cl/tok/**", hist.add, WithHistory(true))
	must(t, err)
	defer hsub.Close()
	if k := keysOf(hist.wait(t, 2)); fmt.Sprint(k) != "[cl/tok/c1 cl/tok/peer]" {
		t.Fatalf("history: %v", k)
	}
	t2, err := c1.Liveliness().DeclareToken("cl/tok/c1b")
	must(t, err)
	defer t2.Close()
	if s := hist.wait(t, 3)[2]; s.Key != "cl/tok/c1b" || s.Kind != SampleKindPut {
		t.Fatalf("new token: %+v", s)
	}
	must(t, t1.Close())
	if s := hist.wait(t, 4)[3]; s.Key != "cl/tok/c1" || s.Kind != SampleKindDelete {
		t.Fatalf("token gone: %+v", s)
	}
	must(t, c1.Close())
	if s := hist.wait(t, 5)[4]; s.Key != "cl/tok/c1b" || s.Kind != SampleKindDelete {
		t.Fatalf("client gone: %+v", s)
	}
}

// TestOpenConnectScoutedFalse: without open/return_conditions/connect_scouted, a peer's Open
// does not wait for its connections (as Zenoh's start_peer): an endpoint that accepts but never
// answers the handshake does not hold it for scouting/delay.
func TestOpenConnectScoutedFalse(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	cfg := testConfig(t, "tcp/"+ln.Addr().String())
	must(t, cfg.Insert("scouting/delay", "5000"))
	must(t, cfg.Insert("open/return_conditions/connect_scouted", "false"))
	start := time.Now()
	openTest(t, cfg)
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Fatalf("Open took %v with connect_scouted false", d)
	}
}
