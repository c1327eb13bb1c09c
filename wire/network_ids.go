package wire

import "strconv"

// NetworkID is the id of a network message: the low five bits of its header byte.
// Mirrors commons/zenoh-protocol/src/network/mod.rs (mod id).
type NetworkID uint8

// Network message ids. They never collide with transport ids (0x00..0x07).
const (
	NetIDInterest      NetworkID = 0x19
	NetIDResponseFinal NetworkID = 0x1a
	NetIDResponse      NetworkID = 0x1b
	NetIDRequest       NetworkID = 0x1c
	NetIDPush          NetworkID = 0x1d
	NetIDDeclare       NetworkID = 0x1e
	NetIDOAM           NetworkID = 0x1f
)

// String returns the message's name.
func (id NetworkID) String() string {
	switch id {
	case NetIDInterest:
		return "Interest"
	case NetIDResponseFinal:
		return "ResponseFinal"
	case NetIDResponse:
		return "Response"
	case NetIDRequest:
		return "Request"
	case NetIDPush:
		return "Push"
	case NetIDDeclare:
		return "Declare"
	case NetIDOAM:
		return "OAM"
	}
	return "NetworkID(" + strconv.Itoa(int(id)) + ")"
}

// IsNetworkID reports whether the low five bits of header are a network message id (0x19..0x1f).
func IsNetworkID(header byte) bool { id := header & 0x1f; return id >= 0x19 && id <= 0x1f }

// DataID is the id of a zenoh data message (the body of Push, Request and Response).
// Mirrors commons/zenoh-protocol/src/zenoh/mod.rs (mod id).
type DataID uint8

// Data message ids.
const (
	DataIDPut   DataID = 0x01
	DataIDDel   DataID = 0x02
	DataIDQuery DataID = 0x03
	DataIDReply DataID = 0x04
	DataIDErr   DataID = 0x05
)

// String returns the message's name.
func (id DataID) String() string {
	switch id {
	case DataIDPut:
		return "Put"
	case DataIDDel:
		return "Del"
	case DataIDQuery:
		return "Query"
	case DataIDReply:
		return "Reply"
	case DataIDErr:
		return "Err"
	}
	return "DataID(" + strconv.Itoa(int(id)) + ")"
}

// DeclareID is the id of a declaration, the body of a Declare message.
// Mirrors commons/zenoh-protocol/src/network/declare.rs (mod id).
type DeclareID uint8

// Declaration ids.
const (
	DeclIDKeyExpr          DeclareID = 0x00
	DeclIDUndeclKeyExpr    DeclareID = 0x01
	DeclIDSubscriber       DeclareID = 0x02
	DeclIDUndeclSubscriber DeclareID = 0x03
	DeclIDQueryable        DeclareID = 0x04
	DeclIDUndeclQueryable  DeclareID = 0x05
	DeclIDToken            DeclareID = 0x06
	DeclIDUndeclToken      DeclareID = 0x07
	DeclIDFinal            DeclareID = 0x1a
)

// String returns the declaration's name.
func (id DeclareID) String() string {
	switch id {
	case DeclIDKeyExpr:
		return "DeclareKeyExpr"
	case DeclIDUndeclKeyExpr:
		return "UndeclareKeyExpr"
	case DeclIDSubscriber:
		return "DeclareSubscriber"
	case DeclIDUndeclSubscriber:
		return "UndeclareSubscriber"
	case DeclIDQueryable:
		return "DeclareQueryable"
	case DeclIDUndeclQueryable:
		return "UndeclareQueryable"
	case DeclIDToken:
		return "DeclareToken"
	case DeclIDUndeclToken:
		return "UndeclareToken"
	case DeclIDFinal:
		return "DeclareFinal"
	}
	return "DeclareID(" + strconv.Itoa(int(id)) + ")"
}

// Mapping says whose expression-id table the scope of a WireExpr refers to.
// Mirrors commons/zenoh-protocol/src/network/mod.rs (Mapping).
type Mapping uint8

// The two mappings. On the wire, MappingSender is the M flag.
const (
	MappingReceiver Mapping = 0 // the scope was declared by the receiver of the message
	MappingSender   Mapping = 1 // the scope was declared by the sender of the message
)

// String returns "receiver" or "sender".
func (m Mapping) String() string {
	switch m {
	case MappingReceiver:
		return "receiver"
	case MappingSender:
		return "sender"
	}
	return "Mapping(" + strconv.Itoa(int(m)) + ")"
}

// InterestMode is the mode of an Interest message (bits 5-6 of its header).
// Mirrors commons/zenoh-protocol/src/network/interest.rs (InterestMode).
type InterestMode uint8

// Interest modes.
const (
	InterestFinal         InterestMode = 0
	InterestCurrent       InterestMode = 1
	InterestFuture        InterestMode = 2
	InterestCurrentFuture InterestMode = 3
)

// String returns the mode's name.
func (m InterestMode) String() string {
	switch m {
	case InterestFinal:
		return "final"
	case InterestCurrent:
		return "current"
	case InterestFuture:
		return "future"
	case InterestCurrentFuture:
		return "current-future"
	}
	return "InterestMode(" + strconv.Itoa(int(m)) + ")"
}

// InterestOptions is the options byte of an Interest: which declarations it asks for and how.
// Mirrors commons/zenoh-protocol/src/network/interest.rs (InterestOptions).
type InterestOptions uint8

// Interest option bits. Restricted, Named and Mapping describe the Interest's wire expression;
// encoders derive them from it.
const (
	InterestKeyExprs    InterestOptions = 0x01
	InterestSubscribers InterestOptions = 0x02
	InterestQueryables  InterestOptions = 0x04
	InterestTokens      InterestOptions = 0x08
	InterestRestricted  InterestOptions = 0x10
	InterestNamed       InterestOptions = 0x20
	InterestMapping     InterestOptions = 0x40
	InterestAggregate   InterestOptions = 0x80
)

var interestOptionNames = [8]string{"K", "S", "Q", "T", "R", "N", "M", "A"}

// String lists the set bits by their one-letter names (K S Q T R N M A) joined by "|".
func (o InterestOptions) String() string {
	s := ""
	for i, n := range interestOptionNames {
		if o&(1<<i) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// QueryTarget says which queryables a query goes to.
// Mirrors commons/zenoh-protocol/src/network/request.rs (ext::QueryTarget).
type QueryTarget uint8

// Query targets. The default, QueryTargetBestMatching, is left off the wire.
const (
	QueryTargetBestMatching QueryTarget = 0
	QueryTargetAll          QueryTarget = 1
	QueryTargetAllComplete  QueryTarget = 2
)

// String returns the target's name.
func (t QueryTarget) String() string {
	switch t {
	case QueryTargetBestMatching:
		return "best-matching"
	case QueryTargetAll:
		return "all"
	case QueryTargetAllComplete:
		return "all-complete"
	}
	return "QueryTarget(" + strconv.Itoa(int(t)) + ")"
}

// ConsolidationMode says how a querier consolidates replies.
// Mirrors commons/zenoh-protocol/src/zenoh/query.rs (ConsolidationMode).
type ConsolidationMode uint8

// Consolidation modes. The default, ConsolidationAuto, is left off the wire.
const (
	ConsolidationAuto      ConsolidationMode = 0
	ConsolidationNone      ConsolidationMode = 1
	ConsolidationMonotonic ConsolidationMode = 2
	ConsolidationLatest    ConsolidationMode = 3
)

// String returns the mode's name.
func (c ConsolidationMode) String() string {
	switch c {
	case ConsolidationAuto:
		return "auto"
	case ConsolidationNone:
		return "none"
	case ConsolidationMonotonic:
		return "monotonic"
	case ConsolidationLatest:
		return "latest"
	}
	return "ConsolidationMode(" + strconv.Itoa(int(c)) + ")"
}
