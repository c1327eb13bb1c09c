package wire

// Put is a publication of a value: the body of a Push, or of a Reply.
//
// Wire layout (commons/zenoh-codec/src/zenoh/put.rs):
//
//	|Z|E|T|  0x01  |     T: a timestamp follows; E: an encoding follows; Z: extensions follow
//	~timestamp~          if T: %time% %id_len% ~id~
//	~encoding~           if E: omitted when it is the default (zenoh/bytes, no schema)
//	~exts~               if Z: SourceInfo 0x41, Attachment 0x43, then unknown ones
//	%len% ~payload~      zint bounded to u32, then the bytes; always present
//
// A Put whose payload lives in shared memory carries the mandatory Shm extension (0x12) and a
// different payload layout. Rust zenoh built without shared-memory support rejects it as an
// unknown mandatory extension, and so does this decoder (gozenoh never negotiates shared
// memory, so a conforming peer never sends one).
//
// Payload, Attachment and extension bodies alias the decoded input.
type Put struct {
	HasTimestamp  bool
	Timestamp     Timestamp
	Encoding      Encoding
	HasSourceInfo bool
	SourceInfo    SourceInfo
	HasAttachment bool
	Attachment    []byte
	Exts          []Ext // unknown non-mandatory extensions, re-emitted after the known ones
	Payload       []byte
}

// Put header flags.
const (
	putFlagT byte = 0x20
	putFlagE byte = 0x40
)

// Len returns the encoded size.
func (m *Put) Len() int {
	n := 1
	if m.HasTimestamp {
		n += m.Timestamp.Len()
	}
	if !m.Encoding.IsDefault() {
		n += m.Encoding.Len()
	}
	if m.HasSourceInfo {
		n += zbufExtLen(m.SourceInfo.Len())
	}
	if m.HasAttachment {
		n += zbufExtLen(len(m.Attachment))
	}
	return n + extsLen(m.Exts) + bytesLen(m.Payload)
}

// Append appends the encoded Put to b. On error b is returned unchanged.
func (m *Put) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Put) append(b []byte) ([]byte, error) {
	if bytesTooLong(m.Payload) {
		return b, encErr("Put", "payload", "longer than u32")
	}
	if bytesTooLong(m.Attachment) {
		return b, encErr("Put", "attachment", "longer than u32")
	}
	if err := checkEncoding("Put", &m.Encoding); err != nil {
		return b, err
	}
	if err := checkExts("Put", m.Exts, dataExtSourceInfo, putExtAttachment, dataExtShm); err != nil {
		return b, err
	}
	h := byte(DataIDPut)
	if m.HasTimestamp {
		h |= putFlagT
	}
	if !m.Encoding.IsDefault() {
		h |= putFlagE
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
	if !m.Encoding.IsDefault() {
		if b, err = m.Encoding.Append(b); err != nil {
			return b, err
		}
	}
	if m.HasSourceInfo {
		n--
		if b, err = appendSourceInfoExt(b, &m.SourceInfo, n > 0); err != nil {
			return b, err
		}
	}
	b = appendAttachmentExt(b, putExtAttachment, m.HasAttachment, m.Attachment, &n)
	b = appendExts(b, m.Exts, false)
	return appendBytes(b, m.Payload), nil
}

// DecodePut decodes a Put (header included) from the start of b.
func DecodePut(b []byte) (Put, int, error) {
	var m Put
	r := newRd(b, "Put")
	h, err := r.header(byte(DataIDPut))
	if err == nil {
		err = r.put(&m, h)
	}
	return m, r.off, err
}

// put decodes the rest of a Put whose header h has been read.
func (r *rd) put(m *Put, h byte) error {
	*m = Put{}
	var err error
	if h&putFlagT != 0 {
		if m.Timestamp, err = r.timestamp(); err != nil {
			return err
		}
		m.HasTimestamp = true
	}
	if h&putFlagE != 0 {
		if m.Encoding, err = r.dataEncoding(); err != nil {
			return err
		}
	}
	if h&netFlagZ != 0 {
		x := dataExts{hasSourceInfo: &m.HasSourceInfo, sourceInfo: &m.SourceInfo, attachmentID: putExtAttachment,
			hasAttachment: &m.HasAttachment, attachment: &m.Attachment, shm: true, exts: &m.Exts}
		if err = r.dataExts(x, nil); err != nil {
			return err
		}
	}
	p, err := r.bytes("payload", MaxPayloadLen)
	m.Payload = nilIfEmpty(p)
	return err
}
