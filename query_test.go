package zenoh

import (
	"context"

	"errors"
	"fmt"
	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"sort"
	"testing"
	"time"
)

// getAll runs a Get and returns the data replies (as "key=payload") and the errors.
func getAll(t *testing.T, s *Session, selector string, opts ...GetOption) (replies []string, errs []error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for r, err := range s.Get(ctx, selector, opts...) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		replies = append(replies, r.Sample.Key+"="+string(r.Sample.Payload))
	}
	sort.Strings(replies)
	return replies, errs
}

func TestGetQueryables(t *testing.T) {
	a, b := pair(t)
	q1, err := a.DeclareQueryable("q/a/**", func(q *Query) {
		pl, _ := q.Payload()
		must(t, q.Reply("q/a/1", []byte("a1:"+q.Parameters()+":"+string(pl)), WithEncoding(EncodingTextPlain)))
		must(t, q.ReplyDelete("q/a/2"))
	})
	must(t, err)
	defer q1.Close()
	q2, err := b.DeclareQueryable("q/b", func(q *Query) {
		must(t, q.Reply("q/b", []byte("b")))
		if err := q.Reply("other/key", []byte("x")); !errors.Is(err, ErrBadReply) {
			t.Errorf("reply on a non-matching key: %v", err)
		}
	})
	must(t, err)
	defer q2.Close()
	qe, err := a.DeclareQueryable("q/err", func(q *Query) { must(t, q.ReplyErr([]byte("no way"), WithEncoding(EncodingTextPlain))) })
	must(t, err)
	defer qe.Close()
	waitQueryable(t, b, "q/a/**")
	waitQueryable(t, b, "q/err")

	replies, errs := getAll(t, b, "q/**?x=1", WithPayload([]byte("pl")), WithTarget(QueryTargetAll), WithConsolidation(ConsolidationNone))
	if fmt.Sprint(replies) != "[q/a/1=a1:x=1:pl q/a/2= q/b=b]" || len(errs) != 1 {
		t.Fatalf("replies %v errs %v", replies, errs)
	}
	var re *ReplyError
	if !errors.As(errs[0], &re) || string(re.Payload) != "no way" || re.Encoding != EncodingTextPlain || re.Replier != a.ZID() {
		t.Fatalf("error reply: %#v", errs[0])
	}
	// The same query from the session that holds the queryables.
	replies, errs = getAll(t, a, "q/**?x=2", WithConsolidation(ConsolidationNone))
	if fmt.Sprint(replies) != "[q/a/1=a1:x=2: q/a/2= q/b=b]" || len(errs) != 1 {
		t.Fatalf("local: replies %v errs %v", replies, errs)
	}
}

func TestGetConsolidation(t *testing.T) {
	a, b := pair(t)
	ts1, ts2 := a.NewTimestamp(), a.NewTimestamp()
	for _, who := range []*Session{a, b} {
		q, err := who.DeclareQueryable("c/k", func(q *Query) {
			must(t, q.Reply("c/k", []byte("old"), WithTimestamp(ts1)))
			must(t, q.Reply("c/k", []byte("new"), WithTimestamp(ts2)))
		})
		must(t, err)
		defer q.Close()
	}
	waitFor(t, "both queryables", func() bool {
		r, _ := getAll(t, b, "c/k", WithConsolidation(ConsolidationNone))
		return len(r) == 4
	})
	for _, tc := range []struct {
		m    ConsolidationMode
		want string
	}{
		{ConsolidationNone, "[c/k=new c/k=new c/k=old c/k=old]"},
		{ConsolidationLatest, "[c/k=new]"},
		{ConsolidationAuto, "[c/k=new]"},
	} {
		if r, errs := getAll(t, b, "c/k", WithConsolidation(tc.m)); fmt.Sprint(r) != tc.want || errs != nil {
			t.Errorf("%v: %v %v, want %s", tc.m, r, errs, tc.want)
		}
	}
	// Monotonic drops a reply older than the last delivered for its key: in delivery order,
	// no "old" after a "new".
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var order []string
	for r, err := range b.Get(ctx, "c/k", WithConsolidation(ConsolidationMonotonic)) {
		must(t, err)
		order = append(order, string(r.Sample.Payload))
	}
	seenNew := false
	for _, p := range order {
		seenNew = seenNew || p == "new"
		if seenNew && p == "old" {
			t.Errorf("monotonic: %v", order)
		}
	}
	if len(order) < 2 {
		t.Errorf("monotonic: %v", order)
	}
}

func TestGetWithoutQueryableIsPrompt(t *testing.T) {
	_, b := pair(t)
	start := time.Now()
	r, errs := getAll(t, b, "nothing/**")
	if r != nil || errs != nil {
		t.Fatalf("replies %v errs %v", r, errs)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("Get without queryable took %v", el)
	}
}

func TestGetTimeout(t *testing.T) {
	a, b := pair(t)
	release := make(chan struct{})
	q, err := a.DeclareQueryable("slow/q", func(q *Query) {
		must(t, q.Reply("slow/q", []byte("early")))
		q.Detach()
		go func() {
			<-release
			q.Finish()
		}()
	})
	must(t, err)
	defer q.Close()
	defer close(release)
	waitFor(t, "queryable known", func() bool {
		for _, err := range b.Get(context.Background(), "slow/q", WithTimeout(50*time.Millisecond), WithConsolidation(ConsolidationNone)) {
			if errors.Is(err, ErrTimeout) {
				return true
			}
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var got []string
	var last error
	for r, err := range b.Get(ctx, "slow/q", WithConsolidation(ConsolidationNone)) {
		if err != nil {
			last = err
			continue
		}
		got = append(got, string(r.Sample.Payload))
	}
	// The querier's own timeout (ErrTimeout), the context's deadline, or the responder's (an
	// error reply "Timeout", as Rust sends), whichever fires first.
	var re *ReplyError
	timedOut := errors.Is(last, ErrTimeout) || errors.Is(last, context.DeadlineExceeded) ||
		(errors.As(last, &re) && string(re.Payload) == "Timeout")
	if fmt.Sprint(got) != "[early]" || !timedOut {
		t.Fatalf("got %v, last error %v", got, last)
	}
}

func TestGetEarlyBreak(t *testing.T) {
	a, b := pair(t)
	q, err := a.DeclareQueryable("many/**", func(q *Query) {
		for i := range 100 {
			_ = q.Reply(fmt.Sprintf("many/%d", i), []byte("x"))
		}
	})
	must(t, err)
	defer q.Close()
	waitFor(t, "queryable known", func() bool {
		r, _ := getAll(t, b, "many/**")
		return len(r) == 100
	})
	n := 0
	for range b.Get(context.Background(), "many/**", WithConsolidation(ConsolidationNone)) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("n = %d", n)
	}
}

func TestQueryableQueueFull(t *testing.T) {
	a, b := pair(t)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	q, err := a.DeclareQueryable("full/q", func(q *Query) {
		entered <- struct{}{}
		<-release
	}, WithQueue(1, Block))
	must(t, err)
	defer func() {
		close(release)
		q.Close()
	}()
	waitQueryable(t, b, "full/q")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	go func() {
		for range b.Get(ctx, "full/q") { // occupies the callback
		}
	}()
	recv(t, entered, "first query in the callback")
	go func() {
		for range b.Get(ctx, "full/q") { // fills the queue
		}
	}()
	waitFor(t, "second query queued", func() bool { return len(q.ch) == 1 })
	start := time.Now()
	for r, err := range b.Get(ctx, "full/q") { // finds the queue full: finished at once
		t.Fatalf("reply %v %v", r, err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("query on a full queryable took %v", el)
	}
	if a.Stats().QueriesDropped != 1 {
		t.Fatalf("stats %+v", a.Stats())
	}
}

// waitQueryable waits until s knows a queryable matching key.
func waitQueryable(t *testing.T, s *Session, key string) {
	t.Helper()
	ke, err := keyexpr.New(key)
	must(t, err)
	waitFor(t, "queryable on "+key, func() bool { return s.rt.Matching(ke, routing.MatchQueryables) })
}
