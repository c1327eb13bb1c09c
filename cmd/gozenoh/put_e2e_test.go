package main

import (
	"strings"
	"testing"

	"github.com/gozenoh/zenoh"
)

func TestE2EPutReachesSubscriber(t *testing.T) {
	s, ep := zTestSession(t)
	sub, err := s.DeclareSubscriberChan("demo/**", 16, zenoh.Block)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-k", "demo/a", "-p", "v{i}", "--encoding", "text/plain", "--attach", "at", "--count", "2",
		"--priority", "real-time", "--congestion-control", "block", "--express", "--json"}, zConnectArgs(ep)...)
	r := zStart(t, runPut, args...)
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`{"event":"put","index":0,"key":"demo/a","payload":"v0"}`, `{"event":"put","index":1,"key":"demo/a","payload":"v1"}`} {
		if got := r.line(t); got != want {
			t.Errorf("line %d: %s, want %s", i, got, want)
		}
	}
	for i := range 2 {
		smp := zRecvSample(t, sub)
		if smp.Key != "demo/a" || string(smp.Payload) != "v"+zItoa(i) || smp.Encoding != zenoh.EncodingTextPlain ||
			string(smp.Attachment) != "at" || smp.Priority != zenoh.PriorityRealTime ||
			smp.CongestionControl != zenoh.CongestionControlBlock || !smp.Express {
			t.Errorf("sample %d: %+v", i, smp)
		}
	}

	r = zStart(t, runPut, append([]string{"-k", "demo/b", "--delete"}, zConnectArgs(ep)...)...)
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	if got := r.line(t); got != "Deleting resources matching 'demo/b'..." {
		t.Errorf("text line %q", got)
	}
	if smp := zRecvSample(t, sub); smp.Kind != zenoh.SampleKindDelete || smp.Key != "demo/b" {
		t.Errorf("delete: %+v", smp)
	}
	if e := r.errb.String(); !strings.Contains(e, "Opening session...") {
		t.Errorf("stderr lacks the progress note: %q", e)
	}
}

func zItoa(i int) string { return string(rune('0' + i)) }

func TestE2ERuntimeErrorsExitOne(t *testing.T) {
	// A client that cannot reach its router: a runtime error, one line on stderr, exit 1.
	code, out, errs := runCmd(t, "", "put", "-m", "client", "-e", "tcp/127.0.0.1:1", "--no-multicast-scouting")
	if code != 1 || out != "" || !strings.HasPrefix(errs, "Opening session...\ngozenoh put: opening the session: ") ||
		strings.Count(errs, "\n") != 2 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// A listen endpoint that cannot be bound.
	code, _, errs = runCmd(t, "", "sub", "--json", "--no-multicast-scouting", "-l", "tcp/127.0.0.1:99999")
	if code != 1 || !strings.Contains(errs, "gozenoh sub: opening the session") {
		t.Fatalf("bad listen: exit %d, stderr %q", code, errs)
	}
}
