package wire

import "time"

// OpenAck completes the handshake: the acceptor's lease and initial sequence number. Rust sends
// it only once the transport exists, and may send Frames right after it.
//
// Wire layout (commons/zenoh-codec/src/transport/open.rs):
//
//	header     |Z|T|A=1| 0x02 |   T: lease in seconds (else milliseconds); Z: extensions follow
//	lease      %zint%
//	initial_sn %zint%               read as a u32
//	exts                            only when Z, in the order of the fields below
//
// T is set exactly when Lease is a whole number of seconds. There is no cookie.
type OpenAck struct {
	Lease       time.Duration // a whole number of milliseconds
	InitialSN   uint32
	QoS         bool    // 0x01 unit (Rust never sends it)
	Shm         Z64Ext  // 0x22 z64, as in the zenoh 1.9 source
	ShmZBuf     ZBufExt // 0x42 zbuf: the shared-memory extension zenoh 1.10.2 sends instead
	Auth        ZBufExt // 0x43 zbuf
	MultiLink   bool    // 0x04 unit: multi-link accepted
	LowLatency  bool    // 0x05 unit (Rust never sends it)
	Compression bool    // 0x06 unit (Rust never sends it)
	RemoteBound Z64Ext  // 0x27 z64 (zenoh 1.9+)
	Exts        []Ext   // unknown optional extensions, kept in order after the known ones
}

func (m *OpenAck) extCount() int {
	return trB2I(m.QoS) + m.Shm.count() + m.ShmZBuf.count() + m.Auth.count() + trB2I(m.MultiLink) +
		trB2I(m.LowLatency) + trB2I(m.Compression) + m.RemoteBound.count() + len(m.Exts)
}

// Len returns the encoded size.
func (m *OpenAck) Len() int {
	v, _ := trLeaseWire(m.Lease)
	return 1 + ZintLen(v) + ZintLen(uint64(m.InitialSN)) +
		trB2I(m.QoS) + m.Shm.size(trExtOpenShm) + m.ShmZBuf.size(trExtOpenShmZBuf) +
		m.Auth.size(trExtOpenAuth) + trB2I(m.MultiLink) + trB2I(m.LowLatency) +
		trB2I(m.Compression) + m.RemoteBound.size(trExtOpenRemoteBound) + extsLen(m.Exts)
}

// Append appends the OpenAck.
func (m *OpenAck) Append(b []byte) ([]byte, error) {
	if err := trCheckLease("OpenAck", m.Lease); err != nil {
		return b, err
	}
	if err := trCheckExts("OpenAck", m.Exts, trExtOpenQoS, trExtOpenShm, trExtOpenShmZBuf, trExtOpenAuth,
		trExtOpenMultiLinkAck, trExtOpenLowLatency, trExtOpenCompression, trExtOpenRemoteBound); err != nil {
		return b, err
	}
	v, secs := trLeaseWire(m.Lease)
	h := byte(TransportIDOpen) | openFlagA
	if secs {
		h |= openFlagT
	}
	w := trExtW{n: m.extCount()}
	if w.n > 0 {
		h |= ExtMore
	}
	b = AppendZint(append(b, h), v)
	w.b = AppendZint(b, uint64(m.InitialSN))
	w.optUnit(trExtOpenQoS, m.QoS)
	w.optZ64(trExtOpenShm, m.Shm)
	w.optZBuf(trExtOpenShmZBuf, m.ShmZBuf)
	w.optZBuf(trExtOpenAuth, m.Auth)
	w.optUnit(trExtOpenMultiLinkAck, m.MultiLink)
	w.optUnit(trExtOpenLowLatency, m.LowLatency)
	w.optUnit(trExtOpenCompression, m.Compression)
	w.optZ64(trExtOpenRemoteBound, m.RemoteBound)
	w.unknown(m.Exts)
	return w.b, nil
}

// DecodeOpenAck decodes an OpenAck from the start of b.
func DecodeOpenAck(b []byte) (OpenAck, int, error) {
	var m OpenAck
	n, err := decodeOpenAckInto(b, &m)
	if err != nil {
		return OpenAck{}, n, err
	}
	return m, n, nil
}

func decodeOpenAckInto(b []byte, m *OpenAck) (int, error) {
	r := newRd(b, "OpenAck")
	h, err := r.trHeader(TransportIDOpen)
	if err != nil {
		return r.off, err
	}
	if h&openFlagA == 0 {
		r.off = 0
		return 0, r.fail("header", ErrUnknownMessage)
	}
	if m.Lease, err = r.trLease(h&openFlagT != 0); err != nil {
		return r.off, err
	}
	if m.InitialSN, err = r.trSN(); err != nil {
		return r.off, err
	}
	for more := h&ExtMore != 0; more; {
		e, mo, err := r.ext("ext")
		if err != nil {
			return r.off, err
		}
		more = mo
		switch e.Header {
		case trExtOpenQoS:
			m.QoS = true
		case trExtOpenShm:
			m.Shm = Z64Ext{true, e.Value}
		case trExtOpenShmZBuf:
			m.ShmZBuf = ZBufExt{true, e.Body}
		case trExtOpenAuth:
			m.Auth = ZBufExt{true, e.Body}
		case trExtOpenMultiLinkAck:
			m.MultiLink = true
		case trExtOpenLowLatency:
			m.LowLatency = true
		case trExtOpenCompression:
			m.Compression = true
		case trExtOpenRemoteBound:
			m.RemoteBound = Z64Ext{true, e.Value}
		default:
			if m.Exts, err = r.unknownExt("ext", e, m.Exts); err != nil {
				return r.off, err
			}
		}
	}
	return r.off, nil
}
