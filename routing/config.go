package routing

import (
	"log/slog"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Limits bounds what one remote face may make the router hold (Config.Limits for peers and
// clients, Config.RouterLimits for the faces that aggregate a network). Exceeding MaxKeyExprs,
// MaxDeclarations, MaxTokens or MaxInterests fails the face with a *LimitError (the caller
// closes it); MaxPendingQueries is enforced by answering the excess queries at once with a
// ResponseFinal (counted in Stats.QueriesRefused). A zero field takes its default.
type Limits struct {
	// MaxKeyExprs is the number of expression ids (DeclareKeyExpr) a face may hold. Default 4096.
	MaxKeyExprs int
	// MaxDeclarations is the number of subscribers plus queryables a face may hold. Default 4096.
	MaxDeclarations int
	// MaxTokens is the number of liveliness tokens a face may hold. Default 1024.
	MaxTokens int
	// MaxInterests is the number of live Future or CurrentFuture interests a face may hold.
	// Default 1024.
	MaxInterests int
	// MaxPendingQueries is the number of queries a face may have in flight through this router
	// (received and not yet answered by a ResponseFinal). Default 1024.
	MaxPendingQueries int
	// MaxQueryTimeout caps the timeout a Request asks for (its Timeout extension). Default 5 min.
	MaxQueryTimeout time.Duration
}

// Default limits.
const (
	DefaultMaxKeyExprs       = 4096
	DefaultMaxDeclarations   = 4096
	DefaultMaxTokens         = 1024
	DefaultMaxInterests      = 1024
	DefaultMaxPendingQueries = 1024
	DefaultMaxQueryTimeout   = 5 * time.Minute
)

// Default timeouts, as Zenoh's (queries.default_timeout and routing.interests.timeout).
const (
	DefaultQueryTimeout    = 10 * time.Second
	DefaultInterestTimeout = 10 * time.Second
)

// RouterLimitScale is the factor between the default limits of a face that aggregates a
// network (DefaultRouterLimits) and those of any other face (DefaultLimits).
const RouterLimitScale = 16

// DefaultLimits returns the default Limits of a peer or client face.
func DefaultLimits() Limits {
	return Limits{
		MaxKeyExprs:       DefaultMaxKeyExprs,
		MaxDeclarations:   DefaultMaxDeclarations,
		MaxTokens:         DefaultMaxTokens,
		MaxInterests:      DefaultMaxInterests,
		MaxPendingQueries: DefaultMaxPendingQueries,
		MaxQueryTimeout:   DefaultMaxQueryTimeout,
	}
}

// DefaultRouterLimits returns the default Limits of a face that aggregates a network (see
// Config.RouterLimits): every count of DefaultLimits times RouterLimitScale (MaxTokens 16384,
// MaxDeclarations and MaxKeyExprs 65536, MaxInterests and MaxPendingQueries 16384), and the
// same MaxQueryTimeout.
func DefaultRouterLimits() Limits {
	d := DefaultLimits()
	d.MaxKeyExprs *= RouterLimitScale
	d.MaxDeclarations *= RouterLimitScale
	d.MaxTokens *= RouterLimitScale
	d.MaxInterests *= RouterLimitScale
	d.MaxPendingQueries *= RouterLimitScale
	return d
}

// withDefaults returns l with every zero (or negative) field set to its value in d.
func (l Limits) withDefaults(d Limits) Limits {
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	l.MaxKeyExprs = pick(l.MaxKeyExprs, d.MaxKeyExprs)
	l.MaxDeclarations = pick(l.MaxDeclarations, d.MaxDeclarations)
	l.MaxTokens = pick(l.MaxTokens, d.MaxTokens)
	l.MaxInterests = pick(l.MaxInterests, d.MaxInterests)
	l.MaxPendingQueries = pick(l.MaxPendingQueries, d.MaxPendingQueries)
	if l.MaxQueryTimeout <= 0 {
		l.MaxQueryTimeout = d.MaxQueryTimeout
	}
	return l
}

// Config configures a Router.
type Config struct {
	// ZID is this node's ZenohID. It names the responder of the "Timeout" error replies for
	// queries that local queryables did not finish in time.
	ZID wire.ZenohID
	// Limits bounds what each remote peer or client face may declare.
	Limits Limits
	// RouterLimits bounds what each face that aggregates a network may declare: a router (it
	// declares us what its whole network holds, e.g. every liveliness token matching a broad
	// liveliness subscriber), and in client mode every face (the node we are connected to
	// speaks for its network). A zero field takes its value in DefaultRouterLimits (16 times
	// the default of Limits).
	RouterLimits Limits
	// QueryTimeout is the timeout of a query whose Request has no Timeout extension, and of a
	// local Get that does not give one. Default DefaultQueryTimeout.
	QueryTimeout time.Duration
	// InterestTimeout bounds how long a liveliness Get waits for the DeclareFinal of a peer it
	// asked (in addition to the Get's own timeout). Default DefaultInterestTimeout.
	InterestTimeout time.Duration
	// Client makes the router the routing of a Zenoh client (Rust's client hat): the nodes it is
	// connected to (routers and peers) are sent no DeclareFinal(0), and the interests of the
	// local session go to every one of them, not only to routers (see interest_fwd.go).
	Client bool
	// Logger receives debug logs of dropped messages; nil means silent.
	Logger *slog.Logger
}
