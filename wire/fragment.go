package wire

// FragmentHeader is the header of a Fragment.
//
// Wire layout (commons/zenoh-codec/src/transport/fragment.rs):
//
//	header |Z|M|R| 0x06 |   M: more fragments follow; R: reliable channel; Z: extensions follow
//	sn     %zint%           read as a u32; each fragment takes the channel's next SN
//	exts                    only when Z, in this order: QoS 0x31 (z64, mandatory) when the
//	                        priority is not Data, First 0x02 (unit) on the first fragment,
//	                        Drop 0x03 (unit) when the sender gave up on the message; then
//	                        unknown optional ones (unknown mandatory ones fail)
type FragmentHeader struct {
	Reliability Reliability
	More        bool
	SN          uint32
	QoS         TransportQoS // the zero value is the default (Data), left off the wire
	First       bool         // the first fragment of a message (Rust always marks it)
	Drop        bool         // the rest of the message was dropped; this fragment is empty
	Exts        []Ext        // unknown optional extensions, kept in order after the known ones
}

const fragmentFlagM = 0x40

func (h *FragmentHeader) extCount() int {
	return trB2I(!h.QoS.IsDefault()) + trB2I(h.First) + trB2I(h.Drop) + len(h.Exts)
}

// Len returns the encoded size.
func (h *FragmentHeader) Len() int {
	n := 1 + ZintLen(uint64(h.SN)) + trB2I(h.First) + trB2I(h.Drop) + extsLen(h.Exts)
	if !h.QoS.IsDefault() {
		n += trZ64Len(trExtQoS, uint64(h.QoS.Byte()))
	}
	return n
}

// Append appends the header.
func (h *FragmentHeader) Append(b []byte) ([]byte, error) {
	if h.Reliability > Reliable {
		return b, encErr("Fragment", "reliability", "not reliable or best-effort")
	}
	if len(h.Exts) > 0 {
		if err := trCheckExts("Fragment", h.Exts, trExtQoS, trExtFragmentFirst, trExtFragmentDrop); err != nil {
			return b, err
		}
	}
	hb := byte(TransportIDFragment) | byte(h.Reliability)<<5
	if h.More {
		hb |= fragmentFlagM
	}
	w := trExtW{n: h.extCount()}
	if w.n > 0 {
		hb |= ExtMore
	}
	w.b = AppendZint(append(b, hb), uint64(h.SN))
	if !h.QoS.IsDefault() {
		w.z64(trExtQoS, uint64(h.QoS.Byte()))
	}
	w.optUnit(trExtFragmentFirst, h.First)
	w.optUnit(trExtFragmentDrop, h.Drop)
	w.unknown(h.Exts)
	return w.b, nil
}

// DecodeFragmentHeader decodes a Fragment's header from the start of b.
func DecodeFragmentHeader(b []byte) (FragmentHeader, int, error) {
	var h FragmentHeader
	n, err := decodeFragmentHeaderInto(b, &h)
	if err != nil {
		return FragmentHeader{}, n, err
	}
	return h, n, nil
}

func decodeFragmentHeaderInto(b []byte, fh *FragmentHeader) (int, error) {
	r := newRd(b, "Fragment")
	h, err := r.trHeader(TransportIDFragment)
	if err != nil {
		return r.off, err
	}
	*fh = FragmentHeader{Reliability: Reliability(h>>5) & Reliable, More: h&fragmentFlagM != 0}
	if fh.SN, err = r.trSN(); err != nil {
		return r.off, err
	}
	for more := h&ExtMore != 0; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return r.off, err
		}
		more = m
		switch e.Header {
		case trExtQoS:
			fh.QoS = TransportQoSFromByte(byte(e.Value))
		case trExtFragmentFirst:
			fh.First = true
		case trExtFragmentDrop:
			fh.Drop = true
		default:
			if fh.Exts, err = r.unknownExt("ext", e, fh.Exts); err != nil {
				return r.off, err
			}
		}
	}
	return r.off, nil
}

// Fragment carries one piece of a network message too large for a batch. Its payload is
// everything after the header up to the end of the batch, so a Fragment is always the last
// message of its batch. The receiver concatenates the payloads of consecutive SNs until a
// Fragment without More, then decodes the result as one network message.
//
// Mirrors commons/zenoh-codec/src/transport/fragment.rs.
type Fragment struct {
	FragmentHeader
	Payload []byte // the rest of the batch; aliases the decoded input
}

// Len returns the encoded size.
func (m *Fragment) Len() int { return m.FragmentHeader.Len() + len(m.Payload) }

// Append appends the Fragment.
func (m *Fragment) Append(b []byte) ([]byte, error) {
	b, err := m.FragmentHeader.Append(b)
	if err != nil {
		return b, err
	}
	return append(b, m.Payload...), nil
}

// DecodeFragment decodes a Fragment from the start of b; its payload is the rest of b.
func DecodeFragment(b []byte) (Fragment, int, error) {
	var m Fragment
	n, err := decodeFragmentInto(b, &m)
	if err != nil {
		return Fragment{}, n, err
	}
	return m, n, nil
}

func decodeFragmentInto(b []byte, m *Fragment) (int, error) {
	n, err := decodeFragmentHeaderInto(b, &m.FragmentHeader)
	if err != nil {
		return n, err
	}
	m.Payload = b[n:len(b):len(b)]
	return len(b), nil
}
