package interop

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// startPair starts peer a listening on a free port and peer b connected to it, and waits until
// b sees a.
func startPair(t *testing.T, extra ...string) (a, b *Peer) {
	t.Helper()
	a = StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, Config: extra})
	b = StartPeer(t, PeerOptions{Connect: []string{a.Locator()}, Config: extra})
	ev, err := b.WaitPeers(1, DefaultTimeout)
	if err != nil {
		t.Fatalf("b never connected to a: %v", err)
	}
	if !slices.Contains(ev.Peers, a.ZID()) {
		t.Fatalf("b's peers %v do not include a %s", ev.Peers, a.ZID())
	}
	return a, b
}

func TestStartPeerResolvesPort(t *testing.T) {
	Python(t)
	a := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0", "tcp/[::1]:0"}})
	if len(a.ZID()) == 0 || len(a.ZID()) > 32 {
		t.Fatalf("bad zid %q", a.ZID())
	}
	locs := a.Locators()
	if len(locs) != 2 || !strings.HasPrefix(locs[0], "tcp/127.0.0.1:") || !strings.HasPrefix(locs[1], "tcp/[::1]:") {
		t.Fatalf("locators %v", locs)
	}
	for _, l := range locs {
		if strings.HasSuffix(l, ":0") {
			t.Fatalf("port 0 not resolved in %v", locs)
		}
	}
	// A second peer connects to the reported IPv6 locator: the port is the one really bound.
	b := StartPeer(t, PeerOptions{Connect: []string{locs[1]}})
	ev, err := b.WaitPeers(1, DefaultTimeout)
	if err != nil || !slices.Contains(ev.Peers, a.ZID()) {
		t.Fatalf("b via %s: peers %v, err %v", locs[1], ev.Peers, err)
	}
}

func TestPubSubDelete(t *testing.T) {
	Python(t)
	a, b := startPair(t)
	if err := a.Sub("demo/**"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitMatching("demo/x", "sub"); err != nil {
		t.Fatal(err)
	}

	payload := []byte{0, 1, 2, 0xff, 0xfe, 'h', 'i'} // not UTF-8
	att := []byte{0xca, 0xfe, 0}
	err := b.Put("demo/x", payload, Opts{
		"encoding":           "application/octet-stream;my-schema",
		"attachment":         base64.StdEncoding.EncodeToString(att),
		"priority":           "interactive_high",
		"congestion_control": "block",
		"express":            true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.WaitSample("demo/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.Payload, payload) || !bytes.Equal(s.Attachment, att) || s.Size != len(payload) {
		t.Errorf("payload %x attachment %x size %d, want %x %x %d", s.Payload, s.Attachment, s.Size, payload, att, len(payload))
	}
	if s.Encoding != "application/octet-stream;my-schema" || s.Kind != "put" || s.Sub != "demo/**" {
		t.Errorf("encoding %q kind %q sub %q", s.Encoding, s.Kind, s.Sub)
	}
	if s.Priority != "interactive_high" || s.PriorityNum != 2 || s.CongestionControl != "block" || !s.Express {
		t.Errorf("qos: priority %q/%d cc %q express %v", s.Priority, s.PriorityNum, s.CongestionControl, s.Express)
	}
	if _, has := s.Raw["utf8"]; has {
		t.Errorf("binary payload reported as utf8 %q", s.Text)
	}

	if err := b.Put("demo/t", nil, Opts{"text": "héllo"}); err != nil {
		t.Fatal(err)
	}
	s, err = a.WaitSample("demo/t", 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Text != "héllo" || string(s.Payload) != "héllo" || s.Attachment != nil || s.Encoding != "zenoh/bytes" {
		t.Errorf("text sample: %v", s)
	}

	if err := b.Delete("demo/x", Opts{"attachment_text": "bye"}); err != nil {
		t.Fatal(err)
	}
	s, err = a.WaitSample("demo/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "delete" || len(s.Payload) != 0 || string(s.Attachment) != "bye" {
		t.Errorf("delete sample: %v", s)
	}

	const n = 200
	if err := b.Put("demo/burst", nil, Opts{"text": "m{i}", "count": n, "congestion_control": "block"}); err != nil {
		t.Fatal(err)
	}
	got, err := a.Collect(0, n, IsSample("demo/burst"))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		if e.Text != fmt.Sprintf("m%d", i) {
			t.Fatalf("burst sample %d is %q", i, e.Text)
		}
	}
}

func TestPublisherSizes(t *testing.T) {
	Python(t)
	a, b := startPair(t)
	if err := a.Sub("big/x"); err != nil {
		t.Fatal(err)
	}
	// 200000 bytes exceed a batch: the sample is fragmented on the wire and reassembled.
	sizes := []int{0, 1, 65535, 200000}
	for _, size := range sizes {
		if err := b.Pub("big/x", Opts{"size": size, "wait_matching": true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range sizes {
		s, err := a.WaitSample("big/x", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Payload) != size {
			t.Fatalf("size %d, want %d", len(s.Payload), size)
		}
		for i, c := range s.Payload {
			if c != byte(i) {
				t.Fatalf("byte %d of %d is %d", i, size, c)
			}
		}
	}
}

func TestGetQueryable(t *testing.T) {
	Python(t)
	a, b := startPair(t)
	err := a.Queryable("q/**", Opts{
		"replies": []Opts{
			{"text": "one", "key": "q/a"},
			{"text": "two", "key": "q/b", "encoding": "text/plain", "attachment_text": "att2"},
		},
		"reply_err": "boom",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WaitMatching("q/a", "queryable"); err != nil {
		t.Fatal(err)
	}
	replies, err := b.Get("q/*?x=1", Opts{"consolidation": "none", "target": "all", "timeout": 5,
		"text": "question", "encoding": "text/plain", "attachment_text": "qa"})
	if err != nil {
		t.Fatal(err)
	}
	var oks []string
	var errs []string
	for _, r := range replies {
		if r.OK {
			oks = append(oks, r.Key+"="+r.Text+"|"+r.Encoding+"|"+string(r.Attachment))
		} else {
			errs = append(errs, r.Text)
		}
	}
	slices.Sort(oks)
	want := []string{"q/a=one|zenoh/bytes|", "q/b=two|text/plain|att2"}
	if !slices.Equal(oks, want) || !slices.Equal(errs, []string{"boom"}) {
		t.Fatalf("replies ok %q err %q, want %q and [boom]", oks, errs, want)
	}
	q, err := a.WaitEvent(0, func(e Event) bool { return e.Event == "query" })
	if err != nil {
		t.Fatal(err)
	}
	if q.Key != "q/*" || q.Parameters != "x=1" || q.Queryable != "q/**" || q.Selector != "q/*?x=1" ||
		q.Text != "question" || q.Encoding != "text/plain" || q.AttachmentText != "qa" {
		t.Errorf("query event %v", q)
	}

	// A get nobody answers completes with no reply.
	replies, err = b.Get("nobody/here", Opts{"timeout": 1})
	if err != nil || len(replies) != 0 {
		t.Fatalf("unanswered get: %v %v", replies, err)
	}
}

func TestLivelinessAndKill(t *testing.T) {
	Python(t)
	a, b := startPair(t)
	if err := a.LivelinessSub("tok/**", false); err != nil {
		t.Fatal(err)
	}
	if err := b.Token("tok/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitEvent(0, IsLiveliness("tok/b", "put")); err != nil {
		t.Fatal(err)
	}
	replies, err := a.LivelinessGet("tok/**", Opts{"timeout": 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(replies) != 1 || replies[0].Key != "tok/b" || !replies[0].OK {
		t.Fatalf("liveliness get: %v", replies)
	}
	// A late subscriber with history sees the existing token.
	if err := a.LivelinessSub("tok/*", true); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitEvent(0, func(e Event) bool {
		return e.Event == "liveliness" && e.Sub == "tok/*" && e.Key == "tok/b" && e.Kind == "put"
	}); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	b.Kill()
	select {
	case <-b.Exited():
	default:
		t.Fatal("Kill returned before the process exited")
	}
	if _, err := a.WaitEvent(0, IsLiveliness("tok/b", "delete")); err != nil {
		t.Fatal(err)
	}
	t.Logf("token loss seen %v after SIGKILL", time.Since(start).Round(time.Millisecond))
	if _, err := b.Info(); err == nil {
		t.Fatal("command to a killed peer succeeded")
	}
}

func TestStopContRestart(t *testing.T) {
	Python(t)
	a := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, ID: "a1b2c3d4"})
	b := StartPeer(t, PeerOptions{Connect: []string{a.Locator()}})
	if _, err := b.WaitPeers(1, DefaultTimeout); err != nil {
		t.Fatal(err)
	}
	if a.ZID() != "a1b2c3d4" {
		t.Fatalf("zid %q, want a1b2c3d4", a.ZID())
	}

	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Do(map[string]any{"cmd": "info", "id": "while-stopped"}, 300*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("stopped peer answered: %v", err)
	}
	if err := a.Cont(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitEvent(0, func(e Event) bool { return e.Event == "ok" && e.ID == "while-stopped" }); err != nil {
		t.Fatalf("no answer after SIGCONT: %v", err)
	}

	before := a.Locators()
	if err := a.Restart(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Locators(), before) || a.ZID() != "a1b2c3d4" {
		t.Fatalf("after restart: locators %v zid %s, want %v a1b2c3d4", a.Locators(), a.ZID(), before)
	}
	// b reconnects on its own to the same endpoint and reaches the new process.
	if err := a.Sub("after/restart"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitMatching("after/restart", "sub"); err != nil {
		t.Fatal(err)
	}
	if err := b.Put("after/restart", []byte("again"), nil); err != nil {
		t.Fatal(err)
	}
	if s, err := a.WaitSample("after/restart", 0); err != nil || s.Text != "again" {
		t.Fatalf("sample after restart: %v %v", s, err)
	}
}

func TestCommandErrors(t *testing.T) {
	Python(t)
	a := StartPeer(t, PeerOptions{})
	cases := []map[string]any{
		{"cmd": "no_such_command"},
		{"cmd": "put", "key": "a//b", "text": "x"},
		{"cmd": "put", "key": "a/b", "payload": "***"},
		{"cmd": "put"},
		{"cmd": "put", "key": "a/b", "priority": "urgent"},
		{"cmd": "unsub", "key": "never/declared"},
		{"cmd": "get", "selector": "a/b", "timeout": 1e9},
	}
	for _, c := range cases {
		_, err := a.Do(c, 0)
		var ce *CommandError
		if !errors.As(err, &ce) || ce.Msg == "" {
			t.Errorf("%v: got %v, want a CommandError", c, err)
		}
	}
	if _, err := a.Send(map[string]any{"cmd": "sub"}); err != nil {
		t.Fatal(err)
	}
	// Garbage on stdin is answered, not fatal.
	pc := a.proc()
	pc.wmu.Lock()
	_, err := pc.stdin.Write([]byte("not json\n[1]\n"))
	pc.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Collect(0, 3, func(e Event) bool { return e.Event == "error" }); err != nil {
		t.Fatal(err)
	}
	if ev, err := a.Info(); err != nil || ev.ZID != a.ZID() {
		t.Fatalf("peer unusable after errors: %v %v", ev, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// loMulticast reports whether interface lo has the MULTICAST flag.
func loMulticast(t *testing.T) (bool, string) {
	out, err := exec.Command("ip", "link", "show", "lo").CombinedOutput()
	if err != nil {
		return false, fmt.Sprintf("ip link show lo: %v %s", err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.Contains(first, "MULTICAST"), strings.TrimSpace(first)
}

func TestScoutMulticastLo(t *testing.T) {
	Python(t)
	group := MulticastAddress(FreeUDPPort(t))
	a := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, MulticastIface: "lo", MulticastAddress: group})
	scout := func() []Event {
		hellos, err := Scout(t, ScoutOptions{What: "peer|router", MulticastIface: "lo", MulticastAddress: group,
			Timeout: 5 * time.Second, StopAfter: 1})
		if err != nil {
			t.Fatal(err)
		}
		return hellos
	}
	hellos := scout()
	if len(hellos) == 0 {
		on, desc := loMulticast(t)
		if on {
			t.Fatalf("no Hello on lo although lo has MULTICAST (%s); check firewall rules for %s", desc, group)
		}
		if os.Geteuid() != 0 {
			t.Fatalf("no Hello on lo: lo lacks the MULTICAST flag (%s) and the test is not root; run `ip link set lo multicast on`", desc)
		}
		t.Logf("no Hello on lo and lo lacks MULTICAST (%s): running `ip link set lo multicast on` (root)", desc)
		if out, err := exec.Command("ip", "link", "set", "lo", "multicast", "on").CombinedOutput(); err != nil {
			t.Fatalf("ip link set lo multicast on: %v %s", err, out)
		}
		hellos = scout()
		if len(hellos) == 0 {
			t.Fatal("no Hello on lo even with lo MULTICAST on")
		}
	}
	h := hellos[0]
	if h.ZID != a.ZID() || h.WhatAmI != "peer" || !slices.Contains(h.Locators, a.Locator()) {
		t.Fatalf("hello %v, want zid %s peer with %s", h, a.ZID(), a.Locator())
	}
}

func TestStartFailureAndStdinEOF(t *testing.T) {
	py := Python(t)
	// A config zenoh rejects ends in a "fatal" event, reported with zenoh's message.
	bad := &Peer{t: t, python: py, opts: PeerOptions{Config: []string{"no/such/key=1"}}}
	t.Cleanup(bad.cleanup)
	err := bad.start(nil)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "unknown key") {
		t.Fatalf("start with a bad config: %v", err)
	}

	// zpeer exits by itself when its stdin closes.
	a := StartPeer(t, PeerOptions{})
	a.proc().stdin.Close()
	select {
	case <-a.Exited():
	case <-time.After(DefaultTimeout):
		t.Fatal("zpeer still running after stdin closed")
	}
	if err := a.proc().err; err != nil {
		t.Fatalf("exit status after stdin EOF: %v", err)
	}
}

func TestZpeerSourceFitsOneArgument(t *testing.T) {
	// Linux limits one argv string to 32 pages (MAX_ARG_STRLEN); zpeer.py is passed with -c.
	if len(zpeerSource) >= 128<<10 {
		t.Fatalf("zpeer.py is %d bytes; python3 -c cannot take more than 128 KiB", len(zpeerSource))
	}
}
