package wire

import "strconv"

// Extension header bits. An extension header byte is laid out as
//
//	bit 7    Z: another extension follows
//	bits 6-5 ENC: 00 unit, 01 z64, 10 zbuf, 11 reserved (always an error)
//	bit 4    M: mandatory, a receiver that does not know it must reject the message
//	bits 3-0 ID, scoped to the message type
//
// Zenoh identifies an extension by the whole low seven bits (ID, M and ENC together), so the same
// ID with another encoding is another extension. Mirrors commons/zenoh-protocol/src/common/extension.rs.
const (
	ExtMore      = 0x80
	ExtMandatory = 0x10
	ExtEncMask   = 0x60
	ExtIDMask    = 0x0f
)

// ExtEnc is the body encoding of an extension.
type ExtEnc byte

// Extension body encodings.
const (
	ExtUnit ExtEnc = 0x00
	ExtZ64  ExtEnc = 0x20
	ExtZBuf ExtEnc = 0x40
)

// String returns the encoding's name.
func (e ExtEnc) String() string {
	switch e {
	case ExtUnit:
		return "unit"
	case ExtZ64:
		return "z64"
	case ExtZBuf:
		return "zbuf"
	}
	return "ExtEnc(" + strconv.Itoa(int(e)) + ")"
}

// Ext is one extension as it travels: its header without the Z bit, and its body.
// Body aliases the decoded input.
type Ext struct {
	Header byte   // ID | M | ENC (never the Z bit)
	Value  uint64 // body of a z64 extension
	Body   []byte // body of a zbuf extension
}

// ID returns the extension's 4-bit id.
func (e Ext) ID() byte { return e.Header & ExtIDMask }

// Enc returns the extension's body encoding.
func (e Ext) Enc() ExtEnc { return ExtEnc(e.Header & ExtEncMask) }

// Mandatory reports whether a receiver that does not know the extension must fail.
func (e Ext) Mandatory() bool { return e.Header&ExtMandatory != 0 }

// Len returns the encoded size of the extension.
func (e Ext) Len() int {
	switch e.Enc() {
	case ExtZ64:
		return 1 + ZintLen(e.Value)
	case ExtZBuf:
		return 1 + bytesLen(e.Body)
	}
	return 1
}

// Append appends the extension; more sets the Z bit, saying another extension follows.
func (e Ext) Append(b []byte, more bool) []byte {
	h := e.Header &^ ExtMore
	if more {
		h |= ExtMore
	}
	b = append(b, h)
	switch e.Enc() {
	case ExtZ64:
		b = AppendZint(b, e.Value)
	case ExtZBuf:
		b = appendBytes(b, e.Body)
	}
	return b
}

// extsLen is the encoded size of a list of extensions.
func extsLen(es []Ext) int {
	n := 0
	for _, e := range es {
		n += e.Len()
	}
	return n
}

// appendExts appends a list of extensions; more says whether another extension follows the list.
func appendExts(b []byte, es []Ext, more bool) []byte {
	for i, e := range es {
		b = e.Append(b, more || i < len(es)-1)
	}
	return b
}
