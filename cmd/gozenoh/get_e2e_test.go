package main

import (
	"slices"
	"testing"

	"github.com/gozenoh/zenoh"
)

func TestE2EGet(t *testing.T) {
	s, ep := zTestSession(t)
	var gotPayload, gotParams string
	q1, err := s.DeclareQueryable("demo/q/ok", func(q *zenoh.Query) {
		pl, _ := q.Payload()
		gotPayload, gotParams = string(pl), q.Parameters()
		q.Reply("demo/q/ok", []byte("v"), zenoh.WithEncoding(zenoh.EncodingTextPlain), zenoh.WithAttachment([]byte("at")))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer q1.Close()
	q2, err := s.DeclareQueryable("demo/q/err", func(q *zenoh.Query) { q.ReplyErr([]byte("boom")) })
	if err != nil {
		t.Fatal(err)
	}
	defer q2.Close()

	r := zStart(t, runGet, append([]string{"-s", "demo/q/**?x=1", "-p", "qp", "--target", "all", "-o", "5s"}, zConnectArgs(ep)...)...)
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	lines := []string{r.line(t), r.line(t)}
	slices.Sort(lines)
	want := []string{">> Received ('demo/q/ok': 'v') (at) [text/plain]", ">> Received (ERROR: 'boom')"}
	if !slices.Equal(lines, want) {
		t.Fatalf("got %q\nwant %q", lines, want)
	}
	r.noMoreLines(t)
	if gotPayload != "qp" || gotParams != "x=1" {
		t.Fatalf("the queryable saw payload %q parameters %q", gotPayload, gotParams)
	}

	r = zStart(t, runGet, append([]string{"-s", "demo/q/ok", "--json"}, zConnectArgs(ep)...)...)
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	rep := r.event(t, "reply")
	if rep["ok"] != true || rep["key"] != "demo/q/ok" || rep["payload"] != "v" || rep["encoding"] != "text/plain" ||
		rep["attachment"] != "at" || rep["replier"] != s.ZID().String() {
		t.Fatalf("reply %v", rep)
	}
	if done := r.event(t, "done"); done["replies"] != 1.0 || done["errors"] != 0.0 || done["timeout"] != false {
		t.Fatalf("done %v", done)
	}
}
