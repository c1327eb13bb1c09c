package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/cluster"
	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// clusterNodeTimeout bounds every wait of these tests.
const clusterNodeTimeout = 10 * time.Second

// useClusterHub makes the cluster subcommands join an in-memory hub instead of opening Zenoh.
func useClusterHub(t *testing.T) *cluster.Hub {
	t.Helper()
	h := cluster.NewHub(cluster.HubOptions{})
	var n atomic.Int64
	old := openBus
	openBus = func(_ context.Context, cfg *cluster.ClusterConfig, opts ...cluster.Option) (*cluster.Bus, error) {
		tr, err := h.Join(fmt.Sprintf("cmd-%d", n.Add(1)))
		if err != nil {
			return nil, err
		}
		return cluster.New(*cfg, tr, append(opts, cluster.WithCloser(tr))...)
	}
	t.Cleanup(func() {
		openBus = old
		h.Close()
	})
	return h
}

// clusterHubBus joins h as node id, recording its wire deliveries on a channel.
func clusterHubBus(t *testing.T, h *cluster.Hub, id cluster.NodeID) (*cluster.Bus, <-chan cluster.Delivery) {
	t.Helper()
	tr, err := h.Join(fmt.Sprintf("peer-%d", id))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cluster.New(cluster.ClusterConfig{NodeID: id, Linger: time.Millisecond}, tr, cluster.WithCloser(tr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ch := make(chan cluster.Delivery, 64)
	b.Subscribe(func(d cluster.Delivery) {
		if !d.Event.Kind().IsLocal() {
			ch <- d
		}
	})
	return b, ch
}

// clusterLineSink is a Writer that hands out complete lines.
type clusterLineSink struct {
	mu    sync.Mutex
	part  []byte
	lines chan string
}

func newClusterLineSink() *clusterLineSink { return &clusterLineSink{lines: make(chan string, 1024)} }

func (s *clusterLineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.part = append(s.part, p...)
	for {
		i := strings.IndexByte(string(s.part), '\n')
		if i < 0 {
			return len(p), nil
		}
		s.lines <- string(s.part[:i])
		s.part = s.part[i+1:]
	}
}

// next returns the next line that contains want.
func (s *clusterLineSink) next(t *testing.T, want string) string {
	t.Helper()
	timer := time.NewTimer(clusterNodeTimeout)
	defer timer.Stop()
	for {
		select {
		case l := <-s.lines:
			if strings.Contains(l, want) {
				return l
			}
		case <-timer.C:
			t.Fatalf("no output line with %q", want)
		}
	}
}

func recvClusterDelivery(t *testing.T, ch <-chan cluster.Delivery) cluster.Delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(clusterNodeTimeout):
		t.Fatal("no delivery")
		return cluster.Delivery{}
	}
}

// TestClusterRunJSON runs a node: its JSON lines show the join with the members, the events it
// receives and those it publishes from stdin (as clustertest entries), and, on cancel, the
// leave and the counters.
func TestClusterRunJSON(t *testing.T) {
	h := useClusterHub(t)
	peer, got := clusterHubBus(t, h, 2)
	cfgPath := writeFile(t, "cluster.toml", stalwartDoc)
	stdin, feed := io.Pipe()
	out := newClusterLineSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- clusterRun(ctx, []string{"--config", cfgPath, "--node-id", "1", "--json", "--stdin"}, stdin, out, io.Discard)
	}()
	var join clusterLine
	if err := json.Unmarshal([]byte(out.next(t, `"op":"join"`)), &join); err != nil {
		t.Fatal(err)
	}
	if join.At.ID != 1 || join.At.Inc == 0 || join.Key != "mail/cluster/events" {
		t.Errorf("join line %+v", join)
	}

	// An event from the peer is printed as a delivery.
	want := cluster.BlockedIP{Prefix: netip.MustParsePrefix("203.0.113.7/32"), Reason: "spam and more"}
	seq, err := peer.Publish(want)
	if err != nil {
		t.Fatal(err)
	}
	var e clustertest.Entry
	line := out.next(t, `"op":"deliver"`)
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatal(err)
	}
	_, peerInc := peer.Self()
	if e.At.ID != 1 || e.From != (clustertest.Node{ID: 2, Incarnation: peerInc}) || e.Seq != seq || e.Stamp <= join.T {
		t.Errorf("delivery entry %+v from %s", e, line)
	}
	if !strings.Contains(line, `"event":"blocked-ip \"--reason=spam and more\" 203.0.113.7/32"`) {
		t.Errorf("delivery line %s", line)
	}

	// Lines of stdin are published; a bad one is reported and skipped.
	fmt.Fprintln(feed, "# a comment")
	fmt.Fprintln(feed, "blocked-ip nonsense")
	fmt.Fprintln(feed, `settings-reload "spam filter"`)
	errLine := out.next(t, `"op":"error"`)
	if !strings.Contains(errLine, "nonsense") {
		t.Errorf("error line %s", errLine)
	}
	if err := json.Unmarshal([]byte(out.next(t, `"op":"publish"`)), &e); err != nil {
		t.Fatal(err)
	}
	if e.At.ID != 1 || e.From != e.At || e.Seq != 1 {
		t.Errorf("publish entry %+v", e)
	}
	if d := recvClusterDelivery(t, got); d.Event != (cluster.SettingsReload{Section: "spam filter"}) || d.From != 1 {
		t.Errorf("peer got %+v", d)
	}

	// The peer leaving is a member-down line.
	peer.Close()
	if l := out.next(t, `"op":"member-down"`); !strings.Contains(l, `"from":{"id":2`) {
		t.Errorf("member-down line %s", l)
	}
	cancel()
	out.next(t, `"op":"leave"`)
	stats := out.next(t, `"op":"stats"`)
	if !strings.Contains(stats, `"events_received":1`) || !strings.Contains(stats, `"published":1`) {
		t.Errorf("stats line %s", stats)
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestClusterRunText checks the human output.
func TestClusterRunText(t *testing.T) {
	h := useClusterHub(t)
	peer, _ := clusterHubBus(t, h, 2)
	cfgPath := writeFile(t, "cluster.toml", stalwartDoc)
	out := newClusterLineSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- clusterRun(ctx, []string{"--config", cfgPath, "--node-id", "1"}, strings.NewReader(""), out, io.Discard)
	}()
	l := out.next(t, "joined")
	if !strings.Contains(l, "joined mail/cluster/events as node 1") {
		t.Errorf("join line %q", l)
	}
	if !strings.Contains(l, ", 2") { // the membership is still coming in
		if l := out.next(t, "member up 2"); !strings.Contains(l, "; members: ") {
			t.Errorf("member line %q", l)
		}
	}
	if _, err := peer.Publish(cluster.QueueStatus{Running: true}); err != nil {
		t.Fatal(err)
	}
	if l := out.next(t, "from 2#"); !strings.HasSuffix(l, "from 2#1 queue-status running") {
		t.Errorf("delivery line %q", l)
	}
	cancel()
	out.next(t, "leaving")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestClusterPublish publishes one event from the command line to a member, and flushes it
// before leaving.
func TestClusterPublish(t *testing.T) {
	h := useClusterHub(t)
	_, got := clusterHubBus(t, h, 2)
	cfgPath := writeFile(t, "cluster.toml", stalwartDoc)
	out := newClusterLineSink()
	ctx, cancel := context.WithTimeout(context.Background(), clusterNodeTimeout)
	defer cancel()
	err := clusterPublish(ctx, []string{"--config", cfgPath, "--node-id", "5", "--members", "1", "--settle", "1ms", "--count", "3",
		"blocked-ip", "203.0.113.7/32", "--reason", "spam"}, strings.NewReader(""), out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		d := recvClusterDelivery(t, got)
		if e, ok := d.Event.(cluster.BlockedIP); !ok || e.Reason != "spam" || d.From != 5 || d.Seq != uint64(i) {
			t.Errorf("delivery %d: %+v", i, d)
		}
	}
	if l := out.next(t, "published"); !strings.HasSuffix(l, "published #1 blocked-ip --reason=spam 203.0.113.7/32") {
		t.Errorf("output %q", l)
	}
}

// TestClusterPublishStdin publishes the lines of stdin.
func TestClusterPublishStdin(t *testing.T) {
	h := useClusterHub(t)
	_, got := clusterHubBus(t, h, 2)
	cfgPath := writeFile(t, "cluster.toml", stalwartDoc)
	ctx, cancel := context.WithTimeout(context.Background(), clusterNodeTimeout)
	defer cancel()
	in := "email-push 1 2 3\n\nqueue-refresh local\n"
	if err := clusterPublish(ctx, []string{"-c", cfgPath, "--node-id", "5", "--members", "1", "--settle", "1ms", "--json", "--stdin"},
		strings.NewReader(in), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if d := recvClusterDelivery(t, got); d.Event != (cluster.EmailPush{AccountID: 1, EmailID: 2, ChangeID: 3}) {
		t.Errorf("first %+v", d)
	}
	if d := recvClusterDelivery(t, got); d.Event != (cluster.QueueRefresh{Queue: "local"}) {
		t.Errorf("second %+v", d)
	}
}

// TestClusterPublishErrors: bad words fail before joining; missing members fail after
// --timeout.
func TestClusterPublishErrors(t *testing.T) {
	useClusterHub(t)
	cfgPath := writeFile(t, "cluster.toml", stalwartDoc)
	ctx := context.Background()
	for _, args := range [][]string{
		{"--config", cfgPath, "--node-id", "5", "blocked-ip"},
		{"--config", cfgPath, "--node-id", "5", "no-such-kind"},
		{"--config", cfgPath, "--node-id", "5", "--count", "0", "spam-model-reload"},
	} {
		if err := clusterPublish(ctx, args, strings.NewReader(""), io.Discard, io.Discard); err == nil || errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want an error", args, err)
		}
	}
	if err := clusterPublish(ctx, []string{"--config", cfgPath}, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("no event: %v", err)
	}
	err := clusterPublish(ctx, []string{"--config", cfgPath, "--node-id", "5", "--members", "2", "--timeout", "50ms", "spam-model-reload"},
		strings.NewReader(""), io.Discard, io.Discard)
	if !errors.Is(err, errClusterMembersTimeout) {
		t.Errorf("missing members: %v", err)
	}
	if code, _, errs := runCmd(t, "", "cluster", "run", "--config", cfgPath, "extra"); code != 2 || !strings.Contains(errs, "unexpected argument") {
		t.Errorf("run with an argument: exit %d %q", code, errs)
	}
}

// TestSplitEventWords reads back what FormatEvent writes.
func TestSplitEventWords(t *testing.T) {
	for _, ev := range []cluster.Event{
		cluster.BlockedIP{Prefix: netip.MustParsePrefix("2001:db8::/32"), Reason: `a "quoted"	reason`},
		cluster.CalendarAlert{AccountID: 1, EventID: 2, UID: "x y", AlertID: "-1"},
		cluster.SettingsReload{Section: ""},
		cluster.CertificateRenewed{Names: []string{"-a.example", "b.example"}},
	} {
		words, err := splitEventWords(cluster.FormatEvent(ev))
		if err != nil {
			t.Fatalf("%s: %v", cluster.FormatEvent(ev), err)
		}
		back, err := cluster.ParseEventArgs(words)
		if err != nil || fmt.Sprint(back) != fmt.Sprint(ev) {
			t.Errorf("%s: read back %+v, %v", cluster.FormatEvent(ev), back, err)
		}
	}
	for _, bad := range []string{`"open`, `"a"b`, `"\q"`} {
		if _, err := splitEventWords(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if w, err := splitEventWords("  a\t b  "); err != nil || strings.Join(w, "|") != "a|b" {
		t.Errorf("spaces: %q %v", w, err)
	}
}
