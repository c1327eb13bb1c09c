package wire

// Limits on peer-controlled sizes in network and data messages, in addition to those in
// limits.go (MaxKeySuffixLen, MaxPayloadLen, MaxSchemaLen, MaxExtBodyLen, MaxExtensions).
// Nothing in these messages is copied on decode (byte fields alias the input), so the limits
// guard against nonsense rather than against memory exhaustion; they mirror Zenoh's own bounds.
const (
	// MaxQueryParametersLen is the longest selector parameter string of a Query. Zenoh reads it
	// with an unbounded length; a message can never be longer than a u32 payload.
	MaxQueryParametersLen = 1<<32 - 1
	// MaxOAMBodyLen is the longest body of a network OAM message (ZBuf encoding).
	MaxOAMBodyLen = 1<<32 - 1
	// MaxAttachmentLen is the longest attachment of a Put, Del or Query (a u32-bounded ext body).
	MaxAttachmentLen = 1<<32 - 1
)

// Upper bounds of the bounded integer fields of network and data messages.
const (
	netMaxU16 = 1<<16 - 1
	netMaxU32 = 1<<32 - 1
)
