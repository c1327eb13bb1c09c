package wire

// ErrReply is an error reply to a query (Zenoh's Err message): the body of a Response.
//
// Wire layout (commons/zenoh-codec/src/zenoh/err.rs):
//
//	|Z|E|X|  0x05  |     E (bit 6, not bit 5 as elsewhere): an encoding follows; X: reserved
//	~encoding~           if E
//	~exts~               if Z: SourceInfo 0x41, then unknown ones
//	%len% ~payload~      zint bounded to u32, then the bytes
//
// As for Put, a shared-memory payload (mandatory extension 0x12) is rejected. Payload and
// extension bodies alias the decoded input.
type ErrReply struct {
	Encoding      Encoding
	HasSourceInfo bool
	SourceInfo    SourceInfo
	Exts          []Ext // unknown non-mandatory extensions, re-emitted after the known ones
	Payload       []byte
}

// errFlagE is the encoding flag of Err.
const errFlagE byte = 0x40

// Len returns the encoded size.
func (m *ErrReply) Len() int {
	n := 1
	if !m.Encoding.IsDefault() {
		n += m.Encoding.Len()
	}
	if m.HasSourceInfo {
		n += zbufExtLen(m.SourceInfo.Len())
	}
	return n + extsLen(m.Exts) + bytesLen(m.Payload)
}

// Append appends the encoded Err to b. On error b is returned unchanged.
func (m *ErrReply) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *ErrReply) append(b []byte) ([]byte, error) {
	if bytesTooLong(m.Payload) {
		return b, encErr("Err", "payload", "longer than u32")
	}
	if err := checkEncoding("Err", &m.Encoding); err != nil {
		return b, err
	}
	if err := checkExts("Err", m.Exts, dataExtSourceInfo, dataExtShm); err != nil {
		return b, err
	}
	h := byte(DataIDErr)
	if !m.Encoding.IsDefault() {
		h |= errFlagE
	}
	n := len(m.Exts)
	if m.HasSourceInfo {
		n++
	}
	if n > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	var err error
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
	b = appendExts(b, m.Exts, false)
	return appendBytes(b, m.Payload), nil
}

// DecodeErrReply decodes an Err message (header included) from the start of b.
func DecodeErrReply(b []byte) (ErrReply, int, error) {
	var m ErrReply
	r := newRd(b, "Err")
	h, err := r.header(byte(DataIDErr))
	if err == nil {
		err = r.errReply(&m, h)
	}
	return m, r.off, err
}

// errReply decodes the rest of an Err whose header h has been read.
func (r *rd) errReply(m *ErrReply, h byte) error {
	*m = ErrReply{}
	var err error
	if h&errFlagE != 0 {
		if m.Encoding, err = r.dataEncoding(); err != nil {
			return err
		}
	}
	if h&netFlagZ != 0 {
		x := dataExts{hasSourceInfo: &m.HasSourceInfo, sourceInfo: &m.SourceInfo, shm: true, exts: &m.Exts}
		if err = r.dataExts(x, nil); err != nil {
			return err
		}
	}
	p, err := r.bytes("payload", MaxPayloadLen)
	m.Payload = nilIfEmpty(p)
	return err
}
