package wire

// TransportOAM is an operations-and-management message of the transport layer. Rust logs and
// ignores it on unicast links; Zenoh's gossip uses the network-layer OAM, not this one.
//
// Wire layout (commons/zenoh-codec/src/transport/oam.rs):
//
//	header |Z|ENC|  0x00 |  ENC (bits 6-5): body encoding, as for extensions (11 is invalid)
//	id     %zint%           read as a u16 (wider values are truncated, as in Zenoh)
//	exts                    only when Z: QoS 0x31 (z64, mandatory) when the priority is not
//	                        Data; unknown mandatory ones fail
//	body                    unit: nothing; z64: %zint%; zbuf: %len% bytes
type TransportOAM struct {
	ID    uint16
	Enc   ExtEnc       // ExtUnit, ExtZ64 or ExtZBuf
	Value uint64       // the body when Enc is ExtZ64
	Body  []byte       // the body when Enc is ExtZBuf; aliases the decoded input
	QoS   TransportQoS // the zero value is the default (Data), left off the wire
	Exts  []Ext        // unknown optional extensions, kept in order after QoS
}

// Len returns the encoded size.
func (m *TransportOAM) Len() int {
	n := 1 + ZintLen(uint64(m.ID)) + extsLen(m.Exts)
	if !m.QoS.IsDefault() {
		n += trZ64Len(trExtQoS, uint64(m.QoS.Byte()))
	}
	switch m.Enc {
	case ExtZ64:
		n += ZintLen(m.Value)
	case ExtZBuf:
		n += bytesLen(m.Body)
	}
	return n
}

// Append appends the message.
func (m *TransportOAM) Append(b []byte) ([]byte, error) {
	switch m.Enc {
	case ExtUnit, ExtZ64, ExtZBuf:
	default:
		return b, encErr("TransportOAM", "enc", "not unit, z64 or zbuf")
	}
	if uint64(len(m.Body)) > MaxTransportOAMBodyLen {
		return b, encErr("TransportOAM", "body", "longer than MaxTransportOAMBodyLen")
	}
	if m.Enc != ExtZBuf && len(m.Body) > 0 {
		return b, encErr("TransportOAM", "body", "body bytes without zbuf encoding")
	}
	if err := trCheckExts("TransportOAM", m.Exts, trExtQoS); err != nil {
		return b, err
	}
	b = trAppendChannelHeader(b, byte(TransportIDOAM)|byte(m.Enc), uint32(m.ID), m.QoS, m.Exts)
	switch m.Enc {
	case ExtZ64:
		b = AppendZint(b, m.Value)
	case ExtZBuf:
		b = appendBytes(b, m.Body)
	}
	return b, nil
}

// DecodeTransportOAM decodes a transport OAM message from the start of b.
func DecodeTransportOAM(b []byte) (TransportOAM, int, error) {
	var m TransportOAM
	n, err := decodeTransportOAMInto(b, &m)
	if err != nil {
		return TransportOAM{}, n, err
	}
	return m, n, nil
}

func decodeTransportOAMInto(b []byte, m *TransportOAM) (int, error) {
	r := newRd(b, "TransportOAM")
	h, err := r.trHeader(TransportIDOAM)
	if err != nil {
		return r.off, err
	}
	m.Enc = ExtEnc(h & ExtEncMask)
	if m.Enc == ExtEncMask {
		r.off = 0
		return 0, r.fail("header", ErrInvalid)
	}
	id, err := r.zint("id")
	if err != nil {
		return r.off, err
	}
	m.ID = uint16(id)
	for more := h&ExtMore != 0; more; {
		e, mo, err := r.ext("ext")
		if err != nil {
			return r.off, err
		}
		more = mo
		if e.Header == trExtQoS {
			m.QoS = TransportQoSFromByte(byte(e.Value))
		} else if m.Exts, err = r.unknownExt("ext", e, m.Exts); err != nil {
			return r.off, err
		}
	}
	switch m.Enc {
	case ExtZ64:
		m.Value, err = r.zint("body")
	case ExtZBuf:
		m.Body, err = r.bytes("body", MaxTransportOAMBodyLen)
	}
	return r.off, err
}
