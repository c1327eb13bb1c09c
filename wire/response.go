package wire

// Response carries one reply (or error) to a Request, back on the face the Request came from.
//
// Wire layout (commons/zenoh-codec/src/network/response.rs):
//
//	|Z|M|N|  0x1b  |     N: the key has a suffix; M: sender's mapping; Z: extensions follow
//	%request id%         zint bounded to u32: the id the requester used on this face
//	~wire expr~          the reply's key (an error may carry an empty one)
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, ResponderId 0x43, then unknown ones
//	                     (TsStack 0x47 among them)
//	~body~               one Reply or Err
//
// Rust copies the Request's QoS into its Responses; set QoS (see Push).
type Response struct {
	RequestID      uint32
	WireExpr       WireExpr
	QoS            NetQoS
	HasTimestamp   bool
	Timestamp      Timestamp
	HasResponderID bool
	ResponderID    EntityGlobalID // the replying queryable
	Exts           []Ext          // unknown non-mandatory extensions, re-emitted after the known ones
	Body           ResponseBody
}

// Len returns the encoded size.
func (m *Response) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.HasResponderID {
		n += zbufExtLen(m.ResponderID.Len())
	}
	return 1 + ZintLen(uint64(m.RequestID)) + m.WireExpr.Len() + n + extsLen(m.Exts) + m.Body.Len()
}

// Append appends the encoded Response to b. On error b is returned unchanged.
func (m *Response) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Response) append(b []byte) ([]byte, error) {
	if err := m.WireExpr.check("Response"); err != nil {
		return b, err
	}
	if err := checkExts("Response", m.Exts, netExtQoS, netExtTimestamp, netExtResponderID); err != nil {
		return b, err
	}
	if m.HasResponderID && m.ResponderID.ZID.IsZero() {
		return b, encErr("Response", "ext_responder_id", "zero id")
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.HasResponderID {
		n++
	}
	n += len(m.Exts)
	h := byte(NetIDResponse) | m.WireExpr.Flags()
	if n > 0 {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(m.RequestID))
	b = m.WireExpr.append(b)
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b, err
	}
	if m.HasResponderID {
		n--
		b = appendZBufExtHead(b, netExtResponderID, m.ResponderID.Len(), n > 0)
		if b, err = m.ResponderID.Append(b); err != nil {
			return b, err
		}
	}
	b = appendExts(b, m.Exts, false)
	return m.Body.append(b)
}

// DecodeResponse decodes a Response (header included) from the start of b.
func DecodeResponse(b []byte) (Response, int, error) {
	var m Response
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a Response (header included) from the start of b into m, overwriting all of m,
// and returns the number of bytes used.
func (m *Response) Decode(b []byte) (int, error) {
	r := newRd(b, "Response")
	h, err := r.header(byte(NetIDResponse))
	if err == nil {
		err = r.response(m, h)
	}
	return r.off, err
}

// response decodes the rest of a Response whose header h has been read.
func (r *rd) response(m *Response, h byte) error {
	v, err := r.zintMax("request_id", netMaxU32)
	if err != nil {
		return err
	}
	m.RequestID = uint32(v)
	if m.WireExpr, err = r.wireExpr(h&netFlagN != 0, mappingOf(h&netFlagM != 0)); err != nil {
		return err
	}
	m.QoS, m.HasTimestamp, m.Timestamp = NetQoSDefault, false, Timestamp{}
	m.HasResponderID, m.ResponderID, m.Exts = false, EntityGlobalID{}, nil
	if h&netFlagZ != 0 {
		x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, exts: &m.Exts}
		err = r.netExts(x, func(e Ext) (bool, error) {
			if e.Header != netExtResponderID {
				return false, nil
			}
			s := r.extSub(e.Body)
			var err error
			if m.ResponderID, err = s.entityGlobalID(); err == nil {
				if err = s.subDone("ext_responder_id"); err == nil {
					m.HasResponderID = true
				}
			}
			return true, err
		})
		if err != nil {
			return err
		}
	}
	return r.responseBody(&m.Body)
}
