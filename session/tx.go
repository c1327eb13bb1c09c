package session

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// txBatch is one batch buffer of a priority queue. Frames are built with w; a Fragment is
// laid out by hand in raw (see fragment), which then holds the whole batch.
type txBatch struct {
	w   wire.BatchWriter
	buf []byte
	raw []byte
	q   int // index of its queue
}

// bytes returns the batch as it goes to the link (LinkHeadroom bytes first).
func (b *txBatch) bytes() []byte {
	if b.raw != nil {
		return b.raw
	}
	return b.w.Bytes()
}

func (b *txBatch) empty() bool { return b.raw == nil && b.w.IsEmpty() }

// txQueue is the TX state of one priority (of the only one without QoS). A queue owns at most
// cfg.QueueSize batches, allocated on first use: the one being filled (cur), full ones waiting
// for the writer (ready), one being written, and free ones.
type txQueue struct {
	// sendMu serialises the senders of this priority, so that a message, and all the fragments
	// of a large one, go in whole and in order, and waits for a free batch are per priority.
	sendMu sync.Mutex
	timer  *time.Timer // reused for waits; under sendMu
	frag   []byte      // encoding of a message being fragmented; under sendMu

	// The rest is under Transport.txMu.
	cur    *txBatch
	ready  [MaxQueueSize]*txBatch
	rhead  int
	rlen   int
	nalloc int
	sn     [2]uint32 // next SN per reliability (index wire.Reliability)
	free   chan *txBatch
	// spare holds a free batch outside free: taking it or giving it back costs one atomic
	// operation where the channel takes a lock, twice per message of an idle transport
	// (see putFree). waiters counts the senders waiting on free (takeBatch).
	spare   atomic.Pointer[txBatch]
	waiters atomic.Int32
	idx     int    // index in Transport.queues
	slow    int    // senders in enqueueSlow (holding sendMu)
	msgs    uint64 // messages queued whole (Stats.TxMessages, with the fragmented ones)
}

// fragRetain is the largest fragmentation buffer kept between messages.
const fragRetain = 4 << 20

// fragHeadroom bounds the stream prefix and Frame header in front of a network message: a
// message longer than the batch size minus this is (about to be) fragmented.
const fragHeadroom = StreamPrefixLen + 1 + 5 + 2

// netQoS returns the QoS of a network message.
func netQoS(m *wire.NetworkMessage) wire.NetQoS {
	switch m.ID {
	case wire.NetIDPush:
		return m.Push.QoS
	case wire.NetIDRequest:
		return m.Request.QoS
	case wire.NetIDResponse:
		return m.Response.QoS
	case wire.NetIDResponseFinal:
		return m.ResponseFinal.QoS
	case wire.NetIDInterest:
		return m.Interest.QoS
	case wire.NetIDDeclare:
		return m.Declare.QoS
	case wire.NetIDOAM:
		return m.OAM.QoS
	}
	return wire.NetQoSDefault
}

// Send queues a network message on the transport. Its priority, congestion control and
// express flag come from its QoS extension; rel picks the reliable or best-effort channel.
//
// It returns once msg is encoded into a batch (msg may be reused at once). The writer sends
// the batch when it is full, at once for an express message, and as soon as it would otherwise
// be idle; on an idle transport, Send writes the batch itself, without blocking (see
// inline.go). When the priority's queue is full, a droppable message (congestion control Drop)
// waits at most Config.WaitBeforeDrop (WaitBeforeDropFragments for a fragmented one) and a
// blocking one Config.WaitBeforeClose; then Send gives up with ErrCongested and the transport
// stays up. Send is safe for concurrent use and allocates nothing in the steady state.
func (t *Transport) Send(msg *wire.NetworkMessage, rel wire.Reliability) error {
	return t.send(txMsg{m: msg, qos: netQoS(msg)}, rel)
}

// SendPut is Send for a Push of a Put given as its head (see wire.AppendPutHead: the Push's
// encoding up to the payload) and its payload, with qos the Push's QoS: what a publisher that
// encoded its head once sends, at the cost of a copy of head and payload. head and payload
// are only read during the call.
func (t *Transport) SendPut(head, payload []byte, qos wire.NetQoS, rel wire.Reliability) error {
	return t.send(txMsg{head: head, payload: payload, qos: qos}, rel)
}

func (t *Transport) send(x txMsg, rel wire.Reliability) error {
	if t.state.Load() != stateUp {
		return fmt.Errorf("%w: send on a closed transport", ErrClosed)
	}
	w, err := t.enqueue(&x, rel)
	if w.b != nil {
		t.writeInline(w)
	}
	return err
}

// txMsg is a network message to queue: m, or, when m is nil, a Push of a Put given as its
// head (see wire.AppendPutHead) and payload. qos is the message's QoS.
type txMsg struct {
	m             *wire.NetworkMessage
	head, payload []byte
	qos           wire.NetQoS
}

// len returns the encoded size of the message.
func (x *txMsg) len() int {
	if x.m != nil {
		return x.m.Len()
	}
	return wire.PutLen(x.head, x.payload)
}

// appendTo appends the message to w's open Frame (see wire.BatchWriter.AppendNetwork).
func (x *txMsg) appendTo(w *wire.BatchWriter, rel wire.Reliability, tq wire.TransportQoS) error {
	if x.m != nil {
		return w.AppendNetwork(x.m, rel, tq)
	}
	return w.AppendNetworkPut(x.head, x.payload, rel, tq)
}

// appendFrame opens a Frame with the message (see wire.BatchWriter.AppendFrame).
func (x *txMsg) appendFrame(w *wire.BatchWriter, h *wire.FrameHeader) error {
	if x.m != nil {
		return w.AppendFrame(h, x.m)
	}
	return w.AppendFramePut(h, x.head, x.payload)
}

// appendCur appends x to q's current batch, opening a Frame (and taking the channel's next
// SN) when needed. Called with txMu held and q.cur set; ErrBatchFull means x does not fit.
func (t *Transport) appendCur(q *txQueue, x *txMsg, rel wire.Reliability, tq wire.TransportQoS) error {
	w := &q.cur.w
	if w.FrameOpen(rel, tq) {
		return x.appendTo(w, rel, tq)
	}
	h := wire.FrameHeader{Reliability: rel, SN: q.sn[rel], QoS: tq}
	err := x.appendFrame(w, &h)
	if err == nil {
		q.sn[rel] = (q.sn[rel] + 1) & t.mask
	}
	return err
}

// enqueue adds x to its queue. It returns the batch holding it when the caller is to write
// that batch itself (see takeInline), with wmu held.
//
// A message that fits the queue's current batch (or a free one) while no other sender of its
// priority is in the slow path (waiting for a batch or fragmenting) takes only txMu; the
// others take the priority's sendMu first, which keeps them, and their fragments, in order.
func (t *Transport) enqueue(x *txMsg, rel wire.Reliability) (inlineWrite, error) {
	rel &= wire.Reliable
	qi, tq := 0, wire.TransportQoSDefault
	if t.info.QoS {
		qi, tq = int(x.qos.Priority()), wire.NewTransportQoS(x.qos.Priority())
	}
	q := &t.queues[qi]
	t.txMu.Lock()
	if q.slow == 0 && (q.cur != nil || t.takeFree(q)) {
		switch err := t.appendCur(q, x, rel, tq); err {
		case nil:
			return t.queued(q, x.qos)
		case wire.ErrBatchFull:
		default:
			t.txMu.Unlock()
			return inlineWrite{}, err
		}
	}
	t.txMu.Unlock()
	return t.enqueueSlow(q, x, rel, tq)
}

// enqueueSlow is enqueue for a message that needs a new batch, a wait or fragmentation.
func (t *Transport) enqueueSlow(q *txQueue, x *txMsg, rel wire.Reliability, tq wire.TransportQoS) (inlineWrite, error) {
	q.sendMu.Lock()
	defer q.sendMu.Unlock()
	t.txMu.Lock()
	q.slow++
	inBatch, err := t.enqueueLocked(q, x, rel, tq)
	q.slow--
	if !inBatch {
		t.txMu.Unlock()
		return inlineWrite{}, err
	}
	return t.queued(q, x.qos)
}

// enqueueLocked queues x, waiting for a batch or fragmenting it if needed. It reports whether
// x went whole into q's current batch (queued is then to finish the job); otherwise x was
// fragmented (err nil) or not queued. Called with q.sendMu and txMu held, which it may release
// and take again while it waits.
func (t *Transport) enqueueLocked(q *txQueue, x *txMsg, rel wire.Reliability, tq wire.TransportQoS) (bool, error) {
	block := x.qos.CongestionControl() != wire.CongestionDrop
	wait := t.cfg.WaitBeforeDrop
	if block {
		wait = t.cfg.WaitBeforeClose
	}
	var start time.Time // set on the first wait
	for {
		if q.cur == nil && !t.takeFree(q) {
			if start.IsZero() {
				start = time.Now()
				if !block && x.len() > t.txSize-fragHeadroom {
					wait = t.cfg.WaitBeforeDropFragments // it will be fragmented
				}
			}
			if !t.takeBatch(q, start.Add(wait)) {
				return false, t.congested(block)
			}
		}
		err := t.appendCur(q, x, rel, tq)
		if err == nil {
			return true, nil
		}
		if err != wire.ErrBatchFull {
			return false, err
		}
		if q.cur.w.IsEmpty() {
			if start.IsZero() {
				start = time.Now()
			}
			return false, t.fragment(q, x, rel, tq, block, start.Add(t.cfg.WaitBeforeDropFragments))
		}
		t.seal(q)
	}
}

// queued ends the enqueueing of a message with qos into q's current batch: it takes the
// batch for an inline write, or seals it (express, or no batching) and wakes the writer.
// Called with txMu held; releases it.
func (t *Transport) queued(q *txQueue, qos wire.NetQoS) (inlineWrite, error) {
	q.msgs++ // a plain addition, under the lock the sender holds anyway
	// Both ways around the writer need it idle: a sender of a stream (the writer busy) skips
	// their calls.
	if t.waiting {
		if t.deferSend(q, qos) {
			t.txMu.Unlock()
			return inlineWrite{}, nil
		}
		if w := t.takeInline(q); w.b != nil {
			t.txMu.Unlock()
			return w, nil
		}
	}
	if t.sealsAtOnce(qos) {
		t.seal(q)
	}
	t.wakeLocked()
	t.txMu.Unlock()
	return inlineWrite{}, nil
}

// sealsAtOnce reports whether a message with qos closes its batch at once, for the writer to
// send it without waiting for more (express, or no batching).
func (t *Transport) sealsAtOnce(qos wire.NetQoS) bool { return qos.Express() || !t.cfg.Batching }

func (t *Transport) congested(block bool) error {
	if block {
		t.stats.txCongested.Add(1)
		return fmt.Errorf("%w: blocking message waited %v for queue space", ErrCongested, t.cfg.WaitBeforeClose)
	}
	t.stats.txDropped.Add(1)
	return fmt.Errorf("%w: message dropped", ErrCongested)
}

// takeFree gives q an empty current batch if one is free or may be allocated, without waiting.
func (t *Transport) takeFree(q *txQueue) bool {
	if q.spare.Load() != nil {
		if b := q.spare.Swap(nil); b != nil {
			t.useBatch(q, b)
			return true
		}
	}
	select {
	case b := <-q.free:
		t.useBatch(q, b)
		return true
	default:
	}
	if q.nalloc < t.cfg.QueueSize {
		q.nalloc++
		buf := make([]byte, 0, t.txSize)
		b := &txBatch{buf: buf, q: q.idx}
		t.useBatch(q, b)
		return true
	}
	return false
}

// takeBatch gives q an empty current batch: a free one, a new one while fewer than
// QueueSize exist, or one the writer frees before deadline. It may release txMu while it
// waits; it reports false on timeout or when the transport goes down.
func (t *Transport) takeBatch(q *txQueue, deadline time.Time) bool {
	if t.takeFree(q) {
		return true
	}
	w := time.Until(deadline)
	if w <= 0 {
		return false
	}
	if q.timer == nil {
		q.timer = time.NewTimer(w)
	} else {
		q.timer.Reset(w)
	}
	t.wakeLocked()
	t.wakeLingering()
	q.waiters.Add(1) // before looking at spare: see putFree
	t.txMu.Unlock()
	b := q.spare.Swap(nil)
	if b == nil {
		select {
		case b = <-q.free:
		case <-q.timer.C:
		case <-t.quit:
		}
	}
	q.waiters.Add(-1)
	q.timer.Stop()
	t.txMu.Lock()
	if b == nil {
		return false
	}
	t.useBatch(q, b)
	return true
}

func (t *Transport) useBatch(q *txQueue, b *txBatch) {
	b.raw = nil
	b.w.Reset(b.buf, wire.BatchConfig{Size: t.txSize, Streamed: true})
	q.cur = b
}

// seal moves q's current batch, if it holds anything, to the ready list.
func (t *Transport) seal(q *txQueue) {
	b := q.cur
	if b == nil {
		return
	}
	q.cur = nil
	if b.empty() {
		q.putFree(b)
		return
	}
	q.ready[(q.rhead+q.rlen)%len(q.ready)] = b
	q.rlen++
	t.wakeLingering()
}

// wakeLingering wakes the writer if it lingers over a partial batch (a batch is ready, or a
// sender waits for one). Called with txMu held.
func (t *Transport) wakeLingering() {
	if t.lingering {
		t.lingering = false
		t.kick()
	}
}

// wakeLocked wakes the writer if it sleeps. Called with txMu held.
func (t *Transport) wakeLocked() {
	if t.waiting {
		t.waiting = false
		select {
		case t.notify <- struct{}{}:
		default:
		}
	}
}

// kick wakes the writer whatever it is doing (control work).
func (t *Transport) kick() {
	select {
	case t.notify <- struct{}{}:
	default:
	}
}

// nextBatches appends to dst the batches to write next, highest priority first: each
// priority's ready batches, oldest first; a priority that still has a partly filled batch
// stops the walk (nothing of a lower priority goes before it), and when that is the first
// thing found, that batch itself is taken (the writer would otherwise be idle). It stops at
// cap(dst) batches or gatherBytes. It returns dst empty, marking the writer as waiting, when
// there is nothing to write.
//
// With linger, a first partial batch less than half full is left to fill: nextBatches then
// returns dst empty and marks the writer as lingering (see Config.BatchLinger).
func (t *Transport) nextBatches(dst []*txBatch, linger bool) []*txBatch {
	t.txMu.Lock()
	defer t.txMu.Unlock()
	t.lingering = false
	size := 0
	for i := range t.queues {
		q := &t.queues[i]
		for q.rlen > 0 && len(dst) < cap(dst) && size < gatherBytes {
			b := q.ready[q.rhead]
			q.ready[q.rhead] = nil
			q.rhead = (q.rhead + 1) % len(q.ready)
			q.rlen--
			dst = append(dst, b)
			size += len(b.bytes())
		}
		if q.rlen > 0 || len(dst) == cap(dst) || size >= gatherBytes {
			return dst
		}
		if q.cur != nil && !q.cur.empty() {
			if len(dst) == 0 {
				if linger && len(q.cur.bytes()) < t.txSize/2 {
					t.lingering = true
					return dst
				}
				dst = append(dst, q.cur)
				q.cur = nil
			}
			return dst
		}
	}
	if len(dst) == 0 {
		t.waiting = true
	}
	return dst
}

// gatherMax and gatherBytes bound the batches the writer hands to the link at once.
const (
	gatherMax   = 16
	gatherBytes = 256 << 10
)

// release gives a written batch back to its queue.
func (t *Transport) release(b *txBatch) { t.queues[b.q].putFree(b) }

// putFree gives back a free batch: as q's spare when it has none, else through the channel.
// A sender that waits for a batch counts itself in waiters before it looks at spare, and
// putFree looks at waiters after it filled spare (both sequentially consistent), so either
// the sender finds the spare batch or putFree sees it waiting and moves the batch to the
// channel.
func (q *txQueue) putFree(b *txBatch) {
	if q.spare.CompareAndSwap(nil, b) {
		if q.waiters.Load() == 0 {
			return
		}
		if b = q.spare.Swap(nil); b == nil {
			return // a sender took it
		}
	}
	select {
	case q.free <- b:
	default: // cannot happen: a queue never has more batches than its channel holds
	}
}

// isLingering reports whether the writer's last nextBatches left a partial batch to fill.
func (t *Transport) isLingering() bool {
	t.txMu.Lock()
	defer t.txMu.Unlock()
	return t.lingering
}
