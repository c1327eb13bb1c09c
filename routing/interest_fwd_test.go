package routing

import (
	"context"
	"errors"
	"sort"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// tokenKeys returns the keys of the tokens the router knows (any face), sorted.
func tokenKeys(r *Router) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k, ks := range r.keys[kindToken] {
		if len(ks.holders) > 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// TestInterestsToRouter replays, byte for byte, what a real Zenoh 1.10.2 peer and a real router
// exchanged (captured through a relay; interop's TestInterestBytesAsRust checks our side against
// real Zenoh): a liveliness subscriber with history, one without, a liveliness get, the end of
// a subscriber, and the router's undeclarations.
func TestInterestsToRouter(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	eqStrings(t, "on open", rs.take(), nil) // no DeclareFinal(0) to a router, nothing to declare
	with, without := &liveRec{}, &liveRec{}
	if _, err := r.DeclareLivelinessSubscriber(ke(t, "g/**"), true, with.fn); err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "history subscriber", rs.take(), hexes(
		"9e 21 08 20 01 00 01 <g>",    // DeclareKeyExpr 1 "g", as Rust's decl_key
		"f9 01 79 01 03 </**> 21 08"), // Interest 1 CurrentFuture K|T, (1, "/**")
	)
	handle(t, r, rt,
		"9e 21 08 20 02 00 09 <g/other/1>", // the router's own expression id 2
		"be 01 21 08 46 01 02",             // DeclareToken I=1, token 1, (2, M=sender)
		"be 01 21 08 1a")                   // DeclareFinal I=1
	eqStrings(t, "the router's token", with.take(), []string{"+g/other/1"})

	s, err := r.DeclareLivelinessSubscriber(ke(t, "h/**"), false, without.fn)
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "subscriber without history", rs.take(), hexes(
		"9e 21 08 20 03 00 01 <h>",
		"d9 02 79 03 03 </**> 21 08")) // Future
	handle(t, r, rt, "be 02 21 08 1a")

	g := &lgetRec{}
	if err := r.LivelinessGet(ke(t, "g/**"), 0, g.onToken, g.onDone); err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "liveliness get", rs.take(), hexes("b9 03 79 01 03 </**> 21 08")) // "g" is known: id 1
	if _, done, _ := g.state(); done != 0 {
		t.Fatal("the get ended before the router's DeclareFinal")
	}
	handle(t, r, rt, "be 03 21 08 46 00 02", "be 03 21 08 1a") // token (id 0: Current), final
	got, done, timedOut := g.state()
	eqStrings(t, "get", got, []string{"g/other/1"})
	if done != 1 || timedOut {
		t.Fatalf("done %d timedOut %v", done, timedOut)
	}

	handle(t, r, rt,
		"9e 21 08 20 05 00 09 <g/other/2>",
		"9e 21 08 46 03 05") // a future token: no interest id
	eqStrings(t, "future token", with.take(), []string{"+g/other/2"})
	_ = s.Undeclare()
	eqStrings(t, "subscriber undeclared", rs.take(), hexes("99 02 21 08")) // Interest Final 2
	handle(t, r, rt, "9e 21 08 87 03 5f 02 00 00", "9e 21 08 87 01 5f 02 00 00")
	eqStrings(t, "the router's undeclarations", with.take(), []string{"-g/other/2", "-g/other/1"})
	eqStrings(t, "undeclared subscriber", without.take(), nil)
	if st := r.Stats(); st.DeclarationsDropped != 0 {
		t.Fatalf("%d declarations dropped", st.DeclarationsDropped)
	}
}

// TestHistoricalTokens: a token that answers the current part of an interest (it carries the
// interest id) is reported to the liveliness subscribers with history only, as Zenoh's session
// does; later tokens and every loss go to all.
func TestHistoricalTokens(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	nohist, hist := &liveRec{}, &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "g/**"), false, nohist.fn)
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "g/**"), true, hist.fn)
	eqStrings(t, "interests", rs.take(), hexes(
		"9e 21 08 20 01 00 01 <g>", "d9 01 79 01 03 </**> 21 08", "f9 02 79 01 03 </**> 21 08"))
	handle(t, r, rt, "be 02 21 08 66 01 00 03 <g/a>", "be 02 21 08 1a")
	eqStrings(t, "history", hist.take(), []string{"+g/a"})
	eqStrings(t, "no history", nohist.take(), nil)
	handle(t, r, rt, "9e 21 08 66 02 00 03 <g/b>", "9e 21 08 07 01", "9e 21 08 07 02")
	eqStrings(t, "history, later", hist.take(), []string{"+g/b", "-g/a", "-g/b"})
	eqStrings(t, "no history, later", nohist.take(), []string{"+g/b", "-g/a", "-g/b"})
}

// TestInterestsOnRouterOpen: the interests of the liveliness subscribers declared before a
// router connects are sent to it on open, in mode CurrentFuture, before our declarations (as
// the capture of a real peer shows); a peer is sent none.
func TestInterestsOnRouterOpen(t *testing.T) {
	r := New(Config{})
	live := &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "e/**"), false, live.fn)
	_, _ = r.DeclareToken(ke(t, "t/me"))
	_, ps := openFace(t, r, wire.Peer, 2)
	eqStrings(t, "to a peer", ps.take(), hexes("9e 21 08 20 01 00 04 <t/me>", "9e 21 08 46 01 01", "be 00 21 08 1a"))
	rt, rs := openFace(t, r, wire.Router, 1)
	eqStrings(t, "to a router", rs.take(), hexes(
		"9e 21 08 20 01 00 01 <e>",
		"f9 01 79 01 03 </**> 21 08",
		"9e 21 08 20 02 00 04 <t/me>",
		"9e 21 08 46 02 02"))
	handle(t, r, rt, "be 01 21 08 1a", "9e 21 08 66 01 00 03 <e/a>")
	eqStrings(t, "future token", live.take(), []string{"+e/a"})
	// A router that goes takes its tokens along.
	r.CloseFace(rt)
	eqStrings(t, "router closed", live.take(), []string{"-e/a"})
}

// TestTokensAfterRouterReconnect: the answers to the interests re-sent to a router that
// (re)connects are news, not history: a subscriber without history saw the tokens of the
// previous connection go, so it sees the current ones come (back).
func TestTokensAfterRouterReconnect(t *testing.T) {
	r := New(Config{})
	live := &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "e/**"), false, live.fn)
	rt, rs := openFace(t, r, wire.Router, 1)
	rs.take()
	// Answers to the re-sent interest (id 1), then its DeclareFinal.
	handle(t, r, rt, "be 01 21 08 66 01 00 03 <e/a>", "be 01 21 08 1a")
	eqStrings(t, "first connection", live.take(), []string{"+e/a"})
	r.CloseFace(rt)
	eqStrings(t, "router gone", live.take(), []string{"-e/a"})
	rt2, rs2 := openFace(t, r, wire.Router, 1)
	eqStrings(t, "interest re-sent", rs2.take(), hexes("9e 21 08 20 01 00 01 <e>", "f9 01 79 01 03 </**> 21 08"))
	handle(t, r, rt2, "be 01 21 08 66 01 00 03 <e/a>", "be 01 21 08 66 02 00 03 <e/b>", "be 01 21 08 1a")
	eqStrings(t, "after the reconnection", live.take(), []string{"+e/a", "+e/b"})
}

// TestInterestEndForgetsUncovered: when a subscriber's interest ends, what the router declared
// that no remaining interest covers is forgotten (the router will not say when it goes); what
// another interest covers stays.
func TestInterestEndForgetsUncovered(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	wide, narrow := &liveRec{}, &liveRec{}
	sw, _ := r.DeclareLivelinessSubscriber(ke(t, "g/**"), false, wide.fn)
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "g/a"), false, narrow.fn)
	rs.take()
	handle(t, r, rt, "9e 21 08 66 01 00 03 <g/a>", "9e 21 08 66 02 00 03 <g/b>")
	eqStrings(t, "wide", wide.take(), []string{"+g/a", "+g/b"})
	eqStrings(t, "narrow", narrow.take(), []string{"+g/a"})
	_ = sw.Undeclare()
	eqStrings(t, "Final", rs.take(), hexes("99 01 21 08"))
	eqStrings(t, "tokens kept", tokenKeys(r), []string{"g/a"})
	eqStrings(t, "narrow sees nothing", narrow.take(), nil)
	eqStrings(t, "wide undeclared", wide.take(), nil)
	// A late answer to the ended interest is dropped.
	handle(t, r, rt, "be 01 21 08 66 03 00 03 <g/c>")
	eqStrings(t, "late answer", tokenKeys(r), []string{"g/a"})
}

// TestClientModeInterests: in client mode the node we are connected to (a peer here) gets no
// DeclareFinal(0) and is sent the interests, as a Rust client does.
func TestClientModeInterests(t *testing.T) {
	r := New(Config{Client: true})
	_, _ = r.DeclareToken(ke(t, "t/me"))
	p, ps := openFace(t, r, wire.Peer, 1)
	eqStrings(t, "on open", ps.take(), hexes("9e 21 08 20 01 00 04 <t/me>", "9e 21 08 46 01 01"))
	live := &liveRec{}
	s, _ := r.DeclareLivelinessSubscriber(ke(t, "g/**"), true, live.fn)
	eqStrings(t, "interest", ps.take(), hexes("9e 21 08 20 02 00 01 <g>", "f9 02 79 02 03 </**> 21 08"))
	handle(t, r, p, "be 02 21 08 66 07 00 03 <g/p>", "be 02 21 08 1a")
	eqStrings(t, "token", live.take(), []string{"+g/p"})
	g := &lgetRec{}
	_ = r.LivelinessGet(ke(t, "g/**"), 0, g.onToken, g.onDone)
	eqStrings(t, "get", ps.take(), hexes("b9 03 79 02 03 </**> 21 08"))
	handle(t, r, p, "be 03 21 08 66 00 00 03 <g/p>", "be 03 21 08 1a")
	if got, done, _ := g.state(); len(got) != 1 || done != 1 {
		t.Fatalf("get: %q done %d", got, done)
	}
	_ = s.Undeclare()
	eqStrings(t, "final", ps.take(), hexes("99 02 21 08"))
	eqStrings(t, "forgotten", tokenKeys(r), []string{"t/me"})
	if err := r.WaitDeclares(context.Background()); err != nil {
		t.Fatalf("WaitDeclares in client mode: %v", err)
	}
}

// TestClientInterestsForwarded: a Go peer forwards its clients' interests to the routers it
// is connected to (as Rust's peer does: same mode, its own ids), declares to the client what
// the router answers, and forwards the client's Final; a client that closes ends its
// interests there too.
func TestClientInterestsForwarded(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	c, cs := openFace(t, r, wire.Client, 2)
	// The client's liveliness subscriber (CurrentFuture K|T x/**), answered at once from here.
	handle(t, r, c, "f9 07 79 00 04 <x/**> 21 08")
	eqStrings(t, "answer to the client", cs.take(), hexes("be 07 21 08 1a"))
	eqStrings(t, "forwarded", rs.take(), hexes("9e 21 08 20 01 00 01 <x>", "f9 01 79 01 03 </**> 21 08"))
	handle(t, r, rt, "9e 21 08 20 02 00 03 <x/r>", "be 01 21 08 46 04 02", "be 01 21 08 1a")
	// Declared to the client under its interest id, as the answer to its current part.
	eqStrings(t, "the router's token, declared to the client", cs.take(), hexes("be 07 21 08 66 01 00 03 <x/r>"))
	handle(t, r, c, "99 07 21 08")
	eqStrings(t, "Final forwarded", rs.take(), hexes("99 01 21 08"))
	eqStrings(t, "forgotten", tokenKeys(r), nil)

	// A Future interest, then the client closes.
	handle(t, r, c, "d9 08 79 01 03 </**> 21 08") // restricted to (its own id 1? unknown): dropped
	eqStrings(t, "unknown scope", rs.take(), nil)
	handle(t, r, c, "d9 09 79 00 04 <y/**> 21 08")
	eqStrings(t, "forwarded Future", rs.take(), hexes("9e 21 08 20 03 00 01 <y>", "d9 02 79 03 03 </**> 21 08"))
	r.CloseFace(c)
	eqStrings(t, "client closed", rs.take(), hexes("99 02 21 08"))
	// Peers' interests are not forwarded.
	p, _ := finalPeer(t, r, 3)
	handle(t, r, p, "f9 05 79 00 04 <z/**> 21 08")
	eqStrings(t, "a peer's interest", rs.take(), nil)
}

// TestClientLivelinessGetForwarded: a client's Current token interest is answered with what we
// know, forwarded to the router, and ended (DeclareFinal) once the router answered: its tokens
// go to the client under the client's interest id.
func TestClientLivelinessGetForwarded(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareToken(ke(t, "x/me"))
	rt, rs := openFace(t, r, wire.Router, 1)
	rs.take()
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "b9 05 79 00 04 <x/**> 21 08")
	eqStrings(t, "known here", cs.take(), hexes("be 05 21 08 66 00 00 04 <x/me>"))
	eqStrings(t, "asked", rs.take(), hexes("9e 21 08 20 02 00 01 <x>", "b9 02 79 02 03 </**> 21 08"))
	handle(t, r, rt, "be 02 21 08 66 00 00 03 <x/r>", "be 02 21 08 66 00 00 04 <x/me>", "be 02 21 08 1a")
	eqStrings(t, "the router's answer, then the end", cs.take(), hexes(
		"be 05 21 08 66 00 00 03 <x/r>", // once per key: x/me is not repeated
		"be 05 21 08 1a"))
	eqStrings(t, "not registered", tokenKeys(r), []string{"x/me"})

	// Without an answer, the interest times out with routing.interests.timeout; a client that
	// closes ends its pending interests without answer.
	synctest.Test(t, func(t *testing.T) {
		r := New(Config{InterestTimeout: time.Second})
		_, rs := openFace(t, r, wire.Router, 1)
		c, cs := openFace(t, r, wire.Client, 2)
		handle(t, r, c, "b9 05 79 00 04 <x/**> 21 08")
		rs.take()
		eqStrings(t, "nothing yet", cs.take(), nil)
		time.Sleep(time.Second)
		synctest.Wait()
		eqStrings(t, "timeout", cs.take(), hexes("be 05 21 08 1a"))
		handle(t, r, c, "b9 06 79 00 04 <x/**> 21 08")
		r.CloseFace(c)
		eqStrings(t, "closed", cs.take(), nil)
		r.Close()
	})
}

// TestClientGetsBounded: at most Limits.MaxInterests Current token interests of a client are
// forwarded at a time; the others are answered from here at once.
func TestClientGetsBounded(t *testing.T) {
	r := New(Config{Limits: Limits{MaxInterests: 2}})
	_, rs := openFace(t, r, wire.Router, 1)
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "b9 01 79 00 01 <x> 21 08", "b9 02 79 00 01 <x> 21 08", "b9 03 79 00 01 <x> 21 08")
	eqStrings(t, "forwarded", rs.take(), hexes("9e 21 08 20 01 00 01 <x>", "b9 01 59 01 21 08", "b9 02 59 01 21 08"))
	eqStrings(t, "the third is answered at once", cs.take(), hexes("be 03 21 08 1a"))
	r.Close()
}

// TestWaitDeclares: WaitDeclares returns once every peer sent its DeclareFinal(0) or closed;
// routers and clients are not waited for; ctx bounds it.
func TestWaitDeclares(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New(Config{})
		openFace(t, r, wire.Router, 1)
		openFace(t, r, wire.Client, 2)
		if err := r.WaitDeclares(context.Background()); err != nil {
			t.Fatalf("no peer: %v", err)
		}
		a, _ := openFace(t, r, wire.Peer, 3)
		b, _ := openFace(t, r, wire.Peer, 4)
		done := make(chan error, 1)
		go func() { done <- r.WaitDeclares(context.Background()) }()
		synctest.Wait()
		handle(t, r, a, "be 00 21 08 1a")
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("returned with b unfinalized: %v", err)
		default:
		}
		r.CloseFace(b)
		synctest.Wait()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		openFace(t, r, wire.Peer, 5)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := r.WaitDeclares(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 500*time.Millisecond {
			t.Fatalf("bounded wait: %v after %v", err, time.Since(start))
		}
		go func() { done <- r.WaitDeclares(context.Background()) }()
		synctest.Wait()
		r.Close()
		if err := <-done; !errors.Is(err, ErrClosed) {
			t.Fatalf("waiting across Close: %v", err)
		}
		if err := r.WaitDeclares(context.Background()); !errors.Is(err, ErrClosed) {
			t.Fatalf("closed router: %v", err)
		}
	})
}
