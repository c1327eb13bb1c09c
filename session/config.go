package session

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Config configures a Manager. It is a plain struct: build it with DefaultConfig and change
// fields. The defaults are Zenoh 1.x's (commons/zenoh-config/src/defaults.rs, DEFAULT_CONFIG.json5)
// except where a field documents a stricter bound of its own.
type Config struct {
	// ZID is this node's ZenohID. The zero value makes NewManager draw a random one.
	ZID wire.ZenohID
	// WhatAmI is this node's role (wire.Peer by default).
	WhatAmI wire.WhatAmI

	// Listen lists the endpoints to listen on. Zenoh's peer default is "tcp/[::]:0"; it is
	// left empty here so that a Manager binds nothing its owner did not ask for.
	Listen []string
	// Connect lists the endpoints to dial and keep dialled.
	Connect []string
	// ListenRetry paces retries of listeners that fail to bind.
	ListenRetry Retry
	// ConnectRetry paces dials of Connect endpoints (first failure, and re-dials after a loss).
	ConnectRetry Retry

	// Lease is this node's lease, announced to peers: a peer closes the link when nothing
	// arrived from us for that long. A whole number of milliseconds. Zenoh:
	// transport.link.tx.lease (10 s).
	Lease time.Duration
	// KeepAlive is how many keep-alives are sent per Lease when idle. Zenoh: keep_alive (4).
	KeepAlive int
	// BatchSize is the largest batch we send or accept, stream length prefix included
	// (Zenoh: transport.link.tx.batch_size, 65535). The smaller of both sides' values is used.
	BatchSize int
	// SNResolution is the sequence-number resolution in bits offered: 8, 16, 32 or 64 (32).
	SNResolution int
	// QoS offers eight priorities with their own channels (Zenoh: transport.unicast.qos.enabled).
	QoS bool

	// OpenTimeout bounds a dial plus handshake (10 s).
	OpenTimeout time.Duration
	// AcceptTimeout bounds an incoming handshake, and is the lifetime of an InitAck cookie (10 s).
	AcceptTimeout time.Duration
	// AcceptPending bounds concurrent incoming handshakes; beyond it links are closed at once (100).
	AcceptPending int
	// MaxSessions bounds the number of transports (1000).
	MaxSessions int
	// MaxLinks is Zenoh's links per transport (1). Only 1 is implemented: a transport keeps
	// one link, and a second one to the same peer is reconciled away (see Manager).
	MaxLinks int
	// LowLatency and Compression are Zenoh's transport options (both off by default); neither
	// is implemented, so both must stay false: they are then simply not offered to peers.
	LowLatency  bool
	Compression bool

	// QueueSize is the number of batches per priority queue (Zenoh: tx.queue.size, 2).
	QueueSize int
	// Batching lets messages share a batch; when false every message is flushed on its own.
	Batching bool
	// BatchLinger is how long, at most, the writer leaves a batch less than half full to fill
	// while a stream of messages keeps it busy (it wrote a batch less than BatchLinger ago),
	// instead of writing it at once (Zenoh: tx.queue.batching.time_limit, 1 ms, the longest a
	// message is held for batching under load). Messages of an idle link are written at once
	// (and usually by their sender, see Transport.Send); express messages and full batches end
	// the wait. 0 (the default here) disables it; the root package sets it from Zenoh's config.
	BatchLinger time.Duration
	// WaitBeforeDrop bounds how long a droppable message waits for queue space (1 ms).
	WaitBeforeDrop time.Duration
	// WaitBeforeDropFragments bounds the wait of a whole droppable fragmented message (50 ms).
	WaitBeforeDropFragments time.Duration
	// WaitBeforeClose bounds how long a blocking message waits for queue space (5 s). Unlike
	// Rust, the transport stays up when it runs out: Send returns ErrCongested to the caller.
	WaitBeforeClose time.Duration

	// RxMaxMessageSize bounds one reassembled message (Zenoh: rx.max_message_size, 1 GiB).
	RxMaxMessageSize int
	// RxMaxReassembly bounds the bytes being reassembled at once over all channels of one peer.
	RxMaxReassembly int
	// ReassemblyTimeout drops a partly reassembled message when no fragment of it arrived for
	// that long. Zero means max(2 s, peer lease / 2).
	ReassemblyTimeout time.Duration

	// Logger receives debug and warning records; nil keeps the package silent.
	Logger *slog.Logger
}

// Retry is an exponential backoff: PeriodInit, then ×Factor per failure, capped at PeriodMax.
// Each delay is shortened by a random fraction of up to Jitter (0 ≤ Jitter < 1), so it never
// exceeds the Zenoh schedule and dialers that fail together spread out.
type Retry struct {
	PeriodInit time.Duration
	PeriodMax  time.Duration
	Factor     float64
	Jitter     float64
}

// DefaultRetry returns Zenoh's connect/listen retry schedule (1 s, ×2, at most 4 s) with 20% jitter.
func DefaultRetry() Retry {
	return Retry{PeriodInit: time.Second, PeriodMax: 4 * time.Second, Factor: 2, Jitter: 0.2}
}

// Zenoh 1.x defaults.
const (
	DefaultLease         = 10 * time.Second
	DefaultKeepAlive     = 4
	DefaultBatchSize     = wire.MaxBatchSize
	DefaultSNResolution  = 32
	DefaultOpenTimeout   = 10 * time.Second
	DefaultAcceptTimeout = 10 * time.Second
	DefaultAcceptPending = 100
	DefaultMaxSessions   = 1000
	DefaultQueueSize     = 2
	// MinBatchSize is the smallest batch size accepted in a Config or from a peer: a batch must
	// hold a Fragment header with its extensions and some payload.
	MinBatchSize = 64
	// MaxQueueSize is the largest QueueSize (Zenoh allows 1..16).
	MaxQueueSize = 16
)

// DefaultConfig returns the Zenoh 1.x defaults for a peer.
func DefaultConfig() Config {
	return Config{
		WhatAmI:                 wire.Peer,
		ListenRetry:             DefaultRetry(),
		ConnectRetry:            DefaultRetry(),
		Lease:                   DefaultLease,
		KeepAlive:               DefaultKeepAlive,
		BatchSize:               DefaultBatchSize,
		SNResolution:            DefaultSNResolution,
		QoS:                     true,
		OpenTimeout:             DefaultOpenTimeout,
		AcceptTimeout:           DefaultAcceptTimeout,
		AcceptPending:           DefaultAcceptPending,
		MaxSessions:             DefaultMaxSessions,
		MaxLinks:                1,
		QueueSize:               DefaultQueueSize,
		Batching:                true,
		WaitBeforeDrop:          time.Millisecond,
		WaitBeforeDropFragments: 50 * time.Millisecond,
		WaitBeforeClose:         5 * time.Second,
		RxMaxMessageSize:        1 << 30,
		RxMaxReassembly:         1 << 30,
	}
}

// Validate reports the first invalid field, wrapping ErrConfig.
func (c *Config) Validate() error {
	bad := func(f string, v any) error { return fmt.Errorf("%w: %s = %v", ErrConfig, f, v) }
	switch {
	case !c.WhatAmI.Valid():
		return bad("WhatAmI", c.WhatAmI)
	case c.Lease < time.Millisecond || c.Lease%time.Millisecond != 0:
		return bad("Lease", c.Lease)
	case c.KeepAlive < 1:
		return bad("KeepAlive", c.KeepAlive)
	case c.BatchSize < MinBatchSize || c.BatchSize > wire.MaxBatchSize:
		return bad("BatchSize", c.BatchSize)
	case c.OpenTimeout <= 0:
		return bad("OpenTimeout", c.OpenTimeout)
	case c.AcceptTimeout <= 0:
		return bad("AcceptTimeout", c.AcceptTimeout)
	case c.AcceptPending < 1:
		return bad("AcceptPending", c.AcceptPending)
	case c.MaxSessions < 1:
		return bad("MaxSessions", c.MaxSessions)
	case c.QueueSize < 1 || c.QueueSize > MaxQueueSize:
		return bad("QueueSize", c.QueueSize)
	case c.WaitBeforeDrop < 0 || c.WaitBeforeDropFragments < 0 || c.WaitBeforeClose < 0:
		return bad("WaitBefore*", "negative")
	case c.RxMaxMessageSize < 1:
		return bad("RxMaxMessageSize", c.RxMaxMessageSize)
	case c.RxMaxReassembly < 1:
		return bad("RxMaxReassembly", c.RxMaxReassembly)
	case c.ReassemblyTimeout < 0:
		return bad("ReassemblyTimeout", c.ReassemblyTimeout)
	}
	switch {
	case c.MaxLinks != 1:
		return fmt.Errorf("%w: MaxLinks = %d (only 1)", ErrUnsupported, c.MaxLinks)
	case c.LowLatency:
		return fmt.Errorf("%w: LowLatency", ErrUnsupported)
	case c.Compression:
		return fmt.Errorf("%w: Compression", ErrUnsupported)
	}
	if _, ok := resolutionCode(c.SNResolution); !ok {
		return bad("SNResolution", c.SNResolution)
	}
	for _, r := range []struct {
		n string
		r Retry
	}{{"ListenRetry", c.ListenRetry}, {"ConnectRetry", c.ConnectRetry}} {
		if err := r.r.validate(); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrConfig, r.n, err)
		}
	}
	return nil
}

func (r Retry) validate() error {
	switch {
	case r.PeriodInit <= 0:
		return fmt.Errorf("PeriodInit = %v", r.PeriodInit)
	case r.PeriodMax < r.PeriodInit:
		return fmt.Errorf("PeriodMax = %v < PeriodInit", r.PeriodMax)
	case !(r.Factor >= 1 && r.Factor <= 1e6):
		return fmt.Errorf("Factor = %v", r.Factor)
	case !(r.Jitter >= 0 && r.Jitter < 1):
		return fmt.Errorf("Jitter = %v", r.Jitter)
	}
	return nil
}

// keepAliveInterval is how long the writer stays silent before it sends a KeepAlive.
func (c *Config) keepAliveInterval() time.Duration { return c.Lease / time.Duration(c.KeepAlive) }

// reassemblyTimeout returns the configured deadline, or max(2 s, peerLease/2).
func (c *Config) reassemblyTimeout(peerLease time.Duration) time.Duration {
	if c.ReassemblyTimeout > 0 {
		return c.ReassemblyTimeout
	}
	return max(2*time.Second, peerLease/2)
}
