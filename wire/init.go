package wire

// InitExts are the extensions InitSyn and InitAck can carry, in the order Rust writes them.
// An opener offers a feature by setting it in its InitSyn; the acceptor echoes what it accepts
// in its InitAck. Byte-string bodies alias the decoded input.
// Mirrors commons/zenoh-protocol/src/transport/init.rs (mod ext).
type InitExts struct {
	QoS         bool    // 0x01 unit: QoS (8 priorities, Frame QoS extension)
	QoSLink     Z64Ext  // 0x21 z64: QoS with a link priority range / reliability (bit 0 QoS, bit 1 range in bits 10-3 and 18-11, bit 2 reliability in bit 19)
	Shm         ZBufExt // 0x42 zbuf: shared-memory negotiation (opaque)
	Auth        ZBufExt // 0x43 zbuf: authentication (a list of sub-extensions)
	MultiLink   ZBufExt // 0x44 zbuf: multi-link negotiation (opaque)
	LowLatency  bool    // 0x05 unit: Frame-less low-latency framing
	Compression bool    // 0x06 unit: LZ4 batch compression
	Patch       uint8   // 0x27 z64: protocol patch level; 0 (absent) is 1.0.0, 1 adds fragment First/Drop markers
	RegionName  ZBufExt // 0x48 zbuf: the sender's region name, UTF-8 (zenoh 1.9+)
	Exts        []Ext   // unknown optional extensions, kept in order after the known ones
}

func (x *InitExts) count() int {
	return trB2I(x.QoS) + x.QoSLink.count() + x.Shm.count() + x.Auth.count() + x.MultiLink.count() +
		trB2I(x.LowLatency) + trB2I(x.Compression) + trB2I(x.Patch != 0) + x.RegionName.count() + len(x.Exts)
}

func (x *InitExts) size() int {
	n := trB2I(x.QoS) + x.QoSLink.size(trExtInitQoSLink) + x.Shm.size(trExtInitShm) +
		x.Auth.size(trExtInitAuth) + x.MultiLink.size(trExtInitMultiLink) + trB2I(x.LowLatency) +
		trB2I(x.Compression) + x.RegionName.size(trExtInitRegionName) + extsLen(x.Exts)
	if x.Patch != 0 {
		n += trZ64Len(trExtInitPatch, uint64(x.Patch))
	}
	return n
}

func (x *InitExts) check(msg string) error {
	return trCheckExts(msg, x.Exts, trExtInitQoS, trExtInitQoSLink, trExtInitShm, trExtInitAuth,
		trExtInitMultiLink, trExtInitLowLatency, trExtInitCompression, trExtInitPatch, trExtInitRegionName)
}

func (x *InitExts) append(b []byte) []byte {
	w := trExtW{b: b, n: x.count()}
	w.optUnit(trExtInitQoS, x.QoS)
	w.optZ64(trExtInitQoSLink, x.QoSLink)
	w.optZBuf(trExtInitShm, x.Shm)
	w.optZBuf(trExtInitAuth, x.Auth)
	w.optZBuf(trExtInitMultiLink, x.MultiLink)
	w.optUnit(trExtInitLowLatency, x.LowLatency)
	w.optUnit(trExtInitCompression, x.Compression)
	if x.Patch != 0 {
		w.z64(trExtInitPatch, uint64(x.Patch))
	}
	w.optZBuf(trExtInitRegionName, x.RegionName)
	w.unknown(x.Exts)
	return w.b
}

// trInitExts reads the extensions of an InitSyn or InitAck. A known extension seen twice keeps
// the last value, as in Zenoh; a z64 Patch is truncated to its low byte, as in Zenoh.
func (r *rd) trInitExts(h byte, x *InitExts) error {
	for more := h&ExtMore != 0; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return err
		}
		more = m
		switch e.Header {
		case trExtInitQoS:
			x.QoS = true
		case trExtInitQoSLink:
			x.QoSLink = Z64Ext{true, e.Value}
		case trExtInitShm:
			x.Shm = ZBufExt{true, e.Body}
		case trExtInitAuth:
			x.Auth = ZBufExt{true, e.Body}
		case trExtInitMultiLink:
			x.MultiLink = ZBufExt{true, e.Body}
		case trExtInitLowLatency:
			x.LowLatency = true
		case trExtInitCompression:
			x.Compression = true
		case trExtInitPatch:
			x.Patch = uint8(e.Value)
		case trExtInitRegionName:
			x.RegionName = ZBufExt{true, e.Body}
		default:
			if x.Exts, err = r.unknownExt("ext", e, x.Exts); err != nil {
				return err
			}
		}
	}
	return nil
}

const (
	initFlagA = 0x20 // InitAck
	initFlagS = 0x40 // size parameters follow
)

// trSizeParams reads the resolution byte and the little-endian batch size that follow the zid
// when the S flag is set (bits 7-6 of the resolution byte are dropped, as Zenoh does).
func (r *rd) trSizeParams() (Resolution, uint16, error) {
	res, err := r.u8("resolution")
	if err != nil {
		return 0, 0, err
	}
	bs, err := r.u16LE("batch_size")
	return Resolution(res & resolutionWireMask), bs, err
}

// InitSyn opens the handshake of a unicast transport: the opener says who it is, the resolution
// and batch size it wants, and the features it offers.
//
// Wire layout (commons/zenoh-codec/src/transport/init.rs):
//
//	header     |Z|S|A=0| 0x01 |   S: size params follow; Z: extensions follow
//	version    u8                   0x09
//	flags      |zid_len-1|X|X|wai|  bits 7-4 zid size minus one, bits 1-0 WhatAmI code
//	zid        zid_len bytes
//	resolution u8                   only when S
//	batch_size u16 little-endian    only when S
//	exts                            only when Z (InitExts; unknown mandatory ones fail)
//
// S is set exactly when Resolution is not DefaultResolution or BatchSize is not
// DefaultUnicastBatchSize; without S the receiver assumes those defaults.
type InitSyn struct {
	Version    uint8
	WhatAmI    WhatAmI
	ZID        ZenohID
	Resolution Resolution
	BatchSize  uint16
	InitExts
}

// NewInitSyn returns an InitSyn of version 0x09 with the default resolution and batch size and no
// extensions.
func NewInitSyn(w WhatAmI, zid ZenohID) InitSyn {
	return InitSyn{Version: ProtoVersion, WhatAmI: w, ZID: zid, Resolution: DefaultResolution, BatchSize: DefaultUnicastBatchSize}
}

func trInitSized(res Resolution, bs uint16) bool {
	return res != DefaultResolution || bs != DefaultUnicastBatchSize
}

// Len returns the encoded size.
func (m *InitSyn) Len() int {
	n := 3 + m.ZID.Size() + m.InitExts.size()
	if trInitSized(m.Resolution, m.BatchSize) {
		n += 3
	}
	return n
}

// Append appends the InitSyn.
func (m *InitSyn) Append(b []byte) ([]byte, error) {
	return trAppendInit(b, "InitSyn", 0, m.Version, m.WhatAmI, m.ZID, m.Resolution, m.BatchSize, nil, &m.InitExts)
}

func trAppendInit(b []byte, msg string, a byte, v uint8, w WhatAmI, id ZenohID, res Resolution, bs uint16, cookie []byte, x *InitExts) ([]byte, error) {
	if err := trCheckNodeID(msg, w, id); err != nil {
		return b, err
	}
	if res&^resolutionWireMask != 0 {
		return b, encErr(msg, "resolution", "bits 7-6 set")
	}
	if len(cookie) > MaxCookieLen {
		return b, encErr(msg, "cookie", "longer than MaxCookieLen")
	}
	if err := x.check(msg); err != nil {
		return b, err
	}
	h := byte(TransportIDInit) | a
	sized := trInitSized(res, bs)
	if sized {
		h |= initFlagS
	}
	if x.count() > 0 {
		h |= ExtMore
	}
	b = trAppendNodeID(append(b, h), v, w, id)
	if sized {
		b = append(b, byte(res), byte(bs), byte(bs>>8))
	}
	if a != 0 {
		b = appendBytes(b, cookie)
	}
	return x.append(b), nil
}

// DecodeInitSyn decodes an InitSyn from the start of b.
func DecodeInitSyn(b []byte) (InitSyn, int, error) {
	var m InitSyn
	n, err := decodeInitSynInto(b, &m)
	if err != nil {
		return InitSyn{}, n, err
	}
	return m, n, nil
}

func decodeInitSynInto(b []byte, m *InitSyn) (int, error) {
	r := newRd(b, "InitSyn")
	h, err := r.trHeader(TransportIDInit)
	if err != nil {
		return r.off, err
	}
	if h&initFlagA != 0 {
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
	return r.off, r.trInitExts(h, &m.InitExts)
}
