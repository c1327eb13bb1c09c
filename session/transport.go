package session

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// closeLinger bounds how long a link that sent its Close keeps reading what the peer sent
// before it processed that Close, and how long a graceful close spends flushing.
const closeLinger = time.Second

// Transport states.
const (
	stateUp int32 = iota
	stateClosing
	stateDown
)

// Transport is an established unicast transport with one peer. It normally runs on one link;
// while two links to the same peer are being reconciled (simultaneous dial) it holds the
// winner as its active link and drains the other before closing it.
type Transport struct {
	cfg   *Config
	log   *slog.Logger
	info  PeerInfo
	mask  uint32
	owner transportOwner
	h     PeerHandler
	be    BatchEnder // h, if it is one
	stats counters
	ourSN uint32

	// TX: see tx.go and writer.go.
	txMu    sync.Mutex
	queues  []txQueue
	txSize  int           // batch size of new batches: the smallest of the links' (under txMu)
	notify  chan struct{} // wakes the writer; capacity 1
	waiting bool          // the writer sleeps on notify and holds no batch (under txMu)
	// lingering: the writer sleeps leaving a partial batch to fill (see Config.BatchLinger);
	// a batch becoming ready, or a sender waiting for one, wakes it (under txMu).
	lingering bool
	kaBuf     []byte
	kaLinks   []*tlink // the writer's scratch for keepAlives
	// wmu is the write side of the links: whoever writes to a link holds it (the writer, or a
	// sender writing its batch inline, see inline.go), so batches never interleave and go
	// out in SN order. A batch an inline write could not finish waits in pend, and whoever
	// takes wmu next writes the rest of it first.
	wmu     sync.Mutex
	pend    txPending    // under wmu
	pending atomic.Bool  // pend holds a batch
	epoch   time.Time    // origin of the t.now clock
	txAt    atomic.Int64 // t.now when the last write to a link ended, or a sender saw a burst
	txCost  atomic.Int64 // how long inline writes take (moving average, ns; under wmu)
	rxSince atomic.Bool  // a batch arrived since the last write to a link began
	// rxG is getg() of the reader handling a batch, 0 when none is: its own sends wait for
	// the batch's end (see deferSend). deferred has a bit for each queue holding such a
	// send (changed under txMu; the reader reads it without), deferredSeal one for each that
	// must be sealed (express; under txMu).
	rxG          atomic.Uintptr
	deferred     atomic.Uint32
	deferredSeal uint32

	// Links and lifecycle.
	mu     sync.Mutex
	links  []*tlink              // links[0] is the preferred one (the winner of a simultaneous dial)
	active atomic.Pointer[tlink] // links[0]
	// tx is the link our batches go on: links[0], or, after a winner was attached, the old
	// link until it is retired and gone (see holdTx), so the peer reads every frame of the
	// old link before the first one on the new link.
	tx          atomic.Pointer[tlink]
	state       atomic.Int32
	closeReason CloseReason
	started     bool        // start ran: readers run for every link (under mu)
	ctl         atomic.Bool // the writer has control work (retire a link, close)
	err         error       // why the transport went down
	quit        chan struct{}
	done        chan struct{}
	readers     int           // reader goroutines running (under mu)
	readersGone chan struct{} // closed when the last reader of a down transport returned
	writerDone  chan struct{}

	// RX: see rx.go.
	rxMu   sync.Mutex
	rxCond sync.Cond // on rxMu: a channel's SN moved or a link went (see waitTurn)
	rx     rxState
}

// transportOwner is told when a transport is gone (the Manager, or a test).
type transportOwner interface {
	transportGone(t *Transport, err error)
}

// tlink is one link of a transport.
type tlink struct {
	Link
	t         *Transport
	outbound  bool
	peerLease time.Duration
	batch     int          // negotiated batch size of this link
	tw        tryWriter    // the link's non-blocking write, or nil
	lastTx    int64        // under t.wmu: when a batch last went out on it (t.now clock)
	rxSeen    atomic.Bool  // a batch arrived on it
	rxAt      int64        // its reader's: when its last batch (or the link) came, t.now clock
	retire    bool         // under t.mu: close it once the preferred link shows the peer uses it
	retired   atomic.Bool  // its Close was sent
	lingerAt  atomic.Int64 // UNIX nanoseconds after which its reader gives up; 0 when not lingering
	down      atomic.Bool
	iter      wire.BatchIter // its reader's batch iterator (under t.rxMu)
}

// newTransport builds a transport on its first link; start launches it.
func newTransport(cfg *Config, log *slog.Logger, r *hsResult, owner transportOwner) *Transport {
	t := &Transport{
		cfg:         cfg,
		log:         log,
		info:        r.PeerInfo,
		mask:        r.snMask(),
		owner:       owner,
		ourSN:       r.ourSN,
		notify:      make(chan struct{}, 1),
		kaBuf:       []byte{0, 0, byte(wire.TransportIDKeepAlive)},
		quit:        make(chan struct{}),
		done:        make(chan struct{}),
		readersGone: make(chan struct{}),
		writerDone:  make(chan struct{}),
		epoch:       time.Now(),
	}
	t.txAt.Store(-int64(inlineIdle))
	n := 1
	if r.QoS {
		n = wire.NumPriorities
	}
	t.queues = make([]txQueue, n)
	for i := range t.queues {
		q := &t.queues[i]
		q.free = make(chan *txBatch, cfg.QueueSize)
		q.sn = [2]uint32{r.ourSN, r.ourSN}
		q.idx = i
	}
	t.rx.init(n, r.peerSN, t.mask)
	t.rxCond.L = &t.rxMu
	t.txSize = r.BatchSize
	lk := newTLink(t, r)
	t.links = []*tlink{lk}
	t.active.Store(lk)
	t.tx.Store(lk)
	t.stats.linksAttached.Add(1)
	return t
}

func newTLink(t *Transport, r *hsResult) *tlink {
	lk := &tlink{Link: r.link, t: t, outbound: r.outbound, peerLease: r.Lease, batch: r.BatchSize, lastTx: t.now()}
	lk.tw, _ = r.link.(tryWriter)
	return lk
}

// start runs the writer and the readers, after the handler is known. Links attached before
// start get their reader here; later ones get it when attached.
func (t *Transport) start(h PeerHandler) {
	t.h = h
	t.be, _ = h.(BatchEnder)
	t.mu.Lock()
	t.started = true
	for _, lk := range t.links {
		t.startReader(lk)
	}
	t.mu.Unlock()
	go t.writer()
}

// startReader runs lk's reader, unless the transport is down: once down has begun, no reader
// starts, so the count the writer waits for only goes down. Called with t.mu held.
func (t *Transport) startReader(lk *tlink) bool {
	if t.state.Load() == stateDown {
		return false
	}
	t.readers++
	go t.reader(lk)
	return true
}

// readerDone is the last thing a reader does.
func (t *Transport) readerDone() {
	t.mu.Lock()
	t.readers--
	if t.readers == 0 && t.state.Load() == stateDown {
		close(t.readersGone)
	}
	t.mu.Unlock()
}

// waitReaders waits until every reader returned; the transport is down.
func (t *Transport) waitReaders() {
	t.mu.Lock()
	n := t.readers
	t.mu.Unlock()
	if n > 0 {
		<-t.readersGone
	}
}

// Info returns what was negotiated with the peer.
func (t *Transport) Info() PeerInfo { return t.info }

// ZID returns the peer's ZenohID.
func (t *Transport) ZID() wire.ZenohID { return t.info.ZID }

// Stats returns a snapshot of the transport's counters.
func (t *Transport) Stats() Stats {
	s := t.stats.snapshot()
	t.txMu.Lock()
	for i := range t.queues {
		s.TxMessages += t.queues[i].msgs
	}
	t.txMu.Unlock()
	return s
}

// LinkInfo describes one link of a transport.
type LinkInfo struct {
	Local, Remote string
	Outbound      bool // we dialled it
	Active        bool // it carries our traffic
	BatchSize     int  // negotiated on this link
}

// Links describes the transport's links, the preferred one first.
func (t *Transport) Links() []LinkInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]LinkInfo, 0, len(t.links))
	tx := t.tx.Load()
	for _, lk := range t.links {
		out = append(out, LinkInfo{Local: lk.LocalLocator(), Remote: lk.RemoteLocator(), Outbound: lk.outbound, Active: lk == tx, BatchSize: lk.batch})
	}
	return out
}

// Done is closed when the transport is gone and its TransportDown has returned.
func (t *Transport) Done() <-chan struct{} { return t.done }

// Err returns why the transport went down (nil while it is up).
func (t *Transport) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Close closes the transport gracefully: it flushes what is queued, sends Close (GENERIC, the
// whole session), waits up to a second for the peer to close its end, and releases the links
// and goroutines before returning. It must not be called from the transport's own
// PeerHandler methods (use CloseWith there).
func (t *Transport) Close() error {
	t.CloseWith(ReasonGeneric)
	<-t.done
	return nil
}

// CloseWith starts a graceful close with reason and returns at once.
func (t *Transport) CloseWith(reason CloseReason) {
	t.mu.Lock()
	if t.state.Load() != stateUp {
		t.mu.Unlock()
		return
	}
	t.state.Store(stateClosing)
	t.closeReason = reason
	t.mu.Unlock()
	t.ctl.Store(true)
	t.kick()
}

// Abort closes the transport at once: queued messages are lost and no Close is sent.
func (t *Transport) Abort() { t.down(fmt.Errorf("%w: transport aborted", ErrClosed)) }

// down ends the transport: it closes every link, stops the writer, and lets the writer
// goroutine report TransportDown once the readers are gone.
func (t *Transport) down(err error) {
	t.mu.Lock()
	if t.state.Load() == stateDown {
		t.mu.Unlock()
		return
	}
	t.state.Store(stateDown)
	t.err = err
	links := t.links
	t.mu.Unlock()
	t.wakeRx()
	close(t.quit)
	for _, lk := range links {
		lk.Close()
	}
	t.log.Debug("session: transport down", "peer", t.info.ZID, "err", err)
}

// linkDown removes a link after its reader stopped or a write failed. The transport goes down
// with its last link; an active link that goes is replaced by the other one.
func (t *Transport) linkDown(lk *tlink, err error) {
	if lk.down.Swap(true) {
		return
	}
	t.wakeRx()
	lk.Close()
	t.mu.Lock()
	if t.state.Load() == stateDown {
		t.mu.Unlock()
		return
	}
	i := 0
	for i < len(t.links) && t.links[i] != lk {
		i++
	}
	if i == len(t.links) {
		t.mu.Unlock()
		return
	}
	t.links = append(t.links[:i:i], t.links[i+1:]...)
	if len(t.links) == 0 {
		closing := t.state.Load() == stateClosing
		reason := t.closeReason
		t.mu.Unlock()
		if closing {
			err = &CloseError{Reason: reason, Session: true, Err: ErrClosed}
		}
		t.down(err)
		return
	}
	if i == 0 {
		t.links[0].retire = false
		t.active.Store(t.links[0])
		t.log.Debug("session: preferred link lost, another takes over", "peer", t.info.ZID, "err", err)
	}
	if t.tx.Load() == lk {
		// Our batches move to the preferred link: after a retired link, once the peer closed
		// it (it read everything we sent on it) or closeLinger passed.
		t.tx.Store(t.links[0])
	}
	t.mu.Unlock()
	if lk.retired.Load() {
		t.stats.linksRetired.Add(1)
	}
	t.kick()
}

// attach adds a second link to the transport. A winner becomes the preferred link and the
// old one is retired (closed with MAX_LINKS) as soon as the peer is known to use the winner:
// evidence says that is already so (we opened the winner and got its OpenAck). Our batches
// stay on the old link until it is retired and the peer closed it (see holdTx), so no frame
// of ours is read on the winner before the frames before it on the old link. A loser is kept
// only until the preferred link shows that the peer uses it. attach fails when the transport
// is no longer up (closing or down): no reader starts once a close began. openAck, when not
// nil, completes the handshake of an inbound link: it runs while the link is added, so that
// no batch of ours precedes it and the peer cannot see it (and retire the old link) before
// the new one is part of the transport.
func (t *Transport) attach(r *hsResult, winner, evidence bool, openAck func() error) error {
	lk := newTLink(t, r)
	t.txMu.Lock()
	t.txSize = min(t.txSize, r.BatchSize)
	t.txMu.Unlock()
	if evidence {
		lk.rxSeen.Store(true)
	}
	t.mu.Lock()
	if t.state.Load() != stateUp {
		t.mu.Unlock()
		return fmt.Errorf("%w: transport to %s went down during the handshake", ErrClosed, t.info.ZID)
	}
	if openAck != nil {
		if err := openAck(); err != nil {
			t.mu.Unlock()
			return err
		}
	}
	if winner {
		for _, o := range t.links {
			o.retire = true
		}
		t.links = append([]*tlink{lk}, t.links...)
		t.active.Store(lk)
	} else {
		lk.retire = true
		t.links = append(t.links, lk)
	}
	if t.started {
		t.startReader(lk)
	}
	t.mu.Unlock()
	t.stats.linksAttached.Add(1)
	t.ctl.Store(true)
	t.kick()
	return nil
}

// linkCount returns the number of links.
func (t *Transport) linkCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.links)
}

// up reports whether the transport accepts messages.
func (t *Transport) up() bool { return t.state.Load() == stateUp }
