package zenoh

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/config"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// Session is an open Zenoh session: a peer or a client, with its transports, its routing and
// its scouting. Create it with Open; all its methods are safe for concurrent use. Close it to
// release everything; every entity it declared is closed with it.
type Session struct {
	cfg     config.Config
	mode    WhatAmI
	zid     ZenohID
	log     *slog.Logger
	userLog *slog.Logger // the logger given to Open, for the layers below (nil: silent)
	clock   hlc
	stamp   bool // timestamping/enabled: publications without timestamp get one

	rt  *routing.Router
	mgr *session.Manager
	sc  *scouting.Scouter // nil when neither multicast scouting nor gossip runs

	st     apiCounters
	pushes sync.Pool // *wire.NetworkMessage scratch messages of Put and Delete (their Push)

	bg       context.Context // cancelled by Close: bounds background dials
	bgCancel context.CancelFunc
	down     atomic.Bool   // Close was called
	closing  chan struct{} // closed by Close
	done     chan struct{} // closed when Close has finished
	wg       sync.WaitGroup
	mu       sync.Mutex
	closed   bool
	entities map[entity]struct{}

	tev transportHub // the open transports and the transport listeners
}

// entity is something a session declared and must close with it.
type entity interface {
	// shutdown releases the entity as its session closes: no routing undeclaration (the
	// router is closing too), delivery stopped.
	shutdown()
	// wait waits until the entity's goroutines have returned (a no-op from one of them).
	wait()
}

// Open opens a session with configuration cfg. It returns once the session's listeners are
// bound, the configured endpoints have been dialled once (in client mode: once one of them is
// connected, or a router or peer was found by scouting), and, with multicast scouting, once the
// nodes scouted at start-up were dialled or the scouting delay passed — as Zenoh's open does.
// A peer also waits, with open/return_conditions/declares (the default) and for the scouting
// delay at most, for the initial declarations of the peers it reached: their subscribers,
// queryables and tokens are known when Open returns.
// ctx bounds all of it; cancelling it later has no effect on the session.
//
// Peer and client modes are supported; router mode returns ErrUnsupported.
func Open(ctx context.Context, cfg Config, opts ...OpenOption) (*Session, error) {
	var oc openConfig
	for _, o := range opts {
		oc = o.applyOpen(oc)
	}
	mode, err := modeOf(&cfg)
	if err != nil {
		return nil, err
	}
	zid, err := zidOf(&cfg)
	if err != nil {
		return nil, err
	}
	log := oc.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Session{
		cfg: cfg, mode: mode, zid: zid, log: log, userLog: oc.logger, clock: hlc{id: zid},
		stamp:    cfg.TimestampingEnabled(),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
		entities: make(map[entity]struct{}),
	}
	s.bg, s.bgCancel = context.WithCancel(context.Background())
	s.pushes.New = func() any { return &wire.NetworkMessage{ID: wire.NetIDPush} }
	scfg, err := sessionConfig(&cfg, zid, mode, oc.logger)
	if err != nil {
		s.bgCancel()
		return nil, err
	}
	s.rt = routing.New(routingConfig(&cfg, zid, oc.logger))
	if s.mgr, err = session.NewManager(scfg, node{s}); err != nil {
		s.rt.Close()
		s.bgCancel()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := s.start(ctx); err != nil {
		s.Close()
		return nil, err
	}
	log.Debug("zenoh: session open", "zid", zid, "mode", mode, "locators", s.mgr.Locators())
	return s, nil
}

// ZID returns the session's ZenohID.
func (s *Session) ZID() ZenohID { return s.zid }

// Mode returns the session's role (WhatAmIPeer or WhatAmIClient).
func (s *Session) Mode() WhatAmI { return s.mode }

// Config returns the configuration the session was opened with.
func (s *Session) Config() Config { return s.cfg }

// NewTimestamp returns a new timestamp from the session's hybrid logical clock: later than
// every timestamp it returned before, close to the wall clock, with the session's ZenohID.
func (s *Session) NewTimestamp() Timestamp { return s.clock.now() }

// register adds an entity to the session, or fails with ErrClosed.
func (s *Session) register(e entity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.entities[e] = struct{}{}
	return nil
}

// unregister removes an entity closed on its own.
func (s *Session) unregister(e entity) {
	s.mu.Lock()
	delete(s.entities, e)
	s.mu.Unlock()
}

// Close closes the session: its scouting, its transports (each peer is sent a Close), its
// routing and every entity it declared. Subscriber and queryable callbacks are not called once
// Close returns; Close waits for callbacks in progress to return, except one calling Close
// itself. It is idempotent and returns nil.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closed = true
	s.down.Store(true)
	ents := make([]entity, 0, len(s.entities))
	for e := range s.entities {
		ents = append(ents, e)
	}
	clear(s.entities)
	s.mu.Unlock()
	close(s.closing)
	s.bgCancel()
	for _, e := range ents {
		e.shutdown()
	}
	if s.sc != nil {
		s.sc.Close()
	}
	s.mgr.Close()
	s.rt.Close()
	s.wg.Wait()
	for _, e := range ents {
		e.wait()
	}
	close(s.done)
	s.log.Debug("zenoh: session closed", "zid", s.zid)
	return nil
}

// isClosed reports whether Close was called.
func (s *Session) isClosed() bool { return s.down.Load() }

// logPanic logs a recovered callback panic.
func (s *Session) logPanic(what string) func(any) {
	return func(v any) { s.log.Warn("zenoh: callback panicked (recovered)", "entity", what, "panic", v) }
}
