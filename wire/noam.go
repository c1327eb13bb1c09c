package wire

// OAMIDLinkState is the id of the network OAM carrying gossip / link-state information, the only
// network OAM Zenoh 1.x uses.
const OAMIDLinkState uint16 = 0x0001

// NetworkOAM is a network-level operations-and-management message: an id and an opaque body
// (empty, a z64 or bytes). Its content belongs to the layer that handles the id.
//
// Wire layout (commons/zenoh-codec/src/network/oam.rs):
//
//	|Z|ENC|  0x1f  |     ENC (bits 5-6): 00 unit, 01 z64, 10 zbuf (11 is rejected)
//	%id%                 zint bounded to u16
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, then unknown ones
//	~body~               z64: %value%; zbuf: %len% ~bytes~; unit: nothing
//
// Rust sends link-state OAMs with QoS 0x08. Body aliases the decoded input.
type NetworkOAM struct {
	OAMID        uint16
	QoS          NetQoS
	HasTimestamp bool
	Timestamp    Timestamp
	Exts         []Ext  // unknown non-mandatory extensions, re-emitted after the known ones
	Enc          ExtEnc // ExtUnit, ExtZ64 or ExtZBuf
	Value        uint64 // the body when Enc is ExtZ64
	Body         []byte // the body when Enc is ExtZBuf
}

// Len returns the encoded size.
func (m *NetworkOAM) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	n += 1 + ZintLen(uint64(m.OAMID)) + extsLen(m.Exts)
	switch m.Enc {
	case ExtZ64:
		n += ZintLen(m.Value)
	case ExtZBuf:
		n += bytesLen(m.Body)
	}
	return n
}

// Append appends the encoded OAM to b. On error b is returned unchanged.
func (m *NetworkOAM) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	switch {
	case m.Enc != ExtUnit && m.Enc != ExtZ64 && m.Enc != ExtZBuf:
		return b, encErr("OAM", "enc", "reserved encoding")
	case bytesTooLong(m.Body):
		return b, encErr("OAM", "body", "longer than u32")
	}
	if err := checkExts("OAM", m.Exts, netExtQoS, netExtTimestamp); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	n += len(m.Exts)
	h := byte(NetIDOAM) | byte(m.Enc)
	if n > 0 {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(m.OAMID))
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b[:n0], err
	}
	b = appendExts(b, m.Exts, false)
	switch m.Enc {
	case ExtZ64:
		b = AppendZint(b, m.Value)
	case ExtZBuf:
		b = appendBytes(b, m.Body)
	}
	return b, nil
}

// DecodeNetworkOAM decodes a network OAM (header included) from the start of b.
func DecodeNetworkOAM(b []byte) (NetworkOAM, int, error) {
	var m NetworkOAM
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes a network OAM (header included) from the start of b into m, overwriting all of
// m, and returns the number of bytes used.
func (m *NetworkOAM) Decode(b []byte) (int, error) {
	r := newRd(b, "OAM")
	h, err := r.header(byte(NetIDOAM))
	if err == nil {
		err = r.networkOAM(m, h)
	}
	return r.off, err
}

// networkOAM decodes the rest of an OAM whose header h has been read.
func (r *rd) networkOAM(m *NetworkOAM, h byte) error {
	*m = NetworkOAM{QoS: NetQoSDefault, Enc: ExtEnc(h & ExtEncMask)}
	if m.Enc == ExtEncMask {
		return r.failAt(r.off-1, "header", ErrInvalid)
	}
	v, err := r.zintMax("id", netMaxU16)
	if err != nil {
		return err
	}
	m.OAMID = uint16(v)
	if h&netFlagZ != 0 {
		x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, exts: &m.Exts}
		if err = r.netExts(x, nil); err != nil {
			return err
		}
	}
	switch m.Enc {
	case ExtZ64:
		m.Value, err = r.zint("body")
	case ExtZBuf:
		var p []byte
		p, err = r.bytes("body", MaxOAMBodyLen)
		m.Body = nilIfEmpty(p)
	}
	return err
}
