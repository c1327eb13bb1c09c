package config

import (
	"math"
	"time"
)

// Forever is the duration Zenoh uses for "no bound" (a negative timeout in milliseconds).
const Forever = time.Duration(math.MaxInt64)

// builtin holds Zenoh's defaults, the fallback for modes absent from a per-mode value.
var builtin = DefaultConfig()

// msDuration converts a non-negative count of milliseconds, saturating at Forever.
func msDuration(ms uint64) time.Duration {
	if ms > uint64(Forever/time.Millisecond) {
		return Forever
	}
	return time.Duration(ms) * time.Millisecond
}

// signedMS converts milliseconds where a negative value means Forever, as Zenoh does.
func signedMS(ms int64) time.Duration {
	if ms < 0 {
		return Forever
	}
	return msDuration(uint64(ms))
}

// signedUS converts microseconds where a negative value means Forever.
func signedUS(us int64) time.Duration {
	if us < 0 {
		return Forever
	}
	return time.Duration(us) * time.Microsecond
}

// Lease returns transport/link/tx/lease.
func (t LinkTxConfig) Lease() time.Duration { return msDuration(t.LeaseMS) }

// KeepAliveInterval returns the lease divided by keep_alive, the period of keep-alive messages.
func (t LinkTxConfig) KeepAliveInterval() time.Duration {
	if t.KeepAlive <= 0 {
		return t.Lease()
	}
	return t.Lease() / time.Duration(t.KeepAlive)
}

// OpenTimeout returns transport/unicast/open_timeout.
func (u UnicastTransportConfig) OpenTimeout() time.Duration { return msDuration(u.OpenTimeoutMS) }

// AcceptTimeout returns transport/unicast/accept_timeout.
func (u UnicastTransportConfig) AcceptTimeout() time.Duration { return msDuration(u.AcceptTimeoutMS) }

// JoinInterval returns transport/multicast/join_interval.
func (m MulticastTransportConfig) JoinInterval() time.Duration { return msDuration(m.JoinIntervalMS) }

// TimeLimit returns transport/link/tx/queue/batching/time_limit.
func (b BatchingConfig) TimeLimit() time.Duration { return msDuration(b.TimeLimitMS) }

// WaitBeforeDrop returns congestion_control/drop/wait_before_drop (negative: Forever).
func (d DropConfig) WaitBeforeDrop() time.Duration { return signedUS(d.WaitBeforeDropUS) }

// MaxWaitBeforeDropFragments returns congestion_control/drop/max_wait_before_drop_fragments.
func (d DropConfig) MaxWaitBeforeDropFragments() time.Duration {
	return signedUS(d.MaxWaitBeforeDropFragmentsUS)
}

// WaitBeforeClose returns congestion_control/block/wait_before_close (negative: Forever).
func (b BlockConfig) WaitBeforeClose() time.Duration { return signedUS(b.WaitBeforeCloseUS) }

// Timeout returns scouting/timeout, how long a client scouts for a router.
func (s ScoutingConfig) Timeout() time.Duration { return msDuration(s.TimeoutMS) }

// Delay returns scouting/delay, how long a peer scouts before going on.
func (s ScoutingConfig) Delay() time.Duration { return msDuration(s.DelayMS) }

// Timeout returns routing/interests/timeout.
func (i InterestsConfig) Timeout() time.Duration { return msDuration(i.TimeoutMS) }

// QueriesDefaultTimeout returns queries_default_timeout.
func (c Config) QueriesDefaultTimeout() time.Duration { return msDuration(c.QueriesDefaultTimeoutMS) }

// Retry is a connect or listen retry policy resolved for a mode.
type Retry struct {
	ExitOnFailure  bool
	PeriodInitMS   int64   // negative: never retry; 0: retry at once
	PeriodMaxMS    int64   // 0 or negative: no cap
	IncreaseFactor float64 // multiplies the period after each attempt
}

// First returns the first retry period (Forever when PeriodInitMS is negative).
func (r Retry) First() time.Duration { return signedMS(r.PeriodInitMS) }

// Next returns the period after prev, as Zenoh computes it: prev in whole milliseconds times
// the increase factor, truncated, capped at PeriodMaxMS when that is positive.
func (r Retry) Next(prev time.Duration) time.Duration {
	if prev == Forever || r.PeriodInitMS <= 0 {
		return r.First()
	}
	next := float64(prev.Milliseconds()) * r.IncreaseFactor
	if r.PeriodMaxMS > 0 && next > float64(r.PeriodMaxMS) {
		next = float64(r.PeriodMaxMS)
	}
	if next < 0 || math.IsNaN(next) {
		return 0
	}
	if next >= float64(Forever/time.Millisecond) {
		return Forever
	}
	return time.Duration(int64(next)) * time.Millisecond
}

func resolveRetry(mode Mode, r, def RetryConfig, exit ModeValue[bool], defExit bool) Retry {
	return Retry{
		ExitOnFailure:  exit.GetOr(mode, defExit),
		PeriodInitMS:   r.PeriodInitMS.GetOr(mode, def.PeriodInitMS.GetOr(mode, 1000)),
		PeriodMaxMS:    r.PeriodMaxMS.GetOr(mode, def.PeriodMaxMS.GetOr(mode, 4000)),
		IncreaseFactor: r.PeriodIncreaseFactor.GetOr(mode, def.PeriodIncreaseFactor.GetOr(mode, 2)),
	}
}

// ConnectRetry returns the retry policy for connecting, in c's mode.
func (c Config) ConnectRetry() Retry {
	return resolveRetry(c.Mode, c.Connect.Retry, builtin.Connect.Retry, c.Connect.ExitOnFailure,
		builtin.Connect.ExitOnFailure.GetOr(c.Mode, false))
}

// ListenRetry returns the retry policy for listening, in c's mode.
func (c Config) ListenRetry() Retry {
	return resolveRetry(c.Mode, c.Listen.Retry, builtin.Listen.Retry, c.Listen.ExitOnFailure,
		builtin.Listen.ExitOnFailure.GetOr(c.Mode, true))
}

// ConnectTimeout returns connect/timeout_ms in c's mode (Forever when negative).
func (c Config) ConnectTimeout() time.Duration {
	return signedMS(c.Connect.TimeoutMS.GetOr(c.Mode, builtin.Connect.TimeoutMS.GetOr(c.Mode, 0)))
}

// ListenTimeout returns listen/timeout_ms in c's mode (Forever when negative).
func (c Config) ListenTimeout() time.Duration {
	return signedMS(c.Listen.TimeoutMS.GetOr(c.Mode, builtin.Listen.TimeoutMS.GetOr(c.Mode, 0)))
}

// ListenEndpoints returns the endpoints to listen on in c's mode. The slice belongs to c.
func (c Config) ListenEndpoints() []EndPoint {
	eps, _ := c.Listen.Endpoints.Get(c.Mode)
	return eps
}

// ConnectEndpoints returns the endpoints to connect to in c's mode, groups flattened.
func (c Config) ConnectEndpoints() []EndPoint {
	groups, _ := c.Connect.Endpoints.Get(c.Mode)
	var out []EndPoint
	for _, g := range groups {
		out = append(out, g.Locators...)
	}
	return out
}

// TimestampingEnabled reports timestamping/enabled in c's mode.
func (c Config) TimestampingEnabled() bool {
	return c.Timestamping.Enabled.GetOr(c.Mode, builtin.Timestamping.Enabled.GetOr(c.Mode, false))
}

// MulticastAutoconnect returns scouting/multicast/autoconnect in c's mode.
func (c Config) MulticastAutoconnect() WhatAmIMatcher {
	return c.Scouting.Multicast.Autoconnect.GetOr(c.Mode, builtin.Scouting.Multicast.Autoconnect.GetOr(c.Mode, 0))
}

// MulticastListen reports scouting/multicast/listen in c's mode.
func (c Config) MulticastListen() bool {
	return c.Scouting.Multicast.Listen.GetOr(c.Mode, true)
}

// GossipTarget returns scouting/gossip/target in c's mode.
func (c Config) GossipTarget() WhatAmIMatcher {
	return c.Scouting.Gossip.Target.GetOr(c.Mode, builtin.Scouting.Gossip.Target.GetOr(c.Mode, 0))
}

// GossipAutoconnect returns scouting/gossip/autoconnect in c's mode.
func (c Config) GossipAutoconnect() WhatAmIMatcher {
	return c.Scouting.Gossip.Autoconnect.GetOr(c.Mode, builtin.Scouting.Gossip.Autoconnect.GetOr(c.Mode, 0))
}
