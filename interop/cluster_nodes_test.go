package interop

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/cluster"
	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// Harness for cluster nodes run as separate processes: `gozenoh cluster run --json --stdin`,
// built once per test binary run. Each node prints JSON lines (see cmd/gozenoh/cluster_out.go)
// whose join, leave, publish, deliver and resync lines are clustertest entries stamped with
// the host's clock; the harness collects them, tracks each node's membership, and feeds event
// lines to the node's stdin.

// clusterBuild is the gozenoh binary shared by the tests of this run.
var clusterBuild struct {
	once sync.Once
	path string
	err  error
}

// clusterBinDirPrefix names the per-process directories the binary is built into.
const clusterBinDirPrefix = "gozenoh-interop-"

// gozenohBinary builds cmd/gozenoh once per test process into a directory named after the
// process, removing those left behind by test processes that have exited.
func gozenohBinary(t testing.TB) string {
	t.Helper()
	b := &clusterBuild
	b.once.Do(func() {
		sweepClusterBinDirs()
		dir := filepath.Join(os.TempDir(), clusterBinDirPrefix+strconv.Itoa(os.Getpid()))
		if b.err = os.MkdirAll(dir, 0o755); b.err != nil {
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			b.err = err
			return
		}
		path := filepath.Join(dir, "gozenoh")
		out, err := exec.Command(goBin, "build", "-o", path, "github.com/gozenoh/zenoh/cmd/gozenoh").CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		b.path = path
	})
	if b.err != nil {
		t.Fatalf("building gozenoh: %v", b.err)
	}
	return b.path
}

// sweepClusterBinDirs removes the binary directories of test processes that no longer run.
func sweepClusterBinDirs() {
	ents, _ := os.ReadDir(os.TempDir())
	for _, e := range ents {
		pid, err := strconv.Atoi(strings.TrimPrefix(e.Name(), clusterBinDirPrefix))
		if !e.IsDir() || !strings.HasPrefix(e.Name(), clusterBinDirPrefix) || err != nil || pid == os.Getpid() {
			continue
		}
		if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			_ = os.RemoveAll(filepath.Join(os.TempDir(), e.Name()))
		}
	}
}

// clusterLine is one JSON line of a node.
type clusterLine struct {
	clustertest.Entry
	Members []clustertest.Node `json:"members"`
	Reason  string             `json:"reason"`
	Dropped bool               `json:"dropped"`
	Error   string             `json:"error"`
	Stats   map[string]uint64  `json:"stats"`
}

// checked reports whether the line is a clustertest entry.
func (l *clusterLine) checked() bool {
	switch l.Op {
	case clustertest.OpJoin, clustertest.OpLeave, clustertest.OpPublish, clustertest.OpDeliver, clustertest.OpResync:
		return true
	}
	return false
}

// clusterLimits of the harness.
const (
	clusterWait      = 20 * time.Second // bound of every wait for a condition
	clusterMaxLine   = 1 << 20          // bound of one output line
	clusterStderrMax = 64 << 10         // stderr bytes kept per process
)

// procCluster is a set of node processes of one test.
type procCluster struct {
	t      *testing.T
	bin    string
	dir    string
	notify chan struct{} // capacity 1: a line was read from some node

	mu       sync.Mutex
	entries  []clustertest.Entry // every checked line, and the harness's leave entries
	procs    []*nodeProc         // every process started, in order
	stats    []map[string]uint64 // stats lines of the nodes that left
	problems []string            // error lines and undecodable output
}

func newProcCluster(t *testing.T) *procCluster {
	c := &procCluster{t: t, bin: gozenohBinary(t), dir: t.TempDir(), notify: make(chan struct{}, 1)}
	t.Cleanup(c.cleanup)
	return c
}

// nodeProc is one run of a node process.
type nodeProc struct {
	c      *procCluster
	id     int
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	wmu    sync.Mutex
	exited chan struct{} // closed when stdout is drained and the process reaped
	stderr tail

	mu        sync.Mutex
	me        clustertest.Node
	joined    bool
	members   []clustertest.Node
	delivered int
	published int
	downs     int  // member-down lines
	left      bool // a leave was recorded (its own line, or the harness's on kill)
}

// writeConfig writes the cluster TOML of node id, embedding the Zenoh JSON5 configuration.
func (c *procCluster) writeConfig(id int, zenohJSON5, clusterExtra string) string {
	doc := fmt.Sprintf(`[store."peer-to-peer"]
type = "zenoh"
config = '''%s'''

[cluster]
coordinator = "peer-to-peer"
node-id = %d
%s
`, zenohJSON5, id, clusterExtra)
	p := filepath.Join(c.dir, fmt.Sprintf("node%d.toml", id))
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// start runs `gozenoh cluster run` on config and waits for its join line.
func (c *procCluster) start(id int, config string) *nodeProc {
	c.t.Helper()
	cmd := exec.Command(c.bin, "cluster", "run", "--config", config, "--json", "--stdin")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	n := &nodeProc{c: c, id: id, cmd: cmd, exited: make(chan struct{})}
	cmd.Stderr = &n.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	n.stdin = stdin
	c.mu.Lock()
	c.procs = append(c.procs, n)
	c.mu.Unlock()
	go n.read(stdout)
	c.waitFor(fmt.Sprintf("node %d joined", id), func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return n.joined
	})
	return n
}

// read parses the node's output until EOF, then reaps the process.
func (n *nodeProc) read(stdout io.Reader) {
	defer func() {
		_ = n.cmd.Wait()
		close(n.exited)
		n.c.signal()
	}()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), clusterMaxLine)
	for sc.Scan() {
		var l clusterLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			n.c.problem("node %d: undecodable line %q: %v", n.id, sc.Text(), err)
			continue
		}
		n.mu.Lock()
		switch l.Op {
		case clustertest.OpJoin:
			n.me, n.joined = l.At, true
		case clustertest.OpDeliver:
			n.delivered++
		case clustertest.OpPublish:
			n.published++
		case clustertest.OpLeave:
			n.left = true
		case "member-down":
			n.downs++
		}
		if l.Members != nil || l.Op == "member-up" || l.Op == "member-down" || l.Op == clustertest.OpJoin {
			n.members = l.Members
		}
		n.mu.Unlock()
		switch {
		case l.checked():
			n.c.mu.Lock()
			n.c.entries = append(n.c.entries, l.Entry)
			n.c.mu.Unlock()
		case l.Op == "stats":
			n.c.mu.Lock()
			n.c.stats = append(n.c.stats, l.Stats)
			n.c.mu.Unlock()
		case l.Op == "error":
			n.c.problem("node %d: error line: %s: %s", n.id, l.Error, sc.Text())
		}
		n.c.signal()
	}
	if err := sc.Err(); err != nil {
		n.c.problem("node %d: reading output: %v", n.id, err)
	}
}

func (c *procCluster) signal() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *procCluster) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.problems) < 20 {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

// waitFor waits until cond holds, re-checking it after every output line, failing the test
// after clusterWait.
func (c *procCluster) waitFor(what string, cond func() bool) {
	c.t.Helper()
	if err := c.waitUntil(clusterWait, cond); err != nil {
		c.t.Fatalf("waiting for %s: %v\n%s", what, err, c.describe())
	}
}

func (c *procCluster) waitUntil(d time.Duration, cond func() bool) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-c.notify:
		case <-deadline.C:
			return fmt.Errorf("timed out after %v", d)
		}
	}
	return nil
}

// describe summarizes every node for a failure message.
func (c *procCluster) describe() string {
	c.mu.Lock()
	procs := append([]*nodeProc(nil), c.procs...)
	c.mu.Unlock()
	var b strings.Builder
	for _, n := range procs {
		n.mu.Lock()
		fmt.Fprintf(&b, "node %d (%v): members %v, published %d, delivered %d, left %v\n", n.id, n.me, n.members, n.published, n.delivered, n.left)
		n.mu.Unlock()
		if s := n.stderr.String(); s != "" {
			fmt.Fprintf(&b, "  stderr: %s\n", lastLines(s, 10))
		}
	}
	return b.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n  ")
}

// memberIDs returns the distinct node ids n currently sees.
func (n *nodeProc) memberIDs() map[cluster.NodeID]bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	ids := map[cluster.NodeID]bool{}
	for _, m := range n.members {
		ids[m.ID] = true
	}
	return ids
}

// deliveries returns how many events n printed as delivered.
func (n *nodeProc) deliveries() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.delivered
}

// send writes event lines to the node's stdin.
func (n *nodeProc) send(lines []string) error {
	n.wmu.Lock()
	defer n.wmu.Unlock()
	_, err := io.WriteString(n.stdin, strings.Join(lines, "\n")+"\n")
	return err
}

// kill SIGKILLs the node and records its leave, stamped before the kill.
func (n *nodeProc) kill() {
	n.mu.Lock()
	me, joined := n.me, n.joined
	n.left = true
	n.mu.Unlock()
	if joined {
		n.c.mu.Lock()
		n.c.entries = append(n.c.entries, clustertest.Entry{Stamp: time.Now().UnixNano(), Op: clustertest.OpLeave, At: me})
		n.c.mu.Unlock()
	}
	_ = n.cmd.Process.Kill()
	n.stdin.Close()
	<-n.exited
}

// stop sends SIGTERM (the node prints leave and stats, and leaves the cluster) and waits.
func (n *nodeProc) stop() error {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	n.stdin.Close()
	t := time.NewTimer(clusterWait)
	defer t.Stop()
	select {
	case <-n.exited:
		return nil
	case <-t.C:
		n.kill()
		return fmt.Errorf("node %d did not exit on SIGTERM", n.id)
	}
}

// freeze and thaw stop and resume the node with SIGSTOP and SIGCONT.
func (n *nodeProc) freeze() error { return n.cmd.Process.Signal(syscall.SIGSTOP) }
func (n *nodeProc) thaw() error   { return n.cmd.Process.Signal(syscall.SIGCONT) }

// cleanup kills what still runs, and logs the stderr of every node if the test failed.
func (c *procCluster) cleanup() {
	c.mu.Lock()
	procs := append([]*nodeProc(nil), c.procs...)
	c.mu.Unlock()
	for _, n := range procs {
		select {
		case <-n.exited:
		default:
			_ = n.thaw()
			_ = n.cmd.Process.Kill()
			n.stdin.Close()
			<-n.exited
		}
		if c.t.Failed() {
			if s := n.stderr.String(); s != "" {
				c.t.Logf("node %d stderr:\n%s", n.id, lastLines(s, 40))
			}
		}
	}
}

// checker returns a Checker holding every entry collected so far.
func (c *procCluster) checker() *clustertest.Checker {
	c.mu.Lock()
	defer c.mu.Unlock()
	chk := clustertest.New()
	chk.Add(c.entries...)
	return chk
}

// Problems returns the error lines and undecodable output seen.
func (c *procCluster) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// clusterEventLine returns clusterEvent(i) as an input line.
func clusterEventLine(i int) string { return cluster.FormatEvent(clusterEvent(i)) }

// clusterEvent returns the i-th event of a mix of every built-in kind.
func clusterEvent(i int) cluster.Event {
	u := uint32(i)
	var ev cluster.Event
	switch i % 13 {
	case 0:
		ev = cluster.StateChange{AccountID: u % 50, ChangeID: uint64(i), Types: 1 << (i % 8)}
	case 1:
		ev = cluster.EmailPush{AccountID: u % 50, EmailID: u, ChangeID: uint64(i)}
	case 2:
		ev = cluster.CalendarAlert{AccountID: u % 50, EventID: u, UID: fmt.Sprintf("uid %d", i), AlertID: "a1"}
	case 3:
		ev = cluster.PushServerUpdate{AccountID: u % 50}
	case 4:
		ev = cluster.CacheInvalidate{Items: []cluster.CacheItem{{Kind: cluster.CacheAccount, ID: uint64(i)}, {Kind: cluster.CacheDomain, ID: 3}}}
	case 5:
		ev = cluster.CacheInvalidateAll{NegativeOnly: i%2 == 0}
	case 6:
		ev = cluster.SettingsReload{Section: "certificate"}
	case 7:
		ev = cluster.ObjectChanged{Op: cluster.ObjectOp(1 + i%3), Type: "domain", ID: uint64(i)}
	case 8:
		ev = cluster.BlockedIP{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}), 32),
			Expires: time.Unix(1700000000+int64(i), 0).UTC(), Reason: "auth failures"}
	case 9:
		ev = cluster.CertificateRenewed{Names: []string{"mail.example.org"}, NotAfter: time.Unix(1800000000, 0).UTC()}
	case 10:
		ev = cluster.SpamModelReload{}
	case 11:
		ev = cluster.QueueStatus{Running: i%2 == 0}
	default:
		ev = cluster.QueueRefresh{Queue: "local"}
	}
	return ev
}

// multicastZenoh is a peer configuration that discovers the others by multicast scouting on
// lo, on group port port, and listens on a free loopback port. extra is inserted at the top
// level (such as a shorter lease).
func multicastZenoh(port int, extra string) string {
	return fmt.Sprintf(`{ mode: "peer",
  scouting: { multicast: { enabled: true, address: "%s", interface: "lo" } },
  listen: { endpoints: ["tcp/127.0.0.1:0"] },%s }`, MulticastAddress(port), extra)
}

// staticZenoh is a peer configuration without scouting that listens on its port and connects
// to the other ports.
func staticZenoh(self int, ports []int, extra string) string {
	var connect []string
	for _, p := range ports {
		if p != self {
			connect = append(connect, `"`+Endpoint(p)+`"`)
		}
	}
	return fmt.Sprintf(`{ mode: "peer",
  scouting: { multicast: { enabled: false }, gossip: { enabled: false } },
  listen: { endpoints: ["%s"] },
  connect: { endpoints: [%s], retry: { period_init_ms: 100, period_max_ms: 500 } },%s }`,
		Endpoint(self), strings.Join(connect, ", "), extra)
}

// clusterLoMulticast fails the test unless lo can carry multicast (as root it turns it on).
func clusterLoMulticast(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "link", "show", "lo").CombinedOutput()
	if err != nil {
		t.Fatalf("ip link show lo: %v %s", err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if strings.Contains(first, "MULTICAST") {
		return
	}
	if os.Geteuid() != 0 {
		t.Fatalf("lo lacks the MULTICAST flag (%s) and the test is not root: run `ip link set lo multicast on`", first)
	}
	if out, err := exec.Command("ip", "link", "set", "lo", "multicast", "on").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo multicast on: %v %s", err, out)
	}
}
