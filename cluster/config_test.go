package cluster

import (
	"bytes"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/config"
)

func TestLoadSeedDocument(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "seed.toml"))
	if err != nil {
		t.Fatal(err)
	}
	co := c.Coordinator
	if co.StoreID != "peer-to-peer" || co.Type != "zenoh" || !strings.Contains(co.ConfigText, "mode: peer,") {
		t.Errorf("coordinator = %+v", co)
	}
	z := co.Zenoh
	if z.Mode != config.ModePeer {
		t.Errorf("mode = %v", z.Mode)
	}
	mc := z.Scouting.Multicast
	if !mc.Enabled {
		t.Errorf("multicast enabled = %v", mc.Enabled)
	}
	if mc.Address != netip.MustParseAddrPort("224.0.0.224:7446") || mc.Interface != "auto" {
		t.Errorf("multicast address %v interface %q", mc.Address, mc.Interface)
	}
	if !co.ZenohWarnings.Has(config.WarnBareWord, "mode") {
		t.Errorf("no bare-word warning for mode: %v", co.ZenohWarnings)
	}
	host, herr := os.Hostname()
	if herr != nil {
		t.Fatal(herr)
	}
	if c.NodeID != DeriveNodeID(host) || c.NodeIDSource != NodeIDFromHostname || c.NodeID == 0 {
		t.Errorf("node id %d (%v), want %d derived from %q", c.NodeID, c.NodeIDSource, DeriveNodeID(host), host)
	}
	var keys []string
	for _, w := range c.Warnings {
		keys = append(keys, w.Key)
	}
	joined := strings.Join(keys, " ")
	if !strings.Contains(joined, "cluster.node-id") || !strings.Contains(joined, `store."peer-to-peer".config`) {
		t.Errorf("warnings %v", c.Warnings)
	}
	// The loaded configuration starts a Bus with the defaults.
	h := NewHub(HubOptions{})
	defer h.Close()
	tr, _ := h.Join("n")
	b, err := New(*c, tr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := b.Config()
	if got.KeyPrefix != DefaultKeyPrefix || got.QueueSize != DefaultQueueSize || got.MaxBatchEvents != DefaultMaxBatchEvents ||
		got.Linger != DefaultLingerMS*time.Millisecond || got.Heartbeat != DefaultHeartbeatMS*time.Millisecond ||
		got.TokenGrace != DefaultTokenGrace {
		t.Errorf("defaults not filled: %+v", got)
	}
}

func TestAutoconnectOfSeed(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "seed.toml"))
	if err != nil {
		t.Fatal(err)
	}
	ac := c.Coordinator.Zenoh.Scouting.Multicast.Autoconnect
	peer, pok := ac.Get(config.ModePeer)
	router, rok := ac.Get(config.ModeRouter)
	if !pok || !rok || peer != config.MatcherOf(config.ModeRouter, config.ModePeer) || router != 0 {
		t.Errorf("autoconnect peer %v %v router %v %v", peer, pok, router, rok)
	}
}

const seedStore = `[store."peer-to-peer"]
type = "zenoh"
config = '{ mode: "peer" }'
`

func TestParseSettings(t *testing.T) {
	doc := seedStore + `
[cluster]
coordinator = "peer-to-peer"
node-id = 3
key-prefix = "acme/mail"
queue-size = 10
delivery-queue = 20
heartbeat = "500ms"
token-grace = "1s"
surprise = 1

[cluster.batch]
max-events = 7
max-bytes = 4096
linger = 0

[cluster.roles]
purge.stores = ["1"]
push-notifications = ["1", "2,3"]
fts-indexing = "3"

[server]
hostname = "mx.example.org"
`
	c, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if c.NodeID != 3 || c.NodeIDSource != NodeIDExplicit || c.KeyPrefix != "acme/mail" || c.QueueSize != 10 ||
		c.DeliveryQueue != 20 || c.Heartbeat != 500*time.Millisecond || c.MaxBatchEvents != 7 || c.MaxBatchBytes != 4096 || c.Linger >= 0 ||
		c.TokenGrace != time.Second {
		t.Errorf("parsed %+v", c)
	}
	for doc, want := range map[string]time.Duration{"token-grace = 0": 0, "token-grace = 400": 400 * time.Millisecond, "": DefaultTokenGrace} {
		c, err := Parse([]byte(seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nnode-id = 1\n" + doc + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if r, err := c.Resolved(); err != nil || r.TokenGrace != want {
			t.Errorf("%q: token grace %v (%v), want %v", doc, r.TokenGrace, err, want)
		}
	}
	if len(c.Warnings) != 1 || c.Warnings[0].Key != "cluster.surprise" {
		t.Errorf("warnings %v", c.Warnings)
	}
	for _, tc := range []struct {
		role          string
		id            NodeID
		on            bool
		shard, shards int
	}{
		{"purge.stores", 1, true, 0, 1},
		{"purge.stores", 2, false, 0, 1},
		{"push-notifications", 3, true, 1, 2},
		{"push-notifications", 4, false, 0, 2},
		{"fts-indexing", 3, true, 0, 1},
		{"calendar-alerts", 9, true, 0, 1},
	} {
		on, shard, shards := c.Roles.Lookup(tc.role, tc.id)
		if on != tc.on || shard != tc.shard || shards != tc.shards {
			t.Errorf("Lookup(%s, %d) = %v %d/%d, want %v %d/%d", tc.role, tc.id, on, shard, shards, tc.on, tc.shard, tc.shards)
		}
	}
	if got := strings.Join(c.Roles.Names(), ","); got != "fts-indexing,purge.stores,push-notifications" {
		t.Errorf("role names %s", got)
	}
}

func TestParseErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name, doc, key string
		line           int
	}{
		{"malformed TOML", "[cluster]\ncoordinator = \"x\"\nnode-id = = 3\n", "cluster.node-id", 3},
		{"malformed TOML header", "[cluster\n", "", 1},
		{"no cluster table", seedStore, "cluster.coordinator", 0},
		{"missing coordinator", seedStore + "[cluster]\nnode-id = 1\n", "cluster.coordinator", 0},
		{"unknown coordinator", seedStore + "[cluster]\ncoordinator = \"nope\"\n", "cluster.coordinator", 0},
		{"coordinator not a string", seedStore + "[cluster]\ncoordinator = 5\n", "cluster.coordinator", 0},
		{"wrong store type", "[store.db]\ntype = \"rocksdb\"\npath = \"/x\"\n[cluster]\ncoordinator = \"db\"\n", `store."db".type`, 0},
		{"nats", "[store.n]\ntype = \"nats\"\n[cluster]\ncoordinator = \"n\"\n", `store."n".type`, 0},
		{"missing type", "[store.n]\nconfig = \"{}\"\n[cluster]\ncoordinator = \"n\"\n", `store."n".type`, 0},
		{"missing config", "[store.z]\ntype = \"zenoh\"\n[cluster]\ncoordinator = \"z\"\n", `store."z".config`, 0},
		{"broken JSON5", "[store.z]\ntype = \"zenoh\"\nconfig = '{ mode: peer, scouting: { '\n[cluster]\ncoordinator = \"z\"\n", `store."z".config`, 0},
		{"bad JSON5 value", "[store.z]\ntype = \"Zenoh\"\nconfig = '{ mode: \"nobody\" }'\n[cluster]\ncoordinator = \"z\"\n", `store."z".config`, 0},
		{"node-id 0", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nnode-id = 0\n", "cluster.node-id", 0},
		{"node-id too big", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nnode-id = 70000\n", "cluster.node-id", 0},
		{"node-id string", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nnode-id = \"1\"\n", "cluster.node-id", 0},
		{"queue-size", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nqueue-size = 0\n", "cluster.queue-size", 0},
		{"linger", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nbatch.linger = \"1h\"\n", "cluster.batch.linger", 0},
		{"heartbeat", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nheartbeat = \"soon\"\n", "cluster.heartbeat", 0},
		{"token-grace", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\ntoken-grace = \"2m\"\n", "cluster.token-grace", 0},
		{"key-prefix", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nkey-prefix = \"a/*/b\"\n", "cluster.key-prefix", 0},
		{"role", seedStore + "[cluster]\ncoordinator = \"peer-to-peer\"\nroles.acme.renew = [\"1,x\"]\n", "cluster.roles.acme.renew[0]", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Key != tc.key || (tc.line != 0 && ce.Line != tc.line) {
				t.Errorf("err = %v: key %q line %d, want key %q line %d", err, ce.Key, ce.Line, tc.key, tc.line)
			}
			if tc.key != "" && !strings.Contains(err.Error(), tc.key) {
				t.Errorf("message %q does not name %s", err, tc.key)
			}
		})
	}
}

func TestBrokenJSON5ErrorHasPosition(t *testing.T) {
	_, err := Parse([]byte("[store.z]\ntype = \"zenoh\"\nconfig = '''{\n  mode: peer,\n  listen: [ }'''\n[cluster]\ncoordinator = \"z\"\n"))
	var ze *config.Error
	if !errors.As(err, &ze) {
		// The JSON5 error is kept in the chain for callers that want its position.
		t.Fatalf("err %v does not wrap a *config.Error", err)
	}
	if ze.Line != 3 || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("err %v: line %d", err, ze.Line)
	}
}

func TestDeriveNodeIDIsStable(t *testing.T) {
	a, b := DeriveNodeID("mail-1.example.org"), DeriveNodeID("MAIL-1.example.org")
	if a != b || a == 0 {
		t.Errorf("derived ids %d %d", a, b)
	}
	if DeriveNodeID("mail-2.example.org") == a {
		t.Errorf("two hostnames gave the same id %d", a)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	h := NewHub(HubOptions{})
	defer h.Close()
	tr, _ := h.Join("n")
	for _, c := range []ClusterConfig{
		{},
		{NodeID: 1, KeyPrefix: "a//b"},
		{NodeID: 1, QueueSize: -1},
		{NodeID: 1, MaxBatchEvents: MaxEnvelopeEvents + 1},
		{NodeID: 1, MaxBatchBytes: 10},
		{NodeID: 1, Linger: 2 * time.Second},
	} {
		if b, err := New(c, tr); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v", c, err)
			if b != nil {
				b.Close()
			}
		}
	}
}

func TestNewLogsLoaderWarnings(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "seed.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := NewHub(HubOptions{})
	defer h.Close()
	tr, _ := h.Join("n")
	b, err := New(*c, tr, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	out := buf.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "key=cluster.node-id") || !strings.Contains(out, "derived") {
		t.Errorf("log does not say loudly that the node id was derived:\n%s", out)
	}
}
