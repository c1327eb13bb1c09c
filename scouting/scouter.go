package scouting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Options are what a Scouter needs from the rest of the node.
type Options struct {
	// ZID and WhatAmI identify this node (its Hellos and gossip carry them).
	ZID     wire.ZenohID
	WhatAmI wire.WhatAmI
	// Locators returns the locators this node listens on (listeners on 0.0.0.0 or [::] are
	// expanded per interface). It is called for every Hello and gossip message sent.
	Locators func() []wire.Locator
	// Dialer opens transports to discovered nodes; nil disables autoconnect.
	Dialer Dialer
	// Network is the network to scout on; nil means UDPNetwork.
	Network Network
	// Logger receives debug and warning logs; nil means silence.
	Logger *slog.Logger
}

// Scouter runs multicast scouting, autoconnect and gossip for one node. Create it with New,
// start multicast scouting with Start, stop everything with Close.
type Scouter struct {
	cfg  Config
	opt  Options
	nw   Network
	log  *slog.Logger
	st   counters
	conn *connector
	gsp  *Gossip
	host atomic.Pointer[hostView]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	started   bool
	closed    bool
	startedAt time.Time
	conns     []PacketConn // every socket, for Close

	// Set by Start before the goroutines that read them are started.
	group    netip.AddrPort
	scouts   []scoutSock
	ownPorts map[uint16]bool

	ansMu   sync.Mutex // guards the answering rate state
	answers bucket
	sources map[netip.AddrPort]time.Time
}

// scoutSock is a socket that sends Scouts on one interface, receives the Hellos that answer
// them, and sends this node's Hellos to scouters on that interface.
type scoutSock struct {
	pc    PacketConn
	iface Interface
}

// New validates cfg and returns a Scouter that is not started. Gossip works without Start.
func New(cfg Config, opt Options) (*Scouter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.ZID.IsZero() || !opt.WhatAmI.Valid() {
		return nil, fmt.Errorf("%w: Options need a ZenohID and a role", ErrConfig)
	}
	cfg = cfg.withDefaults()
	s := &Scouter{cfg: cfg, opt: opt, nw: opt.Network, log: opt.Logger}
	if s.nw == nil {
		s.nw = UDPNetwork{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.opt.Locators == nil {
		s.opt.Locators = func() []wire.Locator { return nil }
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.conn = newConnector(s.ctx, opt.ZID, cfg.Limits, opt.Dialer, &s.st, s.log)
	s.host.Store(&hostView{})
	s.answers = newBucket(cfg.Limits.HelloRate, cfg.Limits.HelloBurst)
	s.sources = make(map[netip.AddrPort]time.Time)
	s.gsp = newGossip(s)
	return s, nil
}

// Gossip returns the node's gossip state machine, which the layer owning transports drives.
func (s *Scouter) Gossip() *Gossip { return s.gsp }

// Stats returns a snapshot of the counters.
func (s *Scouter) Stats() Stats {
	st := s.st.snapshot()
	st.Nodes = s.conn.size()
	st.GossipLinks = s.gsp.linkCount()
	return st
}

// TransportDown tells the Scouter that the transport to zid ended: the gossip link goes (as
// with Gossip().LinkDown), and a node discovered by scouting or gossip is dialled again after
// Limits.RedialDelay if no transport to it exists by then. The layer owning transports calls
// it from its transport-down handler.
func (s *Scouter) TransportDown(zid wire.ZenohID) {
	s.gsp.LinkDown(zid)
	s.conn.lost(zid)
}

// Nodes returns the table of discovered nodes, ordered by ZenohID.
func (s *Scouter) Nodes() []Node { return s.conn.snapshot() }

// Start opens the multicast sockets and starts the goroutines: the responder (when
// Multicast.Listen), and the Scout sender with the Hello readers (when Multicast.Autoconnect
// matches any role). A failure is returned but is not fatal to the node: gossip keeps working,
// and the Scouter must still be closed.
func (s *Scouter) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.started:
		return ErrStarted
	}
	s.started = true
	s.startedAt = time.Now()
	m := &s.cfg.Multicast
	s.refreshHost()
	if !m.Enabled || (!m.Listen && !m.Autoconnect.Enabled()) {
		return nil
	}
	sel, err := s.openScoutSockets()
	if err != nil {
		return err
	}
	var listener PacketConn
	if m.Listen {
		if listener, err = s.nw.ListenGroup(s.group, sel); err != nil {
			s.closeConnsLocked()
			s.scouts = nil
			return err
		}
		s.conns = append(s.conns, listener)
	}
	if listener != nil {
		s.wg.Add(1)
		go s.respond(listener)
	}
	if m.Autoconnect.Enabled() {
		for _, sk := range s.scouts {
			s.wg.Add(1)
			go s.readHellos(sk, s.autoconnect)
		}
		s.wg.Add(1)
		go s.sendScouts(m.Autoconnect.Matcher)
	}
	return nil
}

// Close stops every goroutine, closes every socket and waits for the dials in flight to end.
// It is idempotent.
func (s *Scouter) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cancel()
	s.closeConnsLocked()
	s.mu.Unlock()
	s.wg.Wait()
	if s.conn != nil {
		s.conn.close()
	}
	return nil
}

func (s *Scouter) closeConnsLocked() {
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// WaitStartup waits, at most Config.Delay after Start (scouting.delay, 500 ms for peers), until
// the dials to the nodes discovered so far have ended and at least one has ended; it returns
// early with ctx's error. Rust zenoh's peers wait like this in zenoh::open.
func (s *Scouter) WaitStartup(ctx context.Context) error {
	s.mu.Lock()
	at := s.startedAt
	s.mu.Unlock()
	if at.IsZero() {
		return nil
	}
	timer := time.NewTimer(time.Until(at.Add(s.cfg.Delay)))
	defer timer.Stop()
	for {
		inflight, completed, changed := s.conn.progress()
		if completed > 0 && inflight == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.ctx.Done():
			return ErrClosed
		case <-timer.C:
			return nil
		case <-changed:
		}
	}
}

// sendScouts sends a Scout on every scout socket on Zenoh's schedule until Close, and expires
// the idle entries of the node table between rounds.
func (s *Scouter) sendScouts(what wire.WhatAmIMatcher) {
	defer s.wg.Done()
	sc := wire.Scout{Version: wire.ProtoVersion, What: what & 7}
	msg, err := sc.Append(nil)
	if err != nil {
		s.log.Warn("scouting: cannot encode Scout", "err", err)
		return
	}
	sched := schedule{next: s.cfg.ScoutPeriod, max: s.cfg.ScoutMaxPeriod}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
		}
		for _, sk := range s.scouts {
			if _, err := sk.pc.WriteTo(msg, s.group); err != nil {
				s.st.sendErrors.Add(1)
				s.log.Debug("scouting: cannot send Scout", "iface", sk.iface.Name, "err", err)
				continue
			}
			s.st.scoutsSent.Add(1)
		}
		s.refreshHost()
		if s.conn != nil {
			s.conn.purge(time.Now())
		}
		timer.Reset(sched.advance())
	}
}

// openScoutSockets selects the interfaces and opens one scout socket on each. It fails when
// no socket could be opened. Called with s.mu held, or before any goroutine runs.
func (s *Scouter) openScoutSockets() ([]Interface, error) {
	m := &s.cfg.Multicast
	s.group = m.Address
	all, err := s.nw.Interfaces()
	if err != nil {
		return nil, err
	}
	s.host.Store(&hostView{ifaces: all})
	sel, err := SelectInterfaces(m.Interface, s.group.Addr(), all)
	if err != nil {
		return nil, err
	}
	var errs []error
	s.ownPorts = make(map[uint16]bool)
	for _, it := range sel {
		pc, err := s.nw.ListenScout(s.group, it, m.TTL)
		if err != nil {
			errs = append(errs, err)
			s.log.Warn("scouting: no scout socket", "iface", it.Name, "err", err)
			continue
		}
		s.conns = append(s.conns, pc)
		s.scouts = append(s.scouts, scoutSock{pc: pc, iface: it})
		s.ownPorts[pc.LocalAddr().Port()] = true
	}
	if len(s.scouts) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrSocket, errors.Join(errs...))
	}
	return sel, nil
}

// autoconnect hands a Hello accepted on scout socket sk to the connector.
func (s *Scouter) autoconnect(h *wire.Hello, src netip.AddrPort, sk *scoutSock) {
	cands := s.host.Load().dialCandidates(h.Locators, src.Addr(), &sk.iface, s.cfg.Limits.MaxDialLocators)
	s.conn.offer(h.ZID, h.WhatAmI, cands, SourceMulticast, s.cfg.Multicast.Autoconnect)
}

// refreshHost re-reads the interfaces' addresses, which locator filtering uses.
func (s *Scouter) refreshHost() {
	if all, err := s.nw.Interfaces(); err == nil {
		s.host.Store(&hostView{ifaces: all})
	}
}

// fromSelf reports whether src is one of this node's scout sockets.
func (s *Scouter) fromSelf(src netip.AddrPort) bool {
	return s.ownPorts[src.Port()] && s.host.Load().local(src.Addr())
}
