package cluster

import (
	"sync"
	"time"
)

// pubItem is one queued event, already encoded.
type pubItem struct {
	seq  uint64
	kind Kind
	buf  *pubBuf
}

type pubBuf struct{ b []byte }

// maxPooledBuf is the largest event buffer kept for reuse.
const maxPooledBuf = 4 << 10

var bufPool = sync.Pool{New: func() any { return &pubBuf{b: make([]byte, 0, 256)} }}

func putBuf(p *pubBuf) {
	if cap(p.b) <= maxPooledBuf {
		p.b = p.b[:0]
		bufPool.Put(p)
	}
}

// Publish queues ev for every other node and returns the sequence number it carries. It never
// blocks: when the publish queue is full the event is dropped and Publish returns ErrQueueFull;
// the dropped event still takes its sequence number, so the other nodes see the gap and resync.
// Encoding errors (ErrInvalidEvent, ErrTooLarge) are returned before a number is taken.
//
// Subscriptions made with IncludeSelf receive ev from Publish itself.
func (b *Bus) Publish(ev Event) (uint64, error) {
	if ev == nil {
		return 0, errorsf(ErrInvalidEvent, "nil event")
	}
	k := ev.Kind()
	if k == 0 || k > KindAppMax {
		return 0, errorsf(ErrInvalidEvent, "kind %d cannot be sent", k)
	}
	buf := bufPool.Get().(*pubBuf)
	body, err := ev.AppendBinary(buf.b[:0])
	if err != nil {
		putBuf(buf)
		return 0, err
	}
	buf.b = body
	if len(body) > MaxEventBytes {
		putBuf(buf)
		return 0, errorsf(ErrTooLarge, "%s event of %d bytes (limit %d)", k, len(body), MaxEventBytes)
	}
	b.pubMu.Lock()
	defer b.pubMu.Unlock()
	if b.closing {
		putBuf(buf)
		return 0, ErrClosed
	}
	b.lastSeq++
	seq := b.lastSeq
	select {
	case b.queue <- pubItem{seq: seq, kind: k, buf: buf}:
		b.stats.published.Add(1)
	default:
		putBuf(buf)
		b.stats.dropped.Add(1)
		err = ErrQueueFull
	}
	for _, s := range *b.subs.Load() {
		if s.self && s.wants(k) {
			s.push(Delivery{From: b.self, Incarnation: b.inc, Seq: seq, Event: ev})
		}
	}
	return seq, err
}

// batcher is the state of the publisher goroutine.
type batcher struct {
	items []pubItem
	raw   []RawEvent
	buf   []byte
	carry pubItem // an item taken from the queue that did not fit the last batch
	has   bool
	size  int // envelope size of items so far
}

// runBatcher is the single long-lived publisher: it takes events from the queue, batches them
// (up to MaxBatchEvents, MaxBatchBytes, or Linger after the first one, whichever comes first,
// and never across a sequence gap), and publishes each batch as one envelope. When idle for
// Heartbeat it publishes an empty envelope carrying the next sequence number.
func (b *Bus) runBatcher() {
	defer close(b.sent)
	var bt batcher
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	var hbC <-chan time.Time
	var hb *time.Timer
	if b.cfg.Heartbeat > 0 {
		hb = time.NewTimer(b.cfg.Heartbeat)
		defer hb.Stop()
		hbC = hb.C
	}
	for {
		var first pubItem
		if bt.has {
			first, bt.has = bt.carry, false
		} else {
			select {
			case first = <-b.queue:
			case <-hbC:
				b.heartbeat(&bt, 0)
				hb.Reset(b.cfg.Heartbeat)
				continue
			case <-b.stop:
				b.leave(&bt)
				return
			}
		}
		bt.start(first, b.self, b.inc)
		stopping := b.collect(&bt, linger)
		b.send(&bt)
		if hb != nil {
			hb.Reset(b.cfg.Heartbeat)
		}
		if stopping {
			b.leave(&bt)
			return
		}
	}
}

func (bt *batcher) start(first pubItem, self NodeID, inc uint64) {
	bt.items = append(bt.items[:0], first)
	// Size with the largest possible count field, so the cut never overshoots.
	bt.size = HeaderSize(Header{From: self, Incarnation: inc, Seq: first.seq}, MaxEnvelopeEvents) +
		EventOverhead(first.kind, len(first.buf.b)) + len(first.buf.b)
}

// collect adds queued items to the batch until a limit, the linger deadline, or a sequence gap.
// With a nil timer (or no linger) it takes only what is already queued. It reports whether
// Close was called meanwhile.
func (b *Bus) collect(bt *batcher, linger *time.Timer) (stopping bool) {
	wait := linger != nil && b.cfg.Linger > 0
	if wait {
		linger.Reset(b.cfg.Linger)
		defer linger.Stop()
	}
	for len(bt.items) < b.cfg.MaxBatchEvents && bt.size < b.cfg.MaxBatchBytes {
		var it pubItem
		if wait {
			select {
			case it = <-b.queue:
			case <-linger.C:
				return false
			case <-b.stop:
				// Closing: finish this batch with what is queued, without waiting.
				stopping, wait = true, false
				continue
			}
		} else {
			select {
			case it = <-b.queue:
			default:
				return stopping
			}
		}
		last := bt.items[len(bt.items)-1]
		add := EventOverhead(it.kind, len(it.buf.b)) + len(it.buf.b)
		if it.seq != last.seq+1 || bt.size+add > b.cfg.MaxBatchBytes {
			bt.carry, bt.has = it, true
			return stopping
		}
		bt.items = append(bt.items, it)
		bt.size += add
	}
	return stopping
}

// send publishes the batch as one envelope and recycles its buffers.
func (b *Bus) send(bt *batcher) {
	bt.raw = bt.raw[:0]
	for _, it := range bt.items {
		bt.raw = append(bt.raw, RawEvent{Kind: it.kind, Body: it.buf.b})
	}
	h := Header{From: b.self, Incarnation: b.inc, Seq: bt.items[0].seq}
	b.publishEnvelope(bt, h, bt.raw)
	for i := range bt.items {
		putBuf(bt.items[i].buf)
		bt.items[i] = pubItem{}
	}
	bt.items = bt.items[:0]
	clear(bt.raw)
}

// heartbeat publishes an empty envelope with the next sequence number, if nothing is queued.
func (b *Bus) heartbeat(bt *batcher, flags uint8) {
	b.pubMu.Lock()
	queued := len(b.queue)
	next := b.lastSeq + 1
	b.pubMu.Unlock()
	if queued > 0 && flags == 0 {
		return
	}
	b.stats.heartbeatsSent.Add(1)
	b.publishEnvelope(bt, Header{Flags: flags, From: b.self, Incarnation: b.inc, Seq: next}, nil)
}

// leave sends what is still queued, then the leave envelope. Publish no longer queues (closing).
func (b *Bus) leave(bt *batcher) {
	for (bt.has || len(b.queue) > 0) && b.ctx.Err() == nil {
		first := bt.carry
		if bt.has {
			bt.has = false
		} else {
			first = <-b.queue
		}
		bt.start(first, b.self, b.inc)
		b.collect(bt, nil)
		b.send(bt)
	}
	if b.ctx.Err() == nil {
		b.heartbeat(bt, FlagLeave)
	}
}

func (b *Bus) publishEnvelope(bt *batcher, h Header, evs []RawEvent) {
	var err error
	bt.buf, err = AppendEnvelope(bt.buf[:0], h, evs)
	if err != nil {
		// Publish checked every event, so this is a bug; the receivers see the gap.
		b.stats.publishErrors.Add(1)
		b.log.Error("cluster: cannot encode envelope", "err", err)
		return
	}
	if err := b.tr.Publish(b.ctx, b.eventKey, bt.buf); err != nil {
		b.stats.publishErrors.Add(1)
		b.log.Warn("cluster: publish failed; receivers will resync", "seq", h.Seq, "events", len(evs), "err", err)
		return
	}
	b.stats.envelopesSent.Add(1)
	b.stats.bytesSent.Add(uint64(len(bt.buf)))
}
