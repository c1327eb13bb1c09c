package wire

// Encoding describes how a payload is encoded: a numeric id from Zenoh's table of well-known
// encodings and an optional schema (e.g. a charset or a type name).
//
// Wire layout (commons/zenoh-codec/src/core/encoding.rs):
//
//	%id<<1 | S%     zint bounded to u32; S (bit 0) says a schema follows
//	[%len% ~schema~] only when S: at most 255 bytes
type Encoding struct {
	ID        uint16
	HasSchema bool   // a schema is present, possibly empty
	Schema    []byte // aliases the decoded input
}

// IsDefault reports whether e is the default encoding (id 0, zenoh/bytes, no schema), which
// messages leave out.
func (e *Encoding) IsDefault() bool { return e.ID == 0 && !e.HasSchema }

func (e *Encoding) head() uint64 {
	v := uint64(e.ID) << 1
	if e.HasSchema {
		v |= 1
	}
	return v
}

// Len returns the encoded size.
func (e *Encoding) Len() int {
	n := ZintLen(e.head())
	if e.HasSchema {
		n += bytesLen(e.Schema)
	}
	return n
}

// Append appends the encoding.
func (e *Encoding) Append(b []byte) ([]byte, error) {
	if len(e.Schema) > MaxSchemaLen {
		return b, encErr("Encoding", "schema", "longer than 255 bytes")
	}
	if len(e.Schema) > 0 && !e.HasSchema {
		return b, encErr("Encoding", "schema", "schema bytes without HasSchema")
	}
	b = AppendZint(b, e.head())
	if e.HasSchema {
		b = appendBytes(b, e.Schema)
	}
	return b, nil
}

// DecodeEncoding decodes an encoding from the start of b.
func DecodeEncoding(b []byte) (Encoding, int, error) {
	r := newRd(b, "Encoding")
	e, err := r.encoding()
	return e, r.off, err
}

func (r *rd) encoding() (Encoding, error) {
	var e Encoding
	v, err := r.zintMax("encoding.id", 1<<32-1)
	if err != nil {
		return e, err
	}
	if v>>1 > 0xffff {
		return e, r.fail("encoding.id", ErrOverflow)
	}
	e.ID = uint16(v >> 1)
	if v&1 != 0 {
		e.HasSchema = true
		if e.Schema, err = r.bytes("encoding.schema", MaxSchemaLen); err != nil {
			return e, err
		}
	}
	return e, nil
}
