package wire

// ResponseFinal tells a requester that no more Responses will come for a request id on this face.
// Exactly one is sent for every Request received, even when nothing answered it.
//
// Wire layout (commons/zenoh-codec/src/network/response.rs):
//
//	|Z|X|X|  0x1a  |     X: reserved; Z: extensions follow
//	%request id%         zint bounded to u32
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, then unknown ones
//
// Set QoS (see Push); Rust echoes the Request's.
type ResponseFinal struct {
	RequestID    uint32
	QoS          NetQoS
	HasTimestamp bool
	Timestamp    Timestamp
	Exts         []Ext // unknown non-mandatory extensions, re-emitted after the known ones
}

// Len returns the encoded size.
func (m *ResponseFinal) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	return 1 + ZintLen(uint64(m.RequestID)) + n + extsLen(m.Exts)
}

// Append appends the encoded ResponseFinal to b. On error b is returned unchanged.
func (m *ResponseFinal) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	if err := checkExts("ResponseFinal", m.Exts, netExtQoS, netExtTimestamp); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	n += len(m.Exts)
	h := byte(NetIDResponseFinal)
	if n > 0 {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(m.RequestID))
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b[:n0], err
	}
	return appendExts(b, m.Exts, false), nil
}

// DecodeResponseFinal decodes a ResponseFinal (header included) from the start of b.
func DecodeResponseFinal(b []byte) (ResponseFinal, int, error) {
	var m ResponseFinal
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a ResponseFinal (header included) from the start of b into m, overwriting all
// of m, and returns the number of bytes used.
func (m *ResponseFinal) Decode(b []byte) (int, error) {
	r := newRd(b, "ResponseFinal")
	h, err := r.header(byte(NetIDResponseFinal))
	if err == nil {
		err = r.responseFinal(m, h)
	}
	return r.off, err
}

// responseFinal decodes the rest of a ResponseFinal whose header h has been read.
func (r *rd) responseFinal(m *ResponseFinal, h byte) error {
	*m = ResponseFinal{QoS: NetQoSDefault}
	v, err := r.zintMax("request_id", netMaxU32)
	if err != nil {
		return err
	}
	m.RequestID = uint32(v)
	if h&netFlagZ == 0 {
		return nil
	}
	x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, exts: &m.Exts}
	return r.netExts(x, nil)
}
