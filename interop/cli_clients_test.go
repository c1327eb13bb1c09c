package interop

import (
	"testing"
	"time"
)

// cliClient returns the flags of a gozenoh client connected to endpoint only.
func cliClient(endpoint string) []string {
	return []string{"--no-multicast-scouting", "-m", "client", "-e", endpoint}
}

// cliGoPeer starts `gozenoh peer` on a loopback port and returns it and its endpoint.
func cliGoPeer(t *testing.T) (*cliProc, string) {
	t.Helper()
	p := startCLI(t, cliArgs([]string{"peer", "--json"}, cliNet())...)
	ready := p.event("ready", DefaultTimeout)
	locs, _ := ready["locators"].([]any)
	if len(locs) != 1 {
		t.Fatalf("gozenoh peer ready %v", ready)
	}
	return p, locs[0].(string)
}

// cliGetUntilReply runs `gozenoh get` (a client of endpoint) until it prints a reply or the
// deadline passes (the queryable's declaration reaches the peer asynchronously), and returns
// that reply.
func cliGetUntilReply(t *testing.T, endpoint, selector string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * DefaultTimeout)
	for {
		g := startCLI(t, cliArgs([]string{"get", "-s", selector, "-o", "2s", "--json"}, cliClient(endpoint))...)
		if code := g.exitCode(2 * DefaultTimeout); code != 0 {
			t.Fatalf("gozenoh get: exit %d", code)
		}
		if ev := g.anyEvent(time.Second); ev["event"] == "reply" {
			return ev
		}
		if time.Now().After(deadline) {
			t.Fatalf("gozenoh get %s through the peer got no reply", selector)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCLIClientsThroughGoPeer: `gozenoh peer` routes between its clients (they are south of
// it): a gozenoh client's get reaches another gozenoh client's queryable; the same with a real
// Zenoh client on either side; and liveliness between clients (which needs the clients'
// interests, answered and forwarded by the peer).
func TestCLIClientsThroughGoPeer(t *testing.T) {
	_, ep := cliGoPeer(t)

	// gozenoh client get -> gozenoh peer -> gozenoh client queryable.
	q := startCLI(t, cliArgs([]string{"queryable", "-k", "demo/cp/go", "-p", "go answer", "--json"}, cliClient(ep))...)
	q.event("ready", DefaultTimeout)
	if r := cliGetUntilReply(t, ep, "demo/cp/go"); r["ok"] != true || r["key"] != "demo/cp/go" || r["payload"] != "go answer" {
		t.Fatalf("reply from the gozenoh client's queryable: %v", r)
	}
	if ev := q.event("query", DefaultTimeout); ev["selector"] != "demo/cp/go" {
		t.Fatalf("query line %v", ev)
	}

	// A real Zenoh client's get reaches the gozenoh client's queryable, and a gozenoh client's
	// get reaches a real Zenoh client's queryable.
	zc := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{ep}})
	replies, err := zc.Get("demo/cp/go", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 1 || !replies[0].OK || replies[0].Text != "go answer" {
		t.Fatalf("Zenoh client's replies %v", replies)
	}
	if err := zc.Queryable("demo/cp/rust", Opts{"reply": "rust answer"}); err != nil {
		t.Fatal(err)
	}
	if r := cliGetUntilReply(t, ep, "demo/cp/rust"); r["ok"] != true || r["payload"] != "rust answer" || r["replier"] != zc.ZID() {
		t.Fatalf("reply from the Zenoh client's queryable: %v", r)
	}

	// Liveliness between clients: a gozenoh client sees the real client's token (history and
	// get), and the real client sees a gozenoh client's.
	if err := zc.Token("demo/cp/tok/rust"); err != nil {
		t.Fatal(err)
	}
	ls := startCLI(t, cliArgs([]string{"liveliness", "sub", "-k", "demo/cp/tok/**", "--history", "--json"}, cliClient(ep))...)
	ls.event("ready", DefaultTimeout)
	if ev := ls.event("liveliness", DefaultTimeout); ev["kind"] != "put" || ev["key"] != "demo/cp/tok/rust" {
		t.Fatalf("gozenoh client's liveliness history %v", ev)
	}
	lg := startCLI(t, cliArgs([]string{"liveliness", "get", "-k", "demo/cp/tok/**", "-o", "5s"}, cliClient(ep))...)
	if code := lg.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("liveliness get: exit %d", code)
	}
	if got := lg.line(time.Second); got != ">> Alive token ('demo/cp/tok/rust')" {
		t.Fatalf("liveliness get printed %q", got)
	}
	tok := startCLI(t, cliArgs([]string{"liveliness", "token", "-k", "demo/cp/tok/go", "--json"}, cliClient(ep))...)
	tok.event("ready", DefaultTimeout)
	if ev := ls.event("liveliness", DefaultTimeout); ev["kind"] != "put" || ev["key"] != "demo/cp/tok/go" {
		t.Fatalf("gozenoh client's token at the other gozenoh client %v", ev)
	}
	apiWait(t, "the gozenoh client's token at the Zenoh client", func() bool {
		evs, err := zc.LivelinessGet("demo/cp/tok/go", nil)
		return err == nil && len(evs) == 1
	})
	zc.Kill()
	if ev := ls.event("liveliness", 2*DefaultTimeout); ev["kind"] != "delete" || ev["key"] != "demo/cp/tok/rust" {
		t.Fatalf("the killed Zenoh client's token %v", ev)
	}
}
