package wire

import (
	"math"
	"time"
)

// Limits and defaults of the scouting and transport layers, in addition to those in limits.go
// (MaxBatchSize, MaxZIDSize, MaxLocators, MaxLocatorLen, MaxCookieLen, MaxExtBodyLen,
// MaxExtensions).
const (
	// MaxOpenCookieLen is the longest cookie accepted in an OpenSyn. Zenoh reads it with an
	// unbounded length, but it echoes an InitAck cookie, which is bounded to u16.
	MaxOpenCookieLen = MaxCookieLen
	// MaxTransportOAMBodyLen is the longest body of a transport OAM message (a ZBuf).
	MaxTransportOAMBodyLen = 1<<32 - 1
	// MaxLease is the longest lease a Go time.Duration can hold. Zenoh accepts any u64 count of
	// seconds or milliseconds; a lease above this (about 292 years) is rejected as ErrOverflow.
	MaxLease = time.Duration(math.MaxInt64)
	// MaxDecompressedBatch is the most bytes an LZ4-compressed batch may expand to: a batch
	// never holds more than MaxBatchSize bytes, compressed or not.
	MaxDecompressedBatch = MaxBatchSize
)

// Defaults that InitSyn, InitAck and Join leave off the wire (their S flag is clear).
const (
	// DefaultUnicastBatchSize is the batch size an InitSyn or InitAck without the S flag means.
	DefaultUnicastBatchSize = 1<<16 - 1
	// DefaultMulticastBatchSize is the batch size a Join without the S flag means.
	DefaultMulticastBatchSize = 8192
	// DefaultLease is the lease Zenoh announces by default (transport.link.tx.lease).
	DefaultLease = 10 * time.Second
)

// Upper bounds of the integer fields of transport messages.
const (
	trMaxU16 = 1<<16 - 1
	trMaxU32 = 1<<32 - 1
)
