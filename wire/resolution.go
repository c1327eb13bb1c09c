package wire

import "strconv"

// Bits is the 2-bit code of one sequence-number or request-id resolution.
// Mirrors commons/zenoh-protocol/src/core/resolution.rs (Bits).
type Bits uint8

// The four resolutions.
const (
	Bits8  Bits = 0b00
	Bits16 Bits = 0b01
	Bits32 Bits = 0b10
	Bits64 Bits = 0b11
)

// String returns "8bit", "16bit", "32bit" or "64bit", as Zenoh's configuration spells them.
func (b Bits) String() string {
	switch b {
	case Bits8:
		return "8bit"
	case Bits16:
		return "16bit"
	case Bits32:
		return "32bit"
	case Bits64:
		return "64bit"
	}
	return "Bits(" + strconv.Itoa(int(b)) + ")"
}

// SNMask returns the mask Zenoh applies to frame sequence numbers at this resolution. It is
// narrower than the name says, so that an SN always fits 1, 2 or 4 zint bytes: 0x7f, 0x3fff,
// 0x0fffffff; 64bit gives 0xffffffff because a TransportSn is a u32.
// Mirrors io/zenoh-transport/src/common/seq_num.rs (get_mask).
func (b Bits) SNMask() uint32 {
	switch b & 0b11 {
	case Bits8:
		return 0x7f
	case Bits16:
		return 0x3fff
	case Bits32:
		return 0x0fffffff
	}
	return 0xffffffff
}

// Resolution is the resolution byte of InitSyn, InitAck and Join:
//
//	bits 1-0 frame SN resolution (Bits), bits 3-2 request id resolution (Bits),
//	bits 5-4 unused but kept, bits 7-6 dropped by the decoder
//
// Mirrors commons/zenoh-protocol/src/core/resolution.rs (Resolution).
type Resolution uint8

// DefaultResolution is 32-bit frame SNs and 32-bit request ids (0x0a), which messages leave off
// the wire.
const DefaultResolution Resolution = Resolution(Bits32) | Resolution(Bits32)<<2

// resolutionWireMask is what a decoder keeps of the resolution byte.
const resolutionWireMask = 0b0011_1111

// NewResolution builds a resolution byte.
func NewResolution(frameSN, requestID Bits) Resolution {
	return Resolution(frameSN&0b11) | Resolution(requestID&0b11)<<2
}

// FrameSN returns the frame sequence-number resolution.
func (r Resolution) FrameSN() Bits { return Bits(r & 0b11) }

// RequestID returns the request-id resolution.
func (r Resolution) RequestID() Bits { return Bits(r>>2) & 0b11 }

// String returns e.g. "fsn=32bit,rid=32bit".
func (r Resolution) String() string {
	return "fsn=" + r.FrameSN().String() + ",rid=" + r.RequestID().String()
}
