package interop

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The CLI tests run the gozenoh binary, built once per test run, against real Zenoh.

// Bounds of the CLI tests.
const (
	// cliMaxRun bounds the life of every gozenoh process a test starts.
	cliMaxRun = 60 * time.Second
	// cliBuildTimeout bounds go build.
	cliBuildTimeout = 5 * time.Minute
	// cliMaxLines bounds the stdout lines kept per process.
	cliMaxLines = 4096
	// cliStaleBuild is the age past which a build directory of an earlier run is removed.
	cliStaleBuild = 6 * time.Hour
)

var (
	cliOnce   sync.Once
	cliPath   string
	cliErr    error
	cliPrefix = "gozenoh-cli-test-"
)

// cliBinary returns the path of the gozenoh binary, built once per test run with go build in a
// fresh temporary directory (build directories of earlier runs older than cliStaleBuild are
// removed).
func cliBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		if old, err := filepath.Glob(filepath.Join(os.TempDir(), cliPrefix+"*")); err == nil {
			for _, d := range old {
				if st, err := os.Stat(d); err == nil && time.Since(st.ModTime()) > cliStaleBuild {
					os.RemoveAll(d)
				}
			}
		}
		dir, err := os.MkdirTemp("", cliPrefix)
		if err != nil {
			cliErr = err
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		root, err := filepath.Abs("..") // tests run in interop/, the module root is its parent
		if err != nil {
			cliErr = err
			return
		}
		out := filepath.Join(dir, "gozenoh")
		cmd := exec.Command(goTool, "build", "-o", out, "./cmd/gozenoh")
		cmd.Dir = root
		done := make(chan struct{})
		timer := time.AfterFunc(cliBuildTimeout, func() {
			select {
			case <-done:
			default:
				if cmd.Process != nil {
					cmd.Process.Kill()
				}
			}
		})
		b, err := cmd.CombinedOutput()
		close(done)
		timer.Stop()
		if err != nil {
			cliErr = fmt.Errorf("go build ./cmd/gozenoh: %v\n%s", err, b)
			return
		}
		cliPath = out
	})
	if cliErr != nil {
		t.Fatalf("interop: %v", cliErr)
	}
	return cliPath
}

// cliProc is a running gozenoh process.
type cliProc struct {
	t      *testing.T
	args   []string
	cmd    *exec.Cmd
	lines  chan string
	stderr tail
	done   chan struct{} // closed once the process is reaped and its stdout read
	state  *os.ProcessState
	kill   *time.Timer
}

// startCLI starts gozenoh with args in its own process group. It is SIGKILLed after cliMaxRun,
// and at the end of the test if still running; its stderr is logged if the test failed.
func startCLI(t *testing.T, args ...string) *cliProc {
	t.Helper()
	Python(t) // these tests are meaningless without real Zenoh
	p := &cliProc{t: t, args: args, lines: make(chan string, cliMaxLines), done: make(chan struct{})}
	p.cmd = exec.Command(cliBinary(t), args...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting gozenoh %v: %v", args, err)
	}
	p.kill = time.AfterFunc(cliMaxRun, func() { p.signal(syscall.SIGKILL) })
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default: // over cliMaxLines: dropped
			}
		}
		p.cmd.Wait()
		p.state = p.cmd.ProcessState
		p.kill.Stop()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(exitWait):
			t.Errorf("gozenoh %v not reaped", args)
		}
		if t.Failed() {
			t.Logf("gozenoh %v stderr:\n%s", args, p.stderr.String())
		}
	})
	return p
}

// signal sends sig to the process group, unless the process has ended.
func (p *cliProc) signal(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, sig)
	}
}

// line returns the next stdout line, failing the test after timeout or if the process ended
// without printing one.
func (p *cliProc) line(timeout time.Duration) string {
	p.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case l := <-p.lines:
		return l
	case <-p.done:
		select {
		case l := <-p.lines:
			return l
		default:
		}
		p.t.Fatalf("gozenoh %v exited (%v) before printing the expected line; stderr:\n%s", p.args, p.state, p.stderr.String())
	case <-timer.C:
		p.t.Fatalf("gozenoh %v printed no line in %v; stderr:\n%s", p.args, timeout, p.stderr.String())
	}
	return ""
}

// anyEvent returns the next stdout line as a JSON object.
func (p *cliProc) anyEvent(timeout time.Duration) map[string]any {
	p.t.Helper()
	l := p.line(timeout)
	var m map[string]any
	if err := json.Unmarshal([]byte(l), &m); err != nil {
		p.t.Fatalf("gozenoh %v printed %q, not a JSON object: %v", p.args, l, err)
	}
	return m
}

// event returns the next stdout line as a JSON object whose "event" is want.
func (p *cliProc) event(want string, timeout time.Duration) map[string]any {
	p.t.Helper()
	m := p.anyEvent(timeout)
	if m["event"] != want {
		p.t.Fatalf("gozenoh %v printed %v, want event %q", p.args, m, want)
	}
	return m
}

// exitCode waits for the process to end by itself and returns its exit code.
func (p *cliProc) exitCode(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.state.ExitCode()
	case <-time.After(timeout):
		p.t.Fatalf("gozenoh %v still running after %v; stderr:\n%s", p.args, timeout, p.stderr.String())
	}
	return -1
}

// cliNet are the flags that keep a gozenoh process on loopback: multicast scouting off, a
// loopback listener, and connections to the given endpoints only.
func cliNet(connect ...string) []string {
	a := []string{"--no-multicast-scouting", "-l", "tcp/127.0.0.1:0"}
	for _, e := range connect {
		a = append(a, "-e", e)
	}
	return a
}

// cliArgs joins argument lists.
func cliArgs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// cliZenohPeer starts a real Zenoh peer listening on a loopback port, multicast off.
func cliZenohPeer(t *testing.T) *Peer {
	t.Helper()
	return StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}})
}

// cliHasLine reports whether s has a line equal to want.
func cliHasLine(s, want string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == want {
			return true
		}
	}
	return false
}
