package zenoh

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gozenoh/zenoh/config"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// maxRetryPeriod caps a retry period that Zenoh leaves unbounded.
const maxRetryPeriod = time.Hour

// modeOf returns the role of a configuration; router mode is not supported (this
// implementation routes as a peer).
func modeOf(c *config.Config) (wire.WhatAmI, error) {
	switch c.Mode {
	case config.ModePeer, 0:
		return wire.Peer, nil
	case config.ModeClient:
		return wire.Client, nil
	case config.ModeRouter:
		return 0, fmt.Errorf("%w: mode router (use peer or client)", ErrUnsupported)
	}
	return 0, fmt.Errorf("%w: mode %v", ErrConfig, c.Mode)
}

// zidOf returns the configured ZenohID, or a random one.
func zidOf(c *config.Config) (wire.ZenohID, error) {
	if c.ID == "" {
		return session.RandomZID(), nil
	}
	id, err := wire.ParseZenohID(string(c.ID))
	if err != nil {
		return id, fmt.Errorf("%w: id %q", ErrConfig, c.ID)
	}
	return id, nil
}

// retryOf converts a Zenoh retry policy to the session's schedule.
func retryOf(r config.Retry) session.Retry {
	init := r.First()
	if init <= 0 {
		init = time.Millisecond
	}
	init = min(init, maxRetryPeriod)
	mx := time.Duration(r.PeriodMaxMS) * time.Millisecond
	if r.PeriodMaxMS <= 0 || mx > maxRetryPeriod {
		mx = maxRetryPeriod
	}
	f := r.IncreaseFactor
	if !(f >= 1 && f <= 1e6) {
		f = 1
	}
	return session.Retry{PeriodInit: init, PeriodMax: max(mx, init), Factor: f, Jitter: 0.2}
}

// capDuration bounds a configured duration that may be config.Forever.
func capDuration(d, cap time.Duration) time.Duration { return min(d, cap) }

// sessionConfig maps a Zenoh configuration to the transport manager's. Listen and Connect are
// left empty: Open binds and dials itself.
func sessionConfig(c *config.Config, zid wire.ZenohID, mode wire.WhatAmI, log *slog.Logger) (session.Config, error) {
	sc := session.DefaultConfig()
	tx := &c.Transport.Link.TX
	sc.ZID, sc.WhatAmI, sc.Logger = zid, mode, log
	sc.Lease = tx.Lease().Truncate(time.Millisecond)
	sc.KeepAlive = tx.KeepAlive
	sc.BatchSize = max(int(tx.BatchSize), session.MinBatchSize)
	sc.SNResolution = int(tx.SequenceNumberResolution)
	sc.QoS = c.Transport.Unicast.QoS.Enabled
	sc.OpenTimeout = capDuration(c.Transport.Unicast.OpenTimeout(), 24*time.Hour)
	sc.AcceptTimeout = capDuration(c.Transport.Unicast.AcceptTimeout(), 24*time.Hour)
	if c.Transport.Unicast.AcceptPending > 0 {
		sc.AcceptPending = c.Transport.Unicast.AcceptPending
	}
	if c.Transport.Unicast.MaxSessions > 0 {
		sc.MaxSessions = c.Transport.Unicast.MaxSessions
	}
	if q := tx.Queue.Size.Data; q > 0 {
		sc.QueueSize = min(q, session.MaxQueueSize)
	}
	sc.Batching = tx.Queue.Batching.Enabled
	sc.BatchLinger = tx.Queue.Batching.TimeLimit()
	cc := &tx.Queue.CongestionControl
	sc.WaitBeforeDrop = capDuration(cc.Drop.WaitBeforeDrop(), time.Hour)
	sc.WaitBeforeDropFragments = capDuration(cc.Drop.MaxWaitBeforeDropFragments(), time.Hour)
	sc.WaitBeforeClose = capDuration(cc.Block.WaitBeforeClose(), time.Hour)
	if m := c.Transport.Link.RX.MaxMessageSize; m > 0 {
		sc.RxMaxMessageSize = m
	}
	sc.ConnectRetry = retryOf(c.ConnectRetry())
	sc.ListenRetry = retryOf(c.ListenRetry())
	if err := sc.Validate(); err != nil {
		return sc, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return sc, nil
}

// routingConfig maps a Zenoh configuration to the router's.
func routingConfig(c *config.Config, zid wire.ZenohID, log *slog.Logger) routing.Config {
	return routing.Config{
		ZID:             zid,
		QueryTimeout:    capDuration(c.QueriesDefaultTimeout(), routing.DefaultMaxQueryTimeout),
		InterestTimeout: capDuration(c.Routing.Interests.Timeout(), routing.DefaultMaxQueryTimeout),
		Client:          c.Mode == config.ModeClient,
		Logger:          log,
	}
}

// strategyOf converts Zenoh's autoconnect strategy of a node of role self.
func strategyOf(a config.AutoconnectStrategy, self config.Mode) scouting.Strategies {
	conv := func(s config.Strategy) scouting.Strategy {
		if s == config.StrategyGreaterZid {
			return scouting.StrategyGreaterZID
		}
		return scouting.StrategyAlways
	}
	return scouting.Strategies{
		ToRouter: conv(a.Get(self, config.ModeRouter)),
		ToPeer:   conv(a.Get(self, config.ModePeer)),
		ToClient: conv(a.Get(self, config.ModeClient)),
	}
}

// scoutingConfig maps a Zenoh configuration to scouting's.
func scoutingConfig(c *config.Config, mode wire.WhatAmI) scouting.Config {
	sc := scouting.DefaultConfig(mode)
	self := config.Mode(mode)
	s := &c.Scouting
	sc.Timeout = capDuration(s.Timeout(), time.Hour)
	sc.Delay = capDuration(s.Delay(), time.Hour)
	m := &sc.Multicast
	m.Enabled = s.Multicast.Enabled
	if s.Multicast.Address.IsValid() {
		m.Address = s.Multicast.Address
	}
	if s.Multicast.Interface != "" {
		m.Interface = s.Multicast.Interface
	}
	m.TTL = int(s.Multicast.TTL)
	m.Listen = c.MulticastListen()
	m.Autoconnect = scouting.Autoconnect{
		Matcher:  wire.WhatAmIMatcher(c.MulticastAutoconnect()),
		Strategy: strategyOf(s.Multicast.AutoconnectStrategy, self),
	}
	g := &sc.Gossip
	g.Enabled = s.Gossip.Enabled && mode != wire.Client
	g.Multihop = s.Gossip.Multihop
	g.Target = wire.WhatAmIMatcher(c.GossipTarget())
	g.Autoconnect = scouting.Autoconnect{
		Matcher:  wire.WhatAmIMatcher(c.GossipAutoconnect()),
		Strategy: strategyOf(s.Gossip.AutoconnectStrategy, self),
	}
	return sc
}
