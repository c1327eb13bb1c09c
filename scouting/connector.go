package scouting

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Dialer opens transports to discovered nodes. The session manager satisfies it (through the
// root package); tests use fakes.
type Dialer interface {
	// Connected reports whether a transport to zid is established. It must not block and must
	// not call back into this package.
	Connected(zid wire.ZenohID) bool
	// Dial opens a transport to zid through locator and refuses it if the remote's ZenohID is
	// not zid (Zenoh's open_transport_unicast_with_zid). It returns nil once a transport to zid
	// exists, including when another dial (ours or the remote's, resolved by the session's
	// simultaneous-dial rule) made it. It must return promptly once ctx is done.
	Dial(ctx context.Context, zid wire.ZenohID, locator wire.Locator) error
}

// Source says how a node was discovered.
type Source uint8

// Sources of discovery.
const (
	SourceMulticast Source = iota + 1
	SourceGossip
)

// String returns "multicast" or "gossip".
func (s Source) String() string {
	if s == SourceGossip {
		return "gossip"
	}
	return "multicast"
}

// Node is an entry of the table of discovered nodes.
type Node struct {
	ZID      wire.ZenohID
	WhatAmI  wire.WhatAmI
	Locators []wire.Locator // the candidates of the last news, in dialling order
	Source   Source         // how the last news came
	Seen     time.Time      // when the last news came
	Dialing  bool
	Failures int       // consecutive failed dials
	RetryAt  time.Time // no dial before this time (zero: none pending)

	ac     Autoconnect // the rule of the last news, for redials
	redial bool        // a redial after a lost transport is pending
}

// connector decides which discovered nodes to dial and runs the dials: at most one per node at
// a time, at most Limits.MaxDials at once, started at most at Limits.DialRate, with back-off
// after failures, locators tried in parallel with a stagger and a per-locator timeout.
// The table of nodes is bounded (Limits.MaxNodes) and its idle entries expire (Limits.NodeTTL).
type connector struct {
	self   wire.ZenohID
	lim    Limits
	dialer Dialer
	st     *counters
	log    *slog.Logger
	ctx    context.Context
	wg     sync.WaitGroup

	mu        sync.Mutex
	closed    bool // set by close; no goroutine is started after it
	nodes     map[wire.ZenohID]*Node
	inflight  int
	completed int           // dials that ended, successful or not
	changed   chan struct{} // closed and replaced when a dial ends
	rate      bucket
}

func newConnector(ctx context.Context, self wire.ZenohID, lim Limits, d Dialer, st *counters, log *slog.Logger) *connector {
	return &connector{
		self: self, lim: lim, dialer: d, st: st, log: log, ctx: ctx,
		nodes:   make(map[wire.ZenohID]*Node),
		changed: make(chan struct{}),
		rate:    newBucket(lim.DialRate, lim.DialBurst),
	}
}

// offer reports news of node zid of role w, reachable through cands (already filtered and
// ordered, see hostView.dialCandidates), and dials it if ac says so and nothing forbids it.
func (c *connector) offer(zid wire.ZenohID, w wire.WhatAmI, cands []wire.Locator, src Source, ac Autoconnect) {
	if zid == c.self || zid.IsZero() || c.dialer == nil {
		return
	}
	if !ac.Should(c.self, zid, w) {
		c.st.skippedStrategy.Add(1)
		return
	}
	if len(cands) == 0 {
		c.st.skippedNoLocators.Add(1)
		return
	}
	connected := c.dialer.Connected(zid) // outside c.mu: the dialer has locks of its own
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.ctx.Err() != nil {
		return
	}
	n := c.nodes[zid]
	if n == nil {
		if !c.makeRoom(now) {
			c.st.nodesRejected.Add(1)
			return
		}
		n = &Node{ZID: zid}
		c.nodes[zid] = n
	}
	n.WhatAmI, n.Source, n.Seen, n.ac = w, src, now, ac
	if !slices.Equal(n.Locators, cands) {
		n.Locators = slices.Clone(cands)
	}
	switch {
	case n.Dialing:
		c.st.skippedInFlight.Add(1)
	case connected:
		n.Failures, n.RetryAt = 0, time.Time{}
		c.st.skippedConnected.Add(1)
	case now.Before(n.RetryAt):
		c.st.skippedBackoff.Add(1)
	case c.inflight >= c.lim.MaxDials || !c.rate.allow(now):
		c.st.dialsDeferred.Add(1)
	default:
		n.Dialing = true
		c.inflight++
		c.st.dialsStarted.Add(1)
		locs := slices.Clone(n.Locators)
		c.wg.Add(1)
		go c.run(zid, locs)
	}
}

// lost reports that the transport to zid ended. If zid is in the table, it is dialled again
// after Limits.RedialDelay (once, unless it is connected again by then: when both sides redial,
// the other side usually wins), so that a transport lost to a link failure or a
// simultaneous-dial race comes back without waiting for the next Hello or gossip. Rust zenoh
// only redials configured endpoints; this is a gozenoh addition.
func (c *connector) lost(zid wire.ZenohID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[zid]
	if n == nil || n.redial || c.closed || c.ctx.Err() != nil || c.dialer == nil {
		return
	}
	n.redial = true
	n.Seen = time.Now()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTimer(c.lim.RedialDelay)
		defer t.Stop()
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		n := c.nodes[zid]
		if n == nil {
			c.mu.Unlock()
			return
		}
		n.redial = false
		w, locs, src, ac := n.WhatAmI, slices.Clone(n.Locators), n.Source, n.ac
		c.mu.Unlock()
		c.offer(zid, w, locs, src, ac)
	}()
}

// makeRoom ensures the table can take one more entry: expired entries go first, then the
// stalest eighth of the entries that are not being dialled (evicting a batch keeps a flood of
// new identifiers at an amortised O(log n) per entry). It reports false when every entry is
// being dialled.
func (c *connector) makeRoom(now time.Time) bool {
	if len(c.nodes) < c.lim.MaxNodes {
		return true
	}
	c.purgeLocked(now)
	if len(c.nodes) < c.lim.MaxNodes {
		return true
	}
	idle := make([]*Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		if !n.Dialing {
			idle = append(idle, n)
		}
	}
	if len(idle) == 0 {
		return false
	}
	slices.SortFunc(idle, func(a, b *Node) int { return a.Seen.Compare(b.Seen) })
	for _, n := range idle[:max(1, min(len(idle), c.lim.MaxNodes/8))] {
		delete(c.nodes, n.ZID)
		c.st.nodesEvicted.Add(1)
	}
	return true
}

// purge removes the entries that are idle and older than NodeTTL.
func (c *connector) purge(now time.Time) {
	c.mu.Lock()
	c.purgeLocked(now)
	c.mu.Unlock()
}

func (c *connector) purgeLocked(now time.Time) {
	for id, n := range c.nodes {
		if !n.Dialing && now.Sub(n.Seen) > c.lim.NodeTTL && !now.Before(n.RetryAt) {
			delete(c.nodes, id)
			c.st.nodesExpired.Add(1)
		}
	}
}

// run dials one node and records the outcome.
func (c *connector) run(zid wire.ZenohID, locs []wire.Locator) {
	defer c.wg.Done()
	err := c.dialAll(zid, locs)
	ok := err == nil || c.dialer.Connected(zid)
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight--
	c.completed++
	close(c.changed)
	c.changed = make(chan struct{})
	if ok {
		c.st.dialsSucceeded.Add(1)
	} else {
		c.st.dialsFailed.Add(1)
		c.log.Debug("scouting: unable to connect to any locator of discovered node", "zid", zid, "locators", locs, "err", err)
	}
	n := c.nodes[zid]
	if n == nil {
		return
	}
	n.Dialing = false
	if ok {
		n.Failures, n.RetryAt = 0, time.Time{}
		return
	}
	n.Failures++
	n.RetryAt = now.Add(c.backoff(n.Failures))
}

// backoff is RetryMin doubled per further failure, capped at RetryMax.
func (c *connector) backoff(failures int) time.Duration {
	d := c.lim.RetryMin
	for i := 1; i < failures && d < c.lim.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.lim.RetryMax)
}

// dialAll tries locs in order, starting the next one when the previous one fails or after
// DialStagger, whichever comes first; each attempt is bounded by DialTimeout. The first success
// cancels the others. It returns once every attempt it started has returned.
func (c *connector) dialAll(zid wire.ZenohID, locs []wire.Locator) error {
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	results := make(chan error, len(locs))
	var wg sync.WaitGroup
	next, pending := 0, 0
	stagger := time.NewTimer(time.Hour)
	stagger.Stop()
	defer stagger.Stop()
	start := func() {
		l := locs[next]
		next++
		pending++
		c.st.locatorAttempts.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			dctx, dcancel := context.WithTimeout(ctx, c.lim.DialTimeout)
			err := c.dialer.Dial(dctx, zid, l)
			dcancel()
			results <- err
		}()
		if next < len(locs) {
			stagger.Reset(c.lim.DialStagger)
		} else {
			stagger.Stop()
		}
	}
	start()
	var errs []error
	for pending > 0 {
		select {
		case err := <-results:
			pending--
			if err == nil {
				cancel()
				wg.Wait()
				return nil
			}
			c.st.locatorFailures.Add(1)
			errs = append(errs, err)
			if next < len(locs) {
				start()
			}
		case <-stagger.C:
			if next < len(locs) {
				start()
			}
		}
	}
	wg.Wait()
	if len(errs) == 0 {
		return ctx.Err()
	}
	return errors.Join(errs...)
}

// snapshot returns a copy of the table.
func (c *connector) snapshot() []Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		m := *n
		m.Locators = slices.Clone(n.Locators)
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Node) int { return a.ZID.Compare(b.ZID) })
	return out
}

// size returns the number of entries.
func (c *connector) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.nodes)
}

// progress returns how many dials are in flight and have completed, and a channel closed when
// that changes.
func (c *connector) progress() (inflight, completed int, changed <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inflight, c.completed, c.changed
}

// close stops starting goroutines and waits for the running ones (dials, redial timers) to
// end; the caller cancels the context first so that they end promptly. Goroutines are only
// started under c.mu with closed false, so none starts once Wait runs.
func (c *connector) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}
