package cluster

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gozenoh/zenoh/config"
	"github.com/pelletier/go-toml/v2"
)

// MaxConfigBytes is the largest TOML document Load and Parse read.
const MaxConfigBytes = 4 << 20

// ClusterConfig is the configuration of one cluster node: its identity, its coordinator and the
// tunables of its Bus. Parse fills it from TOML; New fills zero tunables with the defaults.
type ClusterConfig struct {
	// NodeID is this node's id, 1..65535, unique in the cluster ([cluster] node-id).
	NodeID NodeID
	// NodeIDSource says how NodeID was chosen.
	NodeIDSource NodeIDSource
	// Roles are the [cluster.roles] assignments.
	Roles Roles
	// Coordinator is the store named by [cluster] coordinator.
	Coordinator Coordinator

	// KeyPrefix is the key-expression prefix of events and tokens ([cluster] key-prefix;
	// default DefaultKeyPrefix).
	KeyPrefix string
	// QueueSize is the publish queue capacity ([cluster] queue-size; default DefaultQueueSize).
	QueueSize int
	// MaxBatchEvents caps the events per envelope ([cluster.batch] max-events).
	MaxBatchEvents int
	// MaxBatchBytes caps the envelope size ([cluster.batch] max-bytes).
	MaxBatchBytes int
	// Linger is how long the batcher waits for more events ([cluster.batch] linger; default
	// DefaultLingerMS). Negative means do not wait: send what is queued at once.
	Linger time.Duration
	// DeliveryQueue is each subscription's queue capacity ([cluster] delivery-queue).
	DeliveryQueue int
	// Heartbeat is the idle time after which an empty envelope is sent ([cluster] heartbeat;
	// default DefaultHeartbeatMS). Negative disables heartbeats (a lost last envelope then goes
	// unnoticed until the sender's next one).
	Heartbeat time.Duration
	// TokenGrace is how long, after a member's liveliness token goes away, the Bus waits for
	// that member's leave envelope before it reports the member down and resyncs it ([cluster]
	// token-grace; default DefaultTokenGrace). A backend may deliver the token's withdrawal
	// ahead of the leave envelope published just before it (Zenoh sends declarations on its
	// control priority, ahead of data): the grace keeps a clean leave from being taken for a
	// crash. A crashed member is reported down this much later. Negative means no grace: a
	// member whose token goes before its leave envelope arrives is resynced.
	TokenGrace time.Duration

	// Warnings lists what the loader accepted but the operator should fix, such as a node id
	// derived from the hostname. New logs them.
	Warnings []Warning
}

// NodeIDSource says where a node id came from.
type NodeIDSource uint8

// Node id sources.
const (
	NodeIDExplicit     NodeIDSource = iota + 1 // [cluster] node-id
	NodeIDFromHostname                         // derived from the hostname (with a warning)
)

// Coordinator is the store that carries the cluster's events.
type Coordinator struct {
	// StoreID is the id of the [store."<id>"] table.
	StoreID string
	// Type is the store type, lower-case ("zenoh").
	Type string
	// ConfigText is the store's embedded configuration as written (Zenoh: JSON5).
	ConfigText string
	// Zenoh is ConfigText parsed by package config (Type "zenoh"); a Zenoh backend opens its
	// session from it.
	Zenoh config.Config
	// ZenohWarnings are config.Parse's warnings about ConfigText (also in ClusterConfig.Warnings).
	ZenohWarnings config.Warnings
}

// Warning is a configuration problem that did not stop the loader.
type Warning struct {
	Key string // the TOML key concerned, such as "cluster.node-id"
	Msg string
}

// String returns "<key>: <msg>".
func (w Warning) String() string { return w.Key + ": " + w.Msg }

// ConfigError is an invalid configuration. It names the TOML key and, for syntax errors, the
// position.
type ConfigError struct {
	Key    string // such as `store."peer-to-peer".config`; empty for a syntax error with no key
	Line   int    // 1-based; 0 when unknown
	Column int
	Err    error // wraps ErrConfig
}

// Error returns "cluster: config: <key> (line L, column C): <problem>".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("cluster: config: ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), ErrConfig.Error()+": "))
	return b.String()
}

// Unwrap returns the cause, which wraps ErrConfig.
func (e *ConfigError) Unwrap() error { return e.Err }

func cfgErr(key string, format string, args ...any) *ConfigError {
	return &ConfigError{Key: key, Err: errorsf(ErrConfig, format, args...)}
}

// embeddedError is an error of the embedded JSON5 (a *config.Error, with its line and column
// in the embedded text).
type embeddedError struct{ err error }

func (e embeddedError) Error() string {
	return "embedded JSON5: " + strings.TrimPrefix(e.err.Error(), "config: ")
}

func (e embeddedError) Unwrap() error { return e.err }

// Load reads the TOML configuration at path; see Parse.
func Load(path string) (*ClusterConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cluster: config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cluster: config: %w", err)
	}
	return Parse(data)
}

// Parse reads a node's TOML configuration. It needs [cluster] coordinator naming a
// [store."<id>"] of type "zenoh" whose config key holds the Zenoh configuration as JSON5, and
// reads [cluster] node-id, roles and the Bus tunables. Other tables are ignored. Errors are
// *ConfigError naming the key. A missing node-id is derived from the hostname, with a warning.
func Parse(data []byte) (*ClusterConfig, error) {
	if len(data) > MaxConfigBytes {
		return nil, cfgErr("", "document of %d bytes (limit %d)", len(data), MaxConfigBytes)
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		ce := &ConfigError{Err: fmt.Errorf("%w: %w", ErrConfig, err)}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			ce.Line, ce.Column = de.Position()
			ce.Key = strings.Join(de.Key(), ".")
			if ce.Key == "" {
				ce.Key = keyAtLine(data, ce.Line)
			}
			ce.Err = fmt.Errorf("%w: %s", ErrConfig, de.Error())
		}
		return nil, ce
	}
	cl, ok := doc["cluster"].(map[string]any)
	if !ok {
		if _, present := doc["cluster"]; present {
			return nil, cfgErr("cluster", "not a table")
		}
		return nil, cfgErr("cluster.coordinator", "missing ([cluster] coordinator must name a [store.\"<id>\"] table)")
	}
	c := &ClusterConfig{}
	if err := c.parseCoordinator(doc, cl); err != nil {
		return nil, err
	}
	if err := c.parseNodeID(cl, os.Hostname); err != nil {
		return nil, err
	}
	if err := c.parseTunables(cl); err != nil {
		return nil, err
	}
	return c, nil
}

func storeKey(id string) string { return "store." + strconv.Quote(id) }

func (c *ClusterConfig) parseCoordinator(doc, cl map[string]any) error {
	v, ok := cl["coordinator"]
	if !ok {
		return cfgErr("cluster.coordinator", "missing ([cluster] coordinator must name a [store.\"<id>\"] table)")
	}
	id, ok := v.(string)
	if !ok || id == "" {
		return cfgErr("cluster.coordinator", "must be a non-empty string, not %s", describe(v))
	}
	stores, _ := doc["store"].(map[string]any)
	st, ok := stores[id].(map[string]any)
	if !ok {
		return cfgErr("cluster.coordinator", "coordinator backend %q not found (no [%s] table)", id, storeKey(id))
	}
	key := storeKey(id)
	typ, ok := st["type"].(string)
	if !ok {
		return cfgErr(key+".type", "missing or not a string")
	}
	switch t := strings.ToLower(typ); t {
	case "zenoh":
	case "nats", "kafka", "redis":
		return cfgErr(key+".type", "coordinator type %q is not supported (only \"zenoh\")", typ)
	default:
		return cfgErr(key+".type", "store of type %q cannot be a coordinator (want \"zenoh\")", typ)
	}
	text, ok := st["config"].(string)
	if !ok || strings.TrimSpace(text) == "" {
		return cfgErr(key+".config", "missing or empty (the Zenoh configuration as JSON5)")
	}
	zc, zw, err := config.Parse([]byte(text))
	if err != nil {
		return &ConfigError{Key: key + ".config", Err: fmt.Errorf("%w: %w", ErrConfig, embeddedError{err})}
	}
	c.Coordinator = Coordinator{StoreID: id, Type: "zenoh", ConfigText: text, Zenoh: zc, ZenohWarnings: zw}
	for _, w := range zw {
		c.Warnings = append(c.Warnings, Warning{Key: key + ".config", Msg: w.String()})
	}
	for k := range st {
		if k != "type" && k != "config" {
			c.Warnings = append(c.Warnings, Warning{Key: key + "." + k, Msg: "ignored (a zenoh store has only type and config)"})
		}
	}
	return nil
}

// DeriveNodeID returns the node id derived from a hostname (FNV-1a, folded to 1..65535). It is
// stable but not unique: two hostnames may collide, which the Bus detects and reports.
func DeriveNodeID(hostname string) NodeID {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(hostname)))
	return NodeID(h.Sum32()%0xFFFF + 1)
}

func (c *ClusterConfig) parseNodeID(cl map[string]any, hostname func() (string, error)) error {
	v, ok := cl["node-id"]
	if ok {
		n, ok := v.(int64)
		if !ok || n < 1 || n > 0xFFFF {
			return cfgErr("cluster.node-id", "must be an integer in 1..65535, not %s", describe(v))
		}
		c.NodeID, c.NodeIDSource = NodeID(n), NodeIDExplicit
		return nil
	}
	h, err := hostname()
	if err != nil || h == "" {
		return cfgErr("cluster.node-id", "missing, and no hostname to derive it from (%v)", err)
	}
	c.NodeID, c.NodeIDSource = DeriveNodeID(h), NodeIDFromHostname
	c.Warnings = append(c.Warnings, Warning{Key: "cluster.node-id", Msg: fmt.Sprintf(
		"missing; using %d derived from hostname %q. Set a unique node-id on every node: derived ids can collide",
		c.NodeID, h)})
	return nil
}

var clusterKeys = []string{"coordinator", "node-id", "roles", "key-prefix", "queue-size", "batch", "delivery-queue", "heartbeat", "token-grace"}

func (c *ClusterConfig) parseTunables(cl map[string]any) error {
	for k := range cl {
		if !slices.Contains(clusterKeys, k) {
			c.Warnings = append(c.Warnings, Warning{Key: "cluster." + k, Msg: "unknown key, ignored"})
		}
	}
	if v, ok := cl["key-prefix"]; ok {
		s, ok := v.(string)
		if !ok {
			return cfgErr("cluster.key-prefix", "must be a string, not %s", describe(v))
		}
		if err := checkPrefix(s); err != nil {
			return cfgErr("cluster.key-prefix", "%v", err)
		}
		c.KeyPrefix = s
	}
	var err error
	if c.QueueSize, err = intKey(cl, "queue-size", "cluster.queue-size", 1, maxQueue); err != nil {
		return err
	}
	if c.DeliveryQueue, err = intKey(cl, "delivery-queue", "cluster.delivery-queue", 1, maxQueue); err != nil {
		return err
	}
	if c.Heartbeat, err = durationKey(cl, "heartbeat", "cluster.heartbeat", time.Millisecond, time.Hour); err != nil {
		return err
	}
	if c.TokenGrace, err = durationKey(cl, "token-grace", "cluster.token-grace", 0, maxTokenGrace); err != nil {
		return err
	}
	if _, ok := cl["token-grace"]; ok && c.TokenGrace == 0 {
		c.TokenGrace = -1 // an explicit 0: no grace
	}
	if v, ok := cl["batch"]; ok {
		b, ok := v.(map[string]any)
		if !ok {
			return cfgErr("cluster.batch", "must be a table, not %s", describe(v))
		}
		for k := range b {
			if k != "max-events" && k != "max-bytes" && k != "linger" {
				c.Warnings = append(c.Warnings, Warning{Key: "cluster.batch." + k, Msg: "unknown key, ignored"})
			}
		}
		if c.MaxBatchEvents, err = intKey(b, "max-events", "cluster.batch.max-events", 1, MaxEnvelopeEvents); err != nil {
			return err
		}
		if c.MaxBatchBytes, err = intKey(b, "max-bytes", "cluster.batch.max-bytes", minBatchBytes, MaxEnvelopeBytes); err != nil {
			return err
		}
		if c.Linger, err = durationKey(b, "linger", "cluster.batch.linger", 0, maxLinger); err != nil {
			return err
		}
		if _, ok := b["linger"]; ok && c.Linger == 0 {
			c.Linger = -1 // an explicit 0: do not wait
		}
	}
	if v, ok := cl["roles"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return cfgErr("cluster.roles", "must be a table, not %s", describe(v))
		}
		c.Roles = Roles{}
		if err := c.Roles.parse("cluster.roles", "", m); err != nil {
			return err
		}
	}
	return nil
}

// Resolved returns a copy of c with every default filled in and every tunable checked, exactly
// as New applies them; `gozenoh cluster check` prints it.
func (c ClusterConfig) Resolved() (ClusterConfig, error) {
	err := c.normalize()
	return c, err
}
