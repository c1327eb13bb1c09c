package interop

import (
	"syscall"
	"testing"
	"time"
)

// sigint is CTRL-C.
const sigint = syscall.SIGINT

func TestCLILivelinessTokenSeenAndLostOnKill(t *testing.T) {
	zp := cliZenohPeer(t)
	if err := zp.LivelinessSub("group/cli/**", false); err != nil {
		t.Fatal(err)
	}
	p := startCLI(t, cliArgs([]string{"liveliness", "token", "-k", "group/cli/t1", "--json"}, cliNet(zp.Locator()))...)
	if ready := p.event("ready", DefaultTimeout); ready["key"] != "group/cli/t1" {
		t.Fatalf("ready %v", ready)
	}
	if _, err := zp.WaitEvent(DefaultTimeout, IsLiveliness("group/cli/t1", "put")); err != nil {
		t.Fatalf("Zenoh did not see the token: %v", err)
	}
	// Killed: no undeclaration is sent; Zenoh drops the token when the transport goes down.
	p.signal(syscall.SIGKILL)
	if code := p.exitCode(DefaultTimeout); code != -1 {
		t.Fatalf("exit code %d after SIGKILL", code)
	}
	if _, err := zp.WaitEvent(2*DefaultTimeout, IsLiveliness("group/cli/t1", "delete")); err != nil {
		t.Fatalf("Zenoh still sees the token of a killed process: %v", err)
	}

	// CTRL-C: the token is withdrawn and the process exits 0.
	p = startCLI(t, cliArgs([]string{"liveliness", "token", "-k", "group/cli/t2"}, cliNet(zp.Locator()))...)
	if _, err := zp.WaitEvent(DefaultTimeout, IsLiveliness("group/cli/t2", "put")); err != nil {
		t.Fatal(err)
	}
	p.signal(sigint)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("exit %d after SIGINT", code)
	}
	if _, err := zp.WaitEvent(DefaultTimeout, IsLiveliness("group/cli/t2", "delete")); err != nil {
		t.Fatal(err)
	}
}

func TestCLILivelinessSubAndGetZenohTokens(t *testing.T) {
	zp := cliZenohPeer(t)
	if err := zp.Token("group/cli/old"); err != nil {
		t.Fatal(err)
	}
	g := startCLI(t, cliArgs([]string{"liveliness", "get", "-k", "group/cli/**", "-o", "5s"}, cliNet(zp.Locator()))...)
	if code := g.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("liveliness get: exit %d", code)
	}
	if got := g.line(time.Second); got != ">> Alive token ('group/cli/old')" {
		t.Fatalf("liveliness get printed %q", got)
	}

	p := startCLI(t, cliArgs([]string{"liveliness", "sub", "-k", "group/cli/**", "--history", "--json", "--count", "3"}, cliNet(zp.Locator()))...)
	p.event("ready", DefaultTimeout)
	if ev := p.event("liveliness", DefaultTimeout); ev["kind"] != "put" || ev["key"] != "group/cli/old" {
		t.Fatalf("history %v", ev)
	}
	if err := zp.Token("group/cli/new"); err != nil {
		t.Fatal(err)
	}
	if ev := p.event("liveliness", DefaultTimeout); ev["kind"] != "put" || ev["key"] != "group/cli/new" {
		t.Fatalf("new token %v", ev)
	}
	if err := zp.Untoken("group/cli/new"); err != nil {
		t.Fatal(err)
	}
	if ev := p.event("liveliness", DefaultTimeout); ev["kind"] != "delete" || ev["key"] != "group/cli/new" {
		t.Fatalf("token gone %v", ev)
	}
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("liveliness sub --count 3: exit %d", code)
	}
}
