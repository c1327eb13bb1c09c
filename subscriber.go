package zenoh

import (
	"sync"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
)

// Subscriber receives, through a callback, the samples published on the keys its key
// expression matches (or, for a liveliness subscriber, the liveliness changes). Create it with
// Session.DeclareSubscriber or Liveliness.DeclareSubscriber; Close it to undeclare it.
//
// # Delivery
//
// The callback is called serially, on the subscriber's own goroutine, in the order the samples
// were delivered. Samples reach the subscriber through a bounded queue (WithQueue,
// WithQueueBytes): the goroutine that delivers a sample (a transport's reader, or the caller of
// Put for a local publication) copies it into a free slot of the queue and returns at once;
// the slots' buffers are reused, so the steady state allocates nothing. A Sample's Payload and
// Attachment alias its slot and are valid only during the callback: copy them (or use
// Sample.Clone) to keep them.
//
// When the callback falls behind and the queue fills, the subscriber's OverflowPolicy applies
// (Block by default: bounded back-pressure, then counted drops; see OverflowPolicy). A callback
// that blocks therefore stalls only its own subscriber (and, with Block, the transport that
// delivers to it for at most one block timeout); other subscribers and the session go on. A
// callback that panics is recovered and counted (Stats.CallbackPanics); the subscriber keeps
// running.
//
// WithDirect trades that isolation for speed: the callback then runs on the delivering
// goroutine itself, still serially, with no queue and no copy (see WithDirect).
type Subscriber struct {
	s   *Session
	key string
	q   *sampleQueue // queued delivery (nil when direct)
	d   *directSink  // direct delivery (WithDirect)
	st  subCounters

	mu sync.Mutex
	rs *routing.Subscriber           // data subscriber
	ls *routing.LivelinessSubscriber // liveliness subscriber

	once sync.Once
}

// SubscriberStats are one subscriber's delivery counters.
//
// The counts are added up in batches: samples queued but not yet taken by the subscriber's
// goroutine, and samples a direct subscriber got within a transport's batch that is still
// being handled, show up a little later (Received is never below Delivered).
type SubscriberStats struct {
	Received  uint64 // samples delivered to its queue (dropped ones included)
	Delivered uint64 // callback calls (or channel sends) that completed
	Dropped   uint64 // samples the overflow policy dropped
	Panics    uint64 // callback calls that panicked
}

func (c *subCounters) snapshot() SubscriberStats {
	d := c.delivered.Load() // first: received is added before delivered
	return SubscriberStats{Received: c.received.Load(), Delivered: d,
		Dropped: c.dropped.Load(), Panics: c.panics.Load()}
}

// DeclareSubscriber declares a subscriber on key (a key expression, wildcards allowed): fn is
// called with every sample published on a key that intersects it, by this session or by
// connected nodes. See Subscriber for the delivery contract.
func (s *Session) DeclareSubscriber(key string, fn func(Sample), opts ...SubscriberOption) (*Subscriber, error) {
	ke, sub, err := s.newSubscriber(key, fn, opts, true)
	if err != nil {
		return nil, err
	}
	var deliver func(routing.Sample)
	if d := sub.d; d != nil {
		deliver = d.deliver
	} else {
		q := sub.q
		// A sample that came with a transport's batch may defer the consumer's wake-up to the
		// batch's end (see commit).
		deliver = func(rs routing.Sample) {
			q.push(rs.Key.String(), rs.KeyOwned, rs.Push, rs.Reliability, batchOf(&rs))
		}
	}
	rs, err := s.rt.DeclareSubscriberUnguarded(ke, deliver)
	if err != nil {
		sub.Close()
		return nil, closedErr(err)
	}
	sub.mu.Lock()
	sub.rs = rs
	sub.mu.Unlock()
	return sub, nil
}

// newSubscriber validates key and starts a subscriber's delivery: direct (WithDirect, when
// allowed) or through a queue and its goroutine.
func (s *Session) newSubscriber(key string, fn func(Sample), opts []SubscriberOption, directOK bool) (keyexpr.KeyExpr, *Subscriber, error) {
	ke, err := keyexpr.New(key)
	if err != nil {
		return ke, nil, err
	}
	var c subConfig
	for _, o := range opts {
		c = o.applySubscriber(c)
	}
	sub := &Subscriber{s: s, key: ke.String()}
	if c.direct && directOK {
		sub.d = &directSink{fn: fn, st: &sub.st, sess: &s.st, onErr: s.logPanic("subscriber " + key)}
		if err := s.register(sub); err != nil {
			return ke, nil, err
		}
		return ke, sub, nil
	}
	sub.q = newSampleQueue(c, &sub.st, &s.st, s.logPanic("subscriber "+key))
	if err := s.register(sub); err != nil {
		return ke, nil, err
	}
	go sub.q.run(fn)
	return ke, sub, nil
}

// Key returns the subscriber's key expression.
func (sub *Subscriber) Key() string { return sub.key }

// Stats returns the subscriber's delivery counters.
func (sub *Subscriber) Stats() SubscriberStats { return sub.st.snapshot() }

// Close undeclares the subscriber. Queued samples are dropped and the callback is not called
// once Close returns; Close waits for a callback in progress, unless called from the callback
// itself. It is idempotent.
func (sub *Subscriber) Close() error {
	sub.once.Do(func() {
		sub.mu.Lock()
		rs, ls := sub.rs, sub.ls
		sub.mu.Unlock()
		if rs != nil {
			_ = rs.Undeclare()
		}
		if ls != nil {
			_ = ls.Undeclare()
		}
		sub.stop()
		sub.s.unregister(sub)
	})
	sub.wait()
	return nil
}

// stop ends delivery: no callback starts once it has returned.
func (sub *Subscriber) stop() {
	if sub.d != nil {
		sub.d.closed.Store(true)
		return
	}
	sub.q.close()
}

func (sub *Subscriber) shutdown() { sub.once.Do(sub.stop) }

// wait waits for the queued delivery's goroutine to end (see sampleQueue.wait); a direct
// subscriber has none.
func (sub *Subscriber) wait() {
	if sub.q != nil {
		sub.q.wait()
	}
}
