package zenoh

import (
	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// ZenohID identifies a Zenoh node (a session): a non-zero 128-bit number. Its String form is
// the lower-case hexadecimal form Zenoh prints.
type ZenohID = wire.ZenohID

// ParseZenohID parses the text form of a ZenohID (lower-case hexadecimal, as Zenoh prints it).
func ParseZenohID(s string) (ZenohID, error) { return wire.ParseZenohID(s) }

// WhatAmI is the role of a Zenoh node: router, peer or client.
type WhatAmI = wire.WhatAmI

// The three roles.
const (
	WhatAmIRouter = wire.Router
	WhatAmIPeer   = wire.Peer
	WhatAmIClient = wire.Client
)

// WhatAmIMatcher is a set of roles (an OR of WhatAmI values), as used by Scout.
type WhatAmIMatcher = wire.WhatAmIMatcher

// Priority is the priority of a message, from PriorityRealTime (highest) to PriorityBackground.
// Priority 0 (control) is reserved to Zenoh's own messages.
type Priority = wire.Priority

// Priorities available to applications; PriorityData is the default.
const (
	PriorityRealTime        = wire.PriorityRealTime
	PriorityInteractiveHigh = wire.PriorityInteractiveHigh
	PriorityInteractiveLow  = wire.PriorityInteractiveLow
	PriorityDataHigh        = wire.PriorityDataHigh
	PriorityData            = wire.PriorityData
	PriorityDataLow         = wire.PriorityDataLow
	PriorityBackground      = wire.PriorityBackground
	PriorityDefault         = wire.PriorityData
)

// CongestionControl says what a sender does when a transmission queue is full: drop the
// message (after a short wait) or block (for a bounded time).
type CongestionControl = wire.CongestionControl

// Congestion control modes. Publications default to CongestionControlDrop, queries and replies
// to CongestionControlBlock, as in Zenoh.
const (
	CongestionControlDrop       = wire.CongestionDrop
	CongestionControlBlock      = wire.CongestionBlock
	CongestionControlBlockFirst = wire.CongestionBlockFirst
)

// Reliability is the reliability of the channel a message travels on.
type Reliability = wire.Reliability

// Reliabilities; ReliabilityReliable is the default.
const (
	ReliabilityBestEffort = wire.BestEffort
	ReliabilityReliable   = wire.Reliable
)

// QueryTarget says which queryables a query reaches.
type QueryTarget = wire.QueryTarget

// Query targets. QueryTargetBestMatching (the default) reaches the nearest complete queryable
// whose key expression includes the query's, or every matching queryable when there is none;
// QueryTargetAll every matching queryable; QueryTargetAllComplete every complete one.
const (
	QueryTargetBestMatching = wire.QueryTargetBestMatching
	QueryTargetAll          = wire.QueryTargetAll
	QueryTargetAllComplete  = wire.QueryTargetAllComplete
)

// ConsolidationMode says how the replies of a query are consolidated by the querier.
type ConsolidationMode = wire.ConsolidationMode

// Consolidation modes. ConsolidationAuto (the default) is ConsolidationLatest, or
// ConsolidationNone when the selector has a "_time" parameter, as in Zenoh.
const (
	ConsolidationAuto      = wire.ConsolidationAuto
	ConsolidationNone      = wire.ConsolidationNone
	ConsolidationMonotonic = wire.ConsolidationMonotonic
	ConsolidationLatest    = wire.ConsolidationLatest
)

// KeyExpr is a validated key expression in canonical form (a small comparable value).
type KeyExpr = keyexpr.KeyExpr

// NewKeyExpr returns s as a KeyExpr if it is a key expression in canonical form, as Zenoh's
// keyexpr::new decides; otherwise a *KeyExprError (errors.Is ErrInvalidKeyExpr).
func NewKeyExpr(s string) (KeyExpr, error) { return keyexpr.New(s) }

// Autocanonize returns the canonical form of a key expression ("a/**/**" becomes "a/**"), or a
// *KeyExprError.
func Autocanonize(s string) (string, error) { return keyexpr.Autocanonize(s) }

// parseKey validates a key expression given by the user.
func parseKey(key string) (keyexpr.KeyExpr, error) { return keyexpr.New(key) }
