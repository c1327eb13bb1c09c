package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// benchHelperEnv makes the test binary act as the subscriber process of
// BenchmarkThroughputGoProcess (see TestBenchHelperProcess).
const benchHelperEnv = "GOZENOH_BENCH_HELPER"

// TestBenchHelperProcess is not a test: it is the subscriber process that
// BenchmarkThroughputGoProcess starts by re-executing the test binary. It does nothing unless
// GOZENOH_BENCH_HELPER is set. Protocol (lines): it prints "ready <locator>"; on "expect N"
// it resets its count, prints "ok", and prints "done" once N samples arrived.
func TestBenchHelperProcess(t *testing.T) {
	if os.Getenv(benchHelperEnv) != "sub" {
		return
	}
	if path := os.Getenv(benchHelperEnv + "_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		must(t, err)
		must(t, pprof.StartCPUProfile(f))
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	s := open(t, peerConfig(t, ""))
	var n, want atomic.Int64
	done := make(chan struct{}, 1)
	opts := []zenoh.SubscriberOption{zenoh.WithQueue(4096, zenoh.Block), zenoh.WithBlockTimeout(time.Minute)}
	if os.Getenv(benchHelperEnv+"_DIRECT") != "" {
		opts = append(opts, zenoh.WithDirect(true))
	}
	sub, err := s.DeclareSubscriber("bench/tp", func(zenoh.Sample) {
		if n.Add(1) == want.Load() {
			done <- struct{}{}
		}
	}, opts...)
	must(t, err)
	defer sub.Close()
	fmt.Println("ready", s.Info().Locators[0])
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "expect "); ok {
			k, _ := strconv.ParseInt(v, 10, 64)
			n.Store(0)
			want.Store(k)
			fmt.Println("ok")
			go func() {
				<-done
				fmt.Println("done")
			}()
		}
	}
}

// batchFor is how many samples one iteration of a process benchmark sends.
// Each batch is large enough (about 100 ms of traffic or more) that the hand-shake between
// batches, and the drain of the last messages, weigh little: the figure is the sustained rate.
func batchFor(size int) int {
	switch {
	case size >= 1<<20:
		return 200
	case size >= 64<<10:
		return 4000
	case size >= 1<<10:
		return 100_000
	}
	return 200_000
}

// BenchmarkThroughputGoProcess is BenchmarkThroughputGo with the subscriber in another process
// (the test binary re-executed): each iteration publishes a batch of samples and waits until
// the subscriber counted them all. The subscriber's callback is queued (the default delivery).
func BenchmarkThroughputGoProcess(b *testing.B) { throughputProcess(b, false) }

// BenchmarkThroughputGoProcessDirect is BenchmarkThroughputGoProcess with a direct subscriber
// (WithDirect: the callback runs on the transport's reader, as Zenoh's callbacks do).
func BenchmarkThroughputGoProcessDirect(b *testing.B) { throughputProcess(b, true) }

func throughputProcess(b *testing.B, direct bool) {
	for _, sz := range sizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBenchHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), benchHelperEnv+"=sub")
			if direct {
				cmd.Env = append(cmd.Env, benchHelperEnv+"_DIRECT=1")
			}
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			cmd.Stderr = os.Stderr
			in, err := cmd.StdinPipe()
			must(b, err)
			out, err := cmd.StdoutPipe()
			must(b, err)
			must(b, cmd.Start())
			b.Cleanup(func() {
				in.Close() // the helper returns (writing its profile, if asked) once stdin ends
				t := time.AfterFunc(5*time.Second, func() { cmd.Process.Kill() })
				cmd.Wait()
				t.Stop()
			})
			lines := make(chan string, 4)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			next := func() string {
				select {
				case l, ok := <-lines:
					if !ok {
						b.Fatal("helper exited")
					}
					return l
				case <-time.After(benchTimeout):
					b.Fatal("helper silent")
				}
				return ""
			}
			ready := next()
			loc, ok := strings.CutPrefix(ready, "ready ")
			if !ok {
				b.Fatalf("helper: %q", ready)
			}
			s := open(b, peerConfig(b, loc))
			pub, err := s.DeclarePublisher("bench/tp", zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
			must(b, err)
			for !pub.Matching() {
				time.Sleep(time.Millisecond)
			}
			payload := make([]byte, sz.n)
			n := batchFor(sz.n)
			ctx := context.Background()
			b.SetBytes(int64(n * sz.n))
			b.ReportAllocs()
			var total time.Duration
			for b.Loop() {
				fmt.Fprintf(in, "expect %d\n", n)
				if l := next(); l != "ok" {
					b.Fatalf("helper: %q", l)
				}
				start := time.Now()
				for range n {
					if err := pub.Put(ctx, payload); err != nil {
						b.Fatal(err)
					}
				}
				if l := next(); l != "done" {
					b.Fatalf("helper: %q", l)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "msgs/s")
		})
	}
}

var _ = io.Discard
