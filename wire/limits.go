package wire

// Limits on peer-controlled sizes and counts. Each is checked before anything is allocated.
// They are deliberately no tighter than what Rust zenoh 1.x itself accepts, so that any message a
// real peer sends decodes.
const (
	// MaxBatchSize is the largest batch a link can carry (the TCP length prefix is a u16).
	MaxBatchSize = 1<<16 - 1
	// MaxZIDSize is the largest ZenohID in bytes.
	MaxZIDSize = 16
	// MaxLocators is the most locators accepted in one Hello or Join.
	MaxLocators = 256
	// MaxLocatorLen is the longest locator string (Zenoh bounds it to a u8 length).
	MaxLocatorLen = 255
	// MaxCookieLen is the longest InitAck cookie (bounded to u16 by Zenoh).
	MaxCookieLen = 1<<16 - 1
	// MaxExtBodyLen is the longest extension body accepted. Zenoh bounds it to u32; a body can
	// never be longer than its batch, so this is only a guard for fuzzed input.
	MaxExtBodyLen = 1<<32 - 1
	// MaxExtensions is the most extensions accepted on one message.
	MaxExtensions = 64
	// MaxKeySuffixLen is the longest key-expression suffix in a WireExpr (bounded to u16 by Zenoh).
	MaxKeySuffixLen = 1<<16 - 1
	// MaxSchemaLen is the longest encoding schema (bounded to u8 by Zenoh).
	MaxSchemaLen = 255
	// MaxPayloadLen is the longest payload of one data message (bounded to u32 by Zenoh).
	MaxPayloadLen = 1<<32 - 1
)
