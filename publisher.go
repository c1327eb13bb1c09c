package zenoh

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// Publisher publishes on one key expression with fixed settings: its key is validated once, and
// its encoding and QoS are those given at declaration (Put options may override them for one
// publication). Create it with Session.DeclarePublisher; it is safe for concurrent use.
//
// Unlike Zenoh, publications always carry the full key (which every Zenoh node accepts), even
// towards a router to which the publisher's interest declared an expression id for it.
type Publisher struct {
	s      *Session
	key    keyexpr.KeyExpr
	def    putConfig
	rel    Reliability
	route  *routing.PublisherRoute
	spare  atomic.Pointer[wire.NetworkMessage] // a message for Put and Delete (nil while in use)
	in     *routing.EntityInterest             // the subscriber interest sent to routers (see DeclarePublisher)
	closed atomic.Bool

	mu        sync.Mutex
	listeners []*MatchingListener
}

// DeclarePublisher declares a publisher on key. As Zenoh does, the routers this session is
// connected to (in client mode, the node it is connected to) are sent an interest for the
// subscribers on key (one per key, whatever the number of publishers on it; ended when the
// last one closes): they declare those of their network, so that Matching and WatchMatching
// see them, and once a router answered, publications on key are sent to it only when it has a
// matching subscriber.
func (s *Session) DeclarePublisher(key string, opts ...PublisherOption) (*Publisher, error) {
	ke, err := keyexpr.New(key)
	if err != nil {
		return nil, err
	}
	c := pubConfig{priority: PriorityData, cc: CongestionControlDrop, reliability: ReliabilityReliable}
	for _, o := range opts {
		c = o.applyPublisher(c)
	}
	if err := c.encoding.check(); err != nil {
		return nil, err
	}
	p := &Publisher{s: s, key: ke, rel: c.reliability,
		def: putConfig{encoding: c.encoding, priority: c.priority, cc: c.cc, express: c.express}}
	if p.route, err = s.rt.NewPutRoute(ke, p.def.template()); err != nil {
		return nil, err
	}
	if err := s.register(p); err != nil {
		return nil, err
	}
	in, err := s.rt.DeclarePublisherInterest(ke)
	if err != nil {
		p.closed.Store(true)
		s.unregister(p)
		return nil, closedErr(err)
	}
	p.in = in
	return p, nil
}

// Key returns the publisher's key expression.
func (p *Publisher) Key() string { return p.key.String() }

// Put publishes payload (see Session.Put).
//
// A Put without options, on a session that does not add timestamps, is sent with the
// publisher's message head encoded once per route (see routing.NewPutRoute) when every
// destination is a remote node.
func (p *Publisher) Put(ctx context.Context, payload []byte, opts ...PutOption) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if len(opts) == 0 && !p.s.stamp {
		if err := p.s.canPublish(ctx); err != nil {
			return err
		}
		if sent, err := p.s.rt.PublishPut(p.route, payload, wire.Reliability(p.rel)); sent || err != nil {
			return closedErr(err)
		}
	}
	c := p.def
	for _, o := range opts {
		c = o.applyPut(c)
	}
	return p.s.publishOn(ctx, p.key, p.route, &p.spare, wire.DataIDPut, payload, &c, p.rel)
}

// Delete publishes the deletion of the publisher's key.
func (p *Publisher) Delete(ctx context.Context, opts ...PutOption) error {
	if p.closed.Load() {
		return ErrClosed
	}
	c := p.def
	for _, o := range opts {
		c = o.applyPut(c)
	}
	return p.s.publishOn(ctx, p.key, p.route, &p.spare, wire.DataIDDel, nil, &c, p.rel)
}

// Matching reports whether some subscriber, in this session, a connected node or behind a
// connected router (which declares them in answer to the publisher's interest), currently
// matches the publisher's key (Zenoh's matching status).
func (p *Publisher) Matching() bool {
	if p.closed.Load() || p.s.isClosed() {
		return false
	}
	return p.s.rt.Matching(p.key, routing.MatchSubscribers)
}

// WatchMatching declares a matching listener: fn(true) is called when a matching subscriber
// appears (at once if one exists) and fn(false) when the last one goes. Calls are serial, on a
// goroutine of the listener's own; a status that changes while fn runs is delivered once fn
// returns (intermediate changes may be merged). The listener is closed with the publisher.
func (p *Publisher) WatchMatching(fn func(matching bool)) (*MatchingListener, error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	l, err := p.s.watchMatching(p.key, routing.MatchSubscribers, fn)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.listeners = append(p.listeners, l)
	p.mu.Unlock()
	if p.closed.Load() {
		l.Close()
		return nil, ErrClosed
	}
	return l, nil
}

// Close undeclares the publisher. It is idempotent.
func (p *Publisher) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	p.s.unregister(p)
	p.mu.Lock()
	ls := p.listeners
	p.listeners = nil
	p.mu.Unlock()
	for _, l := range ls {
		l.Close()
	}
	if p.in != nil {
		_ = p.in.Undeclare() // Interest Final to the routers when it was the last on its key
	}
	return nil
}

func (p *Publisher) shutdown() { p.closed.Store(true) }
func (p *Publisher) wait()     {}
