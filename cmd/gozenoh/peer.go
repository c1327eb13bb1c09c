package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gozenoh/zenoh"
)

// zPeerPoll is how often peer looks at the session's transports for changes.
const zPeerPoll = 250 * time.Millisecond

const peerUsage = `usage: gozenoh peer [-l ENDPOINT] [-e ENDPOINT] [--stats D] [--timeout D] [flags]

Runs a Zenoh peer (or, with -m client, a client) until CTRL-C or D (--timeout): it listens,
connects, discovers other nodes by multicast scouting and gossip unless disabled, and routes
their publications, queries and liveliness between them. It prints what happens to its
transports (looked at every 250 ms):
  >> [Peer] Session ZID (peer) on [tcp/192.0.2.1:7447]
  >> [Peer] Transport up: ZID (peer) tcp/LOCAL -> tcp/REMOTE
  >> [Peer] Transport down: ZID (peer)
  >> [Peer] Stats: transports=1 opened=1 tx=... rx=... hellos=... dials=... (with --stats D, every D)
With --json: {"event":"ready","zid":"...","mode":"peer","locators":[...]},
{"event":"transport_up","zid":"...","whatami":"peer","links":[{"local":"...","remote":"...","outbound":true}]},
{"event":"transport_down","zid":"...","whatami":"peer"} and {"event":"stats",...}.
Use -v (or --log-level debug) for the session's own logs.
`

// peerArgs is a parsed peer command line.
type peerArgs struct {
	common  zFlags
	stats   time.Duration
	timeout time.Duration
}

func parsePeer(args []string, stderr io.Writer) (*peerArgs, error) {
	a := &peerArgs{}
	fs := newZFlagSet("peer", peerUsage, stderr)
	a.common.register(fs.FlagSet)
	fs.DurationVar(&a.stats, "stats", 0, "print the session's counters every `D` (0: never)")
	fs.DurationVar(&a.timeout, "timeout", 0, "exit after `D` (0: never)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if a.stats < 0 {
		return nil, zUsagef("--stats %v: must not be negative", a.stats)
	}
	if err := zCheckCountTimeout(0, a.timeout); err != nil {
		return nil, err
	}
	return a, nil
}

// zPeerReady renders the session's identity.
func zPeerReady(in *zenoh.SessionInfo) (string, zObj) {
	locs := in.Locators
	if locs == nil {
		locs = []string{}
	}
	text := ">> [Peer] Session " + in.ZID.String() + " (" + in.WhatAmI.String() + ") on " + zQuoteList(locs)
	return text, zObj{{"event", "ready"}, {"zid", in.ZID.String()}, {"mode", in.WhatAmI.String()}, {"locators", locs}}
}

// zTransportUp renders a new transport.
func zTransportUp(t *zenoh.TransportInfo) (string, zObj) {
	var b strings.Builder
	b.WriteString(">> [Peer] Transport up: " + t.ZID.String() + " (" + t.WhatAmI.String() + ")")
	links := make([]zObj, 0, len(t.Links))
	for _, l := range t.Links {
		b.WriteString(" " + l.Local + " -> " + l.Remote)
		links = append(links, zObj{{"local", l.Local}, {"remote", l.Remote}, {"outbound", l.Outbound}})
	}
	return b.String(), zObj{{"event", "transport_up"}, {"zid", t.ZID.String()}, {"whatami", t.WhatAmI.String()}, {"links", links}}
}

// zTransportDown renders a transport that went away.
func zTransportDown(t *zenoh.TransportInfo) (string, zObj) {
	return ">> [Peer] Transport down: " + t.ZID.String() + " (" + t.WhatAmI.String() + ")",
		zObj{{"event", "transport_down"}, {"zid", t.ZID.String()}, {"whatami", t.WhatAmI.String()}}
}

// zStatsLine renders a summary of the session's counters.
func zStatsLine(st *zenoh.Stats) (string, zObj) {
	var tx, rx uint64
	for _, t := range st.Transports {
		tx += t.Stats.TxMessages
		rx += t.Stats.RxMessages
	}
	text := fmt.Sprintf(">> [Peer] Stats: transports=%d opened=%d tx=%d rx=%d hellos=%d dials=%d/%d delivered=%d dropped=%d",
		len(st.Transports), st.Transport.TransportsOpened, tx, rx, st.Scouting.HellosAccepted,
		st.Scouting.DialsSucceeded, st.Scouting.DialsStarted, st.SamplesDelivered, st.SamplesDropped)
	return text, zObj{{"event", "stats"}, {"transports", len(st.Transports)}, {"opened", st.Transport.TransportsOpened},
		{"tx_messages", tx}, {"rx_messages", rx}, {"hellos", st.Scouting.HellosAccepted},
		{"dials_started", st.Scouting.DialsStarted}, {"dials_succeeded", st.Scouting.DialsSucceeded},
		{"samples_delivered", st.SamplesDelivered}, {"samples_dropped", st.SamplesDropped}}
}

// zTransportDiff returns the transports of cur that are not in prev (up) and those of prev
// that are not in cur (down), each sorted by ZID.
func zTransportDiff(prev, cur []zenoh.TransportInfo) (up, down []zenoh.TransportInfo) {
	has := func(ts []zenoh.TransportInfo, z zenoh.ZenohID) bool {
		return slices.ContainsFunc(ts, func(t zenoh.TransportInfo) bool { return t.ZID == z })
	}
	for _, t := range cur {
		if !has(prev, t.ZID) {
			up = append(up, t)
		}
	}
	for _, t := range prev {
		if !has(cur, t.ZID) {
			down = append(down, t)
		}
	}
	cmp := func(a, b zenoh.TransportInfo) int { return a.ZID.Compare(b.ZID) }
	slices.SortFunc(up, cmp)
	slices.SortFunc(down, cmp)
	return up, down
}

func runPeer(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	a, err := parsePeer(args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	ctx, cancel := zWithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer s.Close()
	in := s.Info()
	p.emit(zPeerReady(&in))
	p.note("Press CTRL-C to quit...")
	poll := time.NewTicker(zPeerPoll)
	defer poll.Stop()
	var statsC <-chan time.Time
	if a.stats > 0 {
		st := time.NewTicker(a.stats)
		defer st.Stop()
		statsC = st.C
	}
	var prev []zenoh.TransportInfo
	check := func() {
		cur := s.Stats().Transports
		up, down := zTransportDiff(prev, cur)
		for i := range down {
			p.emit(zTransportDown(&down[i]))
		}
		for i := range up {
			p.emit(zTransportUp(&up[i]))
		}
		prev = cur
	}
	check()
	for {
		select {
		case <-ctx.Done():
			return p.err()
		case <-poll.C:
			check()
		case <-statsC:
			st := s.Stats()
			p.emit(zStatsLine(&st))
		}
		if err := p.err(); err != nil {
			return err
		}
	}
}
