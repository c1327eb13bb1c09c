package routing

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// replyPut is a reply of payload on key.
func replyPut(key, payload string) *wire.Response {
	return &wire.Response{WireExpr: wire.WireExpr{Suffix: []byte(key), Mapping: wire.MappingSender},
		Body: wire.ResponseBody{ID: wire.DataIDReply, Reply: wire.Reply{Body: wire.PushBody{ID: wire.DataIDPut,
			Put: wire.Put{Payload: []byte(payload)}}}}}
}

// getReq is a local query with Rust's get QoS (0x0d).
func getReq(target wire.QueryTarget, cons wire.ConsolidationMode, params string) *wire.Request {
	return &wire.Request{QoS: 0x0d, Target: target, Query: wire.Query{Consolidation: cons, Parameters: []byte(params)}}
}

// getRec records what a local Get receives.
type getRec struct {
	mu   sync.Mutex
	got  []string
	done int
}

func (g *getRec) handler() GetHandler {
	return GetHandler{
		OnReply: func(rep *Reply) {
			g.mu.Lock()
			defer g.mu.Unlock()
			m := rep.Response
			if m.Body.ID == wire.DataIDErr {
				g.got = append(g.got, "err:"+string(m.Body.Err.Payload))
				return
			}
			g.got = append(g.got, rep.Key.String()+"="+string(m.Body.Reply.Body.Put.Payload))
		},
		OnDone: func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.done++
		},
	}
}

func (g *getRec) take() ([]string, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	got, done := g.got, g.done
	g.got = nil
	return got, done
}

// answerWith returns a queryable callback replying payload on the query key and finishing.
func answerWith(payload string) func(*Query) {
	return func(q *Query) {
		_ = q.Reply(replyPut(q.Key.String(), payload))
		q.Finish()
	}
}

func TestRemoteQueryAnsweredLocally(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareQueryable(ke(t, "cluster/**"), false, answerWith("hi"))
	a, as := finalPeer(t, r, 1)
	// Rust's get as forwarded to a peer (doc §2.3).
	handle(t, r, a, "fc 01 00 12 <cluster/mailbox/42> a1 0d 26 90 4e 23 03")
	eqStrings(t, "answer", as.take(), hexes(
		"fb 01 00 12 <cluster/mailbox/42> 21 0d 04 01 02 68 69", // doc §9.2
		"9a 01 21 0d",
	))
	// No queryable for the key, and an unknown scope: an immediate ResponseFinal.
	handle(t, r, a, "fc 02 00 03 <x/y> a1 0d 26 90 4e 23 03", "fc 03 09 03 <x/y> a1 0d 26 90 4e 23 03")
	eqStrings(t, "no queryable", as.take(), hexes("9a 02 21 0d", "9a 03 21 0d"))
	if st := r.Stats(); st.QueriesRefused != 1 || st.QueriesRouted != 2 || st.FinalsRouted != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLocalGetLocalAndRemote(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareQueryable(ke(t, "k/**"), false, answerWith("local"))
	a, as := finalPeer(t, r, 1, "9e 21 08 64 01 00 03 <k/*>") // a remote queryable (not complete)
	b, bs := openFace(t, r, wire.Peer, 2)                     // unfinalized: queried blindly
	bs.take()
	_, cs := finalPeer(t, r, 3) // finalized, no queryable: not queried
	g := &getRec{}
	if err := r.Get(ke(t, "k/x"), getReq(wire.QueryTargetBestMatching, wire.ConsolidationNone, ""), g.handler()); err != nil {
		t.Fatal(err)
	}
	// Consolidation None is sent (C=1, 1); Rust always sends the timeout (10 s).
	want := hexes("fc 01 00 03 <k/x> a1 0d 26 90 4e 23 01")
	eqStrings(t, "to a", as.take(), want)
	eqStrings(t, "to b", bs.take(), want)
	eqStrings(t, "to c", cs.take(), nil)
	got, done := g.take()
	eqStrings(t, "local reply", got, []string{"k/x=local"})
	handle(t, r, a, "fb 01 00 03 <k/x> 21 0d 04 01 02 68 69", "9a 01 21 0d")
	got, done = g.take()
	eqStrings(t, "remote reply", got, []string{"k/x=hi"})
	if done != 0 {
		t.Fatal("done before b's ResponseFinal")
	}
	handle(t, r, b, "1a 01")
	if _, done = g.take(); done != 1 {
		t.Fatalf("done = %d after every ResponseFinal", done)
	}
	handle(t, r, a, "7b 01 00 03 <k/x> 04 01 02 68 69")
	if got, _ = g.take(); len(got) != 0 {
		t.Fatalf("late reply delivered: %q", got)
	}
}

func TestQueryTargets(t *testing.T) {
	setup := func(t *testing.T) (*Router, *Face, *fakeSender, *fakeSender, *fakeSender) {
		r := New(Config{})
		// complete queryable k/** on peer a, non-complete k/* on peer b, unfinalized peer u.
		_, as := finalPeer(t, r, 1, "9e 21 08 e4 01 00 04 <k/**> 21 01")
		_, bs := finalPeer(t, r, 2, "9e 21 08 64 01 00 03 <k/*>")
		_, us := openFace(t, r, wire.Peer, 3)
		us.take()
		c, _ := openFace(t, r, wire.Client, 4)
		return r, c, as, bs, us
	}
	for _, tc := range []struct {
		name       string
		target     wire.QueryTarget
		a, b, u    bool
		localCalls int
	}{
		{"BestMatching", wire.QueryTargetBestMatching, true, false, false, 2},
		{"All", wire.QueryTargetAll, true, true, true, 2},
		{"AllComplete", wire.QueryTargetAllComplete, true, false, true, 1},
	} {
		t.Run(tc.name+"/local", func(t *testing.T) {
			r, _, as, bs, us := setup(t)
			calls := 0
			_, _ = r.DeclareQueryable(ke(t, "k/**"), true, func(q *Query) { calls++; q.Finish() })
			_, _ = r.DeclareQueryable(ke(t, "k/x"), false, func(q *Query) { calls++; q.Finish() })
			as.take()
			bs.take()
			us.take()
			_ = r.Get(ke(t, "k/x"), getReq(tc.target, wire.ConsolidationNone, ""), GetHandler{})
			if got := as.count() == 1; got != tc.a {
				t.Errorf("a queried: %v", got)
			}
			if got := bs.count() == 1; got != tc.b {
				t.Errorf("b queried: %v", got)
			}
			if got := us.count() == 1; got != tc.u {
				t.Errorf("u queried: %v", got)
			}
			if calls != tc.localCalls { // a local Get always reaches the local queryables
				t.Errorf("local queryables called %d times, want %d", calls, tc.localCalls)
			}
		})
	}
	// From a client, with a complete local queryable: BestMatching prefers it (distance 0).
	t.Run("BestMatching/remote", func(t *testing.T) {
		r, c, as, bs, us := setup(t)
		_, _ = r.DeclareQueryable(ke(t, "k/**"), true, answerWith("me"))
		as.take()
		bs.take()
		us.take()
		handle(t, r, c, "fc 07 00 03 <k/x> 21 0d 23 01")
		if as.count()+bs.count()+us.count() != 0 {
			t.Fatal("a remote face was queried")
		}
	})
}

func TestQuerySeveralResponsersOneFinal(t *testing.T) {
	r := New(Config{})
	var held []*Query
	_, _ = r.DeclareQueryable(ke(t, "k/**"), false, func(q *Query) { held = append(held, q) })
	p, ps := finalPeer(t, r, 1, "9e 21 08 64 01 00 03 <k/*>")
	c, cs := openFace(t, r, wire.Client, 2)
	c2, c2s := openFace(t, r, wire.Client, 3)
	handle(t, r, c, "fc 05 00 03 <k/x> 21 0d 23 01")
	handle(t, r, c2, "7c 05 00 03 <k/x> 23 01") // same request id on another face
	eqStrings(t, "to the peer", ps.take(), hexes("fc 01 00 03 <k/x> 21 0d 23 01", "7c 02 00 03 <k/x> 23 01"))
	if len(held) != 2 {
		t.Fatalf("local queryable called %d times", len(held))
	}
	handle(t, r, p, "7b 02 00 03 <k/x> 04 01 02 68 69") // answers the second query (c2's)
	eqStrings(t, "c2 reply", c2s.take(), hexes("7b 05 00 03 <k/x> 04 01 02 68 69"))
	handle(t, r, p, "1a 01", "1a 02")
	eqStrings(t, "c before the local queryable finished", cs.take(), nil)
	q := held[0]
	if err := q.Reply(replyPut("k/x", "l")); err != nil {
		t.Fatal(err)
	}
	if err := q.Reply(replyPut("z/x", "l")); !errors.Is(err, ErrBadReply) {
		t.Fatalf("reply on a key outside the query: %v", err)
	}
	q.Finish()
	q.Finish()
	if err := q.Reply(replyPut("k/x", "l")); !errors.Is(err, ErrQueryDone) {
		t.Fatalf("reply after Finish: %v", err)
	}
	eqStrings(t, "c", cs.take(), hexes("fb 05 00 03 <k/x> 21 0d 04 01 01 6c", "9a 05 21 0d"))
	eqStrings(t, "c2 before its local queryable finished", c2s.take(), nil)
	held[1].Finish()
	eqStrings(t, "c2", c2s.take(), hexes("1a 05"))
}

func TestQueryFaceClose(t *testing.T) {
	r := New(Config{})
	p, ps := finalPeer(t, r, 1, "9e 21 08 64 01 00 03 <k/*>")
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "7c 09 00 03 <k/x> 23 01")
	ps.take()
	r.CloseFace(p) // the only destination closes: the query is finalised
	eqStrings(t, "final", cs.take(), hexes("1a 09"))
	// The querier closes: its query's answers go nowhere.
	p2, p2s := finalPeer(t, r, 3, "9e 21 08 64 01 00 03 <k/*>")
	handle(t, r, c, "7c 0a 00 03 <k/x> 23 01")
	p2s.take()
	r.CloseFace(c)
	handle(t, r, p2, "7b 01 00 03 <k/x> 04 01 01 61", "1a 01")
	eqStrings(t, "to the closed querier", cs.take(), nil)
}

func TestQueryTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New(Config{ZID: zid(0x77)})
		defer r.Close()
		var held *Query
		_, _ = r.DeclareQueryable(ke(t, "k/**"), false, func(q *Query) { held = q })
		_, ps := finalPeer(t, r, 1, "9e 21 08 64 01 00 03 <k/*>")
		a, as := openFace(t, r, wire.Client, 2)
		// Request timeout 2500 ms (26 c4 13): neither the local queryable nor p answers.
		handle(t, r, a, "fc 04 00 03 <k/x> a1 0d 26 c4 13 23 01")
		ps.take()
		time.Sleep(2499 * time.Millisecond)
		synctest.Wait()
		if n := as.count(); n != 0 {
			t.Fatalf("%d messages before the timeout", n)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		got := as.takeMsgs(t)
		if len(got) != 3 || got[2].ID != wire.NetIDResponseFinal || got[2].ResponseFinal.RequestID != 4 {
			t.Fatalf("after timeout: %+v", got)
		}
		responders := map[wire.ZenohID]bool{}
		for _, m := range got[:2] {
			rs := &m.Response
			if m.ID != wire.NetIDResponse || rs.Body.ID != wire.DataIDErr || string(rs.Body.Err.Payload) != "Timeout" ||
				rs.RequestID != 4 || rs.QoS != 0x0d || !rs.HasResponderID {
				t.Fatalf("timeout reply %+v", m.Response)
			}
			responders[rs.ResponderID.ZID] = true
		}
		if !responders[zid(1)] || !responders[zid(0x77)] {
			t.Fatalf("responders %v, want the peer and ourselves", responders)
		}
		if err := held.Reply(replyPut("k/x", "late")); !errors.Is(err, ErrQueryDone) {
			t.Fatalf("late reply: %v", err)
		}
		if st := r.Stats(); st.QueriesTimedOut != 1 {
			t.Fatalf("QueriesTimedOut = %d", st.QueriesTimedOut)
		}
	})
}

func TestLocalGetTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New(Config{QueryTimeout: time.Second})
		defer r.Close()
		var held *Query
		_, _ = r.DeclareQueryable(ke(t, "k/**"), false, func(q *Query) { held = q })
		g := &getRec{}
		_ = r.Get(ke(t, "k/x"), getReq(wire.QueryTargetAll, wire.ConsolidationAuto, ""), g.handler())
		_ = held.Reply(replyPut("k/x", "1"))
		if got, _ := g.take(); len(got) != 0 { // Auto = Latest: held until the end
			t.Fatalf("delivered before the end: %q", got)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got, done := g.take()
		eqStrings(t, "at timeout", got, []string{"k/x=1", "err:Timeout"})
		if done != 1 {
			t.Fatalf("done = %d", done)
		}
	})
}

func TestMaxPendingQueries(t *testing.T) {
	r := New(Config{Limits: Limits{MaxPendingQueries: 2}})
	_, _ = r.DeclareQueryable(ke(t, "k"), false, func(q *Query) {}) // never finishes
	a, as := finalPeer(t, r, 1)
	handle(t, r, a, "7c 01 00 01 <k> 23 01", "7c 02 00 01 <k> 23 01", "7c 03 00 01 <k> 23 01")
	eqStrings(t, "third refused", as.take(), hexes("1a 03"))
	if r.Stats().QueriesRefused != 1 {
		t.Fatal("not counted")
	}
}

func TestResponseRewrittenToScope0(t *testing.T) {
	r := New(Config{})
	// p declares "k" as its id 3 and a queryable on k/** through it.
	p, ps := finalPeer(t, r, 1, "9e 21 08 20 03 00 01 <k>", "9e 21 08 64 01 03 03 </**>")
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "7c 04 00 03 <k/x> 23 01")
	ps.take()
	// p replies on (3, "/x", M=1), adds an unknown network extension, then an error reply.
	handle(t, r, p, "fb 01 03 02 </x> 27 01 04 01 01 61", "5b 01 00 05 01 65", "1a 01")
	eqStrings(t, "to the client", cs.take(), hexes(
		"7b 04 00 03 <k/x> 04 01 01 61", // scope 0, M=1, the unknown ext 0x27 dropped as Rust
		"5b 04 00 05 01 65",             // the error reply's empty wire expression kept
		"1a 04",
	))
}

func TestLocalQueryableErrorReply(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareQueryable(ke(t, "k"), false, func(q *Query) {
		m := &wire.Response{Body: wire.ResponseBody{ID: wire.DataIDErr, Err: wire.ErrReply{Payload: []byte("no")}}}
		if err := q.Reply(m); err != nil {
			t.Error(err)
		}
		if err := q.Reply(&wire.Response{Body: m.Body, WireExpr: wire.WireExpr{Scope: 2}}); !errors.Is(err, ErrBadReply) {
			t.Errorf("reply with a scope: %v", err)
		}
		if err := q.Reply(&wire.Response{Body: wire.ResponseBody{ID: wire.DataIDReply}}); !errors.Is(err, ErrBadReply) {
			t.Errorf("data reply without key: %v", err)
		}
		q.Finish()
	})
	c, cs := openFace(t, r, wire.Client, 1)
	handle(t, r, c, "7c 02 00 01 <k> 23 01")
	eqStrings(t, "error reply", cs.take(), hexes("1b 02 00 05 02 6e 6f", "1a 02"))
}
