package cluster

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"
)

// HubOptions configures an in-memory Hub.
type HubOptions struct {
	// Lease is how long the other nodes keep seeing the tokens of a killed or partitioned node
	// (Zenoh's transport lease). 0 means they go at once.
	Lease time.Duration
	// InboxSize bounds each node's queue of undelivered messages; beyond it messages are dropped,
	// as Zenoh's congestion control Drop does. Default 1<<16. Token changes are never dropped.
	InboxSize int
	// Seed seeds the random loss and reorder decisions.
	Seed uint64
}

// HubStats counts what a Hub did to the messages.
type HubStats struct {
	Sent        uint64 // data messages handed to a destination queue
	Lost        uint64 // dropped by SetLoss or SetFilter
	Cut         uint64 // dropped because of a partition
	Overflowed  uint64 // dropped because a destination queue was full
	Reordered   uint64 // held back and delivered after a later message
	TokenEvents uint64 // token appearances and disappearances delivered
}

// Hub is an in-memory network for tests: each Join returns a Transport, and the hub can lose,
// reorder and filter messages, partition the nodes, and kill a node. Each node has one delivery
// goroutine, so a node's callbacks run serially, and per-sender order holds unless reordering is
// on. Key expressions are exact keys or "<prefix>/**".
type Hub struct {
	mu      sync.Mutex
	opts    HubOptions
	rng     *rand.Rand
	loss    float64
	reorder float64
	filter  func(from, to, key string) bool
	group   map[string]int // partition group by node name; nil = fully connected
	nodes   []*MemTransport
	tokens  map[string]*MemTransport // live token key → owner
	cutAt   map[[2]*MemTransport]time.Time
	serial  uint64
	stats   HubStats
	closed  bool
}

// NewHub returns an empty hub.
func NewHub(o HubOptions) *Hub {
	if o.InboxSize <= 0 {
		o.InboxSize = 1 << 16
	}
	return &Hub{
		opts:   o,
		rng:    rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		tokens: map[string]*MemTransport{},
		cutAt:  map[[2]*MemTransport]time.Time{},
	}
}

var _ Transport = (*MemTransport)(nil)

// MemTransport is one node's Transport on a Hub.
type MemTransport struct {
	hub      *Hub
	name     string
	serial   uint64
	subs     []*memSub
	tokSubs  []*memTokSub
	inbox    []memItem
	held     *memItem // reordering: delivered after the next message
	signal   chan struct{}
	done     chan struct{}
	finished chan struct{}
	downAt   time.Time // when killed or closed; zero while alive
	killed   bool
}

type memItem struct {
	from    *MemTransport
	key     string
	payload []byte     // data message
	tokSub  *memTokSub // token change, for this subscription
	alive   bool       // token change: appeared
}

type memSub struct {
	t      *MemTransport
	key    string
	fn     func(key string, payload []byte)
	closed bool
}

type memTokSub struct {
	t      *MemTransport
	expr   string
	fn     func(key string, alive bool)
	seen   map[string]bool
	closed bool
}

// Join adds a node. A name may be reused after its previous node was killed or closed (a
// restart).
func (h *Hub) Join(name string) (*MemTransport, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	for _, n := range h.nodes {
		if n.name == name && n.downAt.IsZero() {
			return nil, fmt.Errorf("cluster: hub node %q already joined", name)
		}
	}
	h.serial++
	t := &MemTransport{
		hub: h, name: name, serial: h.serial,
		signal:   make(chan struct{}, 1),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	h.nodes = append(h.nodes, t)
	go t.run()
	return t, nil
}

// Name returns the node's name on the hub.
func (t *MemTransport) Name() string { return t.name }

// SetLoss makes the hub drop each data message to another node with probability p.
func (h *Hub) SetLoss(p float64) { h.mu.Lock(); h.loss = p; h.mu.Unlock() }

// SetReorder makes the hub hold back each data message with probability p and deliver it after
// the next message to the same node.
func (h *Hub) SetReorder(p float64) { h.mu.Lock(); h.reorder = p; h.mu.Unlock() }

// SetFilter installs f, which returns false for the data messages to drop; nil removes it.
func (h *Hub) SetFilter(f func(from, to, key string) bool) { h.mu.Lock(); h.filter = f; h.mu.Unlock() }

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats { h.mu.Lock(); defer h.mu.Unlock(); return h.stats }

// Partition splits the nodes into the given groups of names; nodes in different groups (or in
// none) no longer reach each other. Their tokens disappear for each other after the lease.
func (h *Hub) Partition(groups ...[]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.group = map[string]int{}
	for i, g := range groups {
		for _, n := range g {
			h.group[n] = i + 1
		}
	}
	h.topologyChanged()
}

// Heal reconnects every node.
func (h *Hub) Heal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.group = nil
	h.topologyChanged()
}

// Kill stops the live node with the given name as a crash would: its messages in flight are
// lost, it receives nothing more, its Publish fails, and the other nodes see its tokens go after
// the lease. It returns false if no such node is alive.
func (h *Hub) Kill(name string) bool {
	h.mu.Lock()
	var t *MemTransport
	for _, n := range h.nodes {
		if n.name == name && n.downAt.IsZero() {
			t = n
		}
	}
	if t == nil {
		h.mu.Unlock()
		return false
	}
	t.killed = true
	t.stopLocked()
	h.topologyChanged()
	h.mu.Unlock()
	<-t.finished
	return true
}

// Close closes every node.
func (h *Hub) Close() error {
	h.mu.Lock()
	h.closed = true
	nodes := append([]*MemTransport(nil), h.nodes...)
	h.mu.Unlock()
	for _, t := range nodes {
		_ = t.Close()
	}
	return nil
}

// Close leaves the hub cleanly: the node's tokens go at once.
func (t *MemTransport) Close() error {
	h := t.hub
	h.mu.Lock()
	if !t.downAt.IsZero() {
		h.mu.Unlock()
		<-t.finished
		return nil
	}
	for k, o := range h.tokens {
		if o == t {
			delete(h.tokens, k)
		}
	}
	t.stopLocked()
	h.topologyChanged()
	h.mu.Unlock()
	<-t.finished
	return nil
}

// stopLocked marks t down and stops its delivery goroutine.
func (t *MemTransport) stopLocked() {
	t.downAt = time.Now()
	t.inbox, t.held = nil, nil
	h := t.hub
	for _, o := range h.nodes {
		if o != t && o.downAt.IsZero() {
			h.cutAt[pair(t, o)] = t.downAt
			if o.held != nil && o.held.from == t {
				o.held = nil // a message held back for reordering dies with its sender
			}
		}
	}
	close(t.done)
	h.nodes = removeNode(h.nodes, t)
}

func removeNode(ns []*MemTransport, t *MemTransport) []*MemTransport {
	for i, n := range ns {
		if n == t {
			return append(ns[:i], ns[i+1:]...)
		}
	}
	return ns
}

func pair(a, b *MemTransport) [2]*MemTransport {
	if a.serial > b.serial {
		a, b = b, a
	}
	return [2]*MemTransport{a, b}
}

// enqueueLocked queues it for t; control items (tokens) are never dropped.
func (t *MemTransport) enqueueLocked(it memItem, control bool) bool {
	if !t.downAt.IsZero() {
		return false
	}
	if !control && len(t.inbox) >= t.hub.opts.InboxSize {
		t.hub.stats.Overflowed++
		return false
	}
	t.inbox = append(t.inbox, it)
	select {
	case t.signal <- struct{}{}:
	default:
	}
	return true
}

// Publish implements Transport.
func (t *MemTransport) Publish(ctx context.Context, key string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := t.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.downAt.IsZero() || h.closed {
		return ErrClosed
	}
	p := append([]byte(nil), payload...)
	for _, d := range h.nodes {
		if d != t {
			if !h.connected(t, d) {
				h.stats.Cut++
				continue
			}
			if (h.filter != nil && !h.filter(t.name, d.name, key)) || (h.loss > 0 && h.rng.Float64() < h.loss) {
				h.stats.Lost++
				continue
			}
		}
		it := memItem{from: t, key: key, payload: p}
		if d != t && d.held == nil && h.reorder > 0 && h.rng.Float64() < h.reorder {
			d.held = &it
			h.stats.Reordered++
			continue
		}
		if d.enqueueLocked(it, false) {
			h.stats.Sent++
		}
		if d.held != nil {
			if d.enqueueLocked(*d.held, false) {
				h.stats.Sent++
			}
			d.held = nil
		}
	}
	return nil
}

// Subscribe implements Transport.
func (t *MemTransport) Subscribe(key string, fn func(key string, payload []byte)) (io.Closer, error) {
	h := t.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.downAt.IsZero() {
		return nil, ErrClosed
	}
	s := &memSub{t: t, key: key, fn: fn}
	t.subs = append(t.subs, s)
	return closerFunc(func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		s.closed = true
		return nil
	}), nil
}

// run delivers t's inbox, one item at a time, outside the hub lock.
func (t *MemTransport) run() {
	defer close(t.finished)
	h := t.hub
	for {
		h.mu.Lock()
		items := t.inbox
		t.inbox = nil
		h.mu.Unlock()
		for i := range items {
			if !t.deliver(&items[i]) {
				return
			}
		}
		if len(items) > 0 {
			continue
		}
		select {
		case <-t.signal:
		case <-t.done:
			return
		}
	}
}

// deliver calls the callbacks for one item; it returns false once t is down.
func (t *MemTransport) deliver(it *memItem) bool {
	h := t.hub
	h.mu.Lock()
	if !t.downAt.IsZero() {
		h.mu.Unlock()
		return false
	}
	if it.tokSub != nil {
		s := it.tokSub
		closed := s.closed
		if !closed {
			h.stats.TokenEvents++
		}
		h.mu.Unlock()
		if !closed {
			s.fn(it.key, it.alive)
		}
		return true
	}
	var fns []func(string, []byte)
	for _, s := range t.subs {
		if !s.closed && matchKey(s.key, it.key) {
			fns = append(fns, s.fn)
		}
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn(it.key, it.payload)
	}
	return true
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
