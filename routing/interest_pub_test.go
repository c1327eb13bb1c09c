package routing

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// pushes returns what s was sent since the last take, "key=payload" for each Push (scope-0
// wire expressions only) and the message id for anything else.
func pushes(t *testing.T, s *fakeSender) []string {
	t.Helper()
	var out []string
	for _, m := range s.takeMsgs(t) {
		if m.ID != wire.NetIDPush {
			out = append(out, m.ID.String())
			continue
		}
		if m.Push.WireExpr.Scope != 0 {
			t.Fatalf("push with scope %d", m.Push.WireExpr.Scope)
		}
		out = append(out, string(m.Push.WireExpr.Suffix)+"="+string(m.Push.Body.Put.Payload))
	}
	return out
}

// publish publishes payload on key from the local session.
func publish(t *testing.T, r *Router, key, payload string) {
	t.Helper()
	if err := r.Publish(ke(t, key), putPush(payload), wire.Reliable); err != nil {
		t.Fatal(err)
	}
}

// matchRec records matching status changes.
type matchRec struct {
	mu  sync.Mutex
	got []bool
}

func (m *matchRec) fn(v bool) { m.mu.Lock(); m.got = append(m.got, v); m.mu.Unlock() }

func (m *matchRec) take() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.got
	m.got = nil
	return fmt.Sprint(g)
}

// TestPublisherInterestToRouter replays what a real Zenoh 1.10.2 peer and client exchanged with
// a router for a publisher (captured through a relay; interop's TestPublisherInterestBytesAsRust
// checks our side against real Zenoh): DeclareKeyExpr and Interest CurrentFuture K|S on the
// key, the router's DeclareFinal, a subscriber it declares later and undeclares; publications
// on the key go to the router before its DeclareFinal and then only while it has a matching
// subscriber; other keys always; Interest Final with the last publisher on the key, after which
// (unlike Rust) the key goes to the router again.
func TestPublisherInterestToRouter(t *testing.T) {
	for _, client := range []bool{false, true} {
		t.Run(fmt.Sprintf("client=%v", client), func(t *testing.T) {
			r := New(Config{Client: client})
			rt, rs := openFace(t, r, wire.Router, 1)
			k := ke(t, "p/a")
			m := &matchRec{}
			if _, err := r.WatchMatching(k, MatchSubscribers, m.fn); err != nil {
				t.Fatal(err)
			}
			pi, err := r.DeclarePublisherInterest(k)
			if err != nil {
				t.Fatal(err)
			}
			eqStrings(t, "publisher interest", rs.take(), hexes(
				"9e 21 08 20 01 00 03 <p/a>", // DeclareKeyExpr 1 "p/a"
				"f9 01 53 01 21 08"))         // Interest 1 CurrentFuture K|S, restricted to (1, "")
			publish(t, r, "p/a", "early")
			eqStrings(t, "before the router's answer", pushes(t, rs), []string{"p/a=early"})

			handle(t, r, rt, "be 01 21 08 1a") // DeclareFinal(1): no subscriber
			publish(t, r, "p/a", "nosub")
			publish(t, r, "p/b", "other")
			eqStrings(t, "answered, no subscriber", pushes(t, rs), []string{"p/b=other"})
			if r.Matching(k, MatchSubscribers) || m.take() != "[]" {
				t.Fatal("matching without subscriber")
			}

			handle(t, r, rt, "9e 21 08 62 01 00 03 <p/*>") // a subscriber behind the router
			if !r.Matching(k, MatchSubscribers) || m.take() != "[true]" {
				t.Fatal("not matching the router's subscriber")
			}
			publish(t, r, "p/a", "withsub")
			eqStrings(t, "with a subscriber", pushes(t, rs), []string{"p/a=withsub"})

			handle(t, r, rt, "9e 21 08 03 01") // undeclared
			if r.Matching(k, MatchSubscribers) || m.take() != "[false]" {
				t.Fatal("still matching")
			}
			publish(t, r, "p/a", "after-unsub")
			eqStrings(t, "subscriber gone", pushes(t, rs), nil)

			// A second publisher on the key shares the interest.
			pi2, err := r.DeclarePublisherInterest(k)
			if err != nil {
				t.Fatal(err)
			}
			eqStrings(t, "twin publisher", rs.take(), nil)
			if err := pi.Undeclare(); err != nil {
				t.Fatal(err)
			}
			if err := pi.Undeclare(); !errors.Is(err, ErrUndeclared) {
				t.Fatalf("second Undeclare: %v", err)
			}
			eqStrings(t, "one publisher left", rs.take(), nil)
			publish(t, r, "p/a", "still-filtered")
			eqStrings(t, "one publisher left", pushes(t, rs), nil)
			_ = pi2.Undeclare()
			eqStrings(t, "last publisher", rs.take(), hexes("99 01 21 08")) // Interest Final 1
			publish(t, r, "p/a", "after-unpub")
			eqStrings(t, "after the interest ended", pushes(t, rs), []string{"p/a=after-unpub"})
			if st := r.Stats(); st.DeclarationsDropped != 0 {
				t.Fatalf("%d declarations dropped", st.DeclarationsDropped)
			}
		})
	}
}

// TestPublisherInterestCurrent: subscribers the router declares with the interest id (the
// current part) count as its own; the ones only that interest covered are forgotten when it
// ends; a wildcard publisher's key is never filtered (as Rust); a router that connects later
// is sent the interests on open, and filters only once it answered.
func TestPublisherInterestCurrent(t *testing.T) {
	r := New(Config{})
	pa, _ := r.DeclarePublisherInterest(ke(t, "p/a"))
	pw, _ := r.DeclarePublisherInterest(ke(t, "w/**"))
	_, ps := openFace(t, r, wire.Peer, 2) // peers are not asked: they declare everything
	eqStrings(t, "to a peer", ps.take(), hexes("be 00 21 08 1a"))
	rt, rs := openFace(t, r, wire.Router, 1)
	eqStrings(t, "on open", rs.take(), hexes(
		"9e 21 08 20 01 00 03 <p/a>", "f9 01 53 01 21 08",
		"9e 21 08 20 02 00 01 <w>", "f9 02 73 02 03 </**> 21 08"))
	publish(t, r, "p/a", "1")
	eqStrings(t, "unanswered", pushes(t, rs), []string{"p/a=1"})
	handle(t, r, rt,
		"be 01 21 08 62 05 00 03 <p/a>", // current subscriber, interest 1
		"be 01 21 08 1a",
		"be 02 21 08 1a")
	if !r.Matching(ke(t, "p/a"), MatchSubscribers) {
		t.Fatal("current subscriber not seen")
	}
	publish(t, r, "p/a", "2")
	publish(t, r, "w/x", "3")  // not the wildcard publisher's key itself
	publish(t, r, "w/**", "4") // a wildcard key is never filtered
	eqStrings(t, "answered", pushes(t, rs), []string{"p/a=2", "w/x=3", "w/**=4"})
	_ = pa.Undeclare()
	eqStrings(t, "final", rs.take(), hexes("99 01 21 08"))
	if r.Matching(ke(t, "p/a"), MatchSubscribers) {
		t.Fatal("the subscriber only the interest covered is still known")
	}
	_ = pw.Undeclare()
	eqStrings(t, "final", rs.take(), hexes("99 02 21 08"))
	r.Close()
	if _, err := r.DeclarePublisherInterest(ke(t, "p/a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// TestPublisherInterestClientMode: in client mode the node we are connected to, even a peer,
// is asked and filters once it answered; it is not asked again after reconnecting until the
// new answer.
func TestPublisherInterestClientMode(t *testing.T) {
	r := New(Config{Client: true})
	pi, _ := r.DeclarePublisherInterest(ke(t, "p/a"))
	pf, ps := openFace(t, r, wire.Peer, 1)
	eqStrings(t, "on open", ps.take(), hexes("9e 21 08 20 01 00 03 <p/a>", "f9 01 53 01 21 08"))
	handle(t, r, pf, "be 01 21 08 1a")
	publish(t, r, "p/a", "1")
	eqStrings(t, "filtered", pushes(t, ps), nil)
	r.CloseFace(pf)
	pf2, ps2 := openFace(t, r, wire.Peer, 1)
	ps2.take()
	publish(t, r, "p/a", "2")
	eqStrings(t, "reopened, unanswered", pushes(t, ps2), []string{"p/a=2"})
	handle(t, r, pf2, "be 01 21 08 1a")
	publish(t, r, "p/a", "3")
	eqStrings(t, "reopened, answered", pushes(t, ps2), nil)
	_ = pi.Undeclare()
	eqStrings(t, "final", ps2.take(), hexes("99 01 21 08"))
}

// TestClientPublisherInterestFilters: a client's publisher interest, forwarded to the router,
// filters the router for the key once it answered, for the client's publications and ours (as
// Rust's flag on the resource); it stops when the client closes.
func TestClientPublisherInterestFilters(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "f9 03 73 00 03 <p/a> 21 08")
	eqStrings(t, "answer to the client", cs.take(), hexes("be 03 21 08 1a"))
	eqStrings(t, "forwarded", rs.take(), hexes("9e 21 08 20 01 00 03 <p/a>", "f9 01 53 01 21 08"))
	handle(t, r, rt, "be 01 21 08 1a")
	handle(t, r, c, "7d 00 03 <p/a> 01 01 78") // the client's Put "x" on p/a
	publish(t, r, "p/a", "y")
	eqStrings(t, "filtered", pushes(t, rs), nil)
	r.CloseFace(c)
	eqStrings(t, "client closed", rs.take(), hexes("99 01 21 08"))
	publish(t, r, "p/a", "z")
	eqStrings(t, "unfiltered", pushes(t, rs), []string{"p/a=z"})
}

// TestQuerierInterest: a querier's interest asks for queryables (K|Q, as Rust's
// declare_querier), and its answers make the queryables matching; queries are not filtered.
func TestQuerierInterest(t *testing.T) {
	r := New(Config{})
	rt, rs := openFace(t, r, wire.Router, 1)
	qi, err := r.DeclareQuerierInterest(ke(t, "q/a"))
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "querier interest", rs.take(), hexes("9e 21 08 20 01 00 03 <q/a>", "f9 01 55 01 21 08"))
	handle(t, r, rt, "be 01 21 08 64 01 00 03 <q/*>", "be 01 21 08 1a")
	if !r.Matching(ke(t, "q/a"), MatchQueryables) {
		t.Fatal("the router's queryable does not match")
	}
	publish(t, r, "q/a", "1")
	eqStrings(t, "publications not filtered by a querier interest", pushes(t, rs), []string{"q/a=1"})
	_ = qi.Undeclare()
	eqStrings(t, "final", rs.take(), hexes("99 01 21 08"))
	if r.Matching(ke(t, "q/a"), MatchQueryables) {
		t.Fatal("still matching after the interest ended")
	}
}

// TestFilterNeedsCurrentGeneration: a route built under a generation older than the current
// one does not skip a filtered face (the subscribers it read may predate the router's
// answer): it goes blind, and a current one skips it.
func TestFilterNeedsCurrentGeneration(t *testing.T) {
	r := New(Config{})
	rt, _ := openFace(t, r, wire.Router, 1)
	_, _ = r.DeclarePublisherInterest(ke(t, "p/a"))
	handle(t, r, rt, "be 01 21 08 1a")
	k := ke(t, "p/a")
	var old, cur route
	g := r.routes.gen.Load()
	r.buildRoute(&old, k, []byte("p/a"), nil, false, g-1)
	r.buildRoute(&cur, k, []byte("p/a"), nil, false, g)
	if len(old.blind.skip) != 0 || !old.blindTo(rt, r.local) {
		t.Fatal("a route of an older generation skips the router")
	}
	if len(cur.blind.skip) != 1 || cur.blindTo(rt, r.local) {
		t.Fatal("a current route does not skip the router")
	}
}

// TestFilteredPublishDoesNotAllocate: publications on a key a router answered our interest for,
// with and without its subscriber, allocate nothing (Publish and PublishRoute).
func TestFilteredPublishDoesNotAllocate(t *testing.T) {
	r := New(Config{})
	out := &encSender{}
	rt, err := r.OpenFace(FaceInfo{ZID: zid(1), WhatAmI: wire.Router}, out)
	if err != nil {
		t.Fatal(err)
	}
	k := ke(t, "cluster/mailbox/42")
	if _, err := r.DeclarePublisherInterest(k); err != nil {
		t.Fatal(err)
	}
	handle(t, r, rt, "be 01 21 08 1a")
	pr := r.NewPublisherRoute(k)
	p := putPush("hi")
	for _, sub := range []bool{false, true} {
		if sub {
			handle(t, r, rt, "9e 21 08 62 01 00 0a <cluster/**>")
		}
		out.n.Store(0)
		for name, f := range map[string]func(){
			"Publish":      func() { _ = r.Publish(k, p, wire.Reliable) },
			"PublishRoute": func() { _ = r.PublishRoute(pr, p, wire.Reliable) },
		} {
			f()
			if a := testing.AllocsPerRun(1000, f); a != 0 && !raceEnabled {
				t.Errorf("subscriber %v, %s: %v allocations", sub, name, a)
			}
		}
		want := int64(0)
		if sub {
			want = 2 * 1002
		}
		if n := out.n.Load(); n != want {
			t.Fatalf("subscriber %v: the router got %d pushes, want %d", sub, n, want)
		}
	}
}

// TestRouterFaceLimits: a router face (or, in client mode, any face) has the larger
// RouterLimits: 2000 tokens are fine, where a peer face fails at MaxTokens (1024).
func TestRouterFaceLimits(t *testing.T) {
	tokens := func(r *Router, f *Face, n int) error {
		for i := 1; i <= n; i++ {
			key := fmt.Sprintf("grp/n%d", i)
			b := []byte{0x9e, 0x21, 0x08, 0x66}
			b = appendZint(b, uint64(i))
			b = append(b, 0x00)
			b = appendZint(b, uint64(len(key)))
			b = append(b, key...)
			var m wire.NetworkMessage
			if _, err := m.Decode(b); err != nil {
				t.Fatal(err)
			}
			if err := r.Handle(f, &m, wire.Reliable); err != nil {
				return err
			}
		}
		return nil
	}
	r := New(Config{})
	rt, _ := openFace(t, r, wire.Router, 1)
	if err := tokens(r, rt, 2000); err != nil {
		t.Fatalf("router face: %v", err)
	}
	if n := len(tokenKeys(r)); n != 2000 {
		t.Fatalf("%d tokens", n)
	}
	pf, _ := openFace(t, r, wire.Peer, 2)
	var le *LimitError
	if err := tokens(r, pf, 2000); !errors.As(err, &le) || le.Limit != "MaxTokens" || le.Max != DefaultMaxTokens {
		t.Fatalf("peer face: %v", err)
	}
	rc := New(Config{Client: true})
	cf, _ := openFace(t, rc, wire.Peer, 3)
	if err := tokens(rc, cf, 2000); err != nil {
		t.Fatalf("client mode, peer face: %v", err)
	}
	// RouterLimits fields are configurable, with defaults 16 times those of Limits.
	d := DefaultRouterLimits()
	if d.MaxTokens != RouterLimitScale*DefaultMaxTokens || d.MaxKeyExprs != RouterLimitScale*DefaultMaxKeyExprs ||
		d.MaxQueryTimeout != DefaultMaxQueryTimeout {
		t.Fatalf("DefaultRouterLimits %+v", d)
	}
	rl := New(Config{RouterLimits: Limits{MaxTokens: 10}})
	rt2, _ := openFace(t, rl, wire.Router, 1)
	if err := tokens(rl, rt2, 11); !errors.As(err, &le) || le.Max != 10 {
		t.Fatalf("configured RouterLimits: %v", err)
	}
	if rl.cfg.RouterLimits.MaxDeclarations != RouterLimitScale*DefaultMaxDeclarations {
		t.Fatalf("zero field not defaulted: %+v", rl.cfg.RouterLimits)
	}
}

// appendZint appends v as a zint (LEB128).
func appendZint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// TestFilterConcurrent publishes from several goroutines while publisher interests come and go
// and the router answers, declares and undeclares a subscriber (for the race detector); after
// each step a probe publication reaches the router exactly when it should.
func TestFilterConcurrent(t *testing.T) {
	r := New(Config{})
	out := &probeSender{seen: make(map[string]bool)}
	rt, err := r.OpenFace(FaceInfo{ZID: zid(1), WhatAmI: wire.Router}, out)
	if err != nil {
		t.Fatal(err)
	}
	k := ke(t, "p/a")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := r.NewPublisherRoute(k)
			for n := 0; n < 1_000_000; n++ {
				select {
				case <-stop:
					return
				default:
				}
				_ = r.PublishRoute(pr, putPush("x"), wire.Reliable)
				_ = r.Publish(k, putPush("y"), wire.Reliable)
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	step := 0
	probe := func(what string, want bool) {
		t.Helper()
		step++
		p := fmt.Sprint("probe-", step)
		publish(t, r, "p/a", p)
		if got := out.got(p); got != want {
			t.Fatalf("step %d, %s: probe sent %v, want %v", step, what, got, want)
		}
	}
	for i := range 50 {
		pi, _ := r.DeclarePublisherInterest(k)
		probe("unanswered", true)
		id := hexByte(i + 1)
		handle(t, r, rt, "be "+id+" 21 08 1a")
		probe("answered", false)
		handle(t, r, rt, "9e 21 08 62 "+id+" 00 03 <p/*>")
		probe("subscriber", true)
		handle(t, r, rt, "9e 21 08 03 "+id)
		probe("subscriber gone", false)
		_ = pi.Undeclare()
		probe("interest ended", true)
	}
}

// probeSender records the payloads of the pushes it is sent whose payload starts with
// "probe"; safe for concurrent use.
type probeSender struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (s *probeSender) Send(m *wire.NetworkMessage, rel wire.Reliability) error {
	if m.ID == wire.NetIDPush {
		if p := m.Push.Body.Put.Payload; len(p) > 5 && string(p[:5]) == "probe" {
			s.mu.Lock()
			s.seen[string(p)] = true
			s.mu.Unlock()
		}
	}
	return nil
}

func (s *probeSender) got(p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[p]
}
