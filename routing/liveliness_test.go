package routing

import (
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// liveRec records liveliness events.
type liveRec struct {
	mu  sync.Mutex
	got []string
}

func (l *liveRec) fn(k keyexpr.KeyExpr, alive bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if alive {
		l.got = append(l.got, "+"+k.String())
	} else {
		l.got = append(l.got, "-"+k.String())
	}
}

func (l *liveRec) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.got
	l.got = nil
	return g
}

func TestLivelinessSubscriber(t *testing.T) {
	r := New(Config{})
	live := &liveRec{}
	if _, err := r.DeclareLivelinessSubscriber(ke(t, "group/**"), false, live.fn); err != nil {
		t.Fatal(err)
	}
	a, _ := finalPeer(t, r, 1)
	b, _ := finalPeer(t, r, 2)
	handle(t, r, a, "9e 21 08 66 01 00 07 <group/a>", "9e 21 08 66 02 00 07 <other/a>")
	eqStrings(t, "a's token", live.take(), []string{"+group/a"})
	handle(t, r, b, "9e 21 08 66 09 00 07 <group/a>")
	eqStrings(t, "the same key from b", live.take(), nil)
	handle(t, r, a, "9e 21 08 87 01 5f 02 00 00") // UndeclareToken as Rust writes it
	eqStrings(t, "a undeclares, b still holds it", live.take(), nil)
	tok, _ := r.DeclareToken(ke(t, "group/me"))
	eqStrings(t, "a local token", live.take(), []string{"+group/me"})
	r.CloseFace(b)
	eqStrings(t, "b closes", live.take(), []string{"-group/a"})
	_ = tok.Undeclare()
	eqStrings(t, "local token undeclared", live.take(), []string{"-group/me"})
}

func TestLivelinessHistory(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareToken(ke(t, "group/me"))
	a, _ := finalPeer(t, r, 1)
	handle(t, r, a, "9e 21 08 66 01 00 07 <group/a>", "9e 21 08 66 02 00 07 <other/a>")
	with, without := &liveRec{}, &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "group/*"), true, with.fn)
	s, _ := r.DeclareLivelinessSubscriber(ke(t, "group/*"), false, without.fn)
	eqStrings(t, "history", with.take(), []string{"+group/a", "+group/me"})
	eqStrings(t, "no history", without.take(), nil)
	_ = s.Undeclare()
	r.CloseFace(a)
	eqStrings(t, "close with history", with.take(), []string{"-group/a"})
	eqStrings(t, "undeclared subscriber", without.take(), nil)
}

// lgetRec records a liveliness Get.
type lgetRec struct {
	mu       sync.Mutex
	got      []string
	done     int
	timedOut bool
}

func (g *lgetRec) onToken(k keyexpr.KeyExpr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got = append(g.got, k.String())
}

func (g *lgetRec) onDone(timedOut bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done++
	g.timedOut = timedOut
}

func (g *lgetRec) state() ([]string, int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	got := append([]string(nil), g.got...)
	sort.Strings(got)
	return got, g.done, g.timedOut
}

func TestLivelinessGet(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareToken(ke(t, "group/me"))
	a, _ := finalPeer(t, r, 1)
	handle(t, r, a, "9e 21 08 66 01 00 07 <group/a>")
	u, us := openFace(t, r, wire.Peer, 2) // not finalized: asked
	us.take()
	live := &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "**"), false, live.fn)
	g := &lgetRec{}
	if err := r.LivelinessGet(ke(t, "group/**"), 0, g.onToken, g.onDone); err != nil {
		t.Fatal(err)
	}
	// The Current token interest Rust sends (doc §2.6): K|T|R|N|M, QoS 0x08; id 2 as u was
	// told our token with id 1. Its key is named as Rust's decl_key does: the new non-wild
	// prefix "group" is declared first (expression id 2: u was told "group/me" as id 1).
	eqStrings(t, "interest to the unfinalized peer", us.take(), hexes(
		"9e 21 08 20 02 00 05 <group>",
		"b9 02 79 02 03 </**> 21 08"))
	got, done, _ := g.state()
	eqStrings(t, "known tokens", got, []string{"group/a", "group/me"})
	if done != 0 {
		t.Fatal("done before u's DeclareFinal")
	}
	// u answers with a token (id 0, tagged with the interest id) and DeclareFinal.
	handle(t, r, u, "be 02 21 08 66 00 00 07 <group/u>", "be 02 21 08 66 00 00 07 <group/a>", "be 02 21 08 1a")
	got, done, timedOut := g.state()
	eqStrings(t, "all tokens", got, []string{"group/a", "group/me", "group/u"})
	if done != 1 || timedOut {
		t.Fatalf("done=%d timedOut=%v", done, timedOut)
	}
	eqStrings(t, "answers are not registered", live.take(), nil)
	handle(t, r, u, "be 02 21 08 66 00 00 07 <group/v>") // late: dropped
	if got, _, _ = g.state(); len(got) != 3 {
		t.Fatalf("late token reported: %q", got)
	}
}

func TestLivelinessGetEnds(t *testing.T) {
	t.Run("no peer to ask", func(t *testing.T) {
		r := New(Config{})
		g := &lgetRec{}
		_ = r.LivelinessGet(ke(t, "x"), 0, g.onToken, g.onDone)
		if _, done, _ := g.state(); done != 1 {
			t.Fatal("not done")
		}
	})
	t.Run("peer closes", func(t *testing.T) {
		r := New(Config{})
		u, _ := openFace(t, r, wire.Peer, 2)
		g := &lgetRec{}
		_ = r.LivelinessGet(ke(t, "x"), 0, g.onToken, g.onDone)
		r.CloseFace(u)
		if _, done, timedOut := g.state(); done != 1 || timedOut {
			t.Fatalf("done=%d timedOut=%v", done, timedOut)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			r := New(Config{})
			defer r.Close()
			_, _ = openFace(t, r, wire.Peer, 2)
			g := &lgetRec{}
			_ = r.LivelinessGet(ke(t, "x"), 3*time.Second, g.onToken, g.onDone)
			time.Sleep(3*time.Second - time.Nanosecond)
			synctest.Wait()
			if _, done, _ := g.state(); done != 0 {
				t.Fatal("done early")
			}
			time.Sleep(time.Nanosecond)
			synctest.Wait()
			if _, done, timedOut := g.state(); done != 1 || !timedOut {
				t.Fatalf("done=%d timedOut=%v", done, timedOut)
			}
		})
	})
	t.Run("interest timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			r := New(Config{InterestTimeout: time.Second})
			defer r.Close()
			_, _ = openFace(t, r, wire.Peer, 2)
			g := &lgetRec{}
			_ = r.LivelinessGet(ke(t, "x"), 5*time.Second, g.onToken, g.onDone)
			time.Sleep(time.Second)
			synctest.Wait()
			if _, done, timedOut := g.state(); done != 1 || timedOut {
				t.Fatalf("done=%d timedOut=%v", done, timedOut)
			}
		})
	})
}

func TestAnswerRustLivelinessGet(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareToken(ke(t, "group/me"))
	_, _ = r.DeclareSubscriber(ke(t, "group/**"), func(Sample) {})
	a, as := openFace(t, r, wire.Peer, 1) // told: keyexpr 1 "group", sub, keyexpr 2 "group/me", token
	b, _ := finalPeer(t, r, 2)
	handle(t, r, b, "9e 21 08 66 01 00 07 <group/b>") // another peer's token: not ours to tell
	as.take()
	// A Rust peer's liveliness get towards a peer it is not finalized with (doc §2.6).
	handle(t, r, a, "b9 05 79 00 08 <group/**> 21 08")
	eqStrings(t, "answer", as.take(), hexes(
		"be 05 21 08 46 00 02", // DeclareToken I=1 id 5, token id 0, scope 2 (our "group/me")
		"be 05 21 08 1a",
	))
	// Current interests for subscribers or queryables from a peer: only the DeclareFinal.
	handle(t, r, a, "b9 06 02 21 08")
	eqStrings(t, "S interest", as.take(), hexes("be 06 21 08 1a"))
	// Restricted to an unknown scope: dropped without answer, as Rust.
	handle(t, r, a, "b9 07 59 09 21 08")
	eqStrings(t, "unknown scope", as.take(), nil)
}

func TestMatchingStatus(t *testing.T) {
	r := New(Config{})
	var mu sync.Mutex
	var got []bool
	k := ke(t, "cluster/mailbox/42")
	l, err := r.WatchMatching(k, MatchSubscribers, func(m bool) { mu.Lock(); got = append(got, m); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	take := func() []bool { mu.Lock(); defer mu.Unlock(); g := got; got = nil; return g }
	if r.Matching(k, MatchSubscribers) || len(take()) != 0 {
		t.Fatal("matching with no subscriber")
	}
	a, _ := finalPeer(t, r, 1, "9e 21 08 62 01 00 0a <cluster/**>")
	if g := take(); len(g) != 1 || !g[0] {
		t.Fatalf("after a remote subscriber: %v", g)
	}
	s, _ := r.DeclareSubscriber(ke(t, "cluster/*/42"), func(Sample) {})
	r.CloseFace(a)
	if g := take(); len(g) != 0 || !r.Matching(k, MatchSubscribers) {
		t.Fatalf("the local subscriber still matches: %v", g)
	}
	_ = s.Undeclare()
	if g := take(); len(g) != 1 || g[0] {
		t.Fatalf("after the last one: %v", g)
	}
	_ = l.Undeclare()
	_, _ = r.DeclareSubscriber(k, func(Sample) {})
	if g := take(); len(g) != 0 {
		t.Fatalf("undeclared listener called: %v", g)
	}
	// Initial call when already matching, and queryable kinds.
	_, _ = r.DeclareQueryable(ke(t, "cluster/**"), false, func(*Query) {})
	var qs []bool
	_, _ = r.WatchMatching(k, MatchQueryables, func(m bool) { qs = append(qs, m) })
	if len(qs) != 1 || !qs[0] {
		t.Fatalf("initial queryable status %v", qs)
	}
	if r.Matching(k, MatchQueryablesComplete) {
		t.Fatal("complete matching without a complete queryable")
	}
	_, _ = r.DeclareQueryable(ke(t, "cluster/mailbox/*"), true, func(*Query) {})
	if !r.Matching(k, MatchQueryablesComplete) || r.Matching(ke(t, "cluster/x"), MatchQueryablesComplete) {
		t.Fatal("complete matching")
	}
}
