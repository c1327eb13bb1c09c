package scouting

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// TestDefaultConfig checks the defaults against commons/zenoh-config/src/defaults.rs and what
// eclipse-zenoh 1.10.2 does (its Scout's matcher byte is 07: router|peer|client).
func TestDefaultConfig(t *testing.T) {
	all := wire.WhatAmIMatcher(7)
	for _, c := range []struct {
		mode      wire.WhatAmI
		ac        wire.WhatAmIMatcher
		gossip    bool
		gossipTgt wire.WhatAmIMatcher
	}{
		{wire.Peer, all, true, 3},
		{wire.Client, all, false, 0},
		{wire.Router, 0, true, 3},
	} {
		cfg := DefaultConfig(c.mode)
		m := cfg.Multicast
		if !m.Enabled || m.Address != netip.MustParseAddrPort("224.0.0.224:7446") || m.Interface != "auto" ||
			m.TTL != 1 || !m.Listen || m.Autoconnect.Matcher != c.ac || m.Autoconnect.Strategy != (Strategies{}) {
			t.Errorf("%v multicast %+v", c.mode, m)
		}
		g := cfg.Gossip
		if g.Enabled != c.gossip || g.Multihop || g.Target != c.gossipTgt || g.Autoconnect.Matcher != c.ac {
			t.Errorf("%v gossip %+v", c.mode, g)
		}
		if cfg.Timeout != 3*time.Second || cfg.Delay != 500*time.Millisecond ||
			cfg.ScoutPeriod != time.Second || cfg.ScoutMaxPeriod != 8*time.Second {
			t.Errorf("%v timing %+v", c.mode, cfg)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%v: %v", c.mode, err)
		}
	}
}

func TestValidate(t *testing.T) {
	base := DefaultConfig(wire.Peer)
	for name, mut := range map[string]func(*Config){
		"unicast group":   func(c *Config) { c.Multicast.Address = netip.MustParseAddrPort("10.0.0.1:7446") },
		"no port":         func(c *Config) { c.Multicast.Address = netip.MustParseAddrPort("224.0.0.224:0") },
		"ttl":             func(c *Config) { c.Multicast.TTL = 256 },
		"interface":       func(c *Config) { c.Multicast.Interface = "" },
		"negative delay":  func(c *Config) { c.Delay = -1 },
		"period order":    func(c *Config) { c.ScoutPeriod, c.ScoutMaxPeriod = 2*time.Second, time.Second },
		"retry order":     func(c *Config) { c.Limits.RetryMin, c.Limits.RetryMax = time.Minute, time.Second },
		"negative nodes":  func(c *Config) { c.Limits.MaxNodes = -1 },
		"huge datagram":   func(c *Config) { c.Limits.MaxHelloLen = 1 << 20 },
		"negative rate":   func(c *Config) { c.Limits.DialRate = -1 },
		"negative expiry": func(c *Config) { c.Limits.NodeTTL = -time.Second },
	} {
		c := base
		mut(&c)
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
	// A disabled multicast section is not checked; IPv6 groups are accepted.
	c := base
	c.Multicast.Enabled, c.Multicast.Interface = false, ""
	if err := c.Validate(); err != nil {
		t.Errorf("disabled multicast: %v", err)
	}
	c = base
	c.Multicast.Address = netip.MustParseAddrPort("[ff02::7a]:7446")
	if err := c.Validate(); err != nil {
		t.Errorf("IPv6 group: %v", err)
	}
	// Zero limits take their defaults.
	c = base
	c.Limits = Limits{}
	if got := c.withDefaults().Limits; got != DefaultLimits() {
		t.Errorf("zero limits became %+v", got)
	}
}

// TestAutoconnectShould checks the matcher and the greater-zid order (little-endian bytes
// compared lexicographically, which is not numeric order).
func TestAutoconnectShould(t *testing.T) {
	a2b1 := mustZID("a1b2") // bytes b2 a1
	ff := mustZID("ff")     // bytes ff
	ac := Autoconnect{Matcher: wire.WhatAmIMatcher(wire.Router | wire.Peer), Strategy: Strategies{ToPeer: StrategyGreaterZID}}
	if ac.Should(a2b1, ff, wire.Peer) {
		t.Error("a1b2 (b2 a1) should not dial ff (ff): it is the smaller in Zenoh's order")
	}
	if !ac.Should(ff, a2b1, wire.Peer) {
		t.Error("ff should dial a1b2")
	}
	if !ac.Should(a2b1, ff, wire.Router) {
		t.Error("to_router is always")
	}
	if ac.Should(ff, a2b1, wire.Client) || ac.Should(ff, a2b1, 3) {
		t.Error("client or invalid role matched")
	}
	if (Autoconnect{}).Enabled() || !ac.Enabled() {
		t.Error("Enabled")
	}
	if StrategyGreaterZID.String() != "greater-zid" || StrategyAlways.String() != "always" {
		t.Error("Strategy names")
	}
}
