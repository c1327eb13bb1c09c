package bench

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/interop"
)

// zbenchSource is zbench.py, the real Zenoh side of the reference benchmarks.
//
//go:embed zbench.py
var zbenchSource string

// zproc is a running zbench.py process.
type zproc struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan map[string]any
}

// startZ starts zbench.py with args and waits for its ready line; it is killed when the
// benchmark ends.
func startZ(b *testing.B, args ...string) *zproc {
	b.Helper()
	py := interop.Python(b)
	cmd := exec.Command(py, append([]string{"-u", "-c", zbenchSource}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	must(b, err)
	out, err := cmd.StdoutPipe()
	must(b, err)
	must(b, cmd.Start())
	p := &zproc{cmd: cmd, in: in, lines: make(chan map[string]any, 16)}
	b.Cleanup(func() {
		in.Close()
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				p.lines <- m
			}
		}
		close(p.lines)
	}()
	p.expect(b, "ready")
	return p
}

// expect waits for a line holding key.
func (p *zproc) expect(b *testing.B, key string) map[string]any {
	b.Helper()
	timer := time.NewTimer(benchTimeout)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-p.lines:
			if !ok {
				b.Fatalf("zbench exited while waiting for %q", key)
			}
			if _, ok := m[key]; ok {
				return m
			}
		case <-timer.C:
			b.Fatalf("zbench: no %q line", key)
		}
	}
}

func (p *zproc) send(b *testing.B, line string) {
	b.Helper()
	if _, err := fmt.Fprintln(p.in, line); err != nil {
		b.Fatal(err)
	}
}

// pythonBatch is how many samples one iteration of the real Zenoh throughput benchmark sends.
func pythonBatch(size int) int {
	switch {
	case size >= 1<<20:
		return 200
	case size >= 64<<10:
		return 2000
	}
	return 20000
}

// BenchmarkThroughputZenohPython is the reference: real Zenoh (the Rust implementation driven
// from Python) publishing from one process to a subscriber in another, over loopback TCP. Each
// iteration is a batch of samples; msgs/s counts samples delivered to the Python callback
// (which bounds the figure for small samples: the Python layer, not Zenoh's Rust core).
func BenchmarkThroughputZenohPython(b *testing.B) {
	for _, sz := range sizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			port := interop.FreeTCPPort(b)
			ep := interop.Endpoint(port)
			sub := startZ(b, "sub", "--listen", ep)
			pub := startZ(b, "pub", "--connect", ep, "--size", fmt.Sprint(sz.n))
			n := pythonBatch(sz.n)
			b.SetBytes(int64(n * sz.n))
			var total time.Duration
			for b.Loop() {
				sub.send(b, fmt.Sprintf("expect %d", n))
				sub.expect(b, "ok")
				start := time.Now()
				pub.send(b, fmt.Sprintf("send %d", n))
				sub.expect(b, "done")
				total += time.Since(start)
				pub.expect(b, "sent")
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "msgs/s")
		})
	}
}

// BenchmarkPingPongZenohPython is the reference round trip of 64 bytes between two real Zenoh
// processes (Python callbacks on both sides).
func BenchmarkPingPongZenohPython(b *testing.B) {
	port := interop.FreeTCPPort(b)
	ep := interop.Endpoint(port)
	startZ(b, "pong", "--listen", ep)
	ping := startZ(b, "ping", "--connect", ep, "--size", "64")
	const batch = 1000
	var rtts []time.Duration
	for b.Loop() {
		ping.send(b, fmt.Sprintf("run %d", batch))
		for _, v := range ping.expect(b, "rtts_ns")["rtts_ns"].([]any) {
			rtts = append(rtts, time.Duration(v.(float64)))
		}
	}
	reportLatency(b, rtts)
}
