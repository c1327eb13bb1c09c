package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gozenoh/zenoh"
)

// zMaxScoutNodes bounds the distinct nodes one scout run remembers and prints.
const zMaxScoutNodes = 1 << 16

const scoutUsage = `usage: gozenoh scout [--timeout D] [--what peer|router|client] [--count N] [flags]

Looks for Zenoh nodes by multicast scouting (as Zenoh's z_scout), on the group and interface
of the configuration's scouting/multicast section (change them with -c or --cfg, e.g.
--cfg 'scouting/multicast/interface:"lo"'), for D (--timeout) or until N nodes answered
(--count). Prints each node found once, as Zenoh prints a Hello:
  Hello { zid: ZID, whatami: Peer, locators: [tcp/192.0.2.1:7447] }
or with --json {"event":"hello","zid":"ZID","whatami":"peer","locators":["tcp/..."]},
and a last line {"event":"done","nodes":N}. Finding nothing is not an error.
`

// scoutArgs is a parsed scout command line.
type scoutArgs struct {
	common  zFlags
	what    zenoh.WhatAmIMatcher
	count   int
	timeout time.Duration
}

func parseScout(args []string, stderr io.Writer) (*scoutArgs, error) {
	a := &scoutArgs{}
	fs := newZFlagSet("scout", scoutUsage, stderr)
	a.common.register(fs.FlagSet)
	what := "peer|router"
	fs.StringVar(&what, "what", what, "the `ROLES` to look for: peer, router, client, joined with |")
	fs.IntVar(&a.count, "count", 0, "stop after `N` nodes (0: scout for the whole timeout)")
	fs.DurationVar(&a.timeout, "timeout", 0, "scout for `D` (default: the configuration's scouting/timeout, 3s)")
	fs.DurationVar(&a.timeout, "o", 0, "shorthand for --timeout")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	w, err := zParseWhat(what)
	if err != nil {
		return nil, err
	}
	a.what = w
	if err := zCheckCountTimeout(a.count, a.timeout); err != nil {
		return nil, err
	}
	return a, nil
}

// zParseWhat parses "peer|router" into a matcher.
func zParseWhat(s string) (zenoh.WhatAmIMatcher, error) {
	var m zenoh.WhatAmIMatcher
	for _, part := range strings.Split(s, "|") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "router":
			m |= zenoh.WhatAmIMatcher(zenoh.WhatAmIRouter)
		case "peer":
			m |= zenoh.WhatAmIMatcher(zenoh.WhatAmIPeer)
		case "client":
			m |= zenoh.WhatAmIMatcher(zenoh.WhatAmIClient)
		default:
			return 0, zUsagef("--what %q: want peer, router or client, joined with |", s)
		}
	}
	return m, nil
}

// zWhatAmIDebug returns a role as Rust's Debug prints it ("Peer").
func zWhatAmIDebug(w zenoh.WhatAmI) string {
	s := w.String()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// zHelloText renders a Hello as Zenoh's Display does.
func zHelloText(h *zenoh.Hello) string {
	return "Hello { zid: " + h.ZID.String() + ", whatami: " + zWhatAmIDebug(h.WhatAmI) +
		", locators: " + zQuoteList(h.Locators) + " }"
}

// zHelloJSON renders a Hello for --json.
func zHelloJSON(h *zenoh.Hello) zObj {
	locs := h.Locators
	if locs == nil {
		locs = []string{}
	}
	return zObj{{"event", "hello"}, {"zid", h.ZID.String()}, {"whatami", h.WhatAmI.String()}, {"locators", locs}}
}

func runScout(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	a, err := parseScout(args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	cfg, warnings, err := a.common.zenohConfig()
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	timeout := a.timeout
	if timeout == 0 {
		timeout = cfg.Scouting.Timeout()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p.note("Scouting...")
	seen := map[zenoh.ZenohID]bool{}
	for h, err := range zenoh.Scout(ctx, cfg, zenoh.WithWhat(a.what)) {
		if err != nil {
			if ctx.Err() != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				break
			}
			return fmt.Errorf("scouting: %w", err)
		}
		if seen[h.ZID] {
			continue // the same node with other locators
		}
		seen[h.ZID] = true
		p.emit(zHelloText(&h), zHelloJSON(&h))
		if err := p.err(); err != nil {
			return err
		}
		if a.count > 0 && len(seen) >= a.count {
			break
		}
		if len(seen) >= zMaxScoutNodes {
			p.note(fmt.Sprintf("Stopping: %d nodes found", len(seen)))
			break
		}
	}
	p.emitJSON(zObj{{"event", "done"}, {"nodes", len(seen)}})
	return p.err()
}
