package wire

// Declare carries one declaration (of a key expression, subscriber, queryable or liveliness
// token, its undeclaration, or the DeclareFinal closing the answer to an Interest).
//
// Wire layout (commons/zenoh-codec/src/network/declare.rs):
//
//	|Z|X|I|  0x1e  |     I: an interest id follows; X: reserved; Z: extensions follow
//	%interest id%        if I: zint bounded to u32, the Interest this declaration answers
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, NodeId 0x33, then unknown ones
//	~declaration~        one DeclareBody
//
// Rust always sends QoS 0x08 (control priority, block), so a Declare from Rust starts 9e 21 08
// or be <id> 21 08. Set QoS (see Push).
type Declare struct {
	HasInterestID bool
	InterestID    uint32
	QoS           NetQoS
	HasTimestamp  bool
	Timestamp     Timestamp
	NodeID        uint16
	Exts          []Ext // unknown non-mandatory extensions, re-emitted after the known ones
	Body          DeclareBody
}

// declareFlagI is the interest-id flag of Declare.
const declareFlagI byte = 0x20

// Len returns the encoded size.
func (m *Declare) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n += z64ExtLen(uint64(m.NodeID))
	}
	if m.HasInterestID {
		n += ZintLen(uint64(m.InterestID))
	}
	return 1 + n + extsLen(m.Exts) + m.Body.Len()
}

// Append appends the encoded Declare to b. On error b is returned unchanged.
func (m *Declare) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Declare) append(b []byte) ([]byte, error) {
	if err := checkExts("Declare", m.Exts, netExtQoS, netExtTimestamp, netExtNodeID); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n++
	}
	n += len(m.Exts)
	h := byte(NetIDDeclare)
	if m.HasInterestID {
		h |= declareFlagI
	}
	if n > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	if m.HasInterestID {
		b = AppendZint(b, uint64(m.InterestID))
	}
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b, err
	}
	b = appendNodeIDExt(b, m.NodeID, &n)
	b = appendExts(b, m.Exts, false)
	return m.Body.append(b)
}

// DecodeDeclare decodes a Declare (header included) from the start of b.
func DecodeDeclare(b []byte) (Declare, int, error) {
	var m Declare
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a Declare (header included) from the start of b into m, overwriting all of m,
// and returns the number of bytes used.
func (m *Declare) Decode(b []byte) (int, error) {
	r := newRd(b, "Declare")
	h, err := r.header(byte(NetIDDeclare))
	if err == nil {
		err = r.declare(m, h)
	}
	return r.off, err
}

// declare decodes the rest of a Declare whose header h has been read.
func (r *rd) declare(m *Declare, h byte) error {
	*m = Declare{QoS: NetQoSDefault}
	if h&declareFlagI != 0 {
		v, err := r.zintMax("interest_id", netMaxU32)
		if err != nil {
			return err
		}
		m.HasInterestID, m.InterestID = true, uint32(v)
	}
	if h&netFlagZ != 0 {
		x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, nodeID: &m.NodeID, exts: &m.Exts}
		if err := r.netExts(x, nil); err != nil {
			return err
		}
	}
	return r.declareBody(&m.Body)
}
