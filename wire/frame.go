package wire

// FrameHeader is the header of a Frame: which channel the Frame is on and its sequence number.
//
// Wire layout (commons/zenoh-codec/src/transport/frame.rs):
//
//	header |Z|X|R| 0x05 |   R: reliable channel; Z: extensions follow
//	sn     %zint%           read as a u32, as in Zenoh
//	exts                    only when Z: QoS 0x31 (z64, mandatory) when the priority is not
//	                        Data; unknown mandatory ones fail
type FrameHeader struct {
	Reliability Reliability
	SN          uint32
	QoS         TransportQoS // the zero value is the default (Data), left off the wire
	Exts        []Ext        // unknown optional extensions, kept in order after QoS
}

const (
	frameFlagR = 0x20 // reliable (Frame and Fragment)
)

// Len returns the encoded size.
func (h *FrameHeader) Len() int {
	n := 1 + ZintLen(uint64(h.SN)) + extsLen(h.Exts)
	if !h.QoS.IsDefault() {
		n += trZ64Len(trExtQoS, uint64(h.QoS.Byte()))
	}
	return n
}

// Append appends the header.
func (h *FrameHeader) Append(b []byte) ([]byte, error) {
	if h.Reliability > Reliable {
		return b, encErr("Frame", "reliability", "not reliable or best-effort")
	}
	if len(h.Exts) > 0 {
		if err := trCheckExts("Frame", h.Exts, trExtQoS); err != nil {
			return b, err
		}
	}
	return trAppendChannelHeader(b, byte(TransportIDFrame)|byte(h.Reliability)<<5, h.SN, h.QoS, h.Exts), nil
}

// trAppendChannelHeader appends a Frame header: header byte h, the SN, then the QoS extension
// (unless default) and the unknown extensions.
func trAppendChannelHeader(b []byte, h byte, sn uint32, q TransportQoS, es []Ext) []byte {
	w := trExtW{n: trB2I(!q.IsDefault()) + len(es)}
	if w.n > 0 {
		h |= ExtMore
	}
	w.b = AppendZint(append(b, h), uint64(sn))
	if !q.IsDefault() {
		w.z64(trExtQoS, uint64(q.Byte()))
	}
	w.unknown(es)
	return w.b
}

// DecodeFrameHeader decodes a Frame's header from the start of b, without its network messages.
func DecodeFrameHeader(b []byte) (FrameHeader, int, error) {
	var h FrameHeader
	n, err := decodeFrameHeaderInto(b, &h)
	if err != nil {
		return FrameHeader{}, n, err
	}
	return h, n, nil
}

func decodeFrameHeaderInto(b []byte, fh *FrameHeader) (int, error) {
	r := newRd(b, "Frame")
	h, err := r.trHeader(TransportIDFrame)
	if err != nil {
		return r.off, err
	}
	fh.Reliability = Reliability(h>>5) & Reliable
	if fh.SN, err = r.trSN(); err != nil {
		return r.off, err
	}
	fh.QoS, fh.Exts = TransportQoSDefault, nil
	for more := h&ExtMore != 0; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return r.off, err
		}
		more = m
		if e.Header == trExtQoS {
			fh.QoS = TransportQoSFromByte(byte(e.Value))
		} else if fh.Exts, err = r.unknownExt("ext", e, fh.Exts); err != nil {
			return r.off, err
		}
	}
	return r.off, nil
}

// Frame carries whole network messages on one channel. It has no length: its network messages
// follow the header back to back, and the Frame ends at the first byte where no network message
// decodes (normally the next transport message's header, or the end of the batch). A receiver
// therefore cannot skip a Frame without decoding its network messages; BatchIter decodes each
// of them once.
//
// Mirrors commons/zenoh-codec/src/transport/frame.rs (Frame, FrameReader).
type Frame struct {
	FrameHeader
	// Payload holds the Frame's network messages, encoded, back to back. It aliases the
	// decoded input. Append writes it as it is.
	Payload []byte
}

// Len returns the encoded size.
func (m *Frame) Len() int { return m.FrameHeader.Len() + len(m.Payload) }

// Append appends the Frame.
func (m *Frame) Append(b []byte) ([]byte, error) {
	b, err := m.FrameHeader.Append(b)
	if err != nil {
		return b, err
	}
	return append(b, m.Payload...), nil
}

// DecodeFrame decodes a Frame from the start of b: its header, then network messages (each
// decoded with NetworkMessage.Decode) for as long as they decode. Payload covers those messages; n
// stops where the next one fails to decode, as Rust's Frame decoder does.
func DecodeFrame(b []byte) (Frame, int, error) {
	var m Frame
	n, err := decodeFrameInto(b, &m)
	if err != nil {
		return Frame{}, n, err
	}
	return m, n, nil
}

func decodeFrameInto(b []byte, m *Frame) (int, error) {
	start, err := decodeFrameHeaderInto(b, &m.FrameHeader)
	if err != nil {
		return start, err
	}
	end := start + frameWalk(b[start:])
	m.Payload = b[start:end:end]
	return end, nil
}

// frameWalk returns how many bytes at the start of p are whole network messages.
func frameWalk(p []byte) int {
	var nm NetworkMessage
	off := 0
	for off < len(p) && IsNetworkID(p[off]) {
		n, err := nm.Decode(p[off:])
		if err != nil || n <= 0 {
			break
		}
		off += n
	}
	return off
}
