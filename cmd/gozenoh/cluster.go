package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/gozenoh/zenoh/cluster"
)

const clusterUsage = `usage: gozenoh cluster <subcommand> [flags]

subcommands:
  check    validate a cluster TOML file and print the resolved settings (Zenoh config included)
  run      run a node: print the members and the events as they come, until SIGINT/SIGTERM
  publish  join, wait for the members, publish one event (or those of stdin), flush and leave

Every subcommand takes --config FILE, --node-id N and --json; run "gozenoh cluster <subcommand> -h".
`

// runCluster dispatches the cluster subcommands.
func runCluster(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, clusterUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		return runClusterCheck(args[1:], stdout, stderr)
	case "run":
		return runClusterRun(args[1:], stdin, stdout, stderr)
	case "publish", "pub":
		return runClusterPublish(args[1:], stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stderr, clusterUsage)
		return nil
	}
	fmt.Fprintf(stderr, "gozenoh cluster: unknown subcommand %q\n", args[0])
	fmt.Fprint(stderr, clusterUsage)
	return errUsage
}

// clusterFlags are the flags every cluster subcommand takes.
type clusterFlags struct {
	config string
	nodeID uint
	json   bool
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "cluster TOML file (required)")
	fs.StringVar(&c.config, "c", "", "shorthand for --config")
	fs.UintVar(&c.nodeID, "node-id", 0, "this node's id, 1..65535 (overrides [cluster] node-id)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
}

// load reads the cluster file and applies --node-id.
func (c *clusterFlags) load() (*cluster.ClusterConfig, error) {
	if c.config == "" {
		return nil, errors.New("--config FILE is required")
	}
	cfg, err := cluster.Load(c.config)
	if err != nil {
		return nil, err
	}
	if c.nodeID != 0 {
		if c.nodeID > 65535 {
			return nil, fmt.Errorf("--node-id %d is out of range 1..65535", c.nodeID)
		}
		cfg.NodeID = cluster.NodeID(c.nodeID)
		cfg.NodeIDSource = cluster.NodeIDExplicit
		kept := cfg.Warnings[:0]
		for _, w := range cfg.Warnings {
			if w.Key != "cluster.node-id" {
				kept = append(kept, w)
			}
		}
		cfg.Warnings = kept
	}
	return cfg, nil
}

func runClusterCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluster check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clusterFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	loaded, err := cf.load()
	if err != nil {
		return err
	}
	resolved, err := loaded.Resolved()
	if err != nil {
		return err
	}
	cfg := &resolved
	zcfg, err := cfg.Coordinator.Zenoh.MarshalJSON5()
	if err != nil {
		return fmt.Errorf("zenoh config: %w", err)
	}
	warnings := make([]string, len(cfg.Warnings))
	for i, w := range cfg.Warnings {
		warnings[i] = w.String()
	}
	roles := cfg.Roles.Names()
	sort.Strings(roles)
	if cf.json {
		var zjson json.RawMessage
		if zjson, err = cfg.Coordinator.Zenoh.MarshalJSON(); err != nil {
			return fmt.Errorf("zenoh config: %w", err)
		}
		return json.NewEncoder(stdout).Encode(map[string]any{
			"node_id":         uint(cfg.NodeID),
			"node_id_derived": cfg.NodeIDSource == cluster.NodeIDFromHostname,
			"roles":           roles,
			"coordinator":     cfg.Coordinator.StoreID,
			"type":            cfg.Coordinator.Type,
			"key_prefix":      cfg.KeyPrefix,
			"queue_size":      cfg.QueueSize,
			"batch_events":    cfg.MaxBatchEvents,
			"batch_bytes":     cfg.MaxBatchBytes,
			"linger":          cfg.Linger.String(),
			"delivery_queue":  cfg.DeliveryQueue,
			"heartbeat":       cfg.Heartbeat.String(),
			"token_grace":     tokenGrace(cfg.TokenGrace).String(),
			"warnings":        warnings,
			"zenoh":           zjson,
		})
	}
	derived := ""
	if cfg.NodeIDSource == cluster.NodeIDFromHostname {
		derived = " (derived from the hostname: set [cluster] node-id)"
	}
	fmt.Fprintf(stdout, "node-id:        %v%s\n", cfg.NodeID, derived)
	fmt.Fprintf(stdout, "roles:          %v\n", roles)
	fmt.Fprintf(stdout, "coordinator:    %s (type %s)\n", cfg.Coordinator.StoreID, cfg.Coordinator.Type)
	fmt.Fprintf(stdout, "key-prefix:     %s\n", cfg.KeyPrefix)
	fmt.Fprintf(stdout, "queue-size:     %d\n", cfg.QueueSize)
	fmt.Fprintf(stdout, "batch:          %d events, %d bytes, linger %v\n", cfg.MaxBatchEvents, cfg.MaxBatchBytes, cfg.Linger)
	fmt.Fprintf(stdout, "delivery-queue: %d\n", cfg.DeliveryQueue)
	fmt.Fprintf(stdout, "heartbeat:      %v\n", cfg.Heartbeat)
	fmt.Fprintf(stdout, "token-grace:    %v\n", tokenGrace(cfg.TokenGrace))
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning:        %s\n", w)
	}
	fmt.Fprintf(stdout, "zenoh config:\n%s\n", zcfg)
	return nil
}

// tokenGrace is the token grace a ClusterConfig value stands for (0: the default; negative:
// none).
func tokenGrace(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return cluster.DefaultTokenGrace
	case d < 0:
		return 0
	}
	return d
}
