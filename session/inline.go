package session

import (
	"math/bits"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Inline writes. Handing a batch to the writer goroutine costs a wake-up of another thread
// (several µs on a busy or virtual machine) on every message of an otherwise idle transport,
// which is most of a round trip's latency. So a sender that finds the transport idle writes
// its batch itself: the writer holds no batch and sleeps (waiting), nothing else is queued,
// and no write ended in the last inlineIdle (see idle). A burst is therefore batched by the
// writer as before (only its first message may go inline). So are the messages of a sender
// that sends about as often as a write takes, unless the peer sent something since our last
// write (request and reply, whose latency matters): written inline, each would cost that
// sender a system call and leave the other core idle. The sender takes the write side (wmu)
// while it still holds txMu, so nothing queued after its message can be written before it,
// and tries one non-blocking write: a sender never blocks on a full socket, whatever its
// congestion control. What the link did not take waits in pend and the writer finishes it
// before anything else goes out.

// inlineIdle is the least time since the last write ended before a sender writes its own
// batch. It is far below a round trip, so request/reply traffic is written inline, and far
// above the gap between the messages of a burst, so a burst still fills batches. A write
// that returned late (its thread was descheduled) thus also sends the next message through
// the writer; on a loaded 2-core VM that keeps a ping-pong's median a quarter lower than
// timing from the start of the write, which writes nearly every message inline.
const inlineIdle = 4 * time.Microsecond

// tryWriter is a Link that can write a batch without blocking (tcpLink on Unix, memLink).
type tryWriter interface {
	// tryWriteBatch writes buf as WriteBatch does (the stream prefix set in its headroom), but
	// only what the link takes at once, and returns how many bytes of buf, headroom
	// included, went out. A batch written in part must be finished with writeRest before
	// anything else is written to the link.
	tryWriteBatch(buf []byte) (int, error)
	// writeRest writes buf[off:] of a batch tryWriteBatch wrote off bytes of, blocking as
	// WriteBatch does.
	writeRest(buf []byte, off int) error
}

// txPending is a batch an inline write did not finish: off bytes of it went out on lk.
type txPending struct {
	b   *txBatch
	lk  *tlink
	off int
}

// now returns the time since t.epoch in nanoseconds, the clock of txAt.
func (t *Transport) now() int64 { return int64(time.Since(t.epoch)) }

// writing records, with wmu held, that a write to a link begins.
func (t *Transport) writing() {
	if t.rxSince.Load() {
		t.rxSince.Store(false)
	}
}

// wrote records an inline write (or the rest of one) that began at start and ended at end
// (t.now clock), with wmu held: txAt is when it ended, txCost a moving average of how long
// such writes take. The writer's own writes only set txAt.
func (t *Transport) wrote(start, end int64) {
	t.txAt.Store(end)
	d, c := end-start, t.txCost.Load()
	if c != 0 {
		d = c + (d-c)/4
	}
	t.txCost.Store(max(d, 1))
}

// received records that a batch arrived (called by the readers).
func (t *Transport) received() {
	if !t.rxSince.Load() {
		t.rxSince.Store(true)
	}
}

// idle reports whether a batch may be written inline at now (t.now clock): the last write
// ended at least inlineIdle ago and, unless the peer sent something since it began, at least
// as long ago as a write takes, so that writes take at most half of the time of a sender
// that only sends. Otherwise it records now in txAt: a burst in progress, for the next
// sender too.
func (t *Transport) idle(now int64) bool {
	gap := now - t.txAt.Load()
	if gap >= int64(inlineIdle) && (t.rxSince.Load() || gap >= t.txCost.Load()) {
		return true
	}
	t.txAt.Store(now)
	return false
}

// inlineWrite is a batch a sender writes itself.
type inlineWrite struct {
	b     *txBatch
	lk    *tlink
	start int64 // t.now clock
	// early: start is the arrival of the batch the reader just handled, not the time of the
	// write (see takeInlineAt): the end of the write is not measured either.
	early bool
}

// takeInline decides, with txMu held and q.cur holding the message just added, whether the
// sender writes q.cur itself. If so it returns the batch and the link, with wmu held and
// q.cur taken; the caller releases its locks, then calls writeInline.
func (t *Transport) takeInline(q *txQueue) inlineWrite { return t.takeInlineAt(q, 0) }

// takeInlineAt is takeInline for the reader's deferred sends (see flushDeferred): rxAt is when
// the batch it just handled arrived, which stands for now unless a write ended since (the
// clock is then read). It spares the reader two clock readings (about 60 ns each here) on
// every request it answers.
func (t *Transport) takeInlineAt(q *txQueue, rxAt int64) inlineWrite {
	if !t.waiting || q.rlen != 0 || q.cur == nil || t.state.Load() != stateUp || t.ctl.Load() || t.pending.Load() {
		return inlineWrite{}
	}
	if lk := t.tx.Load(); lk == nil || lk.tw == nil {
		return inlineWrite{}
	}
	now, early := rxAt, true
	if now == 0 || now <= t.txAt.Load() {
		now, early = t.now(), false
	}
	if !t.idle(now) || !t.wmu.TryLock() {
		return inlineWrite{}
	}
	lk := t.tx.Load()
	b := q.cur
	if t.pend.b != nil || lk.retired.Load() || lk.down.Load() || len(b.bytes()) > lk.batch {
		t.wmu.Unlock()
		return inlineWrite{}
	}
	q.cur = nil
	return inlineWrite{b, lk, now, early}
}

// writeInline writes b on lk without blocking, with wmu held, and releases wmu. What lk does
// not take at once is left to the writer, as is b when lk fails before taking any of it (it
// then goes on the link that takes over, as the writer's own batches do).
func (t *Transport) writeInline(w inlineWrite) {
	b, lk := w.b, w.lk
	buf := b.bytes()
	t.writing()
	n, err := lk.tw.tryWriteBatch(buf)
	at := w.start
	if w.early {
		// Forward only: a sender may have noted a later burst meanwhile (see idle).
		if old := t.txAt.Load(); at > old {
			t.txAt.CompareAndSwap(old, at)
		}
	} else {
		at = t.now()
		t.wrote(w.start, at)
	}
	if err == nil && n == len(buf) {
		lk.lastTx = at
		t.wmu.Unlock()
		t.stats.txBatches.Add(1)
		t.stats.txBytes.Add(uint64(n))
		t.release(b)
		return
	}
	t.pend = txPending{b: b, lk: lk, off: max(n, 0)}
	t.pending.Store(true)
	t.wmu.Unlock()
	if err != nil {
		t.stats.errors.Add(1)
		t.linkDown(lk, err)
	}
	t.kick()
}

// lockWrite takes the write side of the links and finishes a pending inline batch.
func (t *Transport) lockWrite() {
	t.wmu.Lock()
	t.flushPending()
}

// flushPending writes what an inline write left, with wmu held.
func (t *Transport) flushPending() {
	if !t.pending.Load() {
		return
	}
	p := t.pend
	t.pend = txPending{}
	t.pending.Store(false)
	if p.off == 0 {
		t.writeBatch(p.b)
		return
	}
	buf := p.b.bytes()
	t.writing()
	start := t.now()
	if p.lk.down.Load() {
		t.stats.txDropped.Add(1) // part of it went out on a link that failed since
	} else if err := p.lk.tw.writeRest(buf, p.off); err != nil {
		t.stats.errors.Add(1)
		t.stats.txDropped.Add(1)
		t.linkDown(p.lk, err)
	} else {
		p.lk.lastTx = t.now()
		t.wrote(start, p.lk.lastTx)
		t.stats.txBatches.Add(1)
		t.stats.txBytes.Add(uint64(len(buf)))
	}
	t.release(p.b)
}

// Sends of the reader itself. A message the transport's reader sends while it handles a batch
// (a reply from a direct callback, a declaration answering an interest) would be written
// inline deep inside that batch's handling. A system call that deep is dear: after it, every
// return up the call stack is mispredicted (the kernel's own calls have overwritten the
// processor's return predictions), about half a microsecond per round trip on our 2-core VM.
// So such a message waits in its queue's current batch, the writer not woken, and the reader
// writes it when it has handled the batch (flushDeferred), at the top of its loop; the
// batch's other replies go out in the same write. A message of another goroutine meanwhile is
// written as before, inline (with the deferred ones before it) or by the writer.

// deferSend reports whether the message just added to q's current batch, with txMu held, is
// the reader's own and waits for the end of its batch: it is, when the caller is the reader
// handling a batch and the message would otherwise be written inline.
func (t *Transport) deferSend(q *txQueue, qos wire.NetQoS) bool {
	g := t.rxG.Load()
	if g == 0 || !t.waiting || q.rlen != 0 || q.cur == nil || getg() != g {
		return false
	}
	bit := uint32(1) << q.idx
	t.deferred.Or(bit)
	if t.sealsAtOnce(qos) {
		t.deferredSeal |= bit
	}
	return true
}

// flushDeferred sends what the reader deferred while it handled a batch (see deferSend):
// inline when one queue holds it and the transport is idle, else through the writer.
func (t *Transport) flushDeferred(rxAt int64) {
	if t.deferred.Load() == 0 { // most batches: no lock
		return
	}
	t.txMu.Lock()
	d, sealBits := t.deferred.Swap(0), t.deferredSeal
	t.deferredSeal = 0
	if d == 0 { // another link's reader flushed them
		t.txMu.Unlock()
		return
	}
	if d&(d-1) == 0 { // one queue
		q := &t.queues[bits.TrailingZeros32(d)]
		if w := t.takeInlineAt(q, rxAt); w.b != nil {
			t.txMu.Unlock()
			t.writeInline(w)
			return
		}
	}
	for i := range t.queues {
		if sealBits&(1<<i) != 0 {
			t.seal(&t.queues[i])
		}
	}
	t.wakeLocked()
	t.txMu.Unlock()
}
