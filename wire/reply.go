package wire

// Reply is one reply to a query: the body of a Response, itself holding a Put or a Del.
//
// Wire layout (commons/zenoh-codec/src/zenoh/reply.rs):
//
//	|Z|X|C|  0x04  |     C: a consolidation follows; X: reserved; Z: extensions follow
//	%consolidation%      if C
//	~exts~               if Z: none defined, all are kept as unknown
//	~body~               one Put or Del, as in a Push
type Reply struct {
	Consolidation ConsolidationMode
	Exts          []Ext // unknown non-mandatory extensions
	Body          PushBody
}

// replyFlagC is the consolidation flag of Reply.
const replyFlagC byte = 0x20

// Len returns the encoded size.
func (m *Reply) Len() int {
	n := 1
	if m.Consolidation != ConsolidationAuto {
		n += ZintLen(uint64(m.Consolidation))
	}
	return n + extsLen(m.Exts) + m.Body.Len()
}

// Append appends the encoded Reply to b. On error b is returned unchanged.
func (m *Reply) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Reply) append(b []byte) ([]byte, error) {
	if m.Consolidation > ConsolidationLatest {
		return b, encErr("Reply", "consolidation", "unknown mode")
	}
	if err := checkExts("Reply", m.Exts); err != nil {
		return b, err
	}
	h := byte(DataIDReply)
	if m.Consolidation != ConsolidationAuto {
		h |= replyFlagC
	}
	if len(m.Exts) > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	if m.Consolidation != ConsolidationAuto {
		b = AppendZint(b, uint64(m.Consolidation))
	}
	b = appendExts(b, m.Exts, false)
	return m.Body.append(b)
}

// DecodeReply decodes a Reply (header included) from the start of b.
func DecodeReply(b []byte) (Reply, int, error) {
	var m Reply
	r := newRd(b, "Reply")
	h, err := r.header(byte(DataIDReply))
	if err == nil {
		err = r.reply(&m, h)
	}
	return m, r.off, err
}

// reply decodes the rest of a Reply whose header h has been read.
func (r *rd) reply(m *Reply, h byte) error {
	m.Consolidation, m.Exts = ConsolidationAuto, nil
	var err error
	if h&replyFlagC != 0 {
		if m.Consolidation, err = r.consolidation(); err != nil {
			return err
		}
	}
	for more := h&netFlagZ != 0; more; {
		var e Ext
		if e, more, err = r.ext("ext"); err != nil {
			return err
		}
		if m.Exts, err = r.keepExt(e, m.Exts); err != nil {
			return err
		}
	}
	return r.pushBody(&m.Body)
}
