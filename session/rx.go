package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// reasmRetain is the largest reassembly buffer a channel keeps between messages.
const reasmRetain = 2 << 20

// rxChannel is the receive state of one (priority, reliability) channel.
type rxChannel struct {
	sn      snRx
	defrag  []byte    // fragments of the message being reassembled
	partial bool      // a message is being reassembled
	next    uint32    // SN the next fragment of it must carry
	lastAt  time.Time // when its last fragment arrived
}

// rxState is the receive state shared by a transport's links (under Transport.rxMu).
type rxState struct {
	ch    [][2]rxChannel // per priority (one without QoS), per reliability
	iter  wire.BatchIter
	nm    wire.NetworkMessage // a reassembled message
	bytes int                 // bytes held by partial messages, all channels
}

func (r *rxState) init(n int, initial, mask uint32) {
	r.ch = make([][2]rxChannel, n)
	for i := range r.ch {
		for j := range r.ch[i] {
			r.ch[i][j].sn.reset(initial, mask)
		}
	}
}

// errProto builds the error of a peer that broke the protocol: the link is closed with INVALID.
func errProto(format string, args ...any) *CloseError {
	return closeErr(ReasonInvalid, fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...)))
}

// reader reads the batches of one link until it fails, expires or is closed.
//
// The link expires when nothing arrived for the peer's lease. Rather than pushing the read
// deadline back after every batch (a timer change each time), the reader notes when each
// batch came and, when the deadline passes, sets it again from the last batch (see
// extendLease).
func (t *Transport) reader(lk *tlink) {
	defer t.readerDone()
	lk.rxAt = t.now()
	t.armRead(lk)
	for {
		b, err := lk.ReadBatch()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && t.extendLease(lk) {
				continue
			}
			t.linkDown(lk, t.readError(lk, err))
			return
		}
		lk.rxAt = t.now()
		t.stats.rxBatches.Add(1)
		t.stats.rxBytes.Add(uint64(len(b) + StreamPrefixLen))
		t.received()
		if !lk.rxSeen.Load() {
			lk.rxSeen.Store(true)
			t.ctl.Store(true)
			t.kick()
		}
		err = t.handleBatch(lk, b)
		t.flushDeferred(lk.rxAt)
		if err != nil {
			var ce *CloseError
			if errors.As(err, &ce) && !ce.Remote {
				t.stats.errors.Add(1)
				t.log.Debug("session: closing link", "peer", t.info.ZID, "link", lk.RemoteLocator(), "err", err)
				lk.SetWriteDeadline(time.Now().Add(refuseTimeout))
				t.lockWrite()
				_ = writeMsg(lk, &wire.TransportMessage{ID: wire.TransportIDClose, Close: wire.Close{Reason: ce.Reason}})
				t.wmu.Unlock()
			}
			if ce != nil && ce.Remote && ce.Session {
				t.down(err)
			}
			if ce != nil && ce.Remote && !ce.Session {
				t.retiredByPeer(lk, err)
				return
			}
			t.linkDown(lk, err)
			return
		}
	}
}

// retiredByPeer removes a link the peer closed with a link-only Close (a duplicate it
// retired, MAX_LINKS). The peer reads such a link until we close it, so a write in progress
// on it (a batch half written by an inline sender, or several batches in one system call) is
// finished there first: closing the link under that write would lose batches whose SNs are
// already spent, and the peer would skip them (a lost declaration stays lost). The write is
// bounded by closeLinger, after which the peer stops reading anyway.
func (t *Transport) retiredByPeer(lk *tlink, err error) {
	lk.SetWriteDeadline(time.Now().Add(closeLinger))
	t.lockWrite()
	t.linkDown(lk, err)
	t.wmu.Unlock()
}

// extendLease is called when lk's read deadline passed. Unless the link expired (nothing came
// for the peer's lease) or its close linger is over, it sets the deadline again (see
// armRead) and reports true: the reader goes on.
func (t *Transport) extendLease(lk *tlink) bool {
	d := t.leaseEnd(lk)
	if la := lk.lingerAt.Load(); la != 0 {
		if at := time.Unix(0, la); at.Before(d) {
			d = at
		}
	}
	if !time.Now().Before(d) {
		return false
	}
	t.armRead(lk)
	return true
}

// armRead sets lk's read deadline to the peer's lease after its last batch, or to the end of
// its close linger if that comes first. sendClose sets lingerAt, then the deadline: reading
// lingerAt after setting ours, either we see it or its deadline comes after ours.
func (t *Transport) armRead(lk *tlink) {
	d := t.leaseEnd(lk)
	lk.SetReadDeadline(d)
	if la := lk.lingerAt.Load(); la != 0 && la < d.UnixNano() {
		lk.SetReadDeadline(time.Unix(0, la))
	}
}

// leaseEnd is when lk expires unless something comes: the peer's lease after its last batch.
func (t *Transport) leaseEnd(lk *tlink) time.Time {
	return t.epoch.Add(time.Duration(lk.rxAt) + lk.peerLease)
}

// readError classifies the error that ended a link's reads.
func (t *Transport) readError(lk *tlink, err error) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) && lk.lingerAt.Load() != 0:
		return fmt.Errorf("%w: peer did not close within %v of our Close", ErrClosed, closeLinger)
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.stats.errors.Add(1)
		return fmt.Errorf("%w: nothing from %s for %v", ErrLeaseExpired, lk.RemoteLocator(), lk.peerLease)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: link closed by peer: %w", ErrClosed, err)
	}
	if t.state.Load() == stateUp && !lk.down.Load() {
		t.stats.errors.Add(1)
	}
	return err
}

// handleBatch processes one received batch, as Rust's read_messages does: Frames (their
// network messages delivered in order unless the Frame's SN is old), Fragments, KeepAlive,
// Close. A received Close comes back as a remote *CloseError; a protocol violation as a local one.
func (t *Transport) handleBatch(lk *tlink, b []byte) error {
	t.rxMu.Lock()
	defer t.rxMu.Unlock()
	defer t.rxCond.Broadcast()
	t.rxG.Store(getg())
	n, err := t.walkBatch(lk, b)
	t.rxG.Store(0)
	t.stats.rxMessages.Add(n) // counted once per batch
	if t.be != nil {
		t.be.EndBatch()
	}
	return err
}

// walkBatch is handleBatch with rxMu held; it returns how many network messages it delivered.
// (It has no defer, so that handleBatch's few are cheap.)
func (t *Transport) walkBatch(lk *tlink, b []byte) (n uint64, err error) {
	if limit := t.rxLimit(lk); len(b)+StreamPrefixLen > limit {
		return 0, errProto("batch of %d bytes above the negotiated %d", len(b)+StreamPrefixLen, limit)
	}
	rx := &t.rx
	if rx.bytes > 0 {
		t.expireReassembly(time.Now())
	}
	it := &rx.iter
	if lk != nil {
		it = &lk.iter
	}
	it.Reset(b)
	drop := false
	var rel wire.Reliability
	for k := it.Next(); k != wire.BatchDone; k = it.Next() {
		switch k {
		case wire.BatchFrame:
			fh := it.FrameHeader()
			ch, err := t.channel(fh.QoS, fh.Reliability, fh.SN)
			if err != nil {
				return n, err
			}
			rel = fh.Reliability
			t.waitTurn(lk, ch, fh.SN)
			drop = !ch.sn.accept(fh.SN, t.mask)
			if drop {
				t.stats.rxDuplicates.Add(1)
			}
		case wire.BatchNetwork:
			if !drop {
				n++
				t.h.HandleNetwork(it.Network(), rel)
			}
		case wire.BatchTransport:
			m := it.Transport()
			switch m.ID {
			case wire.TransportIDFragment:
				if err := t.handleFragment(lk, &m.Fragment); err != nil {
					return n, err
				}
			case wire.TransportIDKeepAlive:
				t.stats.rxKeepAlives.Add(1)
			case wire.TransportIDClose:
				return n, &CloseError{Reason: m.Close.Reason, Remote: true, Session: m.Close.Session}
			default:
				t.stats.rxIgnored.Add(1)
			}
		}
	}
	if err := it.Err(); err != nil {
		return n, errProto("%v", err)
	}
	return n, nil
}

// rxLimit is the largest batch the peer may send on lk.
func (t *Transport) rxLimit(lk *tlink) int {
	if lk == nil {
		return t.info.BatchSize
	}
	return lk.batch
}

// channel returns the receive channel of a Frame or Fragment, checking its priority against
// the negotiated QoS and its SN against the resolution (Rust closes the link on either).
func (t *Transport) channel(q wire.TransportQoS, rel wire.Reliability, sn uint32) (*rxChannel, error) {
	if sn&^t.mask != 0 {
		return nil, errProto("SN %#x outside the %d-bit resolution (mask %#x)", sn, resolutionBits(uint8(t.info.Resolution.FrameSN())), t.mask)
	}
	p := 0
	if t.info.QoS {
		p = int(q.Priority())
	} else if q.Priority() != wire.PriorityData {
		return nil, errProto("priority %v on a transport without QoS", q.Priority())
	}
	return &t.rx.ch[p][rel&wire.Reliable], nil
}

// handleFragment adds a Fragment to its channel's reassembly and delivers the message when
// complete. As in Rust, a gap, a missing First marker (patch 1) or a message that fails to
// decode drops the partial message and keeps the link; unlike Rust, a message above
// RxMaxMessageSize, or partial messages above RxMaxReassembly in all, close the link.
func (t *Transport) handleFragment(lk *tlink, f *wire.Fragment) error {
	ch, err := t.channel(f.QoS, f.Reliability, f.SN)
	if err != nil {
		return err
	}
	t.waitTurn(lk, ch, f.SN)
	if !ch.sn.accept(f.SN, t.mask) {
		t.stats.rxDuplicates.Add(1)
		return nil
	}
	t.stats.rxFragments.Add(1)
	now := time.Now()
	if ch.partial && now.Sub(ch.lastAt) > t.cfg.reassemblyTimeout(t.info.Lease) {
		t.dropPartial(ch)
	}
	if t.info.Patch >= 1 {
		if f.First {
			t.dropPartial(ch)
		} else if !ch.partial {
			t.stats.rxReassembly.Add(1)
			return nil
		}
		if f.Drop {
			t.dropPartial(ch)
			return nil
		}
	}
	if !ch.partial {
		ch.partial, ch.next = true, f.SN
	} else if f.SN != ch.next {
		t.dropPartial(ch)
		return nil
	}
	n := len(ch.defrag) + len(f.Payload)
	if n > t.cfg.RxMaxMessageSize {
		return errProto("fragmented message above %d bytes", t.cfg.RxMaxMessageSize)
	}
	if t.rx.bytes+len(f.Payload) > t.cfg.RxMaxReassembly {
		return errProto("partial messages above %d bytes", t.cfg.RxMaxReassembly)
	}
	ch.defrag = append(ch.defrag, f.Payload...)
	t.rx.bytes += len(f.Payload)
	ch.next = (f.SN + 1) & t.mask
	ch.lastAt = now
	if f.More {
		return nil
	}
	nm := &t.rx.nm
	k, err := nm.Decode(ch.defrag)
	if err != nil || k != len(ch.defrag) {
		t.dropPartial(ch)
		nm.Reset()
		return nil
	}
	t.stats.rxMessages.Add(1)
	t.h.HandleNetwork(nm, f.Reliability)
	nm.Reset()
	t.clearPartial(ch)
	return nil
}

// dropPartial discards a channel's partial message, counting it.
func (t *Transport) dropPartial(ch *rxChannel) {
	if ch.partial {
		t.stats.rxReassembly.Add(1)
	}
	t.clearPartial(ch)
}

func (t *Transport) clearPartial(ch *rxChannel) {
	t.rx.bytes -= len(ch.defrag)
	ch.partial = false
	if cap(ch.defrag) > reasmRetain {
		ch.defrag = nil
	} else {
		ch.defrag = ch.defrag[:0]
	}
}

// expireReassembly drops partial messages whose last fragment is older than the deadline.
func (t *Transport) expireReassembly(now time.Time) {
	limit := t.cfg.reassemblyTimeout(t.info.Lease)
	for i := range t.rx.ch {
		for j := range t.rx.ch[i] {
			ch := &t.rx.ch[i][j]
			if ch.partial && now.Sub(ch.lastAt) > limit {
				t.dropPartial(ch)
			}
		}
	}
}
