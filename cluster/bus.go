package cluster

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Option configures a Bus beyond its ClusterConfig.
type Option func(*busOptions)

type busOptions struct {
	log         *slog.Logger
	reg         *Registry
	incarnation uint64
	onResync    func(Resync)
	closeWait   time.Duration
	closer      io.Closer
}

// WithLogger sets the logger (default: none).
func WithLogger(l *slog.Logger) Option { return func(o *busOptions) { o.log = l } }

// WithRegistry sets the registry of event kinds (default: the built-in kinds only).
func WithRegistry(r *Registry) Option { return func(o *busOptions) { o.reg = r } }

// WithIncarnation fixes the incarnation instead of drawing a random one (tests, golden bytes).
func WithIncarnation(inc uint64) Option { return func(o *busOptions) { o.incarnation = inc } }

// WithResyncHook registers the application's resync hook: fn is called, on its own goroutine
// and queue, for every Resync. A mail server flushes its caches there. It is a subscription
// made with New, so it sees every resync from the start.
func WithResyncHook(fn func(Resync)) Option { return func(o *busOptions) { o.onResync = fn } }

// WithCloser makes Close close c once the Bus has stopped, and return its error: a Bus given
// its own transport (Open's Zenoh session) releases it that way.
func WithCloser(c io.Closer) Option { return func(o *busOptions) { o.closer = c } }

// WithCloseWait bounds how long Close waits for the queued events and the leave envelope to be
// handed to the transport (default 5s).
func WithCloseWait(d time.Duration) Option { return func(o *busOptions) { o.closeWait = d } }

// Bus is a node's connection to the cluster: it publishes this node's events, delivers the other
// nodes' events to subscriptions, detects missed events and tracks membership.
type Bus struct {
	cfg      ClusterConfig
	self     NodeID
	inc      uint64
	tr       Transport
	log      *slog.Logger
	reg      *Registry
	eventKey string
	tokenKey string
	stats    counters
	ctx      context.Context
	cancel   context.CancelFunc
	closeW   time.Duration

	// Publishing.
	pubMu   sync.Mutex
	lastSeq uint64 // the last sequence number assigned
	closing bool
	queue   chan pubItem
	stop    chan struct{}
	sent    chan struct{} // closed when the batcher has exited

	// Receiving (recvMu also guards members and subscribers' ordering).
	recvMu  sync.Mutex
	closed  bool
	env     Envelope
	peers   map[NodeID]*peerNode
	tick    uint64
	members map[memberKey]Member
	downs   map[memberKey]*pendingDown // members whose token went, awaiting their leave envelope
	nPeers  int

	selfCollided map[uint64]bool // other incarnations seen sending with this node's id

	subMu sync.Mutex
	subs  atomic.Pointer[[]*Subscription]

	dataSub, tokSub, token io.Closer
	closer                 io.Closer // WithCloser
	closeOnce              sync.Once
	closeErr               error
}

// New starts a Bus for the node described by cfg over tr: it subscribes to the event key,
// declares this node's liveliness token and watches the others', and starts the publisher. The
// caller keeps ownership of tr and closes it after the Bus.
func New(cfg ClusterConfig, tr Transport, opts ...Option) (*Bus, error) {
	var o busOptions
	for _, opt := range opts {
		opt(&o)
	}
	if g, ok := tr.(tokenGracer); ok && cfg.TokenGrace == 0 {
		if d, set := g.tokenGrace(); set {
			cfg.TokenGrace = cmp.Or(d, -1) // the deprecated WithTokenGrace; 0 there means none
		}
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if tr == nil {
		return nil, cfgErr("", "nil transport")
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.reg == nil {
		o.reg = defaultRegistry
	}
	if o.incarnation == 0 {
		o.incarnation = NewIncarnation()
	}
	if o.closeWait <= 0 {
		o.closeWait = 5 * time.Second
	}
	b := &Bus{
		cfg: cfg, self: cfg.NodeID, inc: o.incarnation, tr: tr, log: o.log, reg: o.reg,
		eventKey: EventKey(cfg.KeyPrefix),
		tokenKey: TokenKey(cfg.KeyPrefix, cfg.NodeID, o.incarnation),
		closeW:   o.closeWait,
		closer:   o.closer,
		queue:    make(chan pubItem, cfg.QueueSize),
		stop:     make(chan struct{}),
		sent:     make(chan struct{}),
		peers:    map[NodeID]*peerNode{},
		members:  map[memberKey]Member{},
		downs:    map[memberKey]*pendingDown{},

		selfCollided: map[uint64]bool{},
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.subs.Store(&[]*Subscription{})
	b.log = b.log.With("node", cfg.NodeID.String())
	for _, w := range cfg.Warnings {
		b.log.Warn("cluster: configuration: "+w.Msg, "key", w.Key)
	}
	if o.onResync != nil {
		fn := o.onResync
		b.Subscribe(func(d Delivery) {
			if r, ok := d.Event.(Resync); ok {
				fn(r)
			}
		}, Kinds(KindResync))
	}
	var err error
	if b.dataSub, err = tr.Subscribe(b.eventKey, b.onMessage); err != nil {
		b.abort()
		return nil, err
	}
	if err = b.startMembership(); err != nil {
		b.abort()
		return nil, err
	}
	go b.runBatcher()
	b.log.Info("cluster: bus started", "incarnation", incString(b.inc), "key", b.eventKey)
	return b, nil
}

// abort undoes a partial New.
func (b *Bus) abort() {
	for _, c := range []io.Closer{b.token, b.tokSub, b.dataSub} {
		if c != nil {
			_ = c.Close()
		}
	}
	b.recvMu.Lock()
	b.closed = true
	b.stopDowns()
	b.recvMu.Unlock()
	b.closeSubs()
	b.cancel()
}

// normalize fills defaults and checks the tunables.
func (c *ClusterConfig) normalize() error {
	if c.NodeID == 0 {
		return cfgErr("cluster.node-id", "node id 0 (valid ids are 1..65535)")
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	}
	if err := checkPrefix(c.KeyPrefix); err != nil {
		return cfgErr("cluster.key-prefix", "%v", err)
	}
	def := func(v *int, d, lo, hi int, key string) error {
		if *v == 0 {
			*v = d
		}
		if *v < lo || *v > hi {
			return cfgErr(key, "%d is not in %d..%d", *v, lo, hi)
		}
		return nil
	}
	if err := def(&c.QueueSize, DefaultQueueSize, 1, maxQueue, "cluster.queue-size"); err != nil {
		return err
	}
	if err := def(&c.MaxBatchEvents, DefaultMaxBatchEvents, 1, MaxEnvelopeEvents, "cluster.batch.max-events"); err != nil {
		return err
	}
	if err := def(&c.MaxBatchBytes, DefaultMaxBatchBytes, minBatchBytes, MaxEnvelopeBytes, "cluster.batch.max-bytes"); err != nil {
		return err
	}
	if err := def(&c.DeliveryQueue, DefaultDeliveryQueue, 1, maxQueue, "cluster.delivery-queue"); err != nil {
		return err
	}
	switch {
	case c.Linger == 0:
		c.Linger = DefaultLingerMS * time.Millisecond
	case c.Linger < 0:
		c.Linger = 0
	case c.Linger > maxLinger:
		return cfgErr("cluster.batch.linger", "%v is above %v", c.Linger, maxLinger)
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = DefaultHeartbeatMS * time.Millisecond
	}
	switch {
	case c.TokenGrace == 0:
		c.TokenGrace = DefaultTokenGrace
	case c.TokenGrace < 0:
		c.TokenGrace = 0
	case c.TokenGrace > maxTokenGrace:
		return cfgErr("cluster.token-grace", "%v is above %v", c.TokenGrace, maxTokenGrace)
	}
	return nil
}

// Self returns this node's id and incarnation.
func (b *Bus) Self() (NodeID, uint64) { return b.self, b.inc }

// Config returns the configuration in use, with the defaults filled in.
func (b *Bus) Config() ClusterConfig { return b.cfg }

// Stats returns a snapshot of the counters.
func (b *Bus) Stats() Stats { return b.stats.snapshot() }

// Subscribe calls fn for every event from the other nodes (and Resync, MemberUp, MemberDown and
// Collision), serially, on the subscription's own goroutine. fn must treat the event as
// read-only. Close the returned Subscription to stop. On a closed Bus the subscription is
// closed from the start.
func (b *Bus) Subscribe(fn func(Delivery), opts ...SubOption) *Subscription {
	var o subOptions
	for _, opt := range opts {
		opt(&o)
	}
	s := newSubscription(b, fn, o)
	b.addSub(s)
	go s.run()
	return s
}

// SubscribeChan is Subscribe delivering to a channel, which is closed when the subscription is
// closed. The channel is buffered (ChanSize); behind it, the subscription's queue absorbs bursts
// and reports its overflow with a Resync like any subscription.
func (b *Bus) SubscribeChan(opts ...SubOption) (<-chan Delivery, *Subscription) {
	var o subOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.chanSize <= 0 {
		o.chanSize = 64
	}
	ch := make(chan Delivery, min(o.chanSize, maxQueue))
	s := newSubscription(b, nil, o)
	s.fn = func(d Delivery) {
		select {
		case ch <- d:
		case <-s.done:
		}
	}
	s.onExit = func() { close(ch) }
	b.addSub(s)
	go s.run()
	return ch, s
}

// addSub adds s to the dispatch list; on a closed Bus it closes s instead.
func (b *Bus) addSub(s *Subscription) {
	// Taking recvMu and pubMu orders the new subscription with deliveries: it sees everything
	// dispatched after it is added.
	b.recvMu.Lock()
	defer b.recvMu.Unlock()
	if b.closed {
		s.closed = true
		close(s.done)
		return
	}
	b.pubMu.Lock()
	b.subMu.Lock()
	old := *b.subs.Load()
	subs := make([]*Subscription, len(old), len(old)+1)
	copy(subs, old)
	subs = append(subs, s)
	b.subs.Store(&subs)
	b.subMu.Unlock()
	b.pubMu.Unlock()
}

func (b *Bus) removeSub(s *Subscription) {
	b.subMu.Lock()
	defer b.subMu.Unlock()
	old := *b.subs.Load()
	subs := make([]*Subscription, 0, len(old))
	for _, x := range old {
		if x != s {
			subs = append(subs, x)
		}
	}
	b.subs.Store(&subs)
}

// dispatch queues d on every subscription that wants it.
func (b *Bus) dispatch(d Delivery) {
	k := d.Event.Kind()
	for _, s := range *b.subs.Load() {
		if s.wants(k) {
			s.push(d)
		}
	}
}

// Close leaves the cluster: it stops accepting events, sends the queued ones and a leave
// envelope (bounded by WithCloseWait), withdraws the liveliness token, and stops every
// goroutine of the Bus, subscriptions included. It does not close the transport, unless it was
// given to WithCloser; then it returns that Close's error.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		b.pubMu.Lock()
		b.closing = true
		b.pubMu.Unlock()
		close(b.stop)
		t := time.NewTimer(b.closeW)
		select {
		case <-b.sent:
		case <-t.C:
			b.log.Warn("cluster: close: transport too slow, queued events abandoned")
		}
		t.Stop()
		b.cancel()
		<-b.sent
		for _, c := range []io.Closer{b.token, b.tokSub, b.dataSub} {
			if c != nil {
				_ = c.Close()
			}
		}
		b.recvMu.Lock()
		b.closed = true
		b.stopDowns()
		b.recvMu.Unlock()
		b.closeSubs()
		if b.closer != nil {
			b.closeErr = b.closer.Close()
		}
		b.log.Info("cluster: bus closed")
	})
	return b.closeErr
}

func (b *Bus) closeSubs() {
	for _, s := range *b.subs.Load() {
		_ = s.Close()
	}
}
