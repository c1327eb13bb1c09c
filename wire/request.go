package wire

// Request carries a query to the queryables of its key.
//
// Wire layout (commons/zenoh-codec/src/network/request.rs):
//
//	|Z|M|N|  0x1c  |     N: the key has a suffix; M: sender's mapping; Z: extensions follow
//	%request id%         zint bounded to u32, chosen by the sender per face
//	~wire expr~          %scope% [%len% ~suffix~ if N]
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, Target 0x34, Budget 0x25,
//	                     Timeout 0x26, NodeId 0x33, then unknown ones (TsStack 0x47 among them)
//	~body~               one Query
//
// As for Push, QoS must be set (NetQoSDefault is the value an absent extension means; a Rust
// get() sends 0x0d, data priority with congestion control block).
type Request struct {
	RequestID    uint32
	WireExpr     WireExpr
	QoS          NetQoS
	HasTimestamp bool
	Timestamp    Timestamp
	Target       QueryTarget
	Budget       uint32 // maximum number of replies; 0 means no budget (Zenoh's is a NonZeroU32)
	HasTimeout   bool
	TimeoutMs    uint64 // the querier's timeout in milliseconds, when HasTimeout
	NodeID       uint16
	Exts         []Ext // unknown non-mandatory extensions, re-emitted after the known ones
	Query        Query
}

// Len returns the encoded size.
func (m *Request) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.Target != QueryTargetBestMatching {
		n += z64ExtLen(uint64(m.Target))
	}
	if m.Budget != 0 {
		n += z64ExtLen(uint64(m.Budget))
	}
	if m.HasTimeout {
		n += z64ExtLen(m.TimeoutMs)
	}
	if m.NodeID != 0 {
		n += z64ExtLen(uint64(m.NodeID))
	}
	return 1 + ZintLen(uint64(m.RequestID)) + m.WireExpr.Len() + n + extsLen(m.Exts) + m.Query.Len()
}

// Append appends the encoded Request to b. On error b is returned unchanged.
func (m *Request) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Request) append(b []byte) ([]byte, error) {
	if err := m.WireExpr.check("Request"); err != nil {
		return b, err
	}
	if m.Target > QueryTargetAllComplete {
		return b, encErr("Request", "target", "unknown target")
	}
	if err := checkExts("Request", m.Exts, netExtQoS, netExtTimestamp, netExtTarget, netExtBudget, netExtTimeout, netExtNodeID); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	for _, has := range [...]bool{m.Target != QueryTargetBestMatching, m.Budget != 0, m.HasTimeout, m.NodeID != 0} {
		if has {
			n++
		}
	}
	n += len(m.Exts)
	h := byte(NetIDRequest) | m.WireExpr.Flags()
	if n > 0 {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(m.RequestID))
	b = m.WireExpr.append(b)
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b, err
	}
	if m.Target != QueryTargetBestMatching {
		n--
		b = appendZ64Ext(b, netExtTarget, uint64(m.Target), n > 0)
	}
	if m.Budget != 0 {
		n--
		b = appendZ64Ext(b, netExtBudget, uint64(m.Budget), n > 0)
	}
	if m.HasTimeout {
		n--
		b = appendZ64Ext(b, netExtTimeout, m.TimeoutMs, n > 0)
	}
	b = appendNodeIDExt(b, m.NodeID, &n)
	b = appendExts(b, m.Exts, false)
	return m.Query.append(b)
}

// DecodeRequest decodes a Request (header included) from the start of b.
func DecodeRequest(b []byte) (Request, int, error) {
	var m Request
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a Request (header included) from the start of b into m, overwriting all of m,
// and returns the number of bytes used.
func (m *Request) Decode(b []byte) (int, error) {
	r := newRd(b, "Request")
	h, err := r.header(byte(NetIDRequest))
	if err == nil {
		err = r.request(m, h)
	}
	return r.off, err
}

// request decodes the rest of a Request whose header h has been read.
func (r *rd) request(m *Request, h byte) error {
	*m = Request{QoS: NetQoSDefault}
	v, err := r.zintMax("request_id", netMaxU32)
	if err != nil {
		return err
	}
	m.RequestID = uint32(v)
	if m.WireExpr, err = r.wireExpr(h&netFlagN != 0, mappingOf(h&netFlagM != 0)); err != nil {
		return err
	}
	if h&netFlagZ != 0 {
		x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, nodeID: &m.NodeID, exts: &m.Exts}
		err = r.netExts(x, func(e Ext) (bool, error) {
			switch e.Header {
			case netExtTarget:
				if e.Value > uint64(QueryTargetAllComplete) {
					return true, r.fail("ext_target", ErrInvalid)
				}
				m.Target = QueryTarget(e.Value)
			case netExtBudget:
				if e.Value > netMaxU32 {
					return true, r.fail("ext_budget", ErrOverflow)
				}
				m.Budget = uint32(e.Value)
			case netExtTimeout:
				m.TimeoutMs, m.HasTimeout = e.Value, true
			default:
				return false, nil
			}
			return true, nil
		})
		if err != nil {
			return err
		}
	}
	save := r.msg
	defer func() { r.msg = save }()
	start := r.off
	qh, err := r.u8("body")
	if err != nil {
		return err
	}
	if DataID(qh&netIDMask) != DataIDQuery {
		return r.failAt(start, "body", ErrUnknownMessage)
	}
	r.msg = "Query"
	return r.query(&m.Query, qh)
}
