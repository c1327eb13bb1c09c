package main

import (
	"context"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

// zGetUntilReply queries selector until a reply arrives (at most zE2ETimeout), and returns the
// replies of that query.
func zGetUntilReply(t *testing.T, s *zenoh.Session, selector string, opts ...zenoh.GetOption) ([]zenoh.Reply, []error) {
	t.Helper()
	deadline := time.Now().Add(zE2ETimeout)
	for time.Now().Before(deadline) {
		var replies []zenoh.Reply
		var errs []error
		for r, err := range s.Get(context.Background(), selector, append(opts, zenoh.WithTimeout(2*time.Second))...) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			replies = append(replies, r)
		}
		if len(replies)+len(errs) > 0 {
			return replies, errs
		}
		time.Sleep(5 * time.Millisecond) // the queryable's declaration is not there yet
	}
	t.Fatalf("no reply to %s in %v", selector, zE2ETimeout)
	return nil, nil
}

func TestE2EQueryable(t *testing.T) {
	s, ep := zTestSession(t)
	r := zStart(t, runQueryable, append([]string{"-k", "demo/q", "-p", "answer", "--encoding", "text/plain",
		"-a", "at", "--complete", "--json", "--count", "1"}, zConnectArgs(ep)...)...)
	r.event(t, "ready")
	replies, errs := zGetUntilReply(t, s, "demo/q?a=b", zenoh.WithPayload([]byte("qp")))
	if len(errs) > 0 || len(replies) != 1 {
		t.Fatalf("replies %v errors %v", replies, errs)
	}
	rs := replies[0].Sample
	if rs.Key != "demo/q" || string(rs.Payload) != "answer" || rs.Encoding != zenoh.EncodingTextPlain || string(rs.Attachment) != "at" {
		t.Fatalf("reply %+v", rs)
	}
	q := r.event(t, "query")
	if q["selector"] != "demo/q?a=b" || q["key"] != "demo/q" || q["parameters"] != "a=b" || q["payload"] != "qp" ||
		q["reply_key"] != "demo/q" || q["reply"] != "answer" || q["error"] != nil {
		t.Fatalf("query line %v", q)
	}
	if err := r.wait(t); err != nil { // --count 1
		t.Fatal(err)
	}

	r = zStart(t, runQueryable, append([]string{"-k", "demo/e", "-p", "nope", "--err"}, zConnectArgs(ep)...)...)
	_, errs = zGetUntilReply(t, s, "demo/e")
	if re, ok := errs[0].(*zenoh.ReplyError); !ok || string(re.Payload) != "nope" {
		t.Fatalf("error reply %v", errs)
	}
	if got := r.line(t); got != ">> [Queryable ] Received Query 'demo/e'" {
		t.Fatalf("line %q", got)
	}
	if got := r.line(t); got != ">> [Queryable ] Responding (ERROR: 'nope')" {
		t.Fatalf("line %q", got)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
}
