package interop

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
	"github.com/gozenoh/zenoh/cluster"
)

// A real Zenoh 1.10.2 peer on the cluster's keys: its subscriber receives the envelopes of Go
// nodes, its liveliness subscriber and query find their tokens, its valid envelope reaches
// them, and its garbage is counted (Stats.DecodeErrors) and dropped without harm.

// realClusterConfig is the TOML configuration of node id, listening on listenPort, connected
// to connect.
func realClusterConfig(t *testing.T, id, listenPort int, connect ...string) *cluster.ClusterConfig {
	t.Helper()
	eps := ""
	for _, c := range connect {
		eps += fmt.Sprintf("%q, ", c)
	}
	doc := fmt.Sprintf(`[store."peer-to-peer"]
type = "zenoh"
config = '''{ mode: "peer", scouting: { multicast: { enabled: false }, gossip: { enabled: false } },
  listen: { endpoints: ["%s"] }, connect: { endpoints: [%s] } }'''
[cluster]
coordinator = "peer-to-peer"
node-id = %d
heartbeat = "5s"
`, Endpoint(listenPort), eps, id)
	cfg, err := cluster.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// realSession opens the Zenoh session of realClusterConfig (node 1's), closed at the end of the
// test.
func realSession(t *testing.T, listenPort int, connect ...string) *zenoh.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	s, err := zenoh.Open(ctx, realClusterConfig(t, 1, listenPort, connect...).Coordinator.Zenoh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// realClusterNode opens a Go cluster node with cluster.Open (see realClusterConfig).
func realClusterNode(t *testing.T, id, listenPort int, connect ...string) *cluster.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	b, err := cluster.Open(ctx, realClusterConfig(t, id, listenPort, connect...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// waitBusMembers waits until b sees n distinct node ids.
func waitBusMembers(t *testing.T, b *cluster.Bus, n int) {
	t.Helper()
	ch, sub := b.SubscribeChan(cluster.Kinds(cluster.KindMemberUp, cluster.KindMemberDown))
	defer sub.Close()
	timer := time.NewTimer(DefaultTimeout)
	defer timer.Stop()
	for {
		ids := map[cluster.NodeID]bool{}
		for _, m := range b.Members() {
			ids[m.ID] = true
		}
		if len(ids) >= n {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("%d members after %v, want %d", len(ids), DefaultTimeout, n)
		}
	}
}

func TestClusterRealZenohPeer(t *testing.T) {
	p := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}})
	key := cluster.EventKey(cluster.DefaultKeyPrefix)
	if err := p.Sub(key); err != nil {
		t.Fatal(err)
	}
	// Declared after the subscriber: a node that sees this token knows the subscriber.
	if err := p.Token("probe/zpeer"); err != nil {
		t.Fatal(err)
	}
	if err := p.LivelinessSub(cluster.TokenKeyExpr(cluster.DefaultKeyPrefix), true); err != nil {
		t.Fatal(err)
	}

	// Node 1 runs over a session of the test's own (to wait for the probe token), node 2 is
	// made by cluster.Open.
	port1 := FreeTCPPort(t)
	s1 := realSession(t, port1, p.Locator())
	probe := make(chan struct{}, 1)
	psub, err := s1.Liveliness().DeclareSubscriber("probe/zpeer", func(zenoh.Sample) {
		select {
		case probe <- struct{}{}:
		default:
		}
	}, zenoh.WithHistory(true))
	if err != nil {
		t.Fatal(err)
	}
	defer psub.Close()
	select {
	case <-probe:
	case <-time.After(DefaultTimeout):
		t.Fatal("node 1 never saw the real peer's probe token")
	}
	c1 := realClusterConfig(t, 1, port1, p.Locator())
	b1, err := cluster.New(*c1, cluster.NewZenohTransport(s1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b1.Close() })
	b2 := realClusterNode(t, 2, FreeTCPPort(t), p.Locator(), Endpoint(port1))
	waitBusMembers(t, b1, 2)
	waitBusMembers(t, b2, 2)
	_, inc1 := b1.Self()
	_, inc2 := b2.Self()

	// The real peer sees both tokens, with the documented key layout.
	want := []string{cluster.TokenKey(cluster.DefaultKeyPrefix, 1, inc1), cluster.TokenKey(cluster.DefaultKeyPrefix, 2, inc2)}
	for _, k := range want {
		if _, err := p.WaitEvent(DefaultTimeout, IsLiveliness(k, "put")); err != nil {
			t.Fatalf("real Zenoh never saw token %s: %v", k, err)
		}
	}
	tokens, err := p.LivelinessGet(cluster.TokenKeyExpr(cluster.DefaultKeyPrefix), nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range tokens {
		keys = append(keys, e.Key)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("real Zenoh liveliness query found %q, want %q", keys, want)
	}

	// Its subscriber receives node 1's envelopes: they decode, in order, to what was published.
	var sent []cluster.Event
	for i := range 40 {
		ev := clusterEvent(i)
		if _, err := b1.Publish(ev); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, ev)
	}
	reg := cluster.NewRegistry()
	var got []cluster.Event
	next := uint64(1)
	for len(got) < len(sent) {
		s, err := p.WaitSample(key, DefaultTimeout)
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		var env cluster.Envelope
		if err := cluster.ParseEnvelope(s.Payload, &env); err != nil {
			t.Fatalf("real Zenoh got a payload that is not an envelope: %v (%x)", err, s.Payload)
		}
		if env.From != 1 {
			continue // node 2's heartbeat
		}
		if env.Incarnation != inc1 || env.Seq != next {
			t.Fatalf("envelope header %+v, want from 1/%x seq %d", env.Header, inc1, next)
		}
		for _, raw := range env.Events {
			ev, err := reg.Decode(raw.Kind, raw.Body)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ev)
		}
		next += uint64(len(env.Events))
	}
	if fmt.Sprint(got) != fmt.Sprint(sent) {
		t.Errorf("real Zenoh decoded\n%v\nwant\n%v", got, sent)
	}

	// Its publisher's garbage is counted and dropped; its valid envelope (from a node 7 that
	// exists only as bytes) is delivered; and node 2's next event still arrives.
	deliveries, sub := b1.SubscribeChan(cluster.Kinds(cluster.KindQueueStatus, cluster.KindSpamModelReload))
	defer sub.Close()
	before := b1.Stats()
	truncated, err := cluster.AppendEnvelope(nil, cluster.Header{From: 9, Incarnation: 9, Seq: 1},
		[]cluster.RawEvent{{Kind: cluster.KindStateChange, Body: []byte{1, 2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	garbage := [][]byte{[]byte("not an envelope"), {0x53}, {0x53, 0x02, 0, 1}, truncated[:len(truncated)-2], make([]byte, 3000)}
	for _, g := range garbage {
		if err := p.Put(key, g, nil); err != nil {
			t.Fatal(err)
		}
	}
	body, err := cluster.QueueStatus{Running: true}.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	valid, err := cluster.AppendEnvelope(nil, cluster.Header{From: 7, Incarnation: 77, Seq: 1},
		[]cluster.RawEvent{{Kind: cluster.KindQueueStatus, Body: body}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Put(key, valid, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b2.Publish(cluster.SpamModelReload{}); err != nil {
		t.Fatal(err)
	}
	from := map[cluster.NodeID]cluster.Event{}
	timer := time.NewTimer(DefaultTimeout)
	defer timer.Stop()
	for len(from) < 2 {
		select {
		case d := <-deliveries:
			if !d.Event.Kind().IsLocal() {
				from[d.From] = d.Event
			}
		case <-timer.C:
			t.Fatalf("deliveries after the garbage: %v", from)
		}
	}
	if from[7] != (cluster.QueueStatus{Running: true}) || from[2] != (cluster.SpamModelReload{}) {
		t.Errorf("deliveries %v", from)
	}
	after := b1.Stats()
	if n := after.DecodeErrors - before.DecodeErrors; n != uint64(len(garbage)) || after.BadVersion-before.BadVersion != 1 {
		t.Errorf("decode errors +%d (bad version +%d), want +%d (+1): %+v", n, after.BadVersion-before.BadVersion, len(garbage), after)
	}
	if after.Resyncs[cluster.ReasonDecode] == 0 {
		t.Errorf("no decode resync for sender 9's truncated envelope: %v", after.Resyncs)
	}
	t.Logf("node 1 stats after the garbage: %+v", after)
}
