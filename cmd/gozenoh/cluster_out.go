package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/cluster"
)

// The cluster subcommands print one line per happening. With --json each line is an object
// whose "t" (Unix nanoseconds), "op", "at", "from" and "seq" fields are those of a
// clustertest.Entry, so that logs of several node processes can be merged and checked:
//
//	{"t":…,"op":"join","at":{"id":3,"inc":…},"key":"mail/cluster/events","members":[…]}
//	{"t":…,"op":"members","at":N,"members":[…]}   (publish: the members it waited for)
//	{"t":…,"op":"publish","at":N,"from":N,"seq":17,"kind":"blocked-ip","event":"blocked-ip 203.0.113.7/32"}
//	{"t":…,"op":"deliver","at":N,"from":{"id":2,"inc":…},"seq":5,"kind":…,"event":…}
//	{"t":…,"op":"resync","at":N,"from":{"id":2,"inc":…},"reason":"gap","missed":3}
//	{"t":…,"op":"member-up","at":N,"from":{"id":2,"inc":…},"members":[…]}   (and "member-down")
//	{"t":…,"op":"collision","at":N,"from":{"id":3},"incs":[…,…]}
//	{"t":…,"op":"leave","at":N}
//	{"t":…,"op":"stats","at":N,"stats":{"published":…,…}}
//
// A publish line with "dropped":true is an event the publish queue dropped: it took its
// sequence number, so the other nodes resync. "error" lines report input that could not be
// published.

// clusterNode is a node run in a JSON line (clustertest.Node's encoding).
type clusterNode struct {
	ID  cluster.NodeID `json:"id"`
	Inc uint64         `json:"inc,omitempty"`
}

// clusterLine is one JSON output line.
type clusterLine struct {
	T       int64             `json:"t"`
	Op      string            `json:"op"`
	At      clusterNode       `json:"at"`
	From    *clusterNode      `json:"from,omitempty"`
	Seq     uint64            `json:"seq,omitempty"`
	Kind    string            `json:"kind,omitempty"`
	Event   string            `json:"event,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Missed  uint64            `json:"missed,omitempty"`
	Dropped bool              `json:"dropped,omitempty"`
	Error   string            `json:"error,omitempty"`
	Key     string            `json:"key,omitempty"`
	Incs    []uint64          `json:"incs,omitempty"`
	Members []clusterNode     `json:"members,omitempty"`
	Stats   map[string]uint64 `json:"stats,omitempty"`
}

// clusterPrinter writes the output lines of one node, one Write per line (so that a killed process
// loses no line it printed), serialized across the delivery and publishing goroutines.
type clusterPrinter struct {
	mu      sync.Mutex
	w       io.Writer
	json    bool
	me      clusterNode
	members map[clusterNode]bool // the membership printed so far
	buf     []byte
	err     error // the first write error
}

func newClusterPrinter(w io.Writer, asJSON bool) *clusterPrinter {
	return &clusterPrinter{w: w, json: asJSON, members: map[clusterNode]bool{}}
}

// setSelf records the local node once the Bus exists.
func (p *clusterPrinter) setSelf(id cluster.NodeID, inc uint64) {
	p.mu.Lock()
	p.me = clusterNode{id, inc}
	p.mu.Unlock()
}

// emit writes l (JSON) or text (the human form, prefixed with the time).
func (p *clusterPrinter) emit(l clusterLine, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emitLocked(l, text)
}

func (p *clusterPrinter) emitLocked(l clusterLine, text string) {
	l.At = p.me
	if p.json {
		b, err := json.Marshal(l)
		if err != nil {
			p.err = err
			return
		}
		p.buf = append(append(p.buf[:0], b...), '\n')
	} else {
		p.buf = time.Unix(0, l.T).AppendFormat(p.buf[:0], "15:04:05.000 ")
		p.buf = append(append(p.buf, text...), '\n')
	}
	if _, err := p.w.Write(p.buf); err != nil && p.err == nil {
		p.err = err
	}
}

// Err returns the first write or encoding error.
func (p *clusterPrinter) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func stampNow() int64 { return time.Now().UnixNano() }

// join prints the join line with the members known at that point; later MemberUp deliveries of
// these members are not printed again.
func (p *clusterPrinter) join(t int64, key string, ms []cluster.Member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range ms {
		p.members[clusterNode{m.ID, m.Incarnation}] = true
	}
	p.emitLocked(clusterLine{T: t, Op: "join", Key: key, Members: p.memberList()},
		fmt.Sprintf("joined %s as node %v (incarnation %016x); members: %s", key, p.me.ID, p.me.Inc, p.memberText()))
}

// membersNow prints the members of ms (a publisher's view before it publishes; not a join:
// a publisher receives nothing).
func (p *clusterPrinter) membersNow(ms []cluster.Member) {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.members)
	for _, m := range ms {
		p.members[clusterNode{m.ID, m.Incarnation}] = true
	}
	p.emitLocked(clusterLine{T: stampNow(), Op: "members", Members: p.memberList()}, "members: "+p.memberText())
}

// memberList returns the printed membership, sorted.
func (p *clusterPrinter) memberList() []clusterNode {
	ms := make([]clusterNode, 0, len(p.members))
	for m := range p.members {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].ID != ms[j].ID {
			return ms[i].ID < ms[j].ID
		}
		return ms[i].Inc < ms[j].Inc
	})
	return ms
}

func (p *clusterPrinter) memberText() string {
	ms := p.memberList()
	if len(ms) == 0 {
		return "none"
	}
	words := make([]string, len(ms))
	for i, m := range ms {
		words[i] = m.ID.String()
		if m == p.me {
			words[i] += " (self)"
		}
	}
	return strings.Join(words, ", ")
}

// delivery prints one delivery of the node's subscription.
func (p *clusterPrinter) delivery(d cluster.Delivery) {
	t := stampNow()
	from := &clusterNode{d.From, d.Incarnation}
	switch e := d.Event.(type) {
	case cluster.MemberUp, cluster.MemberDown:
		up := false
		var m cluster.Member
		if u, ok := e.(cluster.MemberUp); ok {
			up, m = true, u.Member
		} else {
			m = e.(cluster.MemberDown).Member
		}
		n := clusterNode{m.ID, m.Incarnation}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.members[n] == up {
			return // already printed (the join line listed it), or never seen up
		}
		op, word := "member-down", "down"
		if up {
			p.members[n] = true
			op, word = "member-up", "up"
		} else {
			delete(p.members, n)
		}
		p.emitLocked(clusterLine{T: t, Op: op, From: &n, Members: p.memberList()},
			fmt.Sprintf("member %s %v (incarnation %016x); members: %s", word, m.ID, m.Incarnation, p.memberText()))
	case cluster.Resync:
		l := clusterLine{T: t, Op: "resync", From: &clusterNode{e.From, e.Incarnation}, Reason: e.Reason.String(), Missed: e.Missed}
		text := fmt.Sprintf("resync from %v: %s", e.From, e.Reason)
		if e.Missed > 0 {
			text += fmt.Sprintf(", %d missed", e.Missed)
		}
		p.emit(l, text)
	case cluster.Collision:
		p.emit(clusterLine{T: t, Op: "collision", From: &clusterNode{ID: e.ID}, Incs: e.Incarnations[:]},
			fmt.Sprintf("COLLISION: node id %v is used by incarnations %016x and %016x; give each node a unique node-id",
				e.ID, e.Incarnations[0], e.Incarnations[1]))
	default:
		words := cluster.FormatEvent(e)
		p.emit(clusterLine{T: t, Op: "deliver", From: from, Seq: d.Seq, Kind: e.Kind().String(), Event: words},
			fmt.Sprintf("from %v#%d %s", d.From, d.Seq, words))
	}
}

// published prints an event this node published at t (taken before Publish).
func (p *clusterPrinter) published(t int64, ev cluster.Event, seq uint64, err error) {
	words := cluster.FormatEvent(ev)
	p.mu.Lock()
	defer p.mu.Unlock()
	me := p.me
	l := clusterLine{T: t, Op: "publish", From: &me, Seq: seq, Kind: ev.Kind().String(), Event: words}
	text := fmt.Sprintf("published #%d %s", seq, words)
	if err != nil {
		l.Dropped, l.Error = true, err.Error()
		text = fmt.Sprintf("DROPPED #%d %s: %v", seq, words, err)
	}
	p.emitLocked(l, text)
}

// inputError prints a line of input that could not be published.
func (p *clusterPrinter) inputError(line string, err error) {
	p.emit(clusterLine{T: stampNow(), Op: "error", Event: line, Error: err.Error()}, fmt.Sprintf("error: %q: %v", line, err))
}

// leave prints the leave line (before the Bus closes).
func (p *clusterPrinter) leave() { p.emit(clusterLine{T: stampNow(), Op: "leave"}, "leaving") }

// stats prints the Bus's counters.
func (p *clusterPrinter) stats(s cluster.Stats) {
	m := clusterStatsMap(s)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("stats:")
	for _, k := range keys {
		if m[k] != 0 {
			fmt.Fprintf(&b, " %s=%d", k, m[k])
		}
	}
	p.emit(clusterLine{T: stampNow(), Op: "stats", Stats: m}, b.String())
}

// clusterStatsMap flattens Stats, resyncs by reason included ("resyncs.gap").
func clusterStatsMap(s cluster.Stats) map[string]uint64 {
	m := map[string]uint64{
		"published": s.Published, "dropped": s.Dropped, "envelopes_sent": s.EnvelopesSent,
		"heartbeats_sent": s.HeartbeatsSent, "bytes_sent": s.BytesSent, "publish_errors": s.PublishErrors,
		"received": s.Received, "self_skipped": s.SelfSkipped, "events_received": s.EventsReceived,
		"duplicates": s.Duplicates, "delivered": s.Delivered, "delivery_dropped": s.DeliveryDropped,
		"handler_panics": s.HandlerPanics, "decode_errors": s.DecodeErrors, "bad_version": s.BadVersion,
		"unknown_kinds": s.UnknownKinds, "collisions": s.Collisions, "resyncs": s.TotalResyncs(),
	}
	for r, n := range s.Resyncs {
		m["resyncs."+r.String()] = n
	}
	return m
}
