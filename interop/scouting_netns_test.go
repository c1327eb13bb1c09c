package interop

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/wire"
)

// Scouting across hosts, emulated with two network namespaces joined by a veth pair that the
// test creates (as root) and deletes. Nothing is sent outside the two namespaces: each has only
// its loopback and its end of the veth. Inside them, "auto" interface selection is safe, and is
// what the Go nodes use.

// scoutingNetns is a pair of namespaces A and B joined by veth VA (10.99.0.1/24, in A) and VB
// (10.99.0.2/24, in B).
type scoutingNetns struct {
	A, B   string
	VA, VB string
}

const (
	scoutingAddrA  = "10.99.0.1"
	scoutingAddrB  = "10.99.0.2"
	scoutingAddr6A = "fd99::1"
	scoutingAddr6B = "fd99::2"
)

// scoutingNetnsSeq numbers the namespace pairs of this process.
var scoutingNetnsSeq atomic.Int32

// newScoutingNetns creates the namespaces, or fails (under CI) or skips the test when not root.
func newScoutingNetns(t *testing.T) *scoutingNetns {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the network-namespace test needs root, which CI provides")
		}
		t.Skip("the network-namespace test needs root (ip netns, veth); under CI it fails instead")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatalf("no ip command: %v", err)
	}
	pid, seq := os.Getpid(), scoutingNetnsSeq.Add(1)
	n := &scoutingNetns{
		A: fmt.Sprintf("gzt-%d-%d-a", pid, seq), B: fmt.Sprintf("gzt-%d-%d-b", pid, seq),
		// Interface names have at most 15 bytes.
		VA: fmt.Sprintf("gzt%d%da", pid%1000000, seq%100), VB: fmt.Sprintf("gzt%d%db", pid%1000000, seq%100),
	}
	t.Cleanup(func() {
		for _, ns := range []string{n.A, n.B} {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				t.Logf("ip netns del %s: %v %s", ns, err, out)
			}
		}
	})
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", n.A)
	run("netns", "add", n.B)
	// Both ends are created directly inside the namespaces: the root namespace never sees them.
	run("link", "add", n.VA, "netns", n.A, "type", "veth", "peer", "name", n.VB, "netns", n.B)
	run("-n", n.A, "addr", "add", scoutingAddrA+"/24", "dev", n.VA)
	run("-n", n.B, "addr", "add", scoutingAddrB+"/24", "dev", n.VB)
	run("-n", n.A, "addr", "add", scoutingAddr6A+"/64", "dev", n.VA, "nodad")
	run("-n", n.B, "addr", "add", scoutingAddr6B+"/64", "dev", n.VB, "nodad")
	for _, x := range [][2]string{{n.A, n.VA}, {n.B, n.VB}} {
		// No duplicate address detection: the link-local address is usable at once (IPv6
		// multicast is sent from it).
		if out, err := exec.Command("ip", "netns", "exec", x[0], "sysctl", "-qw", "net.ipv6.conf."+x[1]+".accept_dad=0").CombinedOutput(); err != nil {
			t.Fatalf("sysctl accept_dad in %s: %v %s", x[0], err, out)
		}
		run("-n", x[0], "link", "set", "lo", "up")
		run("-n", x[0], "link", "set", x[1], "up")
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, x := range [][2]string{{n.A, n.VA}, {n.B, n.VB}} {
		for {
			out, _ := exec.Command("ip", "-n", x[0], "link", "show", x[1]).CombinedOutput()
			addrs, _ := exec.Command("ip", "-n", x[0], "-6", "addr", "show", "dev", x[1]).CombinedOutput()
			if strings.Contains(string(out), "state UP") && strings.Contains(string(addrs), "fe80::") &&
				!strings.Contains(string(addrs), "tentative") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s in %s not up: %s", x[1], x[0], out)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return n
}

// scoutingProc is a process run inside a namespace that prints one JSON object per line.
type scoutingProc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	events chan map[string]any
	done   chan struct{}
	stderr strings.Builder
	mu     sync.Mutex
}

// startInNetns runs argv inside namespace ns with extra environment env.
func startInNetns(t *testing.T, name, ns string, env []string, argv ...string) *scoutingProc {
	t.Helper()
	p := &scoutingProc{t: t, name: name, events: make(chan map[string]any, 1024), done: make(chan struct{})}
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p.cmd.Stderr = &scoutingLockedWriter{p: p}
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				select {
				case p.events <- ev:
				default:
				}
			}
		}
		p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
		if t.Failed() {
			var rest []string
			for len(p.events) > 0 {
				b, _ := json.Marshal(<-p.events)
				rest = append(rest, string(b))
			}
			t.Logf("%s: unread events:\n%s\nstderr:\n%s", name, strings.Join(rest, "\n"), p.stderrString())
		}
	})
	return p
}

type scoutingLockedWriter struct{ p *scoutingProc }

func (w *scoutingLockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.p.stderr.Len() < 64<<10 {
		w.p.stderr.Write(b)
	}
	return len(b), nil
}

func (p *scoutingProc) stderrString() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// wait returns the first event (in order, consuming the ones before it) that match accepts.
func (p *scoutingProc) wait(timeout time.Duration, what string, match func(map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev := <-p.events:
			if match(ev) {
				return ev
			}
		case <-p.done:
			p.t.Fatalf("%s exited while waiting for %s\nstderr:\n%s", p.name, what, p.stderrString())
		case <-deadline:
			p.t.Fatalf("%s: no %s within %v\nstderr:\n%s", p.name, what, timeout, p.stderrString())
		}
	}
}

func evIs(kind string) func(map[string]any) bool {
	return func(ev map[string]any) bool { return ev["event"] == kind }
}

func evStr(ev map[string]any, k string) string { s, _ := ev[k].(string); return s }

func evStrs(ev map[string]any, k string) []string {
	var out []string
	l, _ := ev[k].([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// startRealPeerInNetns runs zpeer.py (a real Zenoh peer) in ns, listening on addr, with
// multicast scouting on iface.
func startRealPeerInNetns(t *testing.T, ns, iface, addr string) (*scoutingProc, string, string) {
	py := Python(t)
	p := startInNetns(t, "real peer in "+ns, ns, []string{"PYTHONUNBUFFERED=1"}, py, "-u", "-c", zpeerSource,
		"--listen", "tcp/"+addr+":0", "--multicast-iface", iface)
	ready := p.wait(DefaultReadyTimeout, "ready", func(ev map[string]any) bool { return ev["event"] == "ready" || ev["event"] == "fatal" })
	if ready["event"] == "fatal" {
		t.Fatalf("real peer in %s: %v", ns, ready)
	}
	locs := evStrs(ready, "locators")
	if len(locs) != 1 {
		t.Fatalf("real peer locators %v", locs)
	}
	return p, evStr(ready, "zid"), locs[0]
}

// scoutingHelperEnv selects the Go scouting node mode of the test binary (see init below); its
// value is a JSON scoutingHelperSpec. The test binary is re-executed under `ip netns exec`,
// because a goroutine cannot safely move to another namespace.
const scoutingHelperEnv = "GOZENOH_SCOUTING_HELPER"

type scoutingHelperSpec struct {
	ZID     string `json:"zid"`
	Iface   string `json:"iface"`
	Group   string `json:"group"`
	Listen  string `json:"listen"`  // host:port of the stand-in TCP listener
	Seconds int    `json:"seconds"` // lifetime bound
	Matcher int    `json:"matcher"` // autoconnect matcher; 0 means the peer default
	NoAuto  bool   `json:"no_auto"` // answer only
	Session bool   `json:"session"` // a full Go peer (session.Manager) instead of a TCP stand-in
}

func init() {
	if spec := os.Getenv(scoutingHelperEnv); spec != "" {
		os.Exit(scoutingHelperMain(spec))
	}
}

// scoutingHelperMain runs a Go scouting node until stdin closes: a TCP listener standing in for
// the transport listener (it reports the InitSyn of whoever dials it), a Scouter answering
// Scouts and autoconnecting with plain TCP connects. It prints JSON events: ready, dial,
// initsyn, stats.
func scoutingHelperMain(specJSON string) int {
	var spec scoutingHelperSpec
	enc := json.NewEncoder(os.Stdout)
	var mu sync.Mutex
	emit := func(v map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		enc.Encode(v)
	}
	fail := func(err error) int {
		emit(map[string]any{"event": "fatal", "error": err.Error()})
		return 1
	}
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return fail(err)
	}
	zid, err := wire.ParseZenohID(spec.ZID)
	if err != nil {
		return fail(err)
	}
	if spec.Session {
		return scoutingSessionHelper(spec, emit, fail)
	}
	ln, err := net.Listen("tcp", spec.Listen)
	if err != nil {
		return fail(err)
	}
	loc := wire.Locator("tcp/" + ln.Addr().String())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				var hdr [2]byte
				if _, err := io.ReadFull(c, hdr[:]); err != nil {
					return
				}
				batch := make([]byte, int(hdr[0])|int(hdr[1])<<8)
				if _, err := io.ReadFull(c, batch); err != nil {
					return
				}
				if m, _, err := wire.DecodeInitSyn(batch); err == nil {
					emit(map[string]any{"event": "initsyn", "zid": m.ZID.String(), "from": c.RemoteAddr().String()})
				}
			}()
		}
	}()
	cfg := scouting.DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = spec.Iface
	if spec.Group != "" {
		if cfg.Multicast.Address, err = netip.ParseAddrPort(spec.Group); err != nil {
			return fail(err)
		}
	}
	if spec.Matcher != 0 {
		cfg.Multicast.Autoconnect.Matcher = wire.WhatAmIMatcher(spec.Matcher)
	}
	if spec.NoAuto {
		cfg.Multicast.Autoconnect.Matcher = 0
	}
	d := &scoutingHelperDialer{emit: emit, conn: map[wire.ZenohID]bool{}}
	sc, err := scouting.New(cfg, scouting.Options{ZID: zid, WhatAmI: wire.Peer, Dialer: d,
		Locators: func() []wire.Locator { return []wire.Locator{loc} },
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		return fail(err)
	}
	defer sc.Close()
	all, _ := scouting.UDPNetwork{}.Interfaces()
	sel, _ := scouting.SelectInterfaces(spec.Iface, cfg.Multicast.Address.Addr(), all)
	var names []string
	for _, it := range sel {
		names = append(names, it.Name)
	}
	// "ready" comes first: every later event follows it.
	emit(map[string]any{"event": "ready", "zid": zid.String(), "locators": []string{string(loc)}, "ifaces": names})
	if err := sc.Start(); err != nil {
		return fail(err)
	}
	stop := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stop) }()
	life := spec.Seconds
	if life <= 0 {
		life = 60
	}
	select {
	case <-stop:
	case <-time.After(time.Duration(life) * time.Second):
	}
	b, _ := json.Marshal(sc.Stats())
	var st map[string]any
	json.Unmarshal(b, &st)
	st["event"] = "stats"
	emit(st)
	return 0
}

type scoutingHelperDialer struct {
	emit func(map[string]any)
	mu   sync.Mutex
	conn map[wire.ZenohID]bool
}

func (d *scoutingHelperDialer) Connected(z wire.ZenohID) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn[z]
}

func (d *scoutingHelperDialer) Dial(ctx context.Context, z wire.ZenohID, l wire.Locator) error {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", l.Address())
	ev := map[string]any{"event": "dial", "zid": z.String(), "locator": string(l)}
	if err != nil {
		ev["error"] = err.Error()
	} else {
		c.Close()
		d.mu.Lock()
		d.conn[z] = true
		d.mu.Unlock()
	}
	d.emit(ev)
	return err
}

// startGoNodeInNetns re-executes this test binary in ns as a Go scouting node.
func startGoNodeInNetns(t *testing.T, ns string, spec scoutingHelperSpec) (*scoutingProc, map[string]any) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(spec)
	p := startInNetns(t, "Go node in "+ns, ns, []string{scoutingHelperEnv + "=" + string(b)}, exe, "-test.run=^$")
	ready := p.wait(DefaultReadyTimeout, "ready", func(ev map[string]any) bool { return ev["event"] == "ready" || ev["event"] == "fatal" })
	if ready["event"] == "fatal" {
		t.Fatalf("Go node in %s: %v", ns, ready)
	}
	return p, ready
}

// TestScoutingNetnsMultiHost: a real Zenoh peer in namespace A and Go nodes in A and B find each
// other through multicast on the veth ("auto" in the namespaces), advertise only the veth
// address to each other (no loopback), and dial each other's advertised locator across the
// veth; real zenoh.scout in A sees the Go node in B.
func TestScoutingNetnsMultiHost(t *testing.T) {
	Python(t)
	n := newScoutingNetns(t)
	goB, readyB := startGoNodeInNetns(t, n.B, scoutingHelperSpec{ZID: "b0b0", Iface: "auto", Listen: scoutingAddrB + ":0"})
	if ifs := evStrs(readyB, "ifaces"); !slices.Equal(ifs, []string{n.VB}) {
		t.Fatalf("\"auto\" in %s selected %v, want [%s]", n.B, ifs, n.VB)
	}
	locB := evStrs(readyB, "locators")[0]
	start := time.Now()
	real, realZID, realLoc := startRealPeerInNetns(t, n.A, n.VA, scoutingAddrA)
	t.Logf("real peer %s %s ready after %v", realZID, realLoc, time.Since(start))
	_ = real

	// The real peer's first Scout reaches the Go node in B, which answers with its veth locator:
	// the real peer dials it.
	ev := goB.wait(DefaultTimeout, "InitSyn from the real peer", func(ev map[string]any) bool {
		return ev["event"] == "initsyn" && evStr(ev, "zid") == realZID
	})
	t.Logf("real peer in A dialled the Go node in B after %v from %s", time.Since(start), evStr(ev, "from"))
	// The Go node's Scouts reach the real peer, which answers: Go dials its locator.
	ev = goB.wait(DefaultTimeout, "dial to the real peer", func(ev map[string]any) bool {
		return ev["event"] == "dial" && evStr(ev, "zid") == realZID
	})
	if evStr(ev, "locator") != realLoc || ev["error"] != nil {
		t.Errorf("Go node dialled %v, want %s without error", ev, realLoc)
	}
	t.Logf("Go node in B dialled the real peer after %v", time.Since(start))

	// Real zenoh.scout in A sees the Go node in B with its veth locator only.
	py := Python(t)
	sp := startInNetns(t, "real scout in A", n.A, nil, py, "-u", "-c", zpeerSource, "scout",
		"--multicast-iface", n.VA, "--what", "peer", "--timeout", "5", "--stop-after", "2")
	hello := sp.wait(DefaultTimeout, "Hello of the Go node", func(ev map[string]any) bool {
		return ev["event"] == "hello" && evStr(ev, "zid") == "b0b0"
	})
	if got := evStrs(hello, "locators"); !slices.Equal(got, []string{locB}) {
		t.Errorf("real scout saw the Go node with %v, want [%s]", got, locB)
	}

	// A second Go node, in A: the two Go nodes dial each other across the veth.
	goA, readyA := startGoNodeInNetns(t, n.A, scoutingHelperSpec{ZID: "a0a0", Iface: "auto", Listen: scoutingAddrA + ":0"})
	locA := evStrs(readyA, "locators")[0]
	ev = goA.wait(DefaultTimeout, "dial to the Go node in B", func(ev map[string]any) bool {
		return ev["event"] == "dial" && evStr(ev, "zid") == "b0b0"
	})
	if evStr(ev, "locator") != locB || ev["error"] != nil {
		t.Errorf("Go node in A dialled %v, want %s", ev, locB)
	}
	ev = goB.wait(DefaultTimeout, "dial to the Go node in A", func(ev map[string]any) bool {
		return ev["event"] == "dial" && evStr(ev, "zid") == "a0a0"
	})
	if evStr(ev, "locator") != locA || ev["error"] != nil {
		t.Errorf("Go node in B dialled %v, want %s", ev, locA)
	}
}

// TestScoutingNetnsIPv6: two Go nodes in A and B scout on an IPv6 group ("auto" selects the
// veth, which has IPv6) and dial each other's IPv6 locator across the veth.
func TestScoutingNetnsIPv6(t *testing.T) {
	n := newScoutingNetns(t)
	const group = "[ff02::7a7a]:7446"
	goA, readyA := startGoNodeInNetns(t, n.A, scoutingHelperSpec{ZID: "a6", Iface: "auto", Group: group, Listen: "[" + scoutingAddr6A + "]:0"})
	goB, readyB := startGoNodeInNetns(t, n.B, scoutingHelperSpec{ZID: "b6", Iface: "auto", Group: group, Listen: "[" + scoutingAddr6B + "]:0"})
	for _, x := range []struct {
		p     *scoutingProc
		other string
		loc   string
	}{{goA, "b6", evStrs(readyB, "locators")[0]}, {goB, "a6", evStrs(readyA, "locators")[0]}} {
		ev := x.p.wait(DefaultTimeout, "dial over IPv6", func(ev map[string]any) bool {
			return ev["event"] == "dial" && evStr(ev, "zid") == x.other
		})
		if evStr(ev, "locator") != x.loc || ev["error"] != nil {
			t.Errorf("%s dialled %v, want %s", x.p.name, ev, x.loc)
		}
	}
}

// scoutingSessionHelper is scoutingHelperMain with a full Go peer: transports are reported as
// "up" and "down" events; "ready" carries the peer's own ZenohID.
func scoutingSessionHelper(spec scoutingHelperSpec, emit func(map[string]any), fail func(error) int) int {
	cfg := scouting.DefaultConfig(wire.Peer)
	cfg.Multicast.Interface = spec.Iface
	if spec.Group != "" {
		var err error
		if cfg.Multicast.Address, err = netip.ParseAddrPort(spec.Group); err != nil {
			return fail(err)
		}
	}
	p, err := newMeshNode(cfg, "tcp/"+spec.Listen, nil, func(kind string, z wire.ZenohID, detail any) {
		emit(map[string]any{"event": kind, "zid": z.String(), "detail": detail})
	})
	if err != nil {
		return fail(err)
	}
	defer p.close()
	if err := p.m.Start(); err != nil {
		return fail(err)
	}
	// "ready" comes before scouting starts: every transport event follows it.
	emit(map[string]any{"event": "ready", "zid": p.zid(), "locators": p.m.Locators()})
	if err := p.sc.Start(); err != nil {
		return fail(err)
	}
	stop := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stop) }()
	life := spec.Seconds
	if life <= 0 {
		life = 60
	}
	select {
	case <-stop:
	case <-time.After(time.Duration(life) * time.Second):
	}
	return 0
}

// TestScoutingNetnsTransport: a real Zenoh peer in namespace A and a full Go peer in namespace
// B find each other by multicast on the veth and open exactly one transport across it.
func TestScoutingNetnsTransport(t *testing.T) {
	Python(t)
	n := newScoutingNetns(t)
	start := time.Now()
	goB, readyB := startGoNodeInNetns(t, n.B, scoutingHelperSpec{ZID: "1", Iface: "auto", Listen: scoutingAddrB + ":0", Session: true})
	goZID := evStr(readyB, "zid")
	real, realZID, _ := startRealPeerInNetns(t, n.A, n.VA, scoutingAddrA)
	goB.wait(DefaultTimeout, "transport to the real peer", func(ev map[string]any) bool {
		return ev["event"] == "up" && evStr(ev, "zid") == realZID
	})
	t.Logf("transport between namespaces up %v after the Go peer started", time.Since(start))
	fmt.Fprintf(real.stdin, `{"id":"w","cmd":"wait_peers","count":1,"timeout":10}`+"\n")
	ok := real.wait(DefaultTimeout, "wait_peers", func(ev map[string]any) bool { return ev["id"] == "w" })
	if ok["event"] != "ok" || !slices.Equal(evStrs(ok, "peers"), []string{goZID}) {
		t.Errorf("real peer's peers: %v, want [%s]", ok, goZID)
	}
	// One transport: no second "up", no "down", for the next second.
	deadline := time.After(time.Second)
	for {
		select {
		case ev := <-goB.events:
			if ev["event"] == "up" || ev["event"] == "down" {
				t.Errorf("unexpected %v", ev)
			}
			continue
		case <-deadline:
		}
		break
	}
}
