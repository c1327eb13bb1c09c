package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
	"github.com/gozenoh/zenoh/cluster"
	"github.com/gozenoh/zenoh/cluster/clustertest"
)

// zTimeout bounds every wait of the Zenoh tests.
const zTimeout = 10 * time.Second

// zenohJSON5 is a peer configuration with multicast scouting off that listens on a free
// loopback port and connects to connect.
func zenohJSON5(connect ...string) string {
	eps := ""
	if len(connect) > 0 {
		eps = `"` + strings.Join(connect, `", "`) + `"`
	}
	return fmt.Sprintf(`{ mode: "peer", scouting: { multicast: { enabled: false } },
  listen: { endpoints: ["tcp/127.0.0.1:0"] }, connect: { endpoints: [%s] } }`, eps)
}

// zenohCluster returns the cluster configuration of node id over the Zenoh configuration text.
func zenohCluster(t testing.TB, id int, json5 string) *cluster.ClusterConfig {
	t.Helper()
	doc := fmt.Sprintf("[store.zenoh]\ntype = \"zenoh\"\nconfig = '''%s'''\n\n[cluster]\ncoordinator = \"zenoh\"\nnode-id = %d\nheartbeat = \"200ms\"\n[cluster.batch]\nlinger = \"1ms\"\n", json5, id)
	cfg, err := cluster.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return cfg
}

// openSession opens a Zenoh session closed at the end of the test.
func openSession(t testing.TB, connect ...string) *zenoh.Session {
	t.Helper()
	cfg := zenohCluster(t, 1, zenohJSON5(connect...)).Coordinator.Zenoh
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	s, err := zenoh.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// recvWithin receives from ch within zTimeout.
func recvWithin[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(zTimeout)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// waitMembers waits until b sees n members (itself included, distinct ids).
func waitMembers(t testing.TB, b *cluster.Bus, n int) {
	t.Helper()
	ch, sub := b.SubscribeChan(cluster.Kinds(cluster.KindMemberUp, cluster.KindMemberDown))
	defer sub.Close()
	timer := time.NewTimer(zTimeout)
	defer timer.Stop()
	for {
		ids := map[cluster.NodeID]bool{}
		for _, m := range b.Members() {
			ids[m.ID] = true
		}
		if len(ids) == n {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			id, _ := b.Self()
			t.Fatalf("node %v: %d members after %v, want %d: %+v", id, len(ids), zTimeout, n, b.Members())
		}
	}
}

// TestClusterZenohTransportContract checks each Transport call over two connected sessions: tokens
// (with and without history, and their withdrawal), Tokens, publications in order, payload
// ownership, and ErrClosed after Close.
func TestClusterZenohTransportContract(t *testing.T) {
	a := openSession(t)
	b := openSession(t, a.Info().Locators[0])
	ta, tb := cluster.NewZenohTransport(a), cluster.NewZenohTransport(b)
	defer ta.Close()

	alive := make(chan string, 16)
	gone := make(chan string, 16)
	watch, err := ta.SubscribeTokens("t/node/**", true, func(key string, up bool) {
		if up {
			alive <- key
		} else {
			gone <- key
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	got := make(chan []byte, 1024)
	sub, err := tb.Subscribe("t/events", func(key string, payload []byte) {
		if key != "t/events" {
			t.Errorf("sample on %q", key)
		}
		got <- slices.Clone(payload)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	// b's token is declared after its subscriber: once a sees the token, a's publications
	// reach the subscriber (declarations travel in order), which is what the Bus relies on.
	tok, err := tb.DeclareToken("t/node/2/0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if k := recvWithin(t, alive, "b's token at a"); k != "t/node/2/0000000000000001" {
		t.Fatalf("token %q", k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	keys, err := ta.Tokens(ctx, "t/node/**")
	if err != nil || !slices.Equal(keys, []string{"t/node/2/0000000000000001"}) {
		t.Fatalf("Tokens = %q, %v", keys, err)
	}

	const n = 500
	buf := make([]byte, 8)
	for i := range n {
		copy(buf, fmt.Sprintf("%08d", i))
		if err := ta.Publish(ctx, "t/events", buf); err != nil {
			t.Fatal(err)
		}
		copy(buf, "XXXXXXXX") // the transport must not keep buf
	}
	for i := range n {
		if p := recvWithin(t, got, "publication"); string(p) != fmt.Sprintf("%08d", i) {
			t.Fatalf("publication %d: got %q (out of order or aliased)", i, p)
		}
	}

	// A late watcher with history sees the token alive at once; without history, not.
	late := make(chan string, 4)
	w2, err := ta.SubscribeTokens("t/node/**", true, func(key string, up bool) {
		if up {
			late <- key
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	recvWithin(t, late, "history")

	// The transport reports a withdrawal at once: the token grace belongs to the Bus, so even
	// a transport given the deprecated WithTokenGrace of an hour does not hold it back.
	eager := make(chan string, 4)
	w3, err := cluster.NewZenohTransport(a, cluster.WithTokenGrace(time.Hour)).SubscribeTokens("t/node/**", false, func(key string, up bool) {
		if !up {
			eager <- key
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w3.Close()
	if err := tok.Close(); err != nil {
		t.Fatal(err)
	}
	if k := recvWithin(t, eager, "token withdrawal (deprecated grace)"); k != "t/node/2/0000000000000001" {
		t.Fatalf("withdrawn %q", k)
	}
	if k := recvWithin(t, gone, "token withdrawal"); k != "t/node/2/0000000000000001" {
		t.Fatalf("withdrawn %q", k)
	}
	if err := ta.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ta.Publish(ctx, "t/events", buf); !errors.Is(err, cluster.ErrClosed) {
		t.Fatalf("Publish after Close: %v, want ErrClosed", err)
	}
	b.Close()
	if _, err := tb.DeclareToken("t/node/3/0000000000000001"); !errors.Is(err, cluster.ErrClosed) || !errors.Is(err, zenoh.ErrClosed) {
		t.Fatalf("DeclareToken on a closed session: %v, want ErrClosed (both)", err)
	}
}

// zNode is a Bus over Zenoh logging to a checker.
type zNode struct {
	bus *cluster.Bus
	me  clustertest.Node
}

// deliveries counts the wire events the zNodes of a test delivered, and signals each one.
type deliveries struct {
	n    atomic.Uint64
	more chan struct{} // capacity 1
}

func newDeliveries() *deliveries { return &deliveries{more: make(chan struct{}, 1)} }

func (c *deliveries) add() {
	c.n.Add(1)
	select {
	case c.more <- struct{}{}:
	default:
	}
}

// wait waits until n deliveries were counted.
func (c *deliveries) wait(t *testing.T, n uint64) {
	t.Helper()
	timer := time.NewTimer(zTimeout)
	defer timer.Stop()
	for c.n.Load() < n {
		select {
		case <-c.more:
		case <-timer.C:
			t.Fatalf("%d of %d events delivered after %v", c.n.Load(), n, zTimeout)
		}
	}
}

func startZNode(t *testing.T, chk *clustertest.Checker, cnt *deliveries, b *cluster.Bus) *zNode {
	id, inc := b.Self()
	n := &zNode{bus: b, me: clustertest.Node{ID: id, Incarnation: inc}}
	b.Subscribe(func(d cluster.Delivery) {
		switch e := d.Event.(type) {
		case cluster.Resync:
			chk.Resync(n.me, e.From)
		case cluster.MemberUp, cluster.MemberDown, cluster.Collision:
		default:
			chk.Deliver(n.me, clustertest.Node{ID: d.From, Incarnation: d.Incarnation}, d.Seq)
			cnt.add()
		}
	})
	chk.Join(n.me)
	return n
}

// TestClusterZenohBusesExactlyOnce runs three buses over three sessions on loopback TCP, one
// of them made by Open from a cluster configuration: every event reaches the two other nodes
// exactly once, in order, with no resync. When node 3 leaves, the others see it go, without resyncing
// (the Bus's token grace waits for its leave envelope).
func TestClusterZenohBusesExactlyOnce(t *testing.T) {
	s1 := openSession(t)
	s2 := openSession(t, s1.Info().Locators[0])
	chk := clustertest.New()
	cnt := newDeliveries()
	var nodes []*zNode
	for i, s := range []*zenoh.Session{s1, s2} {
		tr := cluster.NewZenohTransport(s)
		b, err := cluster.New(*zenohCluster(t, i+1, zenohJSON5()), tr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close(); tr.Close() })
		nodes = append(nodes, startZNode(t, chk, cnt, b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	b3, err := cluster.Open(ctx, zenohCluster(t, 3, zenohJSON5(s1.Info().Locators[0], s2.Info().Locators[0])))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b3.Close() })
	nodes = append(nodes, startZNode(t, chk, cnt, b3))
	for _, n := range nodes {
		waitMembers(t, n.bus, 3)
	}

	const total = 3000
	for i := range total {
		n := nodes[i%3]
		seq, err := n.bus.Publish(mixedEvent(i))
		if err != nil {
			t.Fatal(err)
		}
		chk.Publish(n.me, seq)
	}
	cnt.wait(t, 2*total)
	r := chk.Check()
	t.Log(r)
	if !r.OK() || r.Expected != 2*total || r.Delivered != r.Expected || r.Resyncs != 0 {
		t.Errorf("not exactly once: %v", r)
	}

	// Node 3 leaves: the others see it go.
	down := make(chan cluster.MemberDown, 16)
	sub := nodes[0].bus.Subscribe(func(d cluster.Delivery) {
		if e, ok := d.Event.(cluster.MemberDown); ok {
			down <- e
		}
	}, cluster.Kinds(cluster.KindMemberDown))
	defer sub.Close()
	chk.Leave(nodes[2].me)
	if err := b3.Close(); err != nil {
		t.Fatal(err)
	}
	if d := recvWithin(t, down, "node 3 down"); d.ID != 3 {
		t.Fatalf("member down %+v, want node 3", d)
	}
	for _, n := range nodes[:2] {
		st := n.bus.Stats()
		if st.DecodeErrors != 0 || st.TotalResyncs() != 0 {
			t.Errorf("stats %+v", st)
		}
	}
}

// TestClusterZenohGarbageOnTheKey: payloads that are not envelopes, put on the event key by a plain
// Zenoh session, are counted and dropped; the bus goes on delivering.
func TestClusterZenohGarbageOnTheKey(t *testing.T) {
	s1 := openSession(t)
	s2 := openSession(t, s1.Info().Locators[0])
	var buses []*cluster.Bus
	for i, s := range []*zenoh.Session{s1, s2} {
		b, err := cluster.New(*zenohCluster(t, i+1, zenohJSON5()), cluster.NewZenohTransport(s))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		buses = append(buses, b)
	}
	waitMembers(t, buses[0], 2)
	waitMembers(t, buses[1], 2)
	got := make(chan cluster.Delivery, 16)
	buses[0].Subscribe(func(d cluster.Delivery) {
		if d.Event.Kind() == cluster.KindBlockedIP {
			got <- d
		}
	}, cluster.Kinds(cluster.KindBlockedIP))
	resync := make(chan cluster.Delivery, 4)
	buses[0].Subscribe(func(d cluster.Delivery) { resync <- d }, cluster.Kinds(cluster.KindResync))
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	key := cluster.EventKey(cluster.DefaultKeyPrefix)
	// The last one has a valid header (a sender 9 that does not exist) and a truncated event:
	// the receivers resync that sender.
	cut, err := cluster.AppendEnvelope(nil, cluster.Header{From: 9, Incarnation: 1, Seq: 1},
		[]cluster.RawEvent{{Kind: cluster.KindStateChange, Body: []byte{1, 2, 3, 4, 5}}})
	if err != nil {
		t.Fatal(err)
	}
	garbage := [][]byte{{}, []byte("hello"), {'S'}, {'S', 99, 0, 1}, cut[:len(cut)-3]}
	for _, g := range garbage {
		if err := s2.Put(ctx, key, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s2.Delete(ctx, key); err != nil { // not a put: ignored by the transport
		t.Fatal(err)
	}
	ev, err := cluster.ParseEventArgs([]string{"blocked-ip", "203.0.113.7/32", "--reason=spam"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := buses[1].Publish(ev); err != nil {
		t.Fatal(err)
	}
	d := recvWithin(t, got, "the event after the garbage")
	if e, ok := d.Event.(cluster.BlockedIP); !ok || e.Reason != "spam" || d.From != 2 {
		t.Fatalf("got %+v", d)
	}
	if r := recvWithin(t, resync, "resync of sender 9").Event.(cluster.Resync); r.From != 9 || r.Reason != cluster.ReasonDecode {
		t.Errorf("resync %+v, want sender 9 for decode", r)
	}
	st := buses[0].Stats()
	if st.DecodeErrors != uint64(len(garbage)) || st.BadVersion != 1 {
		t.Errorf("decode errors %d (bad version %d), want %d (1): %+v", st.DecodeErrors, st.BadVersion, len(garbage), st)
	}
}

// TestClusterZenohOpenCloses: closing a Bus made by Open leaves nothing running (its session is
// closed with it), and WithCloser's error is Close's.
func TestClusterZenohOpenCloses(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	b, err := cluster.Open(ctx, zenohCluster(t, 1, zenohJSON5()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(cluster.SpamModelReload{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d after Close, %d before\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}

	h := cluster.NewHub(cluster.HubOptions{})
	defer h.Close()
	tr, err := h.Join("x")
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	calls := 0
	b, err = cluster.New(cluster.ClusterConfig{NodeID: 1}, tr, cluster.WithCloser(closer(func() error { calls++; return boom })))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, boom) || calls != 1 {
		t.Errorf("Close: %v after %d calls, want boom after 1", err, calls)
	}
	if err := b.Close(); !errors.Is(err, boom) || calls != 1 {
		t.Errorf("second Close: %v after %d calls", err, calls)
	}
}

type closer func() error

func (c closer) Close() error { return c() }

// TestClusterZenohOpenErrors: Open refuses what it cannot open, and says which store.
func TestClusterZenohOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), zTimeout)
	defer cancel()
	if _, err := cluster.Open(ctx, nil); !errors.Is(err, cluster.ErrConfig) {
		t.Errorf("Open(nil): %v", err)
	}
	cfg := zenohCluster(t, 1, zenohJSON5())
	bad := *cfg
	bad.Coordinator.Type = "nats"
	if _, err := cluster.Open(ctx, &bad); !errors.Is(err, cluster.ErrConfig) {
		t.Errorf("Open(nats): %v", err)
	}
	bad = *cfg
	bad.NodeID = 0
	if _, err := cluster.Open(ctx, &bad); !errors.Is(err, cluster.ErrConfig) {
		t.Errorf("Open(node 0): %v", err)
	}
	// A port that is taken: listening fails, Open fails naming the store.
	s := openSession(t)
	bad = *zenohCluster(t, 1, strings.Replace(zenohJSON5(), "tcp/127.0.0.1:0", s.Info().Locators[0], 1))
	_, err := cluster.Open(ctx, &bad)
	if err == nil || !strings.Contains(err.Error(), `store."zenoh"`) {
		t.Errorf("Open on a taken port: %v", err)
	}
}

// TestClusterZenohConcurrentPublishers publishes from several goroutines of one node: the
// transport's publisher is shared, and every event arrives once.
func TestClusterZenohConcurrentPublishers(t *testing.T) {
	s1 := openSession(t)
	s2 := openSession(t, s1.Info().Locators[0])
	var buses []*cluster.Bus
	for i, s := range []*zenoh.Session{s1, s2} {
		b, err := cluster.New(*zenohCluster(t, i+1, zenohJSON5()), cluster.NewZenohTransport(s))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		buses = append(buses, b)
	}
	waitMembers(t, buses[0], 2)
	waitMembers(t, buses[1], 2)
	cnt := newDeliveries()
	buses[1].Subscribe(func(d cluster.Delivery) {
		if !d.Event.Kind().IsLocal() {
			cnt.add()
		}
	})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 250 {
				if _, err := buses[0].Publish(mixedEvent(g*250 + i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	cnt.wait(t, 1000)
	if st := buses[1].Stats(); st.EventsReceived != 1000 || st.TotalResyncs() != 0 || st.Duplicates != 0 {
		t.Errorf("receiver stats %+v", st)
	}
}

// TestClusterZenohPublishAllocs: the transport's publish path allocates nothing in the steady
// state (a long-lived publisher, a remote subscriber).
func TestClusterZenohPublishAllocs(t *testing.T) {
	a := openSession(t)
	b := openSession(t, a.Info().Locators[0])
	ta, tb := cluster.NewZenohTransport(a), cluster.NewZenohTransport(b)
	defer ta.Close()
	alive := make(chan string, 1)
	w, err := ta.SubscribeTokens("t/node/**", true, func(key string, up bool) { alive <- key })
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var got atomic.Uint64
	sub, err := tb.Subscribe("t/events", func(string, []byte) { got.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	tok, err := tb.DeclareToken("t/node/2/0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	recvWithin(t, alive, "token")
	ctx := context.Background()
	payload := make([]byte, 200)
	if err := ta.Publish(ctx, "t/events", payload); err != nil { // declares the publisher
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if err := ta.Publish(ctx, "t/events", payload); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 && !raceEnabled {
		t.Errorf("Publish: %v allocs per call", allocs)
	}
}

// TestClusterZenohDeprecatedTokenGrace: the deprecated WithTokenGrace still sets the grace of a
// Bus over the transport, unless the ClusterConfig sets one; 0 there means no grace.
func TestClusterZenohDeprecatedTokenGrace(t *testing.T) {
	s := openSession(t)
	for _, c := range []struct {
		name string
		cfg  time.Duration
		opts []cluster.ZenohOption
		want time.Duration
	}{
		{"default", 0, nil, cluster.DefaultTokenGrace},
		{"option", 0, []cluster.ZenohOption{cluster.WithTokenGrace(time.Second)}, time.Second},
		{"option zero", 0, []cluster.ZenohOption{cluster.WithTokenGrace(0)}, 0},
		{"config wins", 40 * time.Millisecond, []cluster.ZenohOption{cluster.WithTokenGrace(time.Second)}, 40 * time.Millisecond},
		{"config none", -1, nil, 0},
	} {
		tr := cluster.NewZenohTransport(s, c.opts...)
		b, err := cluster.New(cluster.ClusterConfig{NodeID: 1, TokenGrace: c.cfg}, tr)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Config().TokenGrace; got != c.want {
			t.Errorf("%s: TokenGrace = %v, want %v", c.name, got, c.want)
		}
		b.Close()
		tr.Close()
	}
}
