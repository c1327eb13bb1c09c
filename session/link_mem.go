package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// memQueueLen is how many batches an in-memory link buffers in each direction before a writer
// blocks, standing in for socket buffers.
const memQueueLen = 64

// MemPipe returns the two ends of an in-memory link carrying batches of at most mtu bytes.
// It needs no socket and blocks only on channels and timers, so tests can run it inside a
// testing/synctest bubble with exact, fake time.
func MemPipe(aLocator, bLocator string, mtu int) (Link, Link) {
	ab := newMemDir()
	ba := newMemDir()
	a := &memLink{in: ba, out: ab, local: aLocator, remote: bLocator, mtu: mtu, closed: make(chan struct{})}
	b := &memLink{in: ab, out: ba, local: bLocator, remote: aLocator, mtu: mtu, closed: make(chan struct{})}
	a.rdl.init()
	a.wdl.init()
	b.rdl.init()
	b.wdl.init()
	return a, b
}

// memDir is one direction of a pipe.
type memDir struct {
	ch   chan []byte
	eof  chan struct{} // closed when the writing end is done
	once sync.Once
}

func newMemDir() *memDir {
	return &memDir{ch: make(chan []byte, memQueueLen), eof: make(chan struct{})}
}

func (d *memDir) end() { d.once.Do(func() { close(d.eof) }) }

type memLink struct {
	in, out       *memDir
	local, remote string
	mtu           int
	rdl, wdl      memDeadline
	closed        chan struct{}
	once          sync.Once
}

// memDeadline is a settable deadline whose timer is reused, so waiting on it does not allocate.
type memDeadline struct {
	mu      sync.Mutex
	t       time.Time
	changed chan struct{}
	timer   *time.Timer
}

func (d *memDeadline) init() {
	d.changed = make(chan struct{}, 1)
	d.timer = time.NewTimer(time.Hour)
	d.timer.Stop()
}

func (d *memDeadline) set(t time.Time) {
	d.mu.Lock()
	d.t = t
	d.mu.Unlock()
	select {
	case d.changed <- struct{}{}:
	default:
	}
}

// arm starts the timer for the current deadline; it reports false when it has already passed.
func (d *memDeadline) arm() bool {
	d.mu.Lock()
	t := d.t
	d.mu.Unlock()
	if t.IsZero() {
		d.timer.Stop()
		return true
	}
	w := time.Until(t)
	if w <= 0 {
		return false
	}
	d.timer.Reset(w)
	return true
}

func (l *memLink) ReadBatch() ([]byte, error) {
	for {
		if !l.rdl.arm() {
			return nil, os.ErrDeadlineExceeded
		}
		select {
		case b := <-l.in.ch:
			l.rdl.timer.Stop()
			return b, nil
		case <-l.in.eof:
			l.rdl.timer.Stop()
			select {
			case b := <-l.in.ch:
				return b, nil
			default:
				return nil, io.EOF
			}
		case <-l.closed:
			l.rdl.timer.Stop()
			return nil, fmt.Errorf("%w: read on closed link", ErrClosed)
		case <-l.rdl.timer.C:
			return nil, os.ErrDeadlineExceeded
		case <-l.rdl.changed:
		}
	}
}

func (l *memLink) WriteBatch(buf []byte) error {
	if len(buf) < LinkHeadroom || len(buf)-LinkHeadroom > l.mtu {
		return fmt.Errorf("%w: batch of %d bytes on a link of MTU %d", ErrTooLarge, len(buf)-LinkHeadroom, l.mtu)
	}
	b := append([]byte(nil), buf[LinkHeadroom:]...)
	for {
		select {
		case <-l.closed:
			return fmt.Errorf("%w: write on closed link", ErrClosed)
		case <-l.out.eof:
			return fmt.Errorf("%w: write after CloseWrite", ErrClosed)
		default:
		}
		if !l.wdl.arm() {
			return os.ErrDeadlineExceeded
		}
		select {
		case l.out.ch <- b:
			l.wdl.timer.Stop()
			return nil
		case <-l.closed:
			l.wdl.timer.Stop()
			return fmt.Errorf("%w: write on closed link", ErrClosed)
		case <-l.out.eof:
			l.wdl.timer.Stop()
			return fmt.Errorf("%w: write after CloseWrite", ErrClosed)
		case <-l.wdl.timer.C:
			return os.ErrDeadlineExceeded
		case <-l.wdl.changed:
		}
	}
}

// tryWriteBatch writes the batch if the pipe has room for it now, else nothing.
func (l *memLink) tryWriteBatch(buf []byte) (int, error) {
	if len(buf) < LinkHeadroom || len(buf)-LinkHeadroom > l.mtu {
		return 0, fmt.Errorf("%w: batch of %d bytes on a link of MTU %d", ErrTooLarge, len(buf)-LinkHeadroom, l.mtu)
	}
	select {
	case <-l.closed:
		return 0, fmt.Errorf("%w: write on closed link", ErrClosed)
	case <-l.out.eof:
		return 0, fmt.Errorf("%w: write after CloseWrite", ErrClosed)
	default:
	}
	l.wdl.mu.Lock()
	expired := !l.wdl.t.IsZero() && !time.Now().Before(l.wdl.t)
	l.wdl.mu.Unlock()
	if expired {
		return 0, os.ErrDeadlineExceeded
	}
	select {
	case l.out.ch <- append([]byte(nil), buf[LinkHeadroom:]...):
		return len(buf), nil
	default:
		return 0, nil
	}
}

// writeRest writes a batch tryWriteBatch did not take (a pipe takes a batch whole or not at all).
func (l *memLink) writeRest(buf []byte, off int) error {
	if off != 0 {
		return fmt.Errorf("%w: memLink wrote %d bytes of a batch", ErrClosed, off)
	}
	return l.WriteBatch(buf)
}

func (l *memLink) SetReadDeadline(t time.Time) error  { l.rdl.set(t); return nil }
func (l *memLink) SetWriteDeadline(t time.Time) error { l.wdl.set(t); return nil }
func (l *memLink) CloseWrite() error                  { l.out.end(); return nil }
func (l *memLink) LocalLocator() string               { return l.local }
func (l *memLink) RemoteLocator() string              { return l.remote }
func (l *memLink) MTU() int                           { return l.mtu }

// Close ends both directions: the peer reads io.EOF after what was already written.
func (l *memLink) Close() error {
	l.once.Do(func() {
		close(l.closed)
		l.out.end()
		l.in.end()
	})
	return nil
}

// MemNetwork is an in-memory Protocol ("mem"): listeners are named by address, Dial connects to
// them with MemPipe. Register it with Manager.RegisterProtocol to test managers without sockets.
type MemNetwork struct {
	mu        sync.Mutex
	listeners map[string]*memListener
	n         int
	// MTU is the MTU of the links it creates (wire.MaxBatchSize when zero).
	MTU int
	// Refuse, when set, makes Dial to that address fail as a refused connection would.
	Refuse func(addr string) bool
}

// NewMemNetwork returns an empty in-memory network.
func NewMemNetwork() *MemNetwork { return &MemNetwork{listeners: map[string]*memListener{}} }

// Check accepts any address without metadata or config other than the retry keys.
func (n *MemNetwork) Check(ep Endpoint) error {
	if len(ep.Metadata) > 0 {
		return fmt.Errorf("%w: mem endpoint metadata", ErrUnsupported)
	}
	_, err := retryFor(ep, DefaultRetry())
	return err
}

func (n *MemNetwork) mtu() int {
	if n.MTU > 0 {
		return n.MTU
	}
	return tcpMTU
}

// Dial connects to the listener at ep.Address.
func (n *MemNetwork) Dial(ctx context.Context, ep Endpoint) (Link, error) {
	n.mu.Lock()
	ln := n.listeners[ep.Address]
	n.n++
	local := "mem/dialer-" + strconv.Itoa(n.n)
	refuse := n.Refuse != nil && n.Refuse(ep.Address)
	n.mu.Unlock()
	if ln == nil || refuse {
		return nil, fmt.Errorf("session: mem dial %s: connection refused", ep.Address)
	}
	a, b := MemPipe(local, ep.Locator(), n.mtu())
	select {
	case ln.ch <- b:
		return a, nil
	case <-ln.done:
		return nil, fmt.Errorf("session: mem dial %s: connection refused", ep.Address)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Listen binds ep.Address; it fails if the address is taken.
func (n *MemNetwork) Listen(ep Endpoint) (Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.listeners[ep.Address] != nil {
		return nil, fmt.Errorf("session: mem listen %s: address in use", ep.Address)
	}
	ln := &memListener{net: n, ep: ep, ch: make(chan Link), done: make(chan struct{})}
	n.listeners[ep.Address] = ln
	return ln, nil
}

type memListener struct {
	net  *MemNetwork
	ep   Endpoint
	ch   chan Link
	done chan struct{}
	once sync.Once
}

func (l *memListener) Accept() (Link, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, fmt.Errorf("%w: listener", ErrClosed)
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.net.mu.Lock()
		if l.net.listeners[l.ep.Address] == l {
			delete(l.net.listeners, l.ep.Address)
		}
		l.net.mu.Unlock()
	})
	return nil
}

func (l *memListener) Endpoint() Endpoint { return l.ep }
func (l *memListener) Locators() []string { return []string{l.ep.Locator()} }
