package cluster

import (
	"fmt"
	"sync"
)

// Delivery is one event handed to a subscription.
type Delivery struct {
	From        NodeID // the sender; AllNodes in an overflow Resync
	Incarnation uint64 // the sender's incarnation, when known
	Seq         uint64 // the event's sequence number; 0 for local-only events
	Event       Event
}

// SubOption configures a subscription.
type SubOption func(*subOptions)

type subOptions struct {
	kinds     map[Kind]bool
	self      bool
	queueSize int
	chanSize  int
}

// Kinds restricts a subscription to the given kinds. Resync is always delivered.
func Kinds(ks ...Kind) SubOption {
	return func(o *subOptions) {
		if o.kinds == nil {
			o.kinds = map[Kind]bool{}
		}
		for _, k := range ks {
			o.kinds[k] = true
		}
	}
}

// IncludeSelf makes a subscription also receive the events this node publishes (delivered
// locally from Publish, not through the transport).
func IncludeSelf() SubOption { return func(o *subOptions) { o.self = true } }

// QueueSize sets the capacity of the subscription's delivery queue (default: the Bus's
// DeliveryQueue). When it is full, deliveries are dropped and a Resync{From: AllNodes, Reason:
// ReasonOverflow} follows once there is room.
func QueueSize(n int) SubOption { return func(o *subOptions) { o.queueSize = n } }

// ChanSize sets the buffer of the channel SubscribeChan returns (default 64).
func ChanSize(n int) SubOption { return func(o *subOptions) { o.chanSize = n } }

// Subscription is one handler's delivery path: a bounded queue and a goroutine that calls the
// handler serially. A handler that blocks stalls only its own subscription; one that panics is
// recovered and counted.
type Subscription struct {
	bus   *Bus
	fn    func(Delivery)
	kinds map[Kind]bool
	self  bool

	mu      sync.Mutex
	ring    []Delivery // capacity+1 slots: the extra one carries an owed overflow Resync
	head, n int
	limit   int
	owed    bool   // an overflow Resync is owed
	lost    uint64 // deliveries dropped since the last overflow Resync
	closed  bool

	wake     chan struct{}
	done     chan struct{}
	finished chan struct{}
	onExit   func() // called by the delivery goroutine as it exits
}

func newSubscription(b *Bus, fn func(Delivery), o subOptions) *Subscription {
	if o.queueSize <= 0 {
		o.queueSize = b.cfg.DeliveryQueue
	}
	o.queueSize = min(o.queueSize, maxQueue)
	return &Subscription{
		bus: b, fn: fn, kinds: o.kinds, self: o.self,
		ring:     make([]Delivery, o.queueSize+1),
		limit:    o.queueSize,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
}

func (s *Subscription) wants(k Kind) bool {
	return k == KindResync || s.kinds == nil || s.kinds[k]
}

// push queues d without blocking; it drops d (and owes a Resync) when the queue is full.
func (s *Subscription) push(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.owed {
		if s.n >= s.limit {
			s.drop()
			return
		}
		s.put(s.overflowResync()) // uses the extra slot if needed
	} else if s.n >= s.limit {
		s.drop()
		s.owed = true
		return
	}
	s.put(d)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) drop() {
	s.lost++
	s.bus.stats.deliveryDropped.Add(1)
}

func (s *Subscription) put(d Delivery) {
	s.ring[(s.head+s.n)%len(s.ring)] = d
	s.n++
}

func (s *Subscription) overflowResync() Delivery {
	r := Resync{From: AllNodes, Reason: ReasonOverflow, Missed: s.lost}
	s.owed, s.lost = false, 0
	s.bus.stats.resyncs[ReasonOverflow].Add(1)
	return Delivery{Event: r}
}

// next waits for the next delivery; ok is false once the subscription is closed.
func (s *Subscription) next() (d Delivery, ok bool) {
	for {
		s.mu.Lock()
		switch {
		case s.closed:
			s.mu.Unlock()
			return Delivery{}, false
		case s.n > 0:
			d = s.ring[s.head]
			s.ring[s.head] = Delivery{}
			s.head = (s.head + 1) % len(s.ring)
			s.n--
			s.mu.Unlock()
			return d, true
		case s.owed:
			d = s.overflowResync()
			s.mu.Unlock()
			return d, true
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-s.done:
		}
	}
}

func (s *Subscription) run() {
	defer close(s.finished)
	if s.onExit != nil {
		defer s.onExit()
	}
	for {
		d, ok := s.next()
		if !ok {
			return
		}
		s.call(d)
	}
}

func (s *Subscription) call(d Delivery) {
	defer func() {
		if p := recover(); p != nil {
			s.bus.stats.handlerPanics.Add(1)
			s.bus.log.Error("cluster: handler panicked", "kind", d.Event.Kind().String(), "from", d.From.String(), "panic", fmt.Sprint(p))
		}
	}()
	s.fn(d)
	s.bus.stats.delivered.Add(1)
}

// Close stops the subscription: queued deliveries are discarded, and the handler is not called
// again once Close returns. Close waits for a handler call in progress to return, so it must not
// be called from the subscription's own handler.
func (s *Subscription) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.ring, s.n = nil, 0
	s.mu.Unlock()
	close(s.done)
	s.bus.removeSub(s)
	<-s.finished
	return nil
}
