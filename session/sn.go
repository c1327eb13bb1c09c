package session

// Sequence numbers. A frame SN resolution is a 2-bit code (8, 16, 32, 64 bit); the SN space is
// smaller than the name says so that SNs keep a 1, 2, 4 or 5 byte zint: masks 0x7f, 0x3fff,
// 0x0fffffff and 0xffffffff (commons/zenoh-protocol/src/transport/mod.rs, Bits::mask).

// resolutionCode maps a resolution in bits to its 2-bit code.
func resolutionCode(bits int) (uint8, bool) {
	switch bits {
	case 8:
		return 0, true
	case 16:
		return 1, true
	case 32:
		return 2, true
	case 64:
		return 3, true
	}
	return 0, false
}

// resolutionBits maps a 2-bit code to the resolution in bits.
func resolutionBits(code uint8) int { return 8 << (code & 3) }

// snMask returns the SN mask of a 2-bit resolution code.
func snMask(code uint8) uint32 {
	switch code & 3 {
	case 0:
		return 0x7f
	case 1:
		return 0x3fff
	case 2:
		return 0x0fffffff
	}
	return 0xffffffff
}

// snRx is the receive state of one channel: the last accepted SN.
type snRx struct {
	last uint32
}

// reset makes initial the next acceptable SN.
func (s *snRx) reset(initial, mask uint32) { s.last = (initial - 1) & mask }

// accept reports whether sn is new (ahead of last by 1..mask/2) and, if so, records it. An SN
// outside the mask must be rejected by the caller before (it is a protocol error, not a duplicate).
func (s *snRx) accept(sn, mask uint32) bool {
	gap := (sn - s.last) & mask
	if gap == 0 || gap > mask/2 {
		return false
	}
	s.last = sn
	return true
}

// next reports whether sn directly follows last (fragments of one message must be consecutive).
func (s *snRx) next(sn, mask uint32) bool { return sn == (s.last+1)&mask }
