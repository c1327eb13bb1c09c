package wire

// InitAck answers an InitSyn: the acceptor says who it is, the resolution and batch size it
// settled on, the features it accepts, and gives a cookie the opener must echo in its OpenSyn.
//
// Wire layout (commons/zenoh-codec/src/transport/init.rs):
//
//	header     |Z|S|A=1| 0x01 |   S: size params follow; Z: extensions follow
//	version    u8
//	flags      |zid_len-1|X|X|wai|
//	zid        zid_len bytes
//	resolution u8                   only when S
//	batch_size u16 little-endian    only when S
//	cookie     %len% bytes          len at most 65535
//	exts                            only when Z (InitExts)
//
// Without S the opener assumes DefaultResolution and DefaultUnicastBatchSize, not "what I
// asked for".
type InitAck struct {
	Version    uint8
	WhatAmI    WhatAmI
	ZID        ZenohID
	Resolution Resolution
	BatchSize  uint16
	Cookie     []byte // opaque; aliases the decoded input
	InitExts
}

// NewInitAck returns an InitAck of version 0x09 with the default resolution and batch size and
// no extensions.
func NewInitAck(w WhatAmI, zid ZenohID, cookie []byte) InitAck {
	return InitAck{Version: ProtoVersion, WhatAmI: w, ZID: zid, Resolution: DefaultResolution, BatchSize: DefaultUnicastBatchSize, Cookie: cookie}
}

// Len returns the encoded size.
func (m *InitAck) Len() int {
	n := 3 + m.ZID.Size() + bytesLen(m.Cookie) + m.InitExts.size()
	if trInitSized(m.Resolution, m.BatchSize) {
		n += 3
	}
	return n
}

// Append appends the InitAck.
func (m *InitAck) Append(b []byte) ([]byte, error) {
	return trAppendInit(b, "InitAck", initFlagA, m.Version, m.WhatAmI, m.ZID, m.Resolution, m.BatchSize, m.Cookie, &m.InitExts)
}

// DecodeInitAck decodes an InitAck from the start of b.
func DecodeInitAck(b []byte) (InitAck, int, error) {
	var m InitAck
	n, err := decodeInitAckInto(b, &m)
	if err != nil {
		return InitAck{}, n, err
	}
	return m, n, nil
}

func decodeInitAckInto(b []byte, m *InitAck) (int, error) {
	r := newRd(b, "InitAck")
	h, err := r.trHeader(TransportIDInit)
	if err != nil {
		return r.off, err
	}
	if h&initFlagA == 0 {
		r.off = 0
		return 0, r.fail("header", ErrUnknownMessage)
	}
	if m.Version, m.WhatAmI, m.ZID, err = r.trNodeID(); err != nil {
		return r.off, err
	}
	m.Resolution, m.BatchSize = DefaultResolution, DefaultUnicastBatchSize
	if h&initFlagS != 0 {
		if m.Resolution, m.BatchSize, err = r.trSizeParams(); err != nil {
			return r.off, err
		}
	}
	if m.Cookie, err = r.bytes("cookie", MaxCookieLen); err != nil {
		return r.off, err
	}
	return r.off, r.trInitExts(h, &m.InitExts)
}
