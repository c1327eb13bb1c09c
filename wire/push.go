package wire

// Push carries a publication (a Put or a Del) to the subscribers of its key.
//
// Wire layout (commons/zenoh-codec/src/network/push.rs):
//
//	|Z|M|N|  0x1d  |     N: the key has a suffix; M: sender's mapping; Z: extensions follow
//	~wire expr~          %scope% [%len% ~suffix~ if N]
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, NodeId 0x33, then unknown ones
//	                     (TsStack 0x47, the latency instrumentation of zenoh >= 1.10, is kept as
//	                     unknown; being last in Zenoh's order too, it is re-emitted in place)
//	~body~               one Put or Del
//
// QoS is always meaningful: NetQoSDefault (0x05) is what an absent extension means and is not
// written, so a hand-built Push must set it (its zero value is priority Control, drop).
type Push struct {
	WireExpr     WireExpr
	QoS          NetQoS
	HasTimestamp bool
	Timestamp    Timestamp
	NodeID       uint16 // routing context; 0 (the default) means the sending node itself
	Exts         []Ext  // unknown non-mandatory extensions, re-emitted after the known ones
	Body         PushBody
}

// Len returns the encoded size.
func (m *Push) Len() int {
	if m.plain() {
		return m.plainLen()
	}
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n += z64ExtLen(uint64(m.NodeID))
	}
	return 1 + m.WireExpr.Len() + n + extsLen(m.Exts) + m.Body.Len()
}

// Append appends the encoded Push to b. On error b is returned unchanged.
func (m *Push) Append(b []byte) ([]byte, error) {
	if m.plain() {
		return m.appendPlain(b) // appends nothing on error
	}
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Push) append(b []byte) ([]byte, error) {
	if err := m.WireExpr.check("Push"); err != nil {
		return b, err
	}
	if err := checkExts("Push", m.Exts, netExtQoS, netExtTimestamp, netExtNodeID); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n++
	}
	n += len(m.Exts)
	h := byte(NetIDPush) | m.WireExpr.Flags()
	if n > 0 {
		h |= netFlagZ
	}
	b = m.WireExpr.append(append(b, h))
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b, err
	}
	b = appendNodeIDExt(b, m.NodeID, &n)
	b = appendExts(b, m.Exts, false)
	return m.Body.append(b)
}

// DecodePush decodes a Push (header included) from the start of b.
func DecodePush(b []byte) (Push, int, error) {
	var m Push
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a Push (header included) from the start of b into m, overwriting all of m, and
// returns the number of bytes used.
func (m *Push) Decode(b []byte) (int, error) {
	r := newRd(b, "Push")
	h, err := r.header(byte(NetIDPush))
	if err == nil {
		err = r.push(m, h)
	}
	return r.off, err
}

// push decodes the rest of a Push whose header h has been read.
func (r *rd) push(m *Push, h byte) error {
	var err error
	if m.WireExpr, err = r.wireExpr(h&netFlagN != 0, mappingOf(h&netFlagM != 0)); err != nil {
		return err
	}
	m.QoS, m.HasTimestamp, m.Timestamp, m.NodeID, m.Exts = NetQoSDefault, false, Timestamp{}, 0, nil
	if h&netFlagZ != 0 {
		x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, nodeID: &m.NodeID, exts: &m.Exts}
		if err = r.netExts(x, nil); err != nil {
			return err
		}
	}
	return r.pushBody(&m.Body)
}
