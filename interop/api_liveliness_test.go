package interop

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// apiHelperEnv names the environment variables of the helper process.
const (
	apiHelperEnv      = "GOZENOH_API_HELPER" // the helper's job: "token"
	apiHelperConnect  = "GOZENOH_API_HELPER_CONNECT"
	apiHelperTokenKey = "GOZENOH_API_HELPER_KEY"
)

// TestAPIHelperProcess is not a test: it is the body of a Go Zenoh process that the tests
// start (re-executing the test binary) so that they can kill it. It does nothing unless
// GOZENOH_API_HELPER is set.
func TestAPIHelperProcess(t *testing.T) {
	if os.Getenv(apiHelperEnv) != "token" {
		return
	}
	cfg := apiConfig(t, "peer", os.Getenv(apiHelperConnect))
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	s, err := zenoh.Open(ctx, cfg)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if _, err := s.Liveliness().DeclareToken(os.Getenv(apiHelperTokenKey)); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("ready", s.ZID())
	io.Copy(io.Discard, os.Stdin) // until the parent kills us or closes stdin
	os.Exit(0)
}

// apiStartHelper runs a Go process holding a liveliness token on key, connected to connect.
// It returns the process, killed at the end of the test.
func apiStartHelper(t *testing.T, connect, key string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAPIHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), apiHelperEnv+"=token", apiHelperConnect+"="+connect, apiHelperTokenKey+"="+key)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	apiMust(t, err)
	out, err := cmd.StdoutPipe()
	apiMust(t, err)
	cmd.Stderr = os.Stderr
	apiMust(t, cmd.Start())
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") || strings.HasPrefix(sc.Text(), "error") {
				line <- sc.Text()
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "ready") {
			t.Fatalf("helper: %s", l)
		}
	case <-time.After(2 * DefaultTimeout):
		t.Fatal("helper process not ready")
	}
	return cmd
}

// TestAPILivelinessGoToken: a token declared by Go is seen by real Zenoh (subscriber, history
// and get); undeclared, and then when its Go process is killed, its loss is seen.
func TestAPILivelinessGoToken(t *testing.T) {
	r := apiRealPeer(t, false)
	apiMust(t, r.LivelinessSub("group/**", false))
	s := apiOpen(t, apiConfig(t, "peer", r.Locator()))
	tok, err := s.Liveliness().DeclareToken("group/go/1")
	apiMust(t, err)
	if _, err := r.WaitEvent(DefaultTimeout, IsLiveliness("group/go/1", "put")); err != nil {
		t.Fatal(err)
	}
	evs, err := r.LivelinessGet("group/**", nil)
	apiMust(t, err)
	if len(evs) != 1 || evs[0].Key != "group/go/1" {
		t.Fatalf("liveliness get: %v", evs)
	}
	if _, err := r.Do(map[string]any{"cmd": "lsub", "key": "group/go/*", "name": "hist", "history": true}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := r.WaitEvent(DefaultTimeout, func(e Event) bool {
		return e.Event == "liveliness" && e.Sub == "hist" && e.Key == "group/go/1" && e.Kind == "put"
	}); err != nil {
		t.Fatalf("history: %v", err)
	}
	apiMust(t, tok.Close())
	if _, err := r.WaitEvent(DefaultTimeout, IsLiveliness("group/go/1", "delete")); err != nil {
		t.Fatalf("undeclared token: %v", err)
	}

	// A token whose Go process is killed (no Close message: the link just drops).
	helper := apiStartHelper(t, r.Locator(), "group/go/killed")
	if _, err := r.WaitEvent(DefaultTimeout, IsLiveliness("group/go/killed", "put")); err != nil {
		t.Fatal(err)
	}
	apiMust(t, helper.Process.Kill())
	start := time.Now()
	if _, err := r.WaitEvent(DefaultTimeout, IsLiveliness("group/go/killed", "delete")); err != nil {
		t.Fatalf("killed process's token: %v", err)
	}
	t.Logf("loss of the killed Go process's token seen after %v", time.Since(start))
}

// TestAPILivelinessRustToken: a token declared by real Zenoh is seen by Go (subscriber,
// history, get); when its process is killed, Go sees it go.
func TestAPILivelinessRustToken(t *testing.T) {
	r := apiRealPeer(t, false)
	s := apiOpen(t, apiConfig(t, "peer", r.Locator()))
	events := newAPISamples()
	sub, err := s.Liveliness().DeclareSubscriber("group/**", events.add)
	apiMust(t, err)
	defer sub.Close()
	apiMust(t, r.Token("group/rust/1"))
	if e := events.wait(t, 1)[0]; e.Key != "group/rust/1" || e.Kind != zenoh.SampleKindPut {
		t.Fatalf("put: %+v", e)
	}
	local, err := s.Liveliness().DeclareToken("group/go/local")
	apiMust(t, err)
	defer local.Close()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	var keys []string
	for rep, err := range s.Liveliness().Get(ctx, "group/**") {
		apiMust(t, err)
		keys = append(keys, rep.Sample.Key)
	}
	sort.Strings(keys)
	if fmt.Sprint(keys) != "[group/go/local group/rust/1]" {
		t.Fatalf("liveliness get: %v", keys)
	}
	hist, err := s.Liveliness().DeclareSubscriberChan("group/rust/*", 4, zenoh.Block, zenoh.WithHistory(true))
	apiMust(t, err)
	defer hist.Close()
	if h, err := hist.Recv(ctx); err != nil || h.Key != "group/rust/1" || h.Kind != zenoh.SampleKindPut {
		t.Fatalf("history: %+v %v", h, err)
	}
	r.Kill()
	start := time.Now()
	all := events.wait(t, 3) // the local token's put came in between
	last := all[len(all)-1]
	if last.Key != "group/rust/1" || last.Kind != zenoh.SampleKindDelete {
		t.Fatalf("after kill: %+v", all)
	}
	t.Logf("loss of the killed Zenoh process's token seen after %v", time.Since(start))
	if h, err := hist.Recv(ctx); err != nil || h.Kind != zenoh.SampleKindDelete {
		t.Fatalf("history subscriber after kill: %+v %v", h, err)
	}
}
