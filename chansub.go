package zenoh

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/routing"
)

// ChanSubscriber receives samples in a bounded channel instead of a callback. Create it with
// Session.DeclareSubscriberChan (or Liveliness.DeclareSubscriberChan); the samples are owned
// copies, which the receiver may keep. When the channel is full, the subscriber's
// OverflowPolicy applies, exactly as for a Subscriber's queue (Block waits for at most the
// block timeout, then drops until the channel is half empty). Close closes the channel.
type ChanSubscriber struct {
	s      *Session
	key    string
	ch     chan Sample
	policy OverflowPolicy
	block  time.Duration
	st     subCounters
	stop   chan struct{} // closed first by Close: releases a producer waiting for room

	mu      sync.Mutex // serialises producers (and the channel's close)
	closed  bool
	lagging bool
	timer   *time.Timer
	names   interner
	rs      *routing.Subscriber
	ls      *routing.LivelinessSubscriber
	once    sync.Once
}

// DeclareSubscriberChan declares a subscriber on key whose samples are sent to a channel of
// capacity n (DefaultSubscriberQueue if n <= 0) with overflow policy policy. Subscriber
// options other than WithBlockTimeout and WithHistory are ignored.
func (s *Session) DeclareSubscriberChan(key string, n int, policy OverflowPolicy, opts ...SubscriberOption) (*ChanSubscriber, error) {
	c, err := s.newChanSubscriber(key, n, policy, opts)
	if err != nil {
		return nil, err
	}
	ke, _ := parseKey(key)
	rs, err := s.rt.DeclareSubscriberUnguarded(ke, c.onSample)
	if err != nil {
		c.Close()
		return nil, closedErr(err)
	}
	c.mu.Lock()
	c.rs = rs
	c.mu.Unlock()
	return c, nil
}

// newChanSubscriber validates key and builds a channel subscriber.
func (s *Session) newChanSubscriber(key string, n int, policy OverflowPolicy, opts []SubscriberOption) (*ChanSubscriber, error) {
	if _, err := parseKey(key); err != nil {
		return nil, err
	}
	var cfg subConfig
	for _, o := range opts {
		cfg = o.applySubscriber(cfg)
	}
	if n <= 0 {
		n = DefaultSubscriberQueue
	}
	bt := cfg.blockTimeout
	if bt <= 0 {
		bt = DefaultBlockTimeout
	}
	c := &ChanSubscriber{s: s, key: key, ch: make(chan Sample, min(n, MaxSubscriberQueue)),
		policy: policy, block: bt, stop: make(chan struct{})}
	if err := s.register(c); err != nil {
		return nil, err
	}
	return c, nil
}

// C returns the channel of samples; it is closed by Close (and by the session's Close).
func (c *ChanSubscriber) C() <-chan Sample { return c.ch }

// Recv returns the next sample, or ctx's error, or ErrClosed once the subscriber is closed and
// its channel drained.
func (c *ChanSubscriber) Recv(ctx context.Context) (Sample, error) {
	select {
	case s, ok := <-c.ch:
		if !ok {
			return Sample{}, ErrClosed
		}
		return s, nil
	case <-ctx.Done():
		return Sample{}, ctx.Err()
	}
}

// Key returns the subscriber's key expression.
func (c *ChanSubscriber) Key() string { return c.key }

// Stats returns the subscriber's delivery counters.
func (c *ChanSubscriber) Stats() SubscriberStats { return c.st.snapshot() }

// onSample copies a routed publication and sends it.
func (c *ChanSubscriber) onSample(rs routing.Sample) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	s := viewSample(&rs, &c.names) // then owned copies of what aliases the message
	if s.Kind == SampleKindPut {
		s.Payload = bytes.Clone(s.Payload)
		if s.Payload == nil {
			s.Payload = []byte{}
		}
	}
	if s.Attachment != nil {
		s.Attachment = append([]byte{}, s.Attachment...)
	}
	c.send(s)
}

// onToken sends a liveliness change.
func (c *ChanSubscriber) onToken(key string, alive bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	s := Sample{Key: key, Payload: []byte{}, Reliability: ReliabilityReliable, Priority: PriorityData}
	if !alive {
		s.Kind = SampleKindDelete
	}
	c.send(s)
}

// send applies the overflow policy. Called with c.mu held.
func (c *ChanSubscriber) send(s Sample) {
	c.st.received.Add(1)
	if c.lagging && len(c.ch) <= cap(c.ch)/2 {
		c.lagging = false
	}
	for {
		select {
		case c.ch <- s:
			c.st.delivered.Add(1)
			c.s.st.samplesDelivered.Add(1)
			return
		default:
		}
		switch c.policy {
		case DropNewest:
			c.dropOne()
			return
		case DropOldest:
			select {
			case <-c.ch:
				c.dropOne()
			default:
			}
			continue
		}
		if c.lagging || !c.waitRoom(s) {
			c.lagging = true
			c.dropOne()
		}
		return
	}
}

// waitRoom sends s, waiting at most the block timeout. Called with c.mu held.
func (c *ChanSubscriber) waitRoom(s Sample) bool {
	if c.timer == nil {
		c.timer = time.NewTimer(c.block)
	} else {
		c.timer.Reset(c.block)
	}
	defer c.timer.Stop()
	select {
	case c.ch <- s:
		c.st.delivered.Add(1)
		c.s.st.samplesDelivered.Add(1)
		return true
	case <-c.timer.C:
	case <-c.stop:
	}
	return false
}

func (c *ChanSubscriber) dropOne() {
	c.st.dropped.Add(1)
	c.s.st.samplesDropped.Add(1)
}

// Close undeclares the subscriber and closes its channel (samples already in it can still be
// received). It is idempotent.
func (c *ChanSubscriber) Close() error {
	c.once.Do(func() {
		close(c.stop)
		c.mu.Lock()
		rs, ls := c.rs, c.ls
		c.closed = true
		close(c.ch)
		c.mu.Unlock()
		if rs != nil {
			_ = rs.Undeclare()
		}
		if ls != nil {
			_ = ls.Undeclare()
		}
		c.s.unregister(c)
	})
	return nil
}

func (c *ChanSubscriber) shutdown() {
	c.once.Do(func() {
		close(c.stop)
		c.mu.Lock()
		c.closed = true
		close(c.ch)
		c.mu.Unlock()
	})
}

func (c *ChanSubscriber) wait() {}
