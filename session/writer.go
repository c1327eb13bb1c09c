package session

import (
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// writer is the transport's writer to its links (besides the inline writes of senders, see
// inline.go): it writes batches as the queues offer them, sends keep-alives on links idle for
// the keep-alive interval, retires duplicate links, and performs the graceful close. When the
// transport is down it waits for the readers and reports TransportDown.
func (t *Transport) writer() {
	ka := t.cfg.keepAliveInterval()
	timer := time.NewTimer(ka)
	closeSent := false
	var gather [gatherMax]*txBatch
	var bufs [gatherMax][]byte
	// Batch linger (Config.BatchLinger): streaming is set while the writer has not gone idle
	// since its last write (messages keep arriving while it writes: a stream under
	// back-pressure, where Zenoh holds messages for batching); lingerEnd, when not zero, is
	// when the partial batch left to fill must go.
	var streaming bool
	var lingerEnd time.Time
	var lingerTimer *time.Timer
	var lingerC <-chan time.Time
	if t.cfg.BatchLinger > 0 {
		lingerTimer = time.NewTimer(time.Hour)
		lingerTimer.Stop()
		defer lingerTimer.Stop()
	}
loop:
	for {
		if t.ctl.Load() {
			t.ctl.Store(false)
			closeSent = t.control(closeSent)
		}
		if t.pending.Load() {
			t.lockWrite()
			t.wmu.Unlock()
		}
		if !t.holdTx() {
			linger := streaming && (lingerEnd.IsZero() || time.Now().Before(lingerEnd))
			if bs := t.nextBatches(gather[:0], linger); len(bs) > 0 {
				t.lockWrite()
				t.writeBatches(bs, bufs[:0])
				t.wmu.Unlock()
				clear(gather[:])
				streaming, lingerEnd, lingerC = lingerTimer != nil, time.Time{}, nil
				select {
				case <-timer.C:
					t.keepAlives(timer, ka)
				default:
				}
				continue
			}
			switch {
			case !linger || !t.isLingering():
				streaming = false // idle: the next message goes at once
			case lingerEnd.IsZero():
				lingerEnd = time.Now().Add(t.cfg.BatchLinger)
				lingerTimer.Reset(t.cfg.BatchLinger)
				lingerC = lingerTimer.C
			}
		}
		select {
		case <-t.notify:
		case <-lingerC:
			lingerC = nil
		case <-timer.C:
			t.keepAlives(timer, ka)
		case <-t.quit:
			break loop
		}
	}
	timer.Stop()
	t.waitReaders()
	if t.h != nil {
		t.h.TransportDown(t.err)
	}
	if t.owner != nil {
		t.owner.transportGone(t, t.err)
	}
	close(t.done)
}

// holdTx reports whether our batches wait: the link they go on was retired (its Close is
// sent) and is not gone yet. The peer reads a link's batches in order but two links in
// parallel, so the batches after the Close go on the next link only once the peer closed the
// retired one (it read all of it) or its reader gave up (closeLinger); linkDown then moves
// tx to the preferred link and wakes the writer.
func (t *Transport) holdTx() bool {
	lk := t.tx.Load()
	return lk != nil && lk.retired.Load() && !lk.down.Load()
}

// awaitTx waits, bounded by deadline, until holdTx is over. It is called by the writer.
func (t *Transport) awaitTx(deadline time.Time) {
	if !t.holdTx() {
		return
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for t.holdTx() {
		select {
		case <-t.notify:
		case <-timer.C:
			return
		case <-t.quit:
			return
		}
	}
}

// writeBatch writes b on the tx link, with wmu held; when that link fails it is dropped and b
// goes on the link that takes over, if any. A batch built before a link with a smaller batch
// size was attached goes on another link that takes it, or is dropped (the peer sees an SN
// gap).
func (t *Transport) writeBatch(b *txBatch) {
	buf := b.bytes()
	for range 2 {
		lk := t.tx.Load()
		if lk == nil || t.state.Load() == stateDown {
			break
		}
		if len(buf) > lk.batch {
			if lk = t.linkFor(len(buf)); lk == nil {
				t.stats.txDropped.Add(1)
				break
			}
		}
		t.writing()
		if err := lk.WriteBatch(buf); err != nil {
			t.stats.errors.Add(1)
			t.linkDown(lk, err)
			continue
		}
		lk.lastTx = t.now()
		t.txAt.Store(lk.lastTx)
		t.stats.txBatches.Add(1)
		t.stats.txBytes.Add(uint64(len(buf)))
		break
	}
	t.release(b)
}

// batchesWriter is a Link that can write several batches in one system call.
type batchesWriter interface {
	// WriteBatches writes each buffer as WriteBatch would, in order, as one write.
	WriteBatches(bufs [][]byte) error
}

// writeBatches writes bs, in one call when the tx link can and all fit it, else one by one,
// with wmu held.
func (t *Transport) writeBatches(bs []*txBatch, bufs [][]byte) {
	lk := t.tx.Load()
	var bw batchesWriter
	ok := false
	if lk != nil {
		bw, ok = lk.Link.(batchesWriter)
	}
	if !ok || len(bs) == 1 || t.state.Load() == stateDown {
		for _, b := range bs {
			t.writeBatch(b)
		}
		return
	}
	n := 0
	for _, b := range bs {
		buf := b.bytes()
		if len(buf) > lk.batch {
			for _, b := range bs {
				t.writeBatch(b)
			}
			return
		}
		bufs = append(bufs, buf)
		n += len(buf)
	}
	t.writing()
	if err := bw.WriteBatches(bufs); err != nil {
		t.stats.errors.Add(1)
		t.linkDown(lk, err)
		// The batches may be partly written: they are lost, as on any failed link.
		t.stats.txDropped.Add(uint64(len(bs)))
	} else {
		lk.lastTx = t.now()
		t.txAt.Store(lk.lastTx)
		t.stats.txBatches.Add(uint64(len(bs)))
		t.stats.txBytes.Add(uint64(n))
	}
	clear(bufs)
	for _, b := range bs {
		t.release(b)
	}
}

// linkFor returns a link whose batch size allows n bytes.
func (t *Transport) linkFor(n int) *tlink {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, lk := range t.links {
		if lk.batch >= n && !lk.retired.Load() {
			return lk
		}
	}
	return nil
}

// keepAlives sends a KeepAlive on every link that sent nothing for ka, and re-arms timer for
// the next link to fall due.
func (t *Transport) keepAlives(timer *time.Timer, ka time.Duration) {
	t.mu.Lock()
	t.kaLinks = append(t.kaLinks[:0], t.links...)
	links := t.kaLinks
	t.mu.Unlock()
	defer clear(links)
	t.lockWrite()
	defer t.wmu.Unlock()
	now := t.now()
	next := ka
	for _, lk := range links {
		if lk.retired.Load() {
			continue
		}
		if idle := time.Duration(now - lk.lastTx); idle < ka {
			next = min(next, ka-idle)
			continue
		}
		if err := lk.WriteBatch(t.kaBuf); err != nil {
			t.stats.errors.Add(1)
			t.linkDown(lk, err)
			continue
		}
		lk.lastTx = now
		t.stats.txKeepAlives.Add(1)
		t.stats.txBatches.Add(1)
		t.stats.txBytes.Add(uint64(len(t.kaBuf)))
	}
	timer.Reset(next)
}

// control does the writer's control work: the graceful close, and retiring duplicate links
// once the preferred link has shown that the peer uses it. It returns whether the Close was
// sent.
func (t *Transport) control(closeSent bool) bool {
	if t.state.Load() == stateClosing && !closeSent {
		t.gracefulClose()
		return true
	}
	t.mu.Lock()
	if len(t.links) < 2 || !t.links[0].rxSeen.Load() {
		t.mu.Unlock()
		return closeSent
	}
	var retire []*tlink
	for _, lk := range t.links[1:] {
		if lk.retire && !lk.retired.Load() {
			retire = append(retire, lk)
		}
	}
	t.mu.Unlock()
	for _, lk := range retire {
		t.log.Debug("session: retiring duplicate link", "peer", t.info.ZID, "link", lk.RemoteLocator())
		if lk == t.tx.Load() {
			// What is queued now still goes on it, before its Close.
			var gather [gatherMax]*txBatch
			if bs := t.nextBatches(gather[:0], false); len(bs) > 0 {
				t.lockWrite()
				t.writeBatches(bs, nil)
				t.wmu.Unlock()
			}
		}
		t.sendClose(lk, wire.Close{Reason: ReasonMaxLinks})
	}
	return closeSent
}

// gracefulClose flushes the queues on the tx link, then sends Close (the whole session) on
// every link and lets the readers drain until the peer closes or closeLinger passes.
func (t *Transport) gracefulClose() {
	deadline := time.Now().Add(closeLinger)
	t.awaitTx(deadline)
	if lk := t.tx.Load(); lk != nil {
		lk.SetWriteDeadline(deadline)
	}
	var gather [gatherMax]*txBatch
	t.lockWrite()
	for bs := t.nextBatches(gather[:0], false); len(bs) > 0; bs = t.nextBatches(gather[:0], false) {
		t.writeBatches(bs, nil)
	}
	t.wmu.Unlock()
	t.mu.Lock()
	links := append([]*tlink(nil), t.links...)
	reason := t.closeReason
	t.mu.Unlock()
	for _, lk := range links {
		t.sendClose(lk, wire.Close{Reason: reason, Session: true})
	}
}

// sendClose writes a Close on lk, ends its sending side and makes its reader give up
// closeLinger later unless the peer closes first.
func (t *Transport) sendClose(lk *tlink, c wire.Close) {
	at := time.Now().Add(closeLinger)
	t.lockWrite()
	lk.retired.Store(true)
	lk.SetWriteDeadline(at)
	_ = writeMsg(lk, &wire.TransportMessage{ID: wire.TransportIDClose, Close: c})
	lk.CloseWrite()
	t.wmu.Unlock()
	lk.lingerAt.Store(at.UnixNano())
	lk.SetReadDeadline(at)
}
