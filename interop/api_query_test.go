package interop

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// apiReplyStrings renders Go replies as "key:kind:payload" and error replies as "err:payload",
// sorted.
func apiReplyStrings(rs []zenoh.Reply, errs []error) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s:%s:%s", r.Sample.Key, r.Sample.Kind, r.Sample.Payload))
	}
	for _, e := range errs {
		var re *zenoh.ReplyError
		if errors.As(e, &re) {
			out = append(out, "err:"+string(re.Payload))
		} else {
			out = append(out, "fail:"+e.Error())
		}
	}
	sort.Strings(out)
	return out
}

// apiQueryMesh starts a real peer and two Go peers, all connected to each other.
func apiQueryMesh(t *testing.T) (r *Peer, g, g2 *zenoh.Session) {
	t.Helper()
	r = apiRealPeer(t, false)
	g = apiOpen(t, apiConfig(t, "peer", r.Locator()))
	g2 = apiOpen(t, apiConfig(t, "peer", r.Locator(), g.Info().Locators[0]))
	apiWait(t, "Go peers connected to both others", func() bool {
		return len(g.Info().Peers) == 2 && len(g2.Info().Peers) == 2
	})
	if _, err := r.WaitPeers(2, 0); err != nil {
		t.Fatal(err)
	}
	return r, g, g2
}

// TestAPIGetGoToRust: a Go querier reaches real and Go queryables, gets data, deletions and
// error replies, consolidated as asked; a query that matches no queryable ends at once.
func TestAPIGetGoToRust(t *testing.T) {
	r, g, g2 := apiQueryMesh(t)
	apiMust(t, r.Queryable("q/r/**", Opts{"replies": []any{
		map[string]any{"key": "q/r/1", "text": "r1", "encoding": "text/plain", "attachment_text": "ra"},
		map[string]any{"key": "q/r/2", "delete": true},
	}}))
	apiMust(t, r.Queryable("q/err", Opts{"reply_err": "rust says no"}))
	apiMust(t, r.Queryable("q/dup", Opts{"name": "rdup", "reply": "rust-dup"}))
	qg, err := g.DeclareQueryable("q/g", func(q *zenoh.Query) { apiMust(t, q.Reply("q/g", []byte("g"))) })
	apiMust(t, err)
	defer qg.Close()
	qg2, err := g2.DeclareQueryable("q/g2", func(q *zenoh.Query) { apiMust(t, q.Reply("q/g2", []byte("g2"))) })
	apiMust(t, err)
	defer qg2.Close()
	qd, err := g2.DeclareQueryable("q/dup", func(q *zenoh.Query) { apiMust(t, q.Reply("q/dup", []byte("go-dup"))) })
	apiMust(t, err)
	defer qd.Close()

	want := "[err:rust says no q/dup:put:go-dup q/dup:put:rust-dup q/g2:put:g2 q/g:put:g q/r/1:put:r1 q/r/2:delete:]"
	var got []string
	apiWait(t, "every queryable known", func() bool {
		got = apiReplyStrings(apiGet(t, g, "q/**", zenoh.WithTarget(zenoh.QueryTargetAll), zenoh.WithConsolidation(zenoh.ConsolidationNone)))
		return fmt.Sprint(got) == want
	})
	// Parameters, payload, encoding and attachment reach the real queryable.
	rs, errs := apiGet(t, g, "q/r/*?a=1;b=2", zenoh.WithPayload([]byte("qbody")), zenoh.WithEncoding(zenoh.EncodingTextJSON),
		zenoh.WithAttachment([]byte("qatt")), zenoh.WithConsolidation(zenoh.ConsolidationNone))
	if fmt.Sprint(apiReplyStrings(rs, errs)) != "[q/r/1:put:r1 q/r/2:delete:]" {
		t.Fatalf("q/r/*: %v", apiReplyStrings(rs, errs))
	}
	if r1 := rs[0]; r1.Sample.Key == "q/r/1" && (r1.Sample.Encoding != zenoh.EncodingTextPlain || string(r1.Sample.Attachment) != "ra") {
		t.Errorf("reply fields: %+v", r1.Sample)
	}
	rz, _ := zenoh.ParseZenohID(r.ZID())
	if rs[0].Replier != rz {
		t.Errorf("replier %v, want %v", rs[0].Replier, rz)
	}
	q, err := r.WaitEvent(DefaultTimeout, func(e Event) bool { return e.Event == "query" && e.Parameters == "a=1;b=2" })
	apiMust(t, err)
	if q.Key != "q/r/*" || q.Text != "qbody" || q.Encoding != "text/json" || q.AttachmentText != "qatt" {
		t.Errorf("query as seen by Zenoh: %v", q)
	}
	// Consolidation: Latest keeps one reply per key, None all.
	for _, tc := range []struct {
		m    zenoh.ConsolidationMode
		want int
	}{{zenoh.ConsolidationLatest, 1}, {zenoh.ConsolidationAuto, 1}, {zenoh.ConsolidationNone, 2}} {
		rs, errs := apiGet(t, g, "q/dup", zenoh.WithConsolidation(tc.m), zenoh.WithTarget(zenoh.QueryTargetAll))
		if len(rs) != tc.want || errs != nil {
			t.Errorf("consolidation %v: %v", tc.m, apiReplyStrings(rs, errs))
		}
	}
	// BestMatching with a complete queryable: only that one answers.
	apiMust(t, r.Queryable("q/c/**", Opts{"complete": true, "reply": "complete"}))
	qc, err := g2.DeclareQueryable("q/c/x", func(q *zenoh.Query) { apiMust(t, q.Reply("q/c/x", []byte("incomplete"))) })
	apiMust(t, err)
	defer qc.Close()
	apiWait(t, "both q/c queryables", func() bool {
		rs, _ := apiGet(t, g, "q/c/x", zenoh.WithTarget(zenoh.QueryTargetAll), zenoh.WithConsolidation(zenoh.ConsolidationNone))
		return len(rs) == 2
	})
	rs, errs = apiGet(t, g, "q/c/x", zenoh.WithTarget(zenoh.QueryTargetAllComplete), zenoh.WithConsolidation(zenoh.ConsolidationNone))
	if s := apiReplyStrings(rs, errs); fmt.Sprint(s) != "[q/c/x:put:complete]" {
		t.Errorf("AllComplete: %v", s)
	}
	// No queryable anywhere: the query ends at once (no 10 s timeout).
	start := time.Now()
	rs, errs = apiGet(t, g, "nothing/**")
	if len(rs) != 0 || len(errs) != 0 {
		t.Errorf("nothing/**: %v", apiReplyStrings(rs, errs))
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("query without queryable took %v", el)
	}
}

// TestAPIGetRustToGo: a real querier reaches Go queryables (and a real one), with data,
// deletion and error replies; Go sees the query's parameters, payload, encoding and
// attachment; a query with no queryable ends at once.
func TestAPIGetRustToGo(t *testing.T) {
	r, g, g2 := apiQueryMesh(t)
	seen := make(chan *zenoh.Query, 4)
	qg, err := g.DeclareQueryable("qq/g/**", func(q *zenoh.Query) {
		seen <- q
		apiMust(t, q.Reply("qq/g/1", []byte("g1"), zenoh.WithEncoding(zenoh.EncodingApplicationJSON), zenoh.WithAttachment([]byte("gatt"))))
		apiMust(t, q.ReplyDelete("qq/g/2"))
	})
	apiMust(t, err)
	defer qg.Close()
	qe, err := g2.DeclareQueryable("qq/gerr", func(q *zenoh.Query) {
		apiMust(t, q.ReplyErr([]byte("go says no"), zenoh.WithEncoding(zenoh.EncodingTextPlain)))
	})
	apiMust(t, err)
	defer qe.Close()
	qs, err := g2.DeclareQueryable("qq/silent", func(q *zenoh.Query) {})
	apiMust(t, err)
	defer qs.Close()
	apiMust(t, r.Queryable("qq/r", Opts{"reply": "r"}))
	for _, k := range []string{"qq/g/1", "qq/gerr", "qq/silent"} {
		apiMust(t, r.WaitMatchingQueryable(k))
	}

	start := time.Now()
	evs, err := r.Get("qq/**?p=1", Opts{"target": "all", "consolidation": "none", "text": "body",
		"encoding": "text/plain", "attachment_text": "qatt"})
	apiMust(t, err)
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("real get took %v", el)
	}
	var got []string
	for _, e := range evs {
		if e.OK {
			got = append(got, e.Key+":"+e.Kind+":"+e.Text)
		} else {
			got = append(got, "err:"+e.Text+":"+e.Encoding)
		}
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[err:go says no:text/plain qq/g/1:put:g1 qq/g/2:delete: qq/r:put:r]" {
		t.Fatalf("replies: %v", got)
	}
	for _, e := range evs {
		if e.Key == "qq/g/1" && (e.Encoding != "application/json" || e.AttachmentText != "gatt") {
			t.Errorf("qq/g/1 reply: %v", e)
		}
	}
	q := <-seen
	pl, ok := q.Payload()
	if q.Key() != "qq/**" || q.Parameters() != "p=1" || !ok || string(pl) != "body" || q.Encoding() != zenoh.EncodingTextPlain ||
		string(q.Attachment()) != "qatt" || q.Target() != zenoh.QueryTargetAll || q.Consolidation() != zenoh.ConsolidationNone {
		t.Errorf("query as seen by Go: %q %q %q %v %q %v %v", q.Key(), q.Parameters(), pl, q.Encoding(), q.Attachment(), q.Target(), q.Consolidation())
	}
	// A Go queryable that finishes without replying, and no queryable at all: prompt ends.
	for _, sel := range []string{"qq/silent", "none/at/all"} {
		start := time.Now()
		evs, err := r.Get(sel, nil)
		apiMust(t, err)
		if len(evs) != 0 {
			t.Errorf("%s: %v", sel, evs)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("%s took %v", sel, el)
		}
	}
}

// WaitMatchingQueryable waits until the real peer knows a queryable matching key.
func (p *Peer) WaitMatchingQueryable(key string) error {
	_, err := p.Do(map[string]any{"cmd": "wait_matching", "key": key, "what": "queryable", "target": "all",
		"timeout": DefaultTimeout.Seconds()}, 2*DefaultTimeout)
	return err
}

var _ = context.Background
