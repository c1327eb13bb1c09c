package session

import (
	"bytes"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// recvMsg is a copy of a delivered network message.
type recvMsg struct {
	key      string
	payload  []byte
	prio     wire.Priority
	rel      wire.Reliability
	id       wire.NetworkID
	at       time.Time
	declare  bool
	interest bool
}

// recorder is a PeerHandler (and Handler) that records what it gets.
type recorder struct {
	mu    sync.Mutex
	msgs  []recvMsg
	got   chan struct{} // one token per message, buffered
	downs chan error
	ups   chan *Transport
	peer  *Transport
}

func newRecorder() *recorder {
	return &recorder{got: make(chan struct{}, 1<<16), downs: make(chan error, 16), ups: make(chan *Transport, 16)}
}

func (r *recorder) TransportUp(t *Transport) (PeerHandler, error) {
	r.ups <- t
	return r, nil
}

func (r *recorder) HandleNetwork(m *wire.NetworkMessage, rel wire.Reliability) {
	rm := recvMsg{id: m.ID, rel: rel, at: time.Now()}
	switch m.ID {
	case wire.NetIDPush:
		rm.key = string(m.Push.WireExpr.Suffix)
		rm.payload = bytes.Clone(m.Push.Body.Put.Payload)
		rm.prio = m.Push.QoS.Priority()
	case wire.NetIDDeclare:
		rm.declare = true
	case wire.NetIDInterest:
		rm.interest = true
	}
	r.mu.Lock()
	r.msgs = append(r.msgs, rm)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *recorder) TransportDown(err error) { r.downs <- err }

func (r *recorder) messages() []recvMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recvMsg(nil), r.msgs...)
}

// wait waits for n more messages, failing after d.
func (r *recorder) wait(t testing.TB, n int, d time.Duration) {
	t.Helper()
	tm := time.NewTimer(d)
	defer tm.Stop()
	for range n {
		select {
		case <-r.got:
		case <-tm.C:
			t.Fatalf("timed out waiting for messages: have %d", len(r.messages()))
		}
	}
}

// push builds a Push of a Put.
func push(key string, payload []byte, qos wire.NetQoS) *wire.NetworkMessage {
	m := &wire.NetworkMessage{ID: wire.NetIDPush}
	m.Push.WireExpr = wire.WireExpr{Suffix: []byte(key)}
	m.Push.QoS = qos
	m.Push.Body.ID = wire.DataIDPut
	m.Push.Body.Put.Payload = payload
	return m
}

// pattern returns n bytes of a recognisable pattern.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// gone records transportGone calls.
type gone struct{ ch chan error }

func (g gone) transportGone(_ *Transport, err error) {
	if g.ch != nil {
		g.ch <- err
	}
}

// pipeTransport establishes a transport over a MemPipe between our config oc (the opener side,
// run as a Transport) and a raw acceptor with config ac, whose link is returned with the
// acceptor's handshake result.
func pipeTransport(t *testing.T, oc, ac *Config, mtu int) (*Transport, *recorder, *hsResult, rawPeer) {
	t.Helper()
	o, a := handshakePair(t, oc, ac, mtu)
	if o.err != nil || a.err != nil {
		t.Fatalf("handshake: %v / %v", o.err, a.err)
	}
	rec := newRecorder()
	tr := newTransport(oc, discardLog(), o.r, gone{})
	tr.start(rec)
	return tr, rec, a.r, rawPeer{t, a.r.link}
}

// frame builds a batch holding a Frame of the given network messages.
func frame(t testing.TB, rel wire.Reliability, sn uint32, q wire.TransportQoS, msgs ...*wire.NetworkMessage) []byte {
	t.Helper()
	h := wire.FrameHeader{Reliability: rel, SN: sn, QoS: q}
	b, err := h.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if b, err = m.Append(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// fragment builds a batch holding one Fragment.
func fragmentBatch(t testing.TB, h wire.FragmentHeader, payload []byte) []byte {
	t.Helper()
	b, err := h.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, payload...)
}

// recvSkipKA reads the next batch that is not a lone KeepAlive.
func (p rawPeer) recvSkipKA() []byte {
	p.t.Helper()
	for {
		b, err := p.l.ReadBatch()
		if err != nil {
			p.t.Fatalf("raw read: %v", err)
		}
		if len(b) == 1 && b[0] == byte(wire.TransportIDKeepAlive) {
			continue
		}
		return b
	}
}

// discardLog returns a silent logger, or a debug logger on stderr when SESSION_DEBUG is set.
func discardLog() *slog.Logger {
	if os.Getenv("SESSION_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}
