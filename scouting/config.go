package scouting

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Strategy decides whether this node dials a discovered node that autoconnect matched
// (Zenoh's autoconnect_strategy).
type Strategy uint8

const (
	// StrategyAlways dials every matched node; both sides may dial each other at once, which
	// the session manager resolves (one transport per remote ZenohID).
	StrategyAlways Strategy = iota
	// StrategyGreaterZID dials only nodes whose ZenohID is smaller than ours, in Zenoh's order
	// (wire.ZenohID.Compare), so that of two nodes using it only one dials.
	StrategyGreaterZID
)

// String returns "always" or "greater-zid", the spellings of the Zenoh configuration.
func (s Strategy) String() string {
	if s == StrategyGreaterZID {
		return "greater-zid"
	}
	return "always"
}

// Strategies holds one Strategy per role of the discovered node (Zenoh's to_router, to_peer;
// to_client has no configuration key in Zenoh and is always StrategyAlways there).
type Strategies struct {
	ToRouter, ToPeer, ToClient Strategy
}

// UniformStrategy returns s for every role (the single-value form of autoconnect_strategy).
func UniformStrategy(s Strategy) Strategies { return Strategies{s, s, s} }

// For returns the strategy towards a node of role w.
func (s Strategies) For(w wire.WhatAmI) Strategy {
	switch w {
	case wire.Router:
		return s.ToRouter
	case wire.Client:
		return s.ToClient
	}
	return s.ToPeer
}

// Autoconnect says which discovered nodes to dial: those whose role Matcher includes, subject to
// the Strategy for that role. Mirrors zenoh/src/net/common.rs (AutoConnect).
type Autoconnect struct {
	Matcher  wire.WhatAmIMatcher
	Strategy Strategies
}

// Enabled reports whether any role is matched.
func (a Autoconnect) Enabled() bool { return a.Matcher&7 != 0 }

// Should reports whether self should dial node to, of role w.
func (a Autoconnect) Should(self, to wire.ZenohID, w wire.WhatAmI) bool {
	if !w.Valid() || !a.Matcher.Matches(w) {
		return false
	}
	if a.Strategy.For(w) == StrategyGreaterZID {
		return self.Compare(to) > 0
	}
	return true
}

// MulticastConfig is scouting.multicast of the Zenoh configuration, resolved for one mode.
type MulticastConfig struct {
	// Enabled turns multicast scouting on.
	Enabled bool
	// Address is the scouting group and port: IPv4 (224.0.0.0/4) or IPv6 (ff00::/8).
	Address netip.AddrPort
	// Interface selects the interfaces: "auto" (every interface that is up, running and
	// multicast-capable and has an address of the group's family), or a comma-separated list of
	// interface names and addresses.
	Interface string
	// TTL is the multicast TTL (IPv6 hop limit) of Scouts.
	TTL int
	// Listen answers the Scouts of others with a Hello when true.
	Listen bool
	// Autoconnect selects the nodes discovered by Hello that are dialled; when its matcher is
	// empty no Scout is sent (Zenoh routers only answer).
	Autoconnect Autoconnect
}

// GossipConfig is scouting.gossip of the Zenoh configuration, resolved for one mode.
type GossipConfig struct {
	// Enabled turns gossip on.
	Enabled bool
	// Multihop forwards every newer node state to all neighbours instead of only the states
	// that neighbours send about themselves.
	Multihop bool
	// Target is the set of neighbour roles that gossip is sent to.
	Target wire.WhatAmIMatcher
	// Autoconnect selects the nodes learned by gossip that are dialled.
	Autoconnect Autoconnect
}

// Limits bounds everything a remote node controls. The zero value of a field means its default.
type Limits struct {
	// MaxScoutLen is the largest datagram accepted on the listening socket (a Scout is 3 to 19
	// bytes plus extensions, which Zenoh never sends).
	MaxScoutLen int
	// MaxHelloLen is the largest datagram accepted on a scout socket.
	MaxHelloLen int
	// HelloRate and HelloBurst bound the Hellos sent in answer to Scouts (a token bucket).
	HelloRate  float64
	HelloBurst int
	// AnswerInterval is the least time between two Hellos to the same source address and port.
	AnswerInterval time.Duration
	// MaxSources bounds the table behind AnswerInterval.
	MaxSources int
	// MaxNodes bounds the table of discovered nodes; NodeTTL is how long an entry that is not
	// being dialled lives without news of its node.
	MaxNodes int
	NodeTTL  time.Duration
	// MaxDials bounds the dials in flight; DialRate and DialBurst bound how often dials start.
	MaxDials  int
	DialRate  float64
	DialBurst int
	// DialTimeout bounds one attempt on one locator; DialStagger is the delay before the next
	// locator of the same node is tried in parallel while earlier attempts are still pending.
	DialTimeout time.Duration
	DialStagger time.Duration
	// MaxDialLocators bounds the locators tried per node and dial.
	MaxDialLocators int
	// RetryMin and RetryMax bound the back-off before a node whose dial failed is dialled again.
	RetryMin, RetryMax time.Duration
	// RedialDelay is how long after losing the transport to a discovered node it is dialled
	// again (see Scouter.TransportDown).
	RedialDelay time.Duration
	// MaxGossipLinks bounds the gossip links (neighbours); MaxLinkStates the states in one
	// received link-state list; MaxPSIDs the identifier mappings kept per link.
	MaxGossipLinks int
	MaxLinkStates  int
	MaxPSIDs       int
}

// Config is the scouting part of a Zenoh configuration, resolved for the node's mode.
// The root package builds it from config.Config; DefaultConfig gives Zenoh 1.x defaults.
type Config struct {
	// Timeout bounds client-mode scouting for a first router or peer (scouting.timeout).
	Timeout time.Duration
	// Delay bounds how long start-up waits for scouted peers (scouting.delay); see WaitStartup.
	Delay time.Duration
	// ScoutPeriod is the first interval between Scouts; it doubles up to ScoutMaxPeriod
	// (Rust zenoh: 1 s and 8 s, not configurable there).
	ScoutPeriod    time.Duration
	ScoutMaxPeriod time.Duration

	Multicast MulticastConfig
	Gossip    GossipConfig
	Limits    Limits
}

// DefaultGroup is Zenoh's scouting group.
var DefaultGroup = netip.MustParseAddrPort("224.0.0.224:7446")

// Defaults of Config that do not depend on the mode (commons/zenoh-config/src/defaults.rs).
const (
	DefaultTimeout        = 3000 * time.Millisecond
	DefaultDelay          = 500 * time.Millisecond
	DefaultScoutPeriod    = 1000 * time.Millisecond
	DefaultScoutMaxPeriod = 8000 * time.Millisecond
	DefaultTTL            = 1
	DefaultInterface      = "auto"
)

// DefaultLimits returns the default Limits.
func DefaultLimits() Limits {
	return Limits{
		MaxScoutLen:     1024,
		MaxHelloLen:     16 << 10,
		HelloRate:       50,
		HelloBurst:      50,
		AnswerInterval:  200 * time.Millisecond,
		MaxSources:      1024,
		MaxNodes:        256,
		NodeTTL:         60 * time.Second,
		MaxDials:        8,
		DialRate:        20,
		DialBurst:       16,
		DialTimeout:     2 * time.Second,
		DialStagger:     250 * time.Millisecond,
		MaxDialLocators: 8,
		RetryMin:        time.Second,
		RetryMax:        30 * time.Second,
		RedialDelay:     100 * time.Millisecond,
		MaxGossipLinks:  256,
		MaxLinkStates:   1024,
		MaxPSIDs:        4096,
	}
}

// DefaultConfig returns the Zenoh 1.x defaults for a node of role mode, as eclipse-zenoh 1.10.2
// applies them: multicast on 224.0.0.224:7446, interface "auto", TTL 1, listen true; autoconnect
// router|peer|client for peers and clients and nothing for routers, strategy always; gossip on,
// single hop, to routers and peers (clients do not gossip).
func DefaultConfig(mode wire.WhatAmI) Config {
	all := wire.WhatAmIMatcher(wire.Router | wire.Peer | wire.Client)
	ac := Autoconnect{Matcher: all}
	if mode == wire.Router {
		ac.Matcher = 0
	}
	target := wire.WhatAmIMatcher(wire.Router | wire.Peer)
	gossip := mode != wire.Client
	if !gossip {
		target = 0
	}
	return Config{
		Timeout:        DefaultTimeout,
		Delay:          DefaultDelay,
		ScoutPeriod:    DefaultScoutPeriod,
		ScoutMaxPeriod: DefaultScoutMaxPeriod,
		Multicast: MulticastConfig{
			Enabled:     true,
			Address:     DefaultGroup,
			Interface:   DefaultInterface,
			TTL:         DefaultTTL,
			Listen:      true,
			Autoconnect: ac,
		},
		Gossip: GossipConfig{
			Enabled:     gossip,
			Target:      target,
			Autoconnect: ac,
		},
		Limits: DefaultLimits(),
	}
}

// withDefaults returns c with every zero limit and period replaced by its default.
func (c Config) withDefaults() Config {
	d := DefaultLimits()
	l := &c.Limits
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&l.MaxScoutLen, d.MaxScoutLen)
	setInt(&l.MaxHelloLen, d.MaxHelloLen)
	if l.HelloRate == 0 {
		l.HelloRate = d.HelloRate
	}
	setInt(&l.HelloBurst, d.HelloBurst)
	setDur(&l.AnswerInterval, d.AnswerInterval)
	setInt(&l.MaxSources, d.MaxSources)
	setInt(&l.MaxNodes, d.MaxNodes)
	setDur(&l.NodeTTL, d.NodeTTL)
	setInt(&l.MaxDials, d.MaxDials)
	if l.DialRate == 0 {
		l.DialRate = d.DialRate
	}
	setInt(&l.DialBurst, d.DialBurst)
	setDur(&l.DialTimeout, d.DialTimeout)
	setDur(&l.DialStagger, d.DialStagger)
	setInt(&l.MaxDialLocators, d.MaxDialLocators)
	setDur(&l.RetryMin, d.RetryMin)
	setDur(&l.RetryMax, d.RetryMax)
	setDur(&l.RedialDelay, d.RedialDelay)
	setInt(&l.MaxGossipLinks, d.MaxGossipLinks)
	setInt(&l.MaxLinkStates, d.MaxLinkStates)
	setInt(&l.MaxPSIDs, d.MaxPSIDs)
	setDur(&c.ScoutPeriod, DefaultScoutPeriod)
	setDur(&c.ScoutMaxPeriod, DefaultScoutMaxPeriod)
	return c
}

// Validate reports the first invalid field of c (after defaults are applied), wrapping ErrConfig.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(field, why string) error { return fmt.Errorf("%w: %s %s", ErrConfig, field, why) }
	m := &c.Multicast
	if m.Enabled {
		a := m.Address.Addr()
		if !m.Address.IsValid() || !a.IsMulticast() || m.Address.Port() == 0 {
			return bad("multicast.address", "must be a multicast group with a port")
		}
		if m.TTL < 0 || m.TTL > 255 {
			return bad("multicast.ttl", "must be 0..255")
		}
		if m.Interface == "" {
			return bad("multicast.interface", "is empty (use \"auto\")")
		}
	}
	if c.Timeout < 0 || c.Delay < 0 {
		return bad("timeout/delay", "must not be negative")
	}
	if c.ScoutPeriod < 0 || c.ScoutMaxPeriod < c.ScoutPeriod {
		return bad("scout period", "must be positive with max >= first")
	}
	l := &c.Limits
	for _, v := range []struct {
		name string
		v    int
		min  int
	}{
		{"limits.max_scout_len", l.MaxScoutLen, 3}, {"limits.max_hello_len", l.MaxHelloLen, 4},
		{"limits.hello_burst", l.HelloBurst, 1}, {"limits.max_sources", l.MaxSources, 1},
		{"limits.max_nodes", l.MaxNodes, 1}, {"limits.max_dials", l.MaxDials, 1},
		{"limits.dial_burst", l.DialBurst, 1}, {"limits.max_dial_locators", l.MaxDialLocators, 1},
		{"limits.max_gossip_links", l.MaxGossipLinks, 1}, {"limits.max_link_states", l.MaxLinkStates, 1},
		{"limits.max_psids", l.MaxPSIDs, 1},
	} {
		if v.v < v.min {
			return bad(v.name, fmt.Sprintf("must be at least %d", v.min))
		}
	}
	if l.MaxScoutLen > maxDatagram || l.MaxHelloLen > maxDatagram {
		return bad("limits.max_*_len", fmt.Sprintf("must be at most %d", maxDatagram))
	}
	if l.HelloRate < 0 || l.DialRate < 0 {
		return bad("limits rates", "must not be negative")
	}
	for _, d := range []time.Duration{l.AnswerInterval, l.NodeTTL, l.DialTimeout, l.DialStagger, l.RetryMin, l.RetryMax, l.RedialDelay} {
		if d < 0 {
			return bad("limits durations", "must not be negative")
		}
	}
	if l.RetryMax < l.RetryMin {
		return bad("limits.retry_max", "must be >= retry_min")
	}
	return nil
}

// maxDatagram is the largest UDP payload.
const maxDatagram = 65507
