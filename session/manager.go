package session

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// acceptThrottle is how long an accept loop pauses after a failed Accept (Rust: 100 ms).
const acceptThrottle = 100 * time.Millisecond

// Manager owns a node's listeners, its outgoing dials and its transports, at most one per
// remote ZenohID.
//
// Duplicate links: when two links to the same peer complete (both sides dialled at once, or a
// second endpoint), the link opened by the node with the greater ZenohID (Rust's order, see
// wire.ZenohID.Compare) wins on both sides. A handshake that would add a losing link is
// refused (Close MAX_LINKS, as Rust refuses a second inbound link) or abandoned after the
// InitAck. A losing link that completed anyway is kept only until the winner is known to be
// in use by the peer (we received its OpenAck, or a batch on it), then closed with
// Close(MAX_LINKS) after its pending batches are read. Both ends therefore end up with one
// transport on one link, and since a transport ends with its last link, neither can keep a
// transport the other has dropped (the split session of zenoh issue #2806). After a lease
// expiry the Manager also waits one own lease before dialling that peer again, so that the
// peer, which may still hold the dead link, has dropped it too.
type Manager struct {
	cfg    Config
	log    *slog.Logger
	h      Handler
	key    cookieKey
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	protos     map[string]Protocol
	table      map[wire.ZenohID]*Transport
	quarantine map[wire.ZenohID]time.Time
	listeners  []Listener
	pending    int
	closed     bool
	stats      managerCounters
}

// NewManager builds a Manager; Start begins listening and dialling. A zero cfg.ZID gets a
// random one. The "tcp" protocol is registered.
func NewManager(cfg Config, h Handler) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, fmt.Errorf("%w: nil Handler", ErrConfig)
	}
	if cfg.ZID.IsZero() {
		cfg.ZID = RandomZID()
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{
		cfg: cfg, log: log, h: h, key: newCookieKey(), ctx: ctx, cancel: cancel,
		protos:     map[string]Protocol{"tcp": TCP{}},
		table:      map[wire.ZenohID]*Transport{},
		quarantine: map[wire.ZenohID]time.Time{},
	}, nil
}

// RandomZID returns a random ZenohID, uniform over non-zero 128-bit values.
func RandomZID() wire.ZenohID {
	for {
		var b [wire.MaxZIDSize]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("session: no randomness: " + err.Error())
		}
		if id, err := wire.ZenohIDFromBytes(b[:]); err == nil {
			return id
		}
	}
}

// ZID returns this node's ZenohID.
func (m *Manager) ZID() wire.ZenohID { return m.cfg.ZID }

// RegisterProtocol makes endpoints of protocol name use p (e.g. a MemNetwork as "mem").
func (m *Manager) RegisterProtocol(name string, p Protocol) {
	m.mu.Lock()
	m.protos[name] = p
	m.mu.Unlock()
}

// endpoint parses s and finds its protocol.
func (m *Manager) endpoint(s string) (Endpoint, Protocol, error) {
	ep, err := ParseEndpoint(s)
	if err != nil {
		return ep, nil, err
	}
	m.mu.Lock()
	p := m.protos[ep.Protocol]
	m.mu.Unlock()
	if p == nil {
		return ep, nil, fmt.Errorf("%w: protocol %q", ErrUnsupported, ep.Protocol)
	}
	if err := p.Check(ep); err != nil {
		return ep, nil, err
	}
	return ep, p, nil
}

// Start checks every configured endpoint, then listens on cfg.Listen and keeps cfg.Connect
// dialled, in the background. A listener that cannot bind is retried on the ListenRetry
// schedule; use Listen to bind synchronously.
func (m *Manager) Start() error {
	type job struct {
		ep Endpoint
		p  Protocol
	}
	var ls, cs []job
	for _, s := range m.cfg.Listen {
		ep, p, err := m.endpoint(s)
		if err != nil {
			return err
		}
		ls = append(ls, job{ep, p})
	}
	for _, s := range m.cfg.Connect {
		ep, p, err := m.endpoint(s)
		if err != nil {
			return err
		}
		cs = append(cs, job{ep, p})
	}
	for _, j := range ls {
		if _, err := m.listen(j.ep, j.p); err != nil {
			m.log.Warn("session: listen failed, retrying", "endpoint", j.ep.String(), "err", err)
			if !m.spawn(func() { m.listenLoop(j.ep, j.p) }) {
				return ErrClosed
			}
		}
	}
	for _, j := range cs {
		if err := m.connect(j.ep, j.p); err != nil {
			return err
		}
	}
	return nil
}

// spawn runs f in a goroutine owned by the Manager, unless it is closed.
func (m *Manager) spawn(f func()) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		f()
	}()
	return true
}

// Open dials endpoint once (no retry) within ctx and returns the transport to the peer: a new
// one, or the one that already exists when the new link is a duplicate that loses.
func (m *Manager) Open(ctx context.Context, endpoint string) (*Transport, error) {
	ep, p, err := m.endpoint(endpoint)
	if err != nil {
		return nil, err
	}
	return m.open(ctx, ep, p)
}

func (m *Manager) open(ctx context.Context, ep Endpoint, p Protocol) (*Transport, error) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.OpenTimeout)
	defer cancel()
	stop := context.AfterFunc(m.ctx, cancel)
	defer stop()
	l, err := p.Dial(ctx, ep)
	if err != nil {
		m.stats.dialsFailed.Add(1)
		return nil, fmt.Errorf("session: dialling %s: %w", ep.String(), err)
	}
	r, err := openLink(ctx, &m.cfg, l, m.checkOutbound)
	if err != nil {
		var de *duplicateError
		if errors.As(err, &de) {
			return de.t, nil
		}
		if !errors.Is(err, ErrDuplicate) {
			m.stats.hsFailed.Add(1)
		}
		return nil, err
	}
	return m.admit(ctx, r)
}

// Transport returns the transport to a peer, or nil.
func (m *Manager) Transport(zid wire.ZenohID) *Transport {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.table[zid]
}

// Transports returns the current transports.
func (m *Manager) Transports() []*Transport {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Transport, 0, len(m.table))
	for _, t := range m.table {
		out = append(out, t)
	}
	return out
}

// Stats returns a snapshot of the Manager's counters.
func (m *Manager) Stats() ManagerStats {
	m.mu.Lock()
	n := len(m.table)
	m.mu.Unlock()
	return ManagerStats{
		Transports: n, TransportsOpened: m.stats.opened.Load(), HandshakesFailed: m.stats.hsFailed.Load(),
		LinksRefused: m.stats.refused.Load(), AcceptsDropped: m.stats.acceptsDropped.Load(),
		DialsFailed: m.stats.dialsFailed.Load(),
	}
}

// Close stops listening and dialling and closes every transport gracefully; it returns when
// every goroutine and socket of the Manager is released.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		m.wg.Wait()
		return nil
	}
	m.closed = true
	lns := m.listeners
	m.listeners = nil
	ts := make([]*Transport, 0, len(m.table))
	for _, t := range m.table {
		ts = append(ts, t)
	}
	m.mu.Unlock()
	m.cancel()
	for _, ln := range lns {
		ln.Close()
	}
	for _, t := range ts {
		t.CloseWith(ReasonGeneric)
	}
	for _, t := range ts {
		<-t.done
	}
	m.wg.Wait()
	// Transports admitted while closing.
	m.mu.Lock()
	ts = ts[:0]
	for _, t := range m.table {
		ts = append(ts, t)
	}
	m.mu.Unlock()
	for _, t := range ts {
		t.Close()
	}
	return nil
}
