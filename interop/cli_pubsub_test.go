package interop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCLIPutToZenohSubscriber(t *testing.T) {
	zp := cliZenohPeer(t)
	if err := zp.Sub("demo/cli/**"); err != nil {
		t.Fatal(err)
	}
	p := startCLI(t, cliArgs([]string{"put", "-k", "demo/cli/a", "-p", "hello {i}", "--encoding", "text/plain;utf-8",
		"--attach", "meta", "--count", "2", "--priority", "interactive-high", "--congestion-control", "block",
		"--express", "--json"}, cliNet(zp.Locator()))...)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh put: exit %d", code)
	}
	for i := range 2 {
		if got, want := p.line(time.Second), `{"event":"put","index":`+itoa(i)+`,"key":"demo/cli/a","payload":"hello `+itoa(i)+`"}`; got != want {
			t.Errorf("stdout %s, want %s", got, want)
		}
		ev, err := zp.WaitSample("demo/cli/a", DefaultTimeout)
		if err != nil {
			t.Fatalf("Zenoh got no sample %d: %v", i, err)
		}
		if ev.Kind != "put" || ev.Text != "hello "+itoa(i) || ev.Encoding != "text/plain;utf-8" ||
			ev.AttachmentText != "meta" || ev.PriorityNum != 2 || ev.CongestionControl != "block" || !ev.Express {
			t.Errorf("Zenoh received %v", ev)
		}
	}

	// A deletion, and a binary payload read from a file.
	p = startCLI(t, cliArgs([]string{"put", "-k", "demo/cli/a", "--delete", "--attach", ""}, cliNet(zp.Locator()))...)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh put --delete: exit %d", code)
	}
	ev, err := zp.WaitSample("demo/cli/a", DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != "delete" || ev.Attachment == nil || len(ev.Attachment) != 0 {
		t.Errorf("delete received as %v", ev)
	}
}

func TestCLISubFromZenohPublisher(t *testing.T) {
	zp := cliZenohPeer(t)
	p := startCLI(t, cliArgs([]string{"sub", "-k", "demo/cli/**", "--json", "--count", "3", "--timeout", "30s"}, cliNet(zp.Locator()))...)
	ready := p.event("ready", DefaultTimeout)
	if ready["key"] != "demo/cli/**" {
		t.Fatalf("ready %v", ready)
	}
	if err := zp.WaitMatching("demo/cli/x", "sub"); err != nil {
		t.Fatal(err)
	}
	if err := zp.Put("demo/cli/x", []byte("from rust"), Opts{"encoding": "application/json", "attachment_text": "att",
		"priority": "real_time", "express": true}); err != nil {
		t.Fatal(err)
	}
	if err := zp.Put("demo/cli/y", []byte{0, 0xff}, nil); err != nil {
		t.Fatal(err)
	}
	if err := zp.Delete("demo/cli/x", nil); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"event": "sample", "kind": "put", "key": "demo/cli/x", "payload": "from rust", "encoding": "application/json",
			"attachment": "att", "priority": "real-time", "congestion_control": "drop", "express": true},
		{"event": "sample", "kind": "put", "key": "demo/cli/y", "payload_base64": "AP8=", "encoding": "zenoh/bytes",
			"priority": "data", "congestion_control": "drop", "express": false},
		{"event": "sample", "kind": "delete", "key": "demo/cli/x", "payload": "", "encoding": "zenoh/bytes",
			"priority": "data", "congestion_control": "drop", "express": false},
	}
	for i, w := range want {
		got := p.event("sample", DefaultTimeout)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) { // encoding/json sorts map keys: an exact comparison
			t.Errorf("sample %d:\n got %s\nwant %s", i, gb, wb)
		}
	}
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh sub --count 3: exit %d", code)
	}
}

func TestCLISubTextFromZenoh(t *testing.T) {
	zp := cliZenohPeer(t)
	p := startCLI(t, cliArgs([]string{"sub", "-k", "demo/cli/**", "--count", "1"}, cliNet(zp.Locator()))...)
	if err := zp.WaitMatching("demo/cli/t", "sub"); err != nil {
		t.Fatal(err)
	}
	if err := zp.Put("demo/cli/t", []byte("Pub from Rust!"), Opts{"attachment_text": "a"}); err != nil {
		t.Fatal(err)
	}
	// The line z_sub prints for the same sample.
	if got, want := p.line(DefaultTimeout), ">> [Subscriber] Received PUT ('demo/cli/t': 'Pub from Rust!') (a)"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestCLIClientModeThroughZenohPeer(t *testing.T) {
	zp := cliZenohPeer(t)
	if err := zp.Sub("demo/cli/c"); err != nil {
		t.Fatal(err)
	}
	p := startCLI(t, "put", "-m", "client", "-e", zp.Locator(), "--no-multicast-scouting", "-k", "demo/cli/c", "-p", "from a client")
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh put -m client: exit %d", code)
	}
	if got := p.line(time.Second); got != "Putting Data ('demo/cli/c': 'from a client')..." {
		t.Errorf("stdout %q", got)
	}
	ev, err := zp.WaitSample("demo/cli/c", DefaultTimeout)
	if err != nil || ev.Text != "from a client" {
		t.Fatalf("Zenoh received %v (%v)", ev, err)
	}
	// A client that reaches no node fails with exit 1 and one line naming the cause.
	p = startCLI(t, "put", "-m", "client", "-e", "tcp/127.0.0.1:1", "--no-multicast-scouting")
	if code := p.exitCode(DefaultTimeout); code != 1 {
		t.Fatalf("unreachable router: exit %d", code)
	}
	if e := p.stderr.String(); !strings.Contains(e, "gozenoh put: opening the session: ") {
		t.Fatalf("stderr %q", e)
	}
}
