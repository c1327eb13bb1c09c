package wire

import "unicode/utf8"

// Query is a query: the body of a Request.
//
// Wire layout (commons/zenoh-codec/src/zenoh/query.rs):
//
//	|Z|P|C|  0x03  |     C: a consolidation follows; P: parameters follow; Z: extensions follow
//	%consolidation%      if C: zint (0 auto, 1 none, 2 monotonic, 3 latest; others read as auto)
//	%len% ~parameters~   if P: UTF-8 selector parameters ("k=v;k2=v2")
//	~exts~               if Z: SourceInfo 0x41, Body 0x43, Attachment 0x45, then unknown ones
//
// The Body extension holds the query's value: an Encoding immediately followed by the payload
// bytes, without a payload length (the payload runs to the end of the extension). A
// shared-memory body is announced by a unit extension 0x04 right before it; Rust zenoh built
// without shared-memory support cannot read it, and neither can this decoder.
//
// Parameters, the body payload, Attachment and extension bodies alias the decoded input.
type Query struct {
	Consolidation ConsolidationMode
	Parameters    []byte // UTF-8; empty means none
	HasSourceInfo bool
	SourceInfo    SourceInfo
	HasBody       bool
	Body          QueryBody
	HasAttachment bool
	Attachment    []byte
	Exts          []Ext // unknown non-mandatory extensions, re-emitted after the known ones
}

// QueryBody is the value a query carries (its Body extension).
type QueryBody struct {
	Encoding Encoding
	Payload  []byte
}

func (q *QueryBody) len() int { return q.Encoding.Len() + len(q.Payload) }

// Query header flags.
const (
	queryFlagC byte = 0x20
	queryFlagP byte = 0x40
)

// Len returns the encoded size.
func (m *Query) Len() int {
	n := 1
	if m.Consolidation != ConsolidationAuto {
		n += ZintLen(uint64(m.Consolidation))
	}
	if len(m.Parameters) > 0 {
		n += bytesLen(m.Parameters)
	}
	if m.HasSourceInfo {
		n += zbufExtLen(m.SourceInfo.Len())
	}
	if m.HasBody {
		n += zbufExtLen(m.Body.len())
	}
	if m.HasAttachment {
		n += zbufExtLen(len(m.Attachment))
	}
	return n + extsLen(m.Exts)
}

// Append appends the encoded Query to b. On error b is returned unchanged.
func (m *Query) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *Query) append(b []byte) ([]byte, error) {
	switch {
	case m.Consolidation > ConsolidationLatest:
		return b, encErr("Query", "consolidation", "unknown mode")
	case bytesTooLong(m.Parameters):
		return b, encErr("Query", "parameters", "longer than u32")
	case !utf8.Valid(m.Parameters):
		return b, encErr("Query", "parameters", "not UTF-8")
	case m.HasBody && uint64(m.Body.len()) > netMaxU32:
		return b, encErr("Query", "body", "longer than u32")
	case bytesTooLong(m.Attachment):
		return b, encErr("Query", "attachment", "longer than u32")
	}
	if err := checkExts("Query", m.Exts, dataExtSourceInfo, queryExtBody, queryExtBodyShm, queryExtAttachment); err != nil {
		return b, err
	}
	h := byte(DataIDQuery)
	if m.Consolidation != ConsolidationAuto {
		h |= queryFlagC
	}
	if len(m.Parameters) > 0 {
		h |= queryFlagP
	}
	n := len(m.Exts)
	for _, has := range [...]bool{m.HasSourceInfo, m.HasBody, m.HasAttachment} {
		if has {
			n++
		}
	}
	if n > 0 {
		h |= netFlagZ
	}
	b = append(b, h)
	if m.Consolidation != ConsolidationAuto {
		b = AppendZint(b, uint64(m.Consolidation))
	}
	if len(m.Parameters) > 0 {
		b = appendBytes(b, m.Parameters)
	}
	var err error
	if m.HasSourceInfo {
		n--
		if b, err = appendSourceInfoExt(b, &m.SourceInfo, n > 0); err != nil {
			return b, err
		}
	}
	if m.HasBody {
		n--
		b = appendZBufExtHead(b, queryExtBody, m.Body.len(), n > 0)
		if b, err = m.Body.Encoding.Append(b); err != nil {
			return b, err
		}
		b = append(b, m.Body.Payload...)
	}
	b = appendAttachmentExt(b, queryExtAttachment, m.HasAttachment, m.Attachment, &n)
	return appendExts(b, m.Exts, false), nil
}

// DecodeQuery decodes a Query (header included) from the start of b.
func DecodeQuery(b []byte) (Query, int, error) {
	var m Query
	r := newRd(b, "Query")
	h, err := r.header(byte(DataIDQuery))
	if err == nil {
		err = r.query(&m, h)
	}
	return m, r.off, err
}

// consolidation reads a consolidation mode; like Zenoh, unknown values fall back to auto.
func (r *rd) consolidation() (ConsolidationMode, error) {
	v, err := r.zint("consolidation")
	if err != nil || v > uint64(ConsolidationLatest) {
		return ConsolidationAuto, err
	}
	return ConsolidationMode(v), nil
}

// query decodes the rest of a Query whose header h has been read.
func (r *rd) query(m *Query, h byte) error {
	*m = Query{}
	var err error
	if h&queryFlagC != 0 {
		if m.Consolidation, err = r.consolidation(); err != nil {
			return err
		}
	}
	if h&queryFlagP != 0 {
		start := r.off
		p, err := r.bytes("parameters", MaxQueryParametersLen)
		if err != nil {
			return err
		}
		if !utf8.Valid(p) {
			return r.failAt(start, "parameters", ErrInvalid)
		}
		m.Parameters = nilIfEmpty(p)
	}
	if h&netFlagZ == 0 {
		return nil
	}
	return r.dataExts(dataExts{hasSourceInfo: &m.HasSourceInfo, sourceInfo: &m.SourceInfo, attachmentID: queryExtAttachment,
		hasAttachment: &m.HasAttachment, attachment: &m.Attachment, exts: &m.Exts}, func(e Ext, start int) (bool, error) {
		switch e.Header {
		case queryExtBody:
			s := r.extSub(e.Body)
			var err error
			if m.Body.Encoding, err = s.dataEncoding(); err != nil {
				return true, err
			}
			m.Body.Payload = nilIfEmpty(s.b[s.off:len(s.b):len(s.b)])
			m.HasBody = true
		case queryExtBodyShm:
			return true, r.failAt(start, "ext_body_shm", ErrInvalid)
		default:
			return false, nil
		}
		return true, nil
	})
}
