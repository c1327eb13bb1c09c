package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gozenoh/zenoh"
)

const peerUsage = `usage: gozenoh peer [-l ENDPOINT] [-e ENDPOINT] [--stats D] [--timeout D] [flags]

Runs a Zenoh peer (or, with -m client, a client) until CTRL-C or D (--timeout): it listens,
connects, discovers other nodes by multicast scouting and gossip unless disabled, and routes
their publications, queries and liveliness between them. It prints its transports as they
open (those already open first) and close, with why they closed:
  >> [Peer] Session ZID (peer) on [tcp/192.0.2.1:7447]
  >> [Peer] Transport up: ZID (peer) tcp/LOCAL -> tcp/REMOTE
  >> [Peer] Transport down: ZID (peer): REASON
  >> [Peer] Stats: transports=1 opened=1 tx=... rx=... hellos=... dials=... (with --stats D, every D)
With --json: {"event":"ready","zid":"...","mode":"peer","locators":[...]},
{"event":"transport_up","zid":"...","whatami":"peer","links":[{"local":"...","remote":"...","outbound":true}]},
{"event":"transport_down","zid":"...","whatami":"peer","links":[...],"reason":"..."} and
{"event":"stats",...}.
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
	for _, l := range t.Links {
		b.WriteString(" " + l.Local + " -> " + l.Remote)
	}
	return b.String(), zObj{{"event", "transport_up"}, {"zid", t.ZID.String()}, {"whatami", t.WhatAmI.String()}, {"links", zLinks(t.Links)}}
}

// zLinks renders a transport's links.
func zLinks(ls []zenoh.LinkInfo) []zObj {
	out := make([]zObj, 0, len(ls))
	for _, l := range ls {
		out = append(out, zObj{{"local", l.Local}, {"remote", l.Remote}, {"outbound", l.Outbound}})
	}
	return out
}

// zTransportDown renders a transport that went away, and why.
func zTransportDown(t *zenoh.TransportInfo, why error) (string, zObj) {
	text := ">> [Peer] Transport down: " + t.ZID.String() + " (" + t.WhatAmI.String() + ")"
	obj := zObj{{"event", "transport_down"}, {"zid", t.ZID.String()}, {"whatami", t.WhatAmI.String()}, {"links", zLinks(t.Links)}}
	if why != nil {
		text += ": " + why.Error()
		obj = obj.add("reason", why.Error())
	}
	return text, obj
}

// zTransportEvent renders a transport event.
func zTransportEvent(ev *zenoh.TransportEvent) (string, zObj) {
	if ev.Kind == zenoh.TransportClosed {
		return zTransportDown(&ev.Transport, ev.Err)
	}
	return zTransportUp(&ev.Transport)
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
	// The listener prints from its own goroutine (the printer is safe for concurrent use) and
	// tells the loop below when a write failed.
	failed := make(chan struct{}, 1)
	l, err := s.DeclareTransportListener(func(ev zenoh.TransportEvent) {
		p.emit(zTransportEvent(&ev))
		if p.err() != nil {
			select {
			case failed <- struct{}{}:
			default:
			}
		}
	}, zenoh.WithHistory(true))
	if err != nil {
		return err
	}
	defer l.Close()
	var statsC <-chan time.Time
	if a.stats > 0 {
		st := time.NewTicker(a.stats)
		defer st.Stop()
		statsC = st.C
	}
	for {
		select {
		case <-ctx.Done():
			return p.err()
		case <-failed:
		case <-statsC:
			st := s.Stats()
			p.emit(zStatsLine(&st))
		}
		if err := p.err(); err != nil {
			return err
		}
	}
}
