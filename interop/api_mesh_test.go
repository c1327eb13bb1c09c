package interop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// apiLo makes sure multicast works on the loopback interface (as scoutingLo does for the
// scouting tests).
func apiLo(t *testing.T) {
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

// apiMeshStrategy is the autoconnect strategy of every node of the mesh test: of two peers,
// only the one with the greater ZenohID dials. With Zenoh's default ("always"), two peers
// that discover each other at once both dial; the session layer then keeps one of the two
// links, and while it switches a few messages that the real peer sent on the retired link
// are lost (seen as 1 run in 8: ~5 of 2,000 samples missing; reported to the session layer).
const apiMeshStrategy = `{peer: {to_peer: "greater-zid", to_router: "always"}}`

// apiMeshConfig is a Go peer scouting by multicast on lo, in group, listening on loopback.
func apiMeshConfig(t *testing.T, group string) zenoh.Config {
	t.Helper()
	cfg := zenoh.DefaultConfig()
	apiMust(t, cfg.Insert("scouting/multicast/interface", `"lo"`))
	apiMust(t, cfg.Insert("scouting/multicast/address", `"`+group+`"`))
	apiMust(t, cfg.Insert("scouting/multicast/autoconnect_strategy", apiMeshStrategy))
	apiMust(t, cfg.Insert("scouting/gossip/autoconnect_strategy", apiMeshStrategy))
	apiMust(t, cfg.Insert("listen/endpoints", `["tcp/127.0.0.1:0"]`))
	return cfg
}

// meshCounter counts the data samples a subscriber received per source and index.
type meshCounter struct {
	mu   sync.Mutex
	seen map[string]map[int]int // source -> index -> times
	n    int
	dups int
	bad  []string
}

func newMeshCounter() *meshCounter { return &meshCounter{seen: map[string]map[int]int{}} }

// add records key "mesh/data/<src>" with payload "<i>"; probes are ignored.
func (c *meshCounter) add(key string, payload []byte) {
	src, ok := strings.CutPrefix(key, "mesh/data/")
	if !ok {
		return
	}
	i, err := strconv.Atoi(string(payload))
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.bad = append(c.bad, key+"="+string(payload))
		return
	}
	m := c.seen[src]
	if m == nil {
		m = map[int]int{}
		c.seen[src] = m
	}
	m[i]++
	if m[i] > 1 {
		c.dups++
	}
	c.n++
}

func (c *meshCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// check reports whether exactly want[src] distinct indices 0..want-1 arrived once each.
func (c *meshCounter) check(want map[string]int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dups > 0 || len(c.bad) > 0 {
		return fmt.Errorf("%d duplicates, bad samples %v", c.dups, c.bad)
	}
	for src, n := range want {
		m := c.seen[src]
		if len(m) != n {
			return fmt.Errorf("from %s: %d distinct samples, want %d", src, len(m), n)
		}
		for i := range n {
			if m[i] != 1 {
				return fmt.Errorf("from %s: sample %d seen %d times", src, i, m[i])
			}
		}
	}
	return nil
}

// TestAPIMesh: three peers (Go, real Zenoh, Go) find each other by multicast scouting on lo
// and form a full mesh; every publication of 10,000 (4,000 + 2,000 + 4,000) reaches each
// subscriber exactly once.
func TestAPIMesh(t *testing.T) {
	Python(t)
	apiLo(t)
	group := MulticastAddress(FreeUDPPort(t))
	g1 := apiOpen(t, apiMeshConfig(t, group))
	r := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, MulticastIface: "lo", MulticastAddress: group,
		Config: []string{"scouting/multicast/autoconnect_strategy=" + apiMeshStrategy, "scouting/gossip/autoconnect_strategy=" + apiMeshStrategy}})
	g2 := apiOpen(t, apiMeshConfig(t, group))
	apiWait(t, "full mesh at the Go peers", func() bool {
		return len(g1.Info().Peers) == 2 && len(g2.Info().Peers) == 2
	})
	if _, err := r.WaitPeers(2, DefaultTimeout); err != nil {
		t.Fatal(err)
	}

	c1, c2 := newMeshCounter(), newMeshCounter()
	probes := [2]sync.Map{}
	for i, pair := range []struct {
		s *zenoh.Session
		c *meshCounter
	}{{g1, c1}, {g2, c2}} {
		sub, err := pair.s.DeclareSubscriber("mesh/**", func(s zenoh.Sample) {
			if src, ok := strings.CutPrefix(s.Key, "mesh/probe/"); ok {
				probes[i].Store(src, true)
			}
			pair.c.add(s.Key, s.Payload)
		}, zenoh.WithQueue(1<<14, zenoh.Block), zenoh.WithBlockTimeout(time.Minute))
		apiMust(t, err)
		defer sub.Close()
	}
	apiMust(t, r.Sub("mesh/**"))

	// Probe until every subscriber has heard from every node: the routes are in place.
	ctx := context.Background()
	rProbes := map[string]bool{}
	apiWait(t, "probes everywhere", func() bool {
		apiMust(t, g1.Put(ctx, "mesh/probe/g1", nil))
		apiMust(t, g2.Put(ctx, "mesh/probe/g2", nil))
		apiMust(t, r.Put("mesh/probe/r", nil, nil))
		for _, e := range r.Events() {
			if strings.HasPrefix(e.Key, "mesh/probe/") {
				rProbes[e.Key] = true
			}
		}
		ok := len(rProbes) == 3
		for i := range probes {
			for _, src := range []string{"g1", "g2", "r"} {
				if _, seen := probes[i].Load(src); !seen {
					ok = false
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
		return ok
	})

	meshStart := time.Now()
	t.Logf("mesh and routes ready")
	want := map[string]int{"g1": 4000, "r": 2000, "g2": 4000}
	total := 10000
	var wg sync.WaitGroup
	for _, p := range []struct {
		s   *zenoh.Session
		src string
	}{{g1, "g1"}, {g2, "g2"}} {
		pub, err := p.s.DeclarePublisher("mesh/data/"+p.src, zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
		apiMust(t, err)
		defer pub.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range want[p.src] {
				if err := pub.Put(ctx, []byte(strconv.Itoa(i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	apiMust(t, r.Put("mesh/data/r", nil, Opts{"count": want["r"], "text": "{i}", "congestion_control": "block"}))
	wg.Wait()
	t.Logf("published in %v; Go subscribers have %d and %d", time.Since(meshStart), c1.count(), c2.count())

	rc := newMeshCounter()
	evs, err := r.Collect(6*DefaultTimeout, total, func(e Event) bool { return e.Event == "sample" && strings.HasPrefix(e.Key, "mesh/data/") })
	for _, e := range evs {
		rc.add(e.Key, e.Payload)
	}
	if err != nil {
		t.Fatalf("real peer got %d of %d: %v (%v)", len(evs), total, err, rc.check(want))
	}
	t.Logf("real peer has them all after %v; Go subscribers have %d and %d", time.Since(meshStart), c1.count(), c2.count())
	for name, c := range map[string]*meshCounter{"g1": c1, "g2": c2} {
		deadline := time.Now().Add(DefaultTimeout)
		for c.count() < total && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if c.count() < total {
			t.Fatalf("%s got %d of %d: %v; stats %+v", name, c.count(), total, c.check(want), map[string]*zenoh.Session{"g1": g1, "g2": g2}[name].Stats())
		}
	}
	// Nothing more may come: no duplicates.
	if err := r.ExpectNone(300*time.Millisecond, func(e Event) bool { return e.Event == "sample" && strings.HasPrefix(e.Key, "mesh/data/") }); err != nil {
		t.Errorf("real peer: %v", err)
	}
	for name, c := range map[string]*meshCounter{"g1": c1, "g2": c2, "real": rc} {
		if err := c.check(want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, s := range map[string]*zenoh.Session{"g1": g1, "g2": g2} {
		for _, tr := range s.Stats().Transports {
			t.Logf("%s: transport to %v: %d links attached, %d retired, %d messages received", name, tr.ZID, tr.Stats.LinksAttached, tr.Stats.LinksRetired, tr.Stats.RxMessages)
		}
		if st := s.Stats(); st.SamplesDropped != 0 {
			t.Errorf("%s dropped samples: %+v", name, st)
		}
	}
}
