package interop

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// MaxRelayRecord bounds the bytes recorded per connection and direction; traffic past it is
// still forwarded but no longer recorded, and readers reaching it get ErrRelayTruncated.
const MaxRelayRecord = 256 << 20

// relayChunk is the read size of the relay pumps.
const relayChunk = 32 << 10

var (
	// ErrRelayTruncated reports that a stream reader reached the end of what was recorded
	// while more bytes were forwarded (MaxRelayRecord exceeded).
	ErrRelayTruncated = errors.New("interop: relay record truncated")
	// ErrRelayClosed reports a relay that is closed.
	ErrRelayClosed = errors.New("interop: relay closed")
)

// Direction is a direction of traffic through a relay connection.
type Direction int

const (
	// ToTarget is the traffic from the node that dialled the relay to the target.
	ToTarget Direction = iota
	// FromTarget is the traffic from the target back to the dialling node.
	FromTarget
)

// String returns "to-target" or "from-target".
func (d Direction) String() string {
	if d == ToTarget {
		return "to-target"
	}
	return "from-target"
}

// Relay is a TCP proxy on 127.0.0.1 that forwards every accepted connection to a target
// unchanged, and records the bytes of each direction so that a test can parse them.
type Relay struct {
	t      testing.TB
	ln     net.Listener
	target string

	mu     sync.Mutex
	conns  []*RelayConn
	onData func(c *RelayConn, dir Direction, chunk []byte)
	notify chan struct{} // closed and replaced when a connection is accepted
	closed bool
	wg     sync.WaitGroup
}

// RelayConn is one connection through a relay.
type RelayConn struct {
	// Index is the position of the connection in accept order, from 0.
	Index int
	// Err is set if dialling the target failed (the accepted connection was then closed).
	Err error

	r       *Relay
	in, out net.Conn // in: accepted from the dialler; out: dialled to the target
	streams [2]stream
	ended   atomic.Int32 // pumps finished; the second one closes both sides
}

// stream is the record of one direction.
type stream struct {
	mu        sync.Mutex
	data      []byte
	total     int64 // bytes forwarded, recorded or not
	eof       bool  // the direction is finished
	notify    chan struct{}
	truncated bool
}

// StartRelay starts a relay on 127.0.0.1:0 forwarding to target ("host:port" or a Zenoh
// endpoint "tcp/host:port"). It is closed when the test ends.
func StartRelay(t testing.TB, target string) *Relay {
	t.Helper()
	target = strings.TrimPrefix(target, "tcp/")
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("interop: relay listen: %v", err)
	}
	r := &Relay{t: t, ln: ln, target: target, notify: make(chan struct{})}
	r.wg.Add(1)
	go r.acceptLoop()
	t.Cleanup(r.Close)
	return r
}

// Addr returns the relay's "127.0.0.1:PORT".
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// Endpoint returns the relay's Zenoh endpoint "tcp/127.0.0.1:PORT".
func (r *Relay) Endpoint() string { return "tcp/" + r.Addr() }

// OnData sets a hook called, in order per direction, with every chunk before it is forwarded.
// The chunk is only valid during the call, and the hook must not block for long: it runs on the
// forwarding path. Set it before traffic starts.
func (r *Relay) OnData(f func(c *RelayConn, dir Direction, chunk []byte)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onData = f
}

// Conns returns the connections accepted so far.
func (r *Relay) Conns() []*RelayConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*RelayConn(nil), r.conns...)
}

// WaitConn waits until connection i (in accept order, from 0) has been accepted.
func (r *Relay) WaitConn(i int, timeout time.Duration) (*RelayConn, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		if i < len(r.conns) {
			c := r.conns[i]
			r.mu.Unlock()
			return c, nil
		}
		closed, notify := r.closed, r.notify
		r.mu.Unlock()
		if closed {
			return nil, ErrRelayClosed
		}
		select {
		case <-notify:
		case <-deadline.C:
			return nil, fmt.Errorf("%w: relay connection %d not accepted after %v", ErrTimeout, i, timeout)
		}
	}
}

// CloseConns abruptly closes every current connection (both sides), e.g. to simulate a link
// failure; the relay keeps accepting new ones.
func (r *Relay) CloseConns() {
	for _, c := range r.Conns() {
		c.Close()
	}
}

// Close stops accepting, closes every connection and waits (bounded) for the pumps to end.
func (r *Relay) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	close(r.notify)
	r.notify = make(chan struct{})
	r.mu.Unlock()
	r.ln.Close()
	r.CloseConns()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(exitWait):
		r.t.Logf("interop: relay %s: pumps did not stop within %v", r.Addr(), exitWait)
	}
}

func (r *Relay) acceptLoop() {
	defer r.wg.Done()
	for {
		in, err := r.ln.Accept()
		if err != nil {
			return
		}
		c := &RelayConn{r: r, in: in}
		for i := range c.streams {
			c.streams[i].notify = make(chan struct{})
		}
		out, err := net.DialTimeout("tcp", r.target, DefaultTimeout)
		if err != nil {
			for i := range c.streams {
				c.streams[i].finish()
			}
		}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			in.Close()
			if out != nil {
				out.Close()
			}
			return
		}
		c.Index = len(r.conns)
		c.out = out
		c.Err = err
		r.conns = append(r.conns, c)
		close(r.notify)
		r.notify = make(chan struct{})
		r.mu.Unlock()
		if err != nil {
			in.Close()
			continue
		}
		r.wg.Add(2)
		go c.pump(ToTarget, in, out)
		go c.pump(FromTarget, out, in)
	}
}

// pump copies src to dst, recording every chunk, until src ends or either side fails.
func (c *RelayConn) pump(dir Direction, src, dst net.Conn) {
	defer c.r.wg.Done()
	s := &c.streams[dir]
	defer func() {
		s.finish()
		if c.ended.Add(1) == 2 {
			c.Close()
		}
	}()
	buf := make([]byte, relayChunk)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			c.r.mu.Lock()
			hook := c.r.onData
			c.r.mu.Unlock()
			if hook != nil {
				hook(c, dir, buf[:n])
			}
			s.record(buf[:n])
			if _, werr := dst.Write(buf[:n]); werr != nil {
				c.Close()
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// Pass the half-close on, so the other side sees the same end of stream.
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				return
			}
			c.Close()
			return
		}
	}
}

func (s *stream) record(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total += int64(len(p))
	if !s.truncated {
		if len(s.data)+len(p) > MaxRelayRecord {
			s.truncated = true
		} else {
			s.data = append(s.data, p...)
		}
	}
	close(s.notify)
	s.notify = make(chan struct{})
}

func (s *stream) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.eof {
		s.eof = true
		close(s.notify)
		s.notify = make(chan struct{})
	}
}

// Close closes both sides of the connection abruptly.
func (c *RelayConn) Close() {
	c.in.Close()
	if c.out != nil {
		c.out.Close()
	}
}

// Bytes returns a copy of the bytes recorded so far in direction dir.
func (c *RelayConn) Bytes(dir Direction) []byte {
	s := &c.streams[dir]
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.data...)
}

// Forwarded returns how many bytes were forwarded in direction dir, recorded or not.
func (c *RelayConn) Forwarded(dir Direction) int64 {
	s := &c.streams[dir]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Done reports whether direction dir has ended (end of stream or connection closed).
func (c *RelayConn) Done(dir Direction) bool {
	s := &c.streams[dir]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eof
}

// Reader returns a new reader of direction dir from its first byte; several readers may read
// the same direction independently.
func (c *RelayConn) Reader(dir Direction) *StreamReader {
	return &StreamReader{s: &c.streams[dir]}
}

// StreamReader reads the recorded bytes of one direction of a relay connection, in order,
// blocking until more bytes pass or the direction ends.
type StreamReader struct {
	s        *stream
	off      int
	deadline time.Time
}

// SetDeadline bounds the following reads; without one, each Read waits at most DefaultTimeout.
func (sr *StreamReader) SetDeadline(t time.Time) { sr.deadline = t }

// Offset returns how many bytes this reader has consumed.
func (sr *StreamReader) Offset() int { return sr.off }

// Read implements io.Reader. It returns io.EOF once the direction ended and every recorded
// byte was read, ErrRelayTruncated if recording stopped at MaxRelayRecord, and ErrTimeout
// (wrapped) at the deadline.
func (sr *StreamReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	deadline := sr.deadline
	if deadline.IsZero() {
		deadline = time.Now().Add(DefaultTimeout)
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		sr.s.mu.Lock()
		if sr.off < len(sr.s.data) {
			n := copy(p, sr.s.data[sr.off:])
			sr.off += n
			sr.s.mu.Unlock()
			return n, nil
		}
		truncated, eof, notify := sr.s.truncated, sr.s.eof, sr.s.notify
		sr.s.mu.Unlock()
		if truncated {
			return 0, ErrRelayTruncated
		}
		if eof {
			return 0, io.EOF
		}
		select {
		case <-notify:
		case <-timer.C:
			return 0, fmt.Errorf("%w: relay stream read", ErrTimeout)
		}
	}
}

// NextBatch reads one Zenoh stream frame (2-byte little-endian length, then that many bytes)
// and returns the batch without its length prefix. It returns io.EOF at a clean end between
// frames and io.ErrUnexpectedEOF inside a frame.
func (sr *StreamReader) NextBatch(timeout time.Duration) ([]byte, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	old := sr.deadline
	sr.deadline = time.Now().Add(timeout)
	defer func() { sr.deadline = old }()
	var hdr [2]byte
	if _, err := io.ReadFull(sr, hdr[:]); err != nil {
		return nil, err
	}
	batch := make([]byte, binary.LittleEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(sr, batch); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return batch, nil
}
