package interop

import (
	"sort"
	"testing"
	"time"
)

func TestCLIGetFromZenohQueryable(t *testing.T) {
	zp := cliZenohPeer(t)
	if err := zp.Queryable("demo/cli/q/ok", Opts{"replies": []map[string]any{
		{"text": "v1", "encoding": "text/plain", "attachment_text": "meta"},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := zp.Queryable("demo/cli/q/err", Opts{"reply_err": "boom"}); err != nil {
		t.Fatal(err)
	}
	p := startCLI(t, cliArgs([]string{"get", "-s", "demo/cli/q/**?x=1", "-p", "qp", "--target", "all", "-o", "5s", "--json"},
		cliNet(zp.Locator()))...)
	if code := p.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh get: exit %d", code)
	}
	var ok, bad map[string]any
	for range 2 {
		r := p.event("reply", time.Second)
		if r["ok"] == true {
			ok = r
		} else {
			bad = r
		}
	}
	if ok == nil || ok["key"] != "demo/cli/q/ok" || ok["payload"] != "v1" || ok["encoding"] != "text/plain" ||
		ok["attachment"] != "meta" || ok["replier"] != zp.ZID() {
		t.Errorf("data reply %v", ok)
	}
	if bad == nil || bad["payload"] != "boom" {
		t.Errorf("error reply %v", bad)
	}
	if done := p.event("done", time.Second); done["replies"] != 1.0 || done["errors"] != 1.0 || done["timeout"] != false {
		t.Errorf("done %v", done)
	}
	qs, err := zp.Collect(DefaultTimeout, 2, func(e Event) bool { return e.Event == "query" })
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Parameters != "x=1" || q.Text != "qp" {
			t.Errorf("Zenoh's queryable saw %v", q)
		}
	}

	// The text form, as z_get prints it.
	p = startCLI(t, cliArgs([]string{"get", "-s", "demo/cli/q/**", "--target", "all"}, cliNet(zp.Locator()))...)
	if code := p.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh get: exit %d", code)
	}
	lines := []string{p.line(time.Second), p.line(time.Second)}
	sort.Strings(lines)
	if lines[0] != ">> Received ('demo/cli/q/ok': 'v1') (meta) [text/plain]" || lines[1] != ">> Received (ERROR: 'boom')" {
		t.Errorf("text replies %q", lines)
	}
}

func TestCLIZenohGetFromQueryable(t *testing.T) {
	zp := cliZenohPeer(t)
	p := startCLI(t, cliArgs([]string{"queryable", "-k", "demo/cli/gq", "-p", "answer", "--encoding", "text/plain",
		"-a", "att", "--complete", "--json", "--count", "1"}, cliNet(zp.Locator()))...)
	p.event("ready", DefaultTimeout)
	if err := zp.WaitMatching("demo/cli/gq", "queryable"); err != nil {
		t.Fatal(err)
	}
	replies, err := zp.Get("demo/cli/gq?x=1", Opts{"text": "qp", "target": "all_complete"})
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 1 {
		t.Fatalf("Zenoh got %d replies: %v", len(replies), replies)
	}
	r := replies[0]
	if !r.OK || r.Key != "demo/cli/gq" || r.Text != "answer" || r.Encoding != "text/plain" || r.AttachmentText != "att" {
		t.Errorf("Zenoh's reply %v", r)
	}
	q := p.event("query", DefaultTimeout)
	if q["selector"] != "demo/cli/gq?x=1" || q["parameters"] != "x=1" || q["payload"] != "qp" || q["reply"] != "answer" || q["error"] != nil {
		t.Errorf("gozenoh's query line %v", q)
	}
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh queryable --count 1: exit %d", code)
	}

	// An error reply, and the text lines of z_queryable.
	p = startCLI(t, cliArgs([]string{"queryable", "-k", "demo/cli/eq", "-p", "nope", "--err"}, cliNet(zp.Locator()))...)
	if err := zp.WaitMatching("demo/cli/eq", "queryable"); err != nil {
		t.Fatal(err)
	}
	replies, err = zp.Get("demo/cli/eq", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 1 || replies[0].OK || replies[0].Text != "nope" {
		t.Fatalf("Zenoh's replies %v", replies)
	}
	if got := p.line(DefaultTimeout); got != ">> [Queryable ] Received Query 'demo/cli/eq'" {
		t.Errorf("line %q", got)
	}
	if got := p.line(DefaultTimeout); got != ">> [Queryable ] Responding (ERROR: 'nope')" {
		t.Errorf("line %q", got)
	}
	p.signal(sigint)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh queryable after SIGINT: exit %d", code)
	}
}
