package wire

// Del is the deletion of a key: the body of a Push, or of a Reply.
//
// Wire layout (commons/zenoh-codec/src/zenoh/del.rs):
//
//	|Z|X|T|  0x02  |     T: a timestamp follows; X: reserved; Z: extensions follow
//	~timestamp~          if T
//	~exts~               if Z: SourceInfo 0x41, Attachment 0x42 (not 0x43 as in Put), unknown
//
// There is no payload. Attachment and extension bodies alias the decoded input.
type Del struct {
	HasTimestamp  bool
	Timestamp     Timestamp
	HasSourceInfo bool
	SourceInfo    SourceInfo
	HasAttachment bool
	Attachment    []byte
	Exts          []Ext // unknown non-mandatory extensions, re-emitted after the known ones
}

// delFlagT is the timestamp flag of Del.
const delFlagT byte = 0x20

// Len returns the encoded size.
func (m *Del) Len() int {
	n := 1
	if m.HasTimestamp {
		n += m.Timestamp.Len()
	}
	if m.HasSourceInfo {
		n += zbufExtLen(m.SourceInfo.Len())
	}
	if m.HasAttachment {
		n += zbufExtLen(len(m.Attachment))
	}
	return n + extsLen(m.Exts)
}

// Append appends the encoded Del to b. On error b is returned unchanged.
func (m *Del) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Del) append(b []byte) ([]byte, error) {
	if bytesTooLong(m.Attachment) {
		return b, encErr("Del", "attachment", "longer than u32")
	}
	if err := checkExts("Del", m.Exts, dataExtSourceInfo, delExtAttachment); err != nil {
		return b, err
	}
	h := byte(DataIDDel)
	if m.HasTimestamp {
		h |= delFlagT
	}
	n := len(m.Exts)
	if m.HasSourceInfo {
		n++
	}
	if m.HasAttachment {
		n++
	}
	if n > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	var err error
	if m.HasTimestamp {
		if b, err = m.Timestamp.Append(b); err != nil {
			return b, err
		}
	}
	if m.HasSourceInfo {
		n--
		if b, err = appendSourceInfoExt(b, &m.SourceInfo, n > 0); err != nil {
			return b, err
		}
	}
	b = appendAttachmentExt(b, delExtAttachment, m.HasAttachment, m.Attachment, &n)
	return appendExts(b, m.Exts, false), nil
}

// DecodeDel decodes a Del (header included) from the start of b.
func DecodeDel(b []byte) (Del, int, error) {
	var m Del
	r := newRd(b, "Del")
	h, err := r.header(byte(DataIDDel))
	if err == nil {
		err = r.del(&m, h)
	}
	return m, r.off, err
}

// del decodes the rest of a Del whose header h has been read.
func (r *rd) del(m *Del, h byte) error {
	*m = Del{}
	var err error
	if h&delFlagT != 0 {
		if m.Timestamp, err = r.timestamp(); err != nil {
			return err
		}
		m.HasTimestamp = true
	}
	if h&netFlagZ == 0 {
		return nil
	}
	return r.dataExts(dataExts{hasSourceInfo: &m.HasSourceInfo, sourceInfo: &m.SourceInfo, attachmentID: delExtAttachment,
		hasAttachment: &m.HasAttachment, attachment: &m.Attachment, exts: &m.Exts}, nil)
}
