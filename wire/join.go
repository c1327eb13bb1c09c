package wire

import "time"

// PrioritySN is a pair of next sequence numbers, one per reliability.
// Mirrors commons/zenoh-protocol/src/transport/mod.rs (PrioritySn).
type PrioritySN struct {
	Reliable   uint32
	BestEffort uint32
}

func (p *PrioritySN) len() int { return ZintLen(uint64(p.Reliable)) + ZintLen(uint64(p.BestEffort)) }

func (p *PrioritySN) append(b []byte) []byte {
	return AppendZint(AppendZint(b, uint64(p.Reliable)), uint64(p.BestEffort))
}

func (r *rd) trPrioritySN() (PrioritySN, error) {
	var p PrioritySN
	var err error
	if p.Reliable, err = r.trSN(); err != nil {
		return p, err
	}
	p.BestEffort, err = r.trSN()
	return p, err
}

// Join advertises a node on a multicast transport, where there is no handshake: Rust sends one
// every join_interval (2.5 s) and ignores Joins whose version, resolution, batch size or QoS
// presence differ from its own.
//
// Wire layout (commons/zenoh-codec/src/transport/join.rs):
//
//	header     |Z|S|T| 0x07 |     T: lease in seconds; S: size params follow; Z: extensions
//	version    u8
//	flags      |zid_len-1|X|X|wai|
//	zid        zid_len bytes
//	resolution u8                   only when S
//	batch_size u16 little-endian    only when S
//	lease      %zint%
//	next_sn    %reliable% %best_effort%
//	exts                            only when Z: QoS 0x51 (zbuf, mandatory: 8 × next_sn, one
//	                                pair per priority), Shm 0x52 (zbuf, mandatory), Patch 0x27
//	                                (z64); unknown mandatory ones fail
//
// S is set exactly when Resolution is not DefaultResolution or BatchSize is not
// DefaultMulticastBatchSize (8192).
type Join struct {
	Version    uint8
	WhatAmI    WhatAmI
	ZID        ZenohID
	Resolution Resolution
	BatchSize  uint16
	Lease      time.Duration // a whole number of milliseconds
	NextSN     PrioritySN
	HasQoS     bool                      // the QoS extension is present
	QoS        [NumPriorities]PrioritySN // next SNs per priority, when HasQoS
	Shm        ZBufExt                   // 0x52 zbuf: shared-memory capabilities (opaque)
	Patch      uint8                     // 0x27 z64: patch level; 0 is absent
	Exts       []Ext                     // unknown optional extensions, kept in order after the known ones
}

const (
	joinFlagT = 0x20
	joinFlagS = 0x40
)

// NewJoin returns a Join of version 0x09 with the default resolution, batch size 8192 and lease
// 10 s, and no extensions.
func NewJoin(w WhatAmI, zid ZenohID) Join {
	return Join{Version: ProtoVersion, WhatAmI: w, ZID: zid, Resolution: DefaultResolution, BatchSize: DefaultMulticastBatchSize, Lease: DefaultLease}
}

func (m *Join) sized() bool {
	return m.Resolution != DefaultResolution || m.BatchSize != DefaultMulticastBatchSize
}

func (m *Join) qosBodyLen() int {
	n := 0
	for i := range m.QoS {
		n += m.QoS[i].len()
	}
	return n
}

func (m *Join) extCount() int {
	return trB2I(m.HasQoS) + m.Shm.count() + trB2I(m.Patch != 0) + len(m.Exts)
}

// Len returns the encoded size.
func (m *Join) Len() int {
	v, _ := trLeaseWire(m.Lease)
	n := 3 + m.ZID.Size() + ZintLen(v) + m.NextSN.len() + m.Shm.size(trExtJoinShm) + extsLen(m.Exts)
	if m.sized() {
		n += 3
	}
	if m.HasQoS {
		q := m.qosBodyLen()
		n += 1 + ZintLen(uint64(q)) + q
	}
	if m.Patch != 0 {
		n += trZ64Len(trExtJoinPatch, uint64(m.Patch))
	}
	return n
}

// Append appends the Join.
func (m *Join) Append(b []byte) ([]byte, error) {
	if err := trCheckNodeID("Join", m.WhatAmI, m.ZID); err != nil {
		return b, err
	}
	if m.Resolution&^resolutionWireMask != 0 {
		return b, encErr("Join", "resolution", "bits 7-6 set")
	}
	if err := trCheckLease("Join", m.Lease); err != nil {
		return b, err
	}
	if err := trCheckExts("Join", m.Exts, trExtJoinQoS, trExtJoinShm, trExtJoinPatch); err != nil {
		return b, err
	}
	v, secs := trLeaseWire(m.Lease)
	h := byte(TransportIDJoin)
	if secs {
		h |= joinFlagT
	}
	if m.sized() {
		h |= joinFlagS
	}
	w := trExtW{n: m.extCount()}
	if w.n > 0 {
		h |= ExtMore
	}
	b = trAppendNodeID(append(b, h), m.Version, m.WhatAmI, m.ZID)
	if m.sized() {
		b = append(b, byte(m.Resolution), byte(m.BatchSize), byte(m.BatchSize>>8))
	}
	b = AppendZint(b, v)
	w.b = m.NextSN.append(b)
	if m.HasQoS {
		w.n--
		hq := byte(trExtJoinQoS)
		if w.n > 0 {
			hq |= ExtMore
		}
		w.b = AppendZint(append(w.b, hq), uint64(m.qosBodyLen()))
		for i := range m.QoS {
			w.b = m.QoS[i].append(w.b)
		}
	}
	w.optZBuf(trExtJoinShm, m.Shm)
	if m.Patch != 0 {
		w.z64(trExtJoinPatch, uint64(m.Patch))
	}
	w.unknown(m.Exts)
	return w.b, nil
}

// DecodeJoin decodes a Join from the start of b.
//
// Unlike Zenoh, which reads the eight SN pairs of the QoS extension without looking at the
// extension's declared length, this requires the pairs to fill that length exactly.
func DecodeJoin(b []byte) (Join, int, error) {
	var m Join
	n, err := decodeJoinInto(b, &m)
	if err != nil {
		return Join{}, n, err
	}
	return m, n, nil
}

func decodeJoinInto(b []byte, m *Join) (int, error) {
	r := newRd(b, "Join")
	h, err := r.trHeader(TransportIDJoin)
	if err != nil {
		return r.off, err
	}
	if m.Version, m.WhatAmI, m.ZID, err = r.trNodeID(); err != nil {
		return r.off, err
	}
	m.Resolution, m.BatchSize = DefaultResolution, DefaultMulticastBatchSize
	if h&joinFlagS != 0 {
		if m.Resolution, m.BatchSize, err = r.trSizeParams(); err != nil {
			return r.off, err
		}
	}
	if m.Lease, err = r.trLease(h&joinFlagT != 0); err != nil {
		return r.off, err
	}
	if m.NextSN, err = r.trPrioritySN(); err != nil {
		return r.off, err
	}
	for more := h&ExtMore != 0; more; {
		at := r.off
		e, mo, err := r.ext("ext")
		if err != nil {
			return r.off, err
		}
		more = mo
		switch e.Header {
		case trExtJoinQoS:
			if err := m.decodeQoS(e.Body); err != nil {
				r.off = at
				return r.off, r.fail("ext.qos", err)
			}
		case trExtJoinShm:
			m.Shm = ZBufExt{true, e.Body}
		case trExtJoinPatch:
			m.Patch = uint8(e.Value)
		default:
			if m.Exts, err = r.unknownExt("ext", e, m.Exts); err != nil {
				return r.off, err
			}
		}
	}
	return r.off, nil
}

// decodeQoS reads the QoS extension body: eight SN pairs filling it exactly.
func (m *Join) decodeQoS(body []byte) error {
	q := newRd(body, "Join")
	for i := range m.QoS {
		p, err := q.trPrioritySN()
		if err != nil {
			return ErrTruncated
		}
		m.QoS[i] = p
	}
	if q.left() != 0 {
		return ErrTrailing
	}
	m.HasQoS = true
	return nil
}
