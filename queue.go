package zenoh

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// Delivery defaults and limits.
const (
	// DefaultSubscriberQueue is the default capacity, in samples, of a subscriber's queue.
	DefaultSubscriberQueue = 1024
	// DefaultSubscriberQueueBytes is the default bound on the payload bytes a subscriber's
	// queue holds.
	DefaultSubscriberQueueBytes = 8 << 20
	// DefaultBlockTimeout is how long policy Block waits for room at most.
	DefaultBlockTimeout = 100 * time.Millisecond
	// MaxSubscriberQueue is the largest queue capacity accepted (larger values are clamped).
	MaxSubscriberQueue = 1 << 20
	// minSlotRetain is the smallest attachment buffer a queue slot keeps between samples; a
	// slot keeps attachment buffers up to max(minSlotRetain, queue bytes / capacity).
	minSlotRetain = 4 << 10
	// deliverBatch is how many samples the delivery goroutine takes per lock.
	deliverBatch = 32
)

// sampleQueue is the delivery path of one subscriber: a bounded ring of slots whose buffers are
// reused (no allocation in the steady state), filled by any number of delivering goroutines
// (transport readers, local publishers) and emptied by the subscriber's own goroutine, which
// calls the callback serially.
//
// The consumer swaps filled ring slots with empty ones of its own (buffers included; the ring
// holds pointers, so a swap is cheap under the lock), up to deliverBatch at a time, so that
// producers never wait for a callback and a callback never sees its data overwritten.
// Samples taken with the one being delivered are no longer in the ring: a subscriber holds at
// most its capacity plus deliverBatch samples.
type sampleQueue struct {
	mu       sync.Mutex
	slots    []*slot // the ring
	head     int     // index of the oldest queued slot
	n        int     // queued slots
	bytes    int     // payload bytes queued
	maxBytes int
	retain   int     // largest attachment buffer a slot keeps
	pool     bufPool // buffers of large payloads
	policy   OverflowPolicy
	block    time.Duration
	lagging  bool
	closed   bool
	recv     uint64        // samples offered and not yet added to st.received (the consumer does)
	sleeping bool          // the consumer waits on wake
	deferred bool          // a producer's batch will wake the consumer (see commit)
	wake     chan struct{} // capacity 1
	waiters  int           // producers waiting for room
	room     chan struct{} // capacity 1: a token passed from waiter to waiter
	timers   []*time.Timer // idle timers for waiting producers

	stopped atomic.Bool   // mirrors closed for the consumer's unlocked checks
	done    chan struct{} // closed when the consumer goroutine returns
	gid     atomic.Uint64 // the consumer goroutine's id

	st    *subCounters
	sess  *apiCounters
	onErr func(v any)
}

// subCounters are one subscriber's delivery counters.
type subCounters struct {
	received, delivered, dropped, panics atomic.Uint64
}

func newSampleQueue(c subConfig, st *subCounters, sess *apiCounters, onPanic func(any)) *sampleQueue {
	n := c.queue
	if n <= 0 {
		n = DefaultSubscriberQueue
	}
	n = min(n, MaxSubscriberQueue)
	b := c.queueBytes
	if b <= 0 {
		b = DefaultSubscriberQueueBytes
	}
	bt := c.blockTimeout
	if bt <= 0 {
		bt = DefaultBlockTimeout
	}
	slots := make([]*slot, n)
	for i, back := 0, make([]slot, n); i < n; i++ {
		slots[i] = &back[i]
	}
	return &sampleQueue{
		slots: slots, maxBytes: b, retain: max(minSlotRetain, b/n), pool: bufPool{max: b},
		policy: c.policy, block: bt,
		wake: make(chan struct{}, 1), room: make(chan struct{}, 1), done: make(chan struct{}),
		st: st, sess: sess, onErr: onPanic,
	}
}

// full reports whether a sample of size bytes finds no room. Called with q.mu held.
func (q *sampleQueue) full(size int) bool {
	return q.n == len(q.slots) || (q.n > 0 && q.bytes+size > q.maxBytes)
}

// drop counts a dropped sample.
func (q *sampleQueue) drop() {
	q.st.dropped.Add(1)
	q.sess.samplesDropped.Add(1)
}

// reserve returns the slot for one more sample of size payload bytes, applying the overflow
// policy, with q.mu held: the caller fills the slot and calls commit. It returns nil (q.mu not
// held) when the sample is dropped or the queue is closed.
func (q *sampleQueue) reserve(size int) *slot {
	q.mu.Lock()
	q.recv++
	for !q.closed && q.full(size) {
		// Off the fast path (the consumer may be stuck in a callback): counted now.
		q.flushRecv()
		if q.sleeping { // a deferred wake-up: the consumer must drain now
			q.wakeLocked()
		}
		switch q.policy {
		case DropNewest:
			q.mu.Unlock()
			q.drop()
			return nil
		case DropOldest:
			q.bytes -= len(q.slots[q.head].payload)
			q.head = (q.head + 1) % len(q.slots)
			q.n--
			q.drop()
		default: // Block
			if q.lagging || !q.waitRoom() {
				q.lagging = true
				q.mu.Unlock()
				q.drop()
				return nil
			}
		}
	}
	if q.closed {
		q.flushRecv()
		q.mu.Unlock()
		return nil
	}
	return q.slots[(q.head+q.n)%len(q.slots)]
}

// flushRecv adds the samples offered since the last call to the Received counter. Called with
// q.mu held.
func (q *sampleQueue) flushRecv() {
	if q.recv != 0 {
		q.st.received.Add(q.recv)
		q.recv = 0
	}
}

// commit queues the slot reserve returned, now filled, and releases q.mu. It wakes a sleeping
// consumer, unless wb is not nil (the sample came with a transport's batch) and the queue is
// less than half full: the wake-up then waits for the end of that batch (wb.flush), so that a
// batch of thousands of samples costs the consumer a few wake-ups, not one per sample it
// catches up with.
func (q *sampleQueue) commit(s *slot, wb *batchEnd) {
	q.n++
	q.bytes += len(s.payload)
	if q.sleeping {
		switch {
		case wb != nil && q.n < len(q.slots)/2:
			if !q.deferred {
				q.deferred = true
				wb.qs = append(wb.qs, q)
			}
		default:
			q.wakeLocked()
		}
	}
	if q.waiters > 0 && !q.full(0) {
		select { // pass room on to the next waiting producer
		case q.room <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
}

// pushSample queues a publication on key.
func (q *sampleQueue) pushSample(key string, p *wire.Push, rel wire.Reliability) {
	q.push(key, false, p, rel, nil)
}

// batchOf returns the batchEnd of the transport batch rs came with, or nil (a local
// publication).
func batchOf(rs *routing.Sample) *batchEnd {
	if p, ok := rs.Source.Data().(*peer); ok {
		return &p.ends
	}
	return nil
}

// push queues a publication on key, kept as it is when keyOwned (immutable), else copied.
func (q *sampleQueue) push(key string, keyOwned bool, p *wire.Push, rel wire.Reliability, wb *batchEnd) {
	if s := q.reserve(pushSize(p)); s != nil {
		s.setPush(key, keyOwned, p, rel, &q.pool)
		q.commit(s, wb)
	}
}

// wakeLocked wakes the consumer. Called with q.mu held.
func (q *sampleQueue) wakeLocked() {
	q.sleeping, q.deferred = false, false
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// batchEnd is what waits for the end of one transport's batch: the queues whose consumer's
// wake-up was deferred, and the direct subscribers whose counts were. Only that transport's
// readers use it, one at a time (the session serialises them).
type batchEnd struct {
	qs    []*sampleQueue
	sinks []*directSink // direct subscribers whose counts wait for the batch's end
}

// flush wakes the consumers of the listed queues that still sleep, adds up the counts of the
// listed direct subscribers, and empties the lists.
func (wb *batchEnd) flush() {
	for i, d := range wb.sinks {
		d.mu.Lock()
		d.flushLocked()
		d.mu.Unlock()
		wb.sinks[i] = nil
	}
	wb.sinks = wb.sinks[:0]
	woke := false
	for i, q := range wb.qs {
		q.mu.Lock()
		if q.deferred {
			q.deferred = false
			if q.sleeping {
				q.wakeLocked()
				woke = true
			}
		}
		q.mu.Unlock()
		wb.qs[i] = nil
	}
	wb.qs = wb.qs[:0]
	if woke {
		// A woken consumer waits on this goroutine's P until the reader blocks: yielding lets
		// the other P take one of them, so that they run side by side.
		runtime.Gosched()
	}
}

// pushToken queues a liveliness change.
func (q *sampleQueue) pushToken(key string, alive bool) {
	if s := q.reserve(0); s != nil {
		s.setToken(key, alive, &q.pool)
		q.commit(s, nil)
	}
}

// waitRoom waits (releasing q.mu) until the consumer frees a slot, the queue closes or the
// block timeout passes; it reports false on timeout. Called with q.mu held, returns with it.
func (q *sampleQueue) waitRoom() bool {
	var t *time.Timer
	if k := len(q.timers); k > 0 {
		t = q.timers[k-1]
		q.timers = q.timers[:k-1]
		t.Reset(q.block)
	} else {
		t = time.NewTimer(q.block)
	}
	q.waiters++
	q.mu.Unlock()
	ok := true
	select {
	case <-q.room:
	case <-t.C:
		ok = false
	case <-q.done:
	}
	t.Stop()
	q.mu.Lock()
	q.waiters--
	q.timers = append(q.timers, t)
	return ok || !q.full(0)
}

// close stops the queue: queued samples are dropped and the callback is not called again once
// the one running (if any) returns.
func (q *sampleQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	q.stopped.Store(true)
	q.n, q.bytes = 0, 0
	q.flushRecv()
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// wait waits for the consumer goroutine to end, unless called from it (a callback that closes
// its own subscriber or session).
func (q *sampleQueue) wait() {
	if g := q.gid.Load(); g != 0 && g == goroutineID() {
		return
	}
	<-q.done
}

// run is the consumer goroutine: it calls fn for each sample, in order, one at a time.
func (q *sampleQueue) run(fn func(Sample)) {
	defer close(q.done)
	q.gid.Store(goroutineID())
	var back [deliverBatch]slot
	var batch [deliverBatch]*slot
	for i := range batch {
		batch[i] = &back[i]
	}
	var names interner
	var smp [2]Sample // views of the samples being delivered (see below)
	k := 0            // samples of batch delivered in the previous round
	for {
		q.mu.Lock()
		for i := range k {
			batch[i].release(&q.pool)
		}
		for q.n == 0 && !q.closed {
			q.sleeping = true
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		q.flushRecv() // before the deliveries: Received never lags Delivered
		k = min(q.n, deliverBatch)
		for i := range k {
			batch[i], q.slots[q.head] = q.slots[q.head], batch[i]
			q.bytes -= len(batch[i].payload)
			q.head = (q.head + 1) % len(q.slots)
		}
		q.n -= k
		if q.lagging && q.n <= len(q.slots)/2 {
			q.lagging = false
		}
		if q.waiters > 0 {
			select {
			case q.room <- struct{}{}:
			default:
			}
		}
		q.mu.Unlock()
		delivered := uint64(0)
		batch[0].fill(&smp[0], &names)
		for i := 0; ; {
			at, d := q.deliver(fn, batch[:k], i, &names, &smp)
			delivered += d
			if at >= k {
				break
			}
			i = at + 1 // past the sample whose callback panicked
		}
		for i := range k {
			batch[i].trim(q.retain)
		}
		smp = [2]Sample{}  // holds no buffer between rounds
		if delivered > 0 { // counted per batch: two atomic adds instead of two per sample
			q.st.delivered.Add(delivered)
			q.sess.samplesDelivered.Add(delivered)
		}
	}
}

// deliver calls fn for the samples of batch from index from on, in order, and returns the
// index it stopped at (len(batch), or that of a sample whose callback panicked: the panic is
// recovered and counted, and the caller goes on after it) and how many calls returned.
// One recovery covers the whole round rather than each call.
//
// Each sample's view is filled one callback ahead of its own (smp[from&1] is filled on
// entry): the callback's argument is a wide copy of the view, which stalls when the view's
// narrow stores are that recent.
func (q *sampleQueue) deliver(fn func(Sample), batch []*slot, from int, names *interner, smp *[2]Sample) (at int, delivered uint64) {
	defer func() {
		if v := recover(); v != nil {
			q.st.panics.Add(1)
			q.sess.callbackPanics.Add(1)
			if q.onErr != nil {
				q.onErr(v)
			}
		}
	}()
	for at = from; at < len(batch); at++ {
		if at+1 < len(batch) {
			batch[at+1].fill(&smp[(at+1)&1], names)
		}
		if !q.stopped.Load() {
			fn(smp[at&1])
			delivered++
		}
	}
	return at, delivered
}
