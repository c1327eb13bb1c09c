package wire

// Header flags shared by network and data messages (bits 5-7 of the header byte). Their meaning
// depends on the message; the common ones are N (the wire expression has a suffix), M (its
// scope is from the sender's mapping) and Z (extensions follow).
const (
	netFlagN  byte = 0x20
	netFlagM  byte = 0x40
	netFlagZ  byte = 0x80
	netIDMask byte = 0x1f
)

// Extension headers (ID | M | ENC, Z bit clear) of network and data messages. Zenoh matches an
// extension on all seven bits, so the same ID with another encoding is another (unknown)
// extension. Mirrors the ext modules of commons/zenoh-protocol/src/{network,zenoh}/*.rs.
const (
	netExtQoS         byte = 0x21 // z64, every network message
	netExtTimestamp   byte = 0x42 // zbuf, every network message
	netExtNodeID      byte = 0x33 // z64, mandatory: Push, Request, Interest, Declare
	netExtTarget      byte = 0x34 // z64, mandatory: Request
	netExtBudget      byte = 0x25 // z64: Request
	netExtTimeout     byte = 0x26 // z64: Request
	netExtResponderID byte = 0x43 // zbuf: Response
	netExtTsStack     byte = 0x47 // zbuf: Push, Request, Response (latency instrumentation; kept in Exts)

	declExtQueryableInfo byte = 0x21 // z64: DeclareQueryable
	declExtWireExpr      byte = 0x5f // zbuf, mandatory: Undeclare{Subscriber,Queryable,Token}

	dataExtSourceInfo  byte = 0x41 // zbuf: Put, Del, Query, Err
	dataExtShm         byte = 0x12 // unit, mandatory: Put, Err (shared-memory payload)
	putExtAttachment   byte = 0x43 // zbuf
	delExtAttachment   byte = 0x42 // zbuf
	queryExtBody       byte = 0x43 // zbuf: encoding then payload, without a payload length
	queryExtBodyShm    byte = 0x04 // unit marker before a shared-memory query body
	queryExtAttachment byte = 0x45 // zbuf
)

// appendZ64Ext appends a z64 extension with header h.
func appendZ64Ext(b []byte, h byte, v uint64, more bool) []byte {
	if more {
		h |= ExtMore
	}
	return AppendZint(append(b, h), v)
}

// z64ExtLen is the encoded size of a z64 extension.
func z64ExtLen(v uint64) int { return 1 + ZintLen(v) }

// appendZBufExtHead appends the header and length of a zbuf extension whose body is n bytes.
func appendZBufExtHead(b []byte, h byte, n int, more bool) []byte {
	if more {
		h |= ExtMore
	}
	return AppendZint(append(b, h), uint64(n))
}

// zbufExtLen is the encoded size of a zbuf extension whose body is n bytes.
func zbufExtLen(n int) int { return 1 + ZintLen(uint64(n)) + n }

// appendTimestampExt appends a network Timestamp extension (a zbuf holding the timestamp).
func appendTimestampExt(b []byte, t *Timestamp, more bool) ([]byte, error) {
	if t.ID.IsZero() {
		return b, encErr("Timestamp", "id", "zero id")
	}
	b = appendZBufExtHead(b, netExtTimestamp, t.Len(), more)
	return t.Append(b)
}

// timestampExtLen is the encoded size of a network Timestamp extension.
func timestampExtLen(t *Timestamp) int { return zbufExtLen(t.Len()) }

// extSub returns a cursor over body, the body of the zbuf extension that r has just read (it
// ends at r.off). Offsets in its errors stay relative to r's input.
func (r *rd) extSub(body []byte) rd {
	return rd{b: r.b[:r.off], off: r.off - len(body), msg: r.msg}
}

// subDone fails with ErrTrailing unless the cursor has consumed all its input: an extension
// body must hold exactly its value, as Zenoh's encoders write it.
func (r *rd) subDone(field string) error {
	if r.off != len(r.b) {
		return r.fail(field, ErrTrailing)
	}
	return nil
}

// timestampExt decodes the body of a network Timestamp extension.
func (r *rd) timestampExt(e Ext) (Timestamp, error) {
	s := r.extSub(e.Body)
	t, err := s.timestamp()
	if err == nil {
		err = s.subDone("ext_timestamp")
	}
	return t, err
}

// qosExt checks that a QoS extension's value fits its byte. (Zenoh truncates; a value above a
// byte never comes from a real encoder.)
func (r *rd) qosExt(e Ext) (NetQoS, error) {
	if e.Value > 0xff {
		return 0, r.fail("ext_qos", ErrOverflow)
	}
	return NetQoS(e.Value), nil
}

// nodeIDExt checks that a NodeId extension's value fits a u16.
func (r *rd) nodeIDExt(e Ext) (uint16, error) {
	if e.Value > netMaxU16 {
		return 0, r.fail("ext_nodeid", ErrOverflow)
	}
	return uint16(e.Value), nil
}

// failAt reports an error at a given offset (for fields validated after they were read).
func (r *rd) failAt(off int, field string, e error) error {
	return &DecodeError{Msg: r.msg, Field: field, Offset: off, Err: e}
}

// checkExts validates a list of unknown extensions before encoding, so that whatever is encoded
// decodes back to the same list: at most MaxExtensions, none mandatory (a receiver would reject
// the message), none with the reserved encoding, none with a header the message itself defines
// (the decoder would take it for the known extension).
func checkExts(msg string, exts []Ext, known ...byte) error {
	if len(exts) > MaxExtensions {
		return encErr(msg, "exts", "more than MaxExtensions")
	}
	for _, e := range exts {
		h := e.Header &^ ExtMore
		if e.Mandatory() {
			return encErr(msg, "exts", "unknown mandatory extension")
		}
		if e.Enc() == ExtEncMask {
			return encErr(msg, "exts", "reserved extension encoding")
		}
		if e.Enc() == ExtZBuf && uint64(len(e.Body)) > MaxExtBodyLen {
			return encErr(msg, "exts", "extension body longer than u32")
		}
		for _, k := range known {
			if h == k {
				return encErr(msg, "exts", "extension the message defines")
			}
		}
	}
	return nil
}

// nilIfEmpty normalises decoded empty byte fields to nil, so that equal messages compare equal
// whatever buffer they came from.
func nilIfEmpty(p []byte) []byte {
	if len(p) == 0 {
		return nil
	}
	return p
}

// bytesTooLong reports whether p is longer than a u32 length allows.
func bytesTooLong(p []byte) bool { return uint64(len(p)) > netMaxU32 }

// dataEncoding reads an Encoding, normalising an empty schema to nil.
func (r *rd) dataEncoding() (Encoding, error) {
	e, err := r.encoding()
	e.Schema = nilIfEmpty(e.Schema)
	return e, err
}

// netCommonExt handles the QoS, Timestamp and (when nodeID is not nil) NodeId extensions that
// network messages share. It reports whether e was one of them.
func (r *rd) netCommonExt(e Ext, qos *NetQoS, hasTS *bool, ts *Timestamp, nodeID *uint16) (bool, error) {
	var err error
	switch {
	case e.Header == netExtQoS:
		*qos, err = r.qosExt(e)
	case e.Header == netExtTimestamp:
		*ts, err = r.timestampExt(e)
		*hasTS = err == nil
	case e.Header == netExtNodeID && nodeID != nil:
		*nodeID, err = r.nodeIDExt(e)
	default:
		return false, nil
	}
	return true, err
}

// netExts points at the fields where a network message keeps the extensions every network
// message may carry: QoS 0x21, Timestamp 0x42, NodeId 0x33 (in Push, Request, Interest and
// Declare; nodeID is nil in the others) and the unknown extensions.
type netExts struct {
	qos          *NetQoS
	hasTimestamp *bool
	timestamp    *Timestamp
	nodeID       *uint16
	exts         *[]Ext
}

// netExts reads the extension list of a network message (whose header has the Z flag) into x's
// fields. own, when not nil, handles the extensions only the message defines and reports
// whether it knew e. The others are kept (see keepExt).
func (r *rd) netExts(x netExts, own func(e Ext) (bool, error)) error {
	for more := true; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return err
		}
		more = m
		known, err := r.netCommonExt(e, x.qos, x.hasTimestamp, x.timestamp, x.nodeID)
		if !known && err == nil && own != nil {
			known, err = own(e)
		}
		if !known && err == nil {
			*x.exts, err = r.keepExt(e, *x.exts)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// appendQoSTimestampExts appends the QoS extension (unless default) and the Timestamp extension
// (if present), counting them down from *n, the number of extensions still to write.
func appendQoSTimestampExts(b []byte, qos NetQoS, hasTS bool, ts *Timestamp, n *int) ([]byte, error) {
	if qos != NetQoSDefault {
		*n--
		b = appendZ64Ext(b, netExtQoS, uint64(qos), *n > 0)
	}
	if hasTS {
		*n--
		return appendTimestampExt(b, ts, *n > 0)
	}
	return b, nil
}

// qosTimestampExts counts the QoS and Timestamp extensions that will be written and their size.
func qosTimestampExts(qos NetQoS, hasTS bool, ts *Timestamp) (count, size int) {
	if qos != NetQoSDefault {
		count++
		size += z64ExtLen(uint64(qos))
	}
	if hasTS {
		count++
		size += timestampExtLen(ts)
	}
	return count, size
}

// keepExt keeps an extension the message does not define (see rd.unknownExt), normalising an
// empty body to nil.
func (r *rd) keepExt(e Ext, keep []Ext) ([]Ext, error) {
	e.Body = nilIfEmpty(e.Body)
	return r.unknownExt("ext", e, keep)
}

// checkEncoding refuses an encoding whose schema bytes would be silently dropped (a default
// encoding is not written at all, so Encoding.Append's own check would not run).
func checkEncoding(msg string, e *Encoding) error {
	if len(e.Schema) > 0 && !e.HasSchema {
		return encErr(msg, "encoding", "schema bytes without HasSchema")
	}
	return nil
}

// appendNodeIDExt appends the NodeId extension unless id is 0, counting it down from *n, the
// number of extensions still to write.
func appendNodeIDExt(b []byte, id uint16, n *int) []byte {
	if id == 0 {
		return b
	}
	*n--
	return appendZ64Ext(b, netExtNodeID, uint64(id), *n > 0)
}

// appendAttachmentExt appends an attachment extension with header h when has, counting it down
// from *n, the number of extensions still to write.
func appendAttachmentExt(b []byte, h byte, has bool, p []byte, n *int) []byte {
	if !has {
		return b
	}
	*n--
	return append(appendZBufExtHead(b, h, len(p), *n > 0), p...)
}
