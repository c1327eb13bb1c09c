// Package clustertest checks the delivery guarantees of a cluster event bus from a log of what
// every node published, received and resynced: every event reaches every other live node
// exactly once and in order per sender, or is covered by a resync on that node. It works for
// nodes in one process (tests over the in-memory hub) and, with explicit stamps, for logs merged
// from several processes.
package clustertest

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gozenoh/zenoh/cluster"
)

// Node identifies one run of a node: its id and incarnation.
type Node struct {
	ID          cluster.NodeID `json:"id"`
	Incarnation uint64         `json:"inc"`
}

// String returns "id/incarnation".
func (n Node) String() string { return fmt.Sprintf("%d/%x", n.ID, n.Incarnation) }

// Op is the kind of a log entry.
type Op string

// Log entry kinds.
const (
	OpJoin    Op = "join"    // At started receiving (its subscription is active)
	OpLeave   Op = "leave"   // At stopped receiving (closed or killed)
	OpPublish Op = "publish" // At published event Seq (whether or not its queue dropped it)
	OpDeliver Op = "deliver" // At received event Seq from From
	OpResync  Op = "resync"  // At was told to resync From (ID 0: every sender)
)

// Entry is one line of the log. Stamp orders entries: in one process the Checker assigns it;
// for logs from several processes on one host, use a common clock (Unix nanoseconds).
type Entry struct {
	Stamp int64  `json:"t"`
	Op    Op     `json:"op"`
	At    Node   `json:"at"`
	From  Node   `json:"from,omitzero"`
	Seq   uint64 `json:"seq,omitzero"`
}

// Checker collects entries. Its methods are safe for concurrent use.
type Checker struct {
	mu      sync.Mutex
	clock   int64
	entries []Entry
}

// New returns an empty Checker.
func New() *Checker { return &Checker{} }

func (c *Checker) record(e Entry) {
	c.mu.Lock()
	c.clock++
	e.Stamp = c.clock
	c.entries = append(c.entries, e)
	c.mu.Unlock()
}

// Join records that node n started receiving. Call it once its subscription is active.
func (c *Checker) Join(n Node) { c.record(Entry{Op: OpJoin, At: n}) }

// Leave records that node n stopped receiving.
func (c *Checker) Leave(n Node) { c.record(Entry{Op: OpLeave, At: n}) }

// Publish records that n published the event numbered seq. Call it after Publish returns,
// also when Publish reported the event dropped (ErrQueueFull).
func (c *Checker) Publish(n Node, seq uint64) {
	c.record(Entry{Op: OpPublish, At: n, From: n, Seq: seq})
}

// Deliver records that at received event seq of from.
func (c *Checker) Deliver(at, from Node, seq uint64) {
	c.record(Entry{Op: OpDeliver, At: at, From: from, Seq: seq})
}

// Resync records that at was told to resync sender id (cluster.AllNodes for every sender).
func (c *Checker) Resync(at Node, id cluster.NodeID) {
	c.record(Entry{Op: OpResync, At: at, From: Node{ID: id}})
}

// Add appends entries with their own stamps (logs from other processes).
func (c *Checker) Add(es ...Entry) {
	c.mu.Lock()
	c.entries = append(c.entries, es...)
	c.mu.Unlock()
}

// Entries returns a copy of the log, in stamp order.
func (c *Checker) Entries() []Entry {
	c.mu.Lock()
	es := append([]Entry(nil), c.entries...)
	c.mu.Unlock()
	sort.SliceStable(es, func(i, j int) bool { return es[i].Stamp < es[j].Stamp })
	return es
}

// Report is the verdict of a Checker.
type Report struct {
	Receivers  int // node runs that received
	Published  int // events published
	Expected   int // (event, receiver) pairs: events published while the receiver was up, by another run
	Delivered  int // expected pairs delivered (once or more)
	Duplicated int // extra deliveries of an event to a receiver
	OutOfOrder int // deliveries of an older event after a newer one of the same sender run
	Missing    int // expected pairs never delivered
	Covered    int // missing pairs followed by a resync of that sender on that receiver
	// LostAtDeparture counts missing pairs on a receiver that left before any later event of
	// that sender run reached it: in flight when it stopped, nothing to resync.
	LostAtDeparture int
	Uncovered       int // missing pairs with no resync after them: silent loss
	Unknown         int // deliveries of events nobody published
	Resyncs         int // resync entries
	Problems        []string
}

// maxProblems caps Report.Problems.
const maxProblems = 20

// OK reports whether the log shows no duplicate, no reordering, no silent loss and no phantom.
func (r Report) OK() bool {
	return r.Duplicated == 0 && r.OutOfOrder == 0 && r.Uncovered == 0 && r.Unknown == 0
}

// String summarizes the report.
func (r Report) String() string {
	s := fmt.Sprintf("receivers %d, published %d, expected %d, delivered %d, duplicated %d, out of order %d, "+
		"missing %d (covered by resync %d, lost at departure %d, uncovered %d), unknown %d, resyncs %d",
		r.Receivers, r.Published, r.Expected, r.Delivered, r.Duplicated, r.OutOfOrder,
		r.Missing, r.Covered, r.LostAtDeparture, r.Uncovered, r.Unknown, r.Resyncs)
	if len(r.Problems) > 0 {
		s += "\n  " + strings.Join(r.Problems, "\n  ")
	}
	return s
}

type eventID struct {
	from Node
	seq  uint64
}

type receiver struct {
	join, leave int64 // leave 0: still up
	delivered   map[eventID]int
	lastSeq     map[Node]uint64 // highest seq delivered per sender run
	resyncs     map[cluster.NodeID][]int64
}

// Check evaluates the log.
func (c *Checker) Check() Report {
	var r Report
	published := map[eventID]int64{}
	recv := map[Node]*receiver{}
	get := func(n Node) *receiver {
		x := recv[n]
		if x == nil {
			x = &receiver{delivered: map[eventID]int{}, lastSeq: map[Node]uint64{}, resyncs: map[cluster.NodeID][]int64{}}
			recv[n] = x
		}
		return x
	}
	problem := func(format string, args ...any) {
		if len(r.Problems) < maxProblems {
			r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
		}
	}
	var deliveries []Entry
	for _, e := range c.Entries() {
		switch e.Op {
		case OpJoin:
			get(e.At).join = e.Stamp
		case OpLeave:
			get(e.At).leave = e.Stamp
		case OpPublish:
			published[eventID{e.At, e.Seq}] = e.Stamp
			r.Published++
		case OpDeliver:
			x := get(e.At)
			id := eventID{e.From, e.Seq}
			x.delivered[id]++
			if x.delivered[id] > 1 {
				r.Duplicated++
				problem("%v got %v#%d again", e.At, e.From, e.Seq)
			}
			if last := x.lastSeq[e.From]; e.Seq <= last && x.delivered[id] == 1 {
				r.OutOfOrder++
				problem("%v got %v#%d after #%d", e.At, e.From, e.Seq, last)
			}
			x.lastSeq[e.From] = max(x.lastSeq[e.From], e.Seq)
			deliveries = append(deliveries, e)
		case OpResync:
			get(e.At).resyncs[e.From.ID] = append(get(e.At).resyncs[e.From.ID], e.Stamp)
			r.Resyncs++
		}
	}
	for _, e := range deliveries {
		if _, ok := published[eventID{e.From, e.Seq}]; !ok {
			r.Unknown++
			problem("%v got %v#%d, which was never published", e.At, e.From, e.Seq)
		}
	}
	// Check every (event, receiver) pair in a stable order.
	ids := make([]eventID, 0, len(published))
	for id := range published {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return published[ids[i]] < published[ids[j]] })
	nodes := make([]Node, 0, len(recv))
	for n, x := range recv {
		if x.join != 0 {
			nodes = append(nodes, n)
		}
	}
	sort.Slice(nodes, func(i, j int) bool { return recv[nodes[i]].join < recv[nodes[j]].join })
	r.Receivers = len(nodes)
	for _, n := range nodes {
		x := recv[n]
		for _, id := range ids {
			at := published[id]
			if id.from == n || at < x.join || (x.leave != 0 && at > x.leave) {
				continue
			}
			r.Expected++
			if x.delivered[id] > 0 {
				r.Delivered++
				continue
			}
			r.Missing++
			switch {
			case resyncAfter(x.resyncs[id.from.ID], at) || resyncAfter(x.resyncs[cluster.AllNodes], at):
				r.Covered++
			case x.leave != 0 && x.lastSeq[id.from] < id.seq:
				r.LostAtDeparture++
			default:
				r.Uncovered++
				problem("%v never got %v#%d and was not told to resync", n, id.from, id.seq)
			}
		}
	}
	return r
}

// resyncAfter reports whether a stamp in stamps (ascending) is after at.
func resyncAfter(stamps []int64, at int64) bool {
	return len(stamps) > 0 && stamps[len(stamps)-1] > at
}
