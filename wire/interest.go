package wire

// Interest asks the receiver for its declarations of some kinds (key expressions, subscribers,
// queryables, tokens), optionally restricted to a key, now (Current), from now on (Future) or
// both; mode Final cancels an earlier Interest with the same id.
//
// Wire layout (commons/zenoh-codec/src/network/interest.rs):
//
//	|Z|Mod| 0x19  |      Mod (bits 5-6): 0 final, 1 current, 2 future, 3 current-future
//	%interest id%        zint bounded to u32
//	|A|M|N|R|T|Q|S|K|    options, only if Mod != final
//	~wire expr~          only if Mod != final and R: %scope% [%len% ~suffix~ if N]
//	~exts~               if Z: QoS 0x21, Timestamp 0x42, NodeId 0x33, then unknown ones
//	                     (note: after the options and wire expression)
//
// Like Rust's encoder, Append derives R from Restricted and, when restricted, N and M from the
// wire expression; when not restricted it clears R and leaves N and M as given. The decoder
// normalises Options the same way, so a decoded Interest re-encodes as it came. In mode final
// neither Options nor the wire expression is written, and both decode as zero.
type Interest struct {
	InterestID   uint32
	Mode         InterestMode
	Options      InterestOptions
	Restricted   bool     // the interest is restricted to the keys matching WireExpr
	WireExpr     WireExpr // meaningful when Restricted
	QoS          NetQoS   // Rust sends 0x08 (control priority, block); see Push
	HasTimestamp bool
	Timestamp    Timestamp
	NodeID       uint16
	Exts         []Ext // unknown non-mandatory extensions, re-emitted after the known ones
}

// interestModeShift is the position of the mode in the Interest header.
const interestModeShift = 5

// wireOptions returns the options byte Append writes.
func (m *Interest) wireOptions() InterestOptions {
	o := m.Options
	if !m.Restricted {
		return o &^ InterestRestricted
	}
	o = o&^(InterestNamed|InterestMapping) | InterestRestricted
	if m.WireExpr.HasSuffix() {
		o |= InterestNamed
	}
	if m.WireExpr.Mapping == MappingSender {
		o |= InterestMapping
	}
	return o
}

// Len returns the encoded size.
func (m *Interest) Len() int {
	_, n := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n += z64ExtLen(uint64(m.NodeID))
	}
	n += 1 + ZintLen(uint64(m.InterestID))
	if m.Mode != InterestFinal {
		n++
		if m.Restricted {
			n += m.WireExpr.Len()
		}
	}
	return n + extsLen(m.Exts)
}

// Append appends the encoded Interest to b. On error b is returned unchanged.
func (m *Interest) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Interest) append(b []byte) ([]byte, error) {
	if m.Mode > InterestCurrentFuture {
		return b, encErr("Interest", "mode", "unknown mode")
	}
	restricted := m.Mode != InterestFinal && m.Restricted
	if restricted {
		if err := m.WireExpr.check("Interest"); err != nil {
			return b, err
		}
	}
	if err := checkExts("Interest", m.Exts, netExtQoS, netExtTimestamp, netExtNodeID); err != nil {
		return b, err
	}
	n, _ := qosTimestampExts(m.QoS, m.HasTimestamp, &m.Timestamp)
	if m.NodeID != 0 {
		n++
	}
	n += len(m.Exts)
	h := byte(NetIDInterest) | byte(m.Mode)<<interestModeShift
	if n > 0 {
		h |= netFlagZ
	}
	b = AppendZint(append(b, h), uint64(m.InterestID))
	if m.Mode != InterestFinal {
		b = append(b, byte(m.wireOptions()))
		if restricted {
			b = m.WireExpr.append(b)
		}
	}
	b, err := appendQoSTimestampExts(b, m.QoS, m.HasTimestamp, &m.Timestamp, &n)
	if err != nil {
		return b, err
	}
	b = appendNodeIDExt(b, m.NodeID, &n)
	return appendExts(b, m.Exts, false), nil
}

// DecodeInterest decodes an Interest (header included) from the start of b.
func DecodeInterest(b []byte) (Interest, int, error) {
	var m Interest
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes an Interest (header included) from the start of b into m, overwriting all of m,
// and returns the number of bytes used.
func (m *Interest) Decode(b []byte) (int, error) {
	r := newRd(b, "Interest")
	h, err := r.header(byte(NetIDInterest))
	if err == nil {
		err = r.interest(m, h)
	}
	return r.off, err
}

// interest decodes the rest of an Interest whose header h has been read.
func (r *rd) interest(m *Interest, h byte) error {
	*m = Interest{QoS: NetQoSDefault, Mode: InterestMode(h>>interestModeShift) & 3}
	v, err := r.zintMax("interest_id", netMaxU32)
	if err != nil {
		return err
	}
	m.InterestID = uint32(v)
	if m.Mode != InterestFinal {
		o, err := r.u8("options")
		if err != nil {
			return err
		}
		m.Options = InterestOptions(o)
		if m.Options&InterestRestricted != 0 {
			m.Restricted = true
			named, mapping := m.Options&InterestNamed != 0, mappingOf(m.Options&InterestMapping != 0)
			if m.WireExpr, err = r.wireExpr(named, mapping); err != nil {
				return err
			}
			m.Options = m.wireOptions()
		}
	}
	if h&netFlagZ == 0 {
		return nil
	}
	x := netExts{qos: &m.QoS, hasTimestamp: &m.HasTimestamp, timestamp: &m.Timestamp, nodeID: &m.NodeID, exts: &m.Exts}
	return r.netExts(x, nil)
}
