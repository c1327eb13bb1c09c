package wire

import "strconv"

// CloseReason is the reason code of a Close message.
// Mirrors commons/zenoh-protocol/src/transport/close.rs (mod reason).
type CloseReason uint8

// Close reasons.
const (
	CloseGeneric          CloseReason = 0x00
	CloseUnsupported      CloseReason = 0x01
	CloseInvalid          CloseReason = 0x02
	CloseMaxSessions      CloseReason = 0x03
	CloseMaxLinks         CloseReason = 0x04
	CloseExpired          CloseReason = 0x05
	CloseUnresponsive     CloseReason = 0x06
	CloseConnectionToSelf CloseReason = 0x07
)

var closeReasonNames = [...]string{"GENERIC", "UNSUPPORTED", "INVALID", "MAX_SESSIONS", "MAX_LINKS", "EXPIRED", "UNRESPONSIVE", "CONNECTION_TO_SELF"}

// String returns the reason's name as Zenoh logs it, e.g. "MAX_LINKS".
func (c CloseReason) String() string {
	if int(c) < len(closeReasonNames) {
		return closeReasonNames[c]
	}
	return "CloseReason(" + strconv.Itoa(int(c)) + ")"
}

// Close closes a link (Session false) or the whole transport (Session true). Rust always sends
// Session false, even when it closes the transport, and never sends extensions.
//
// Wire layout (commons/zenoh-codec/src/transport/close.rs):
//
//	header |Z|X|S| 0x03 |   S: close the session; Z: extensions follow
//	reason u8
//	exts                    only when Z; unknown mandatory ones fail
type Close struct {
	Reason  CloseReason
	Session bool
	Exts    []Ext // unknown optional extensions, kept in order
}

const closeFlagS = 0x20

// Len returns the encoded size.
func (m *Close) Len() int { return 2 + extsLen(m.Exts) }

// Append appends the Close.
func (m *Close) Append(b []byte) ([]byte, error) {
	if err := trCheckExts("Close", m.Exts); err != nil {
		return b, err
	}
	h := byte(TransportIDClose)
	if m.Session {
		h |= closeFlagS
	}
	if len(m.Exts) > 0 {
		h |= ExtMore
	}
	b = append(b, h, byte(m.Reason))
	return appendExts(b, m.Exts, false), nil
}

// DecodeClose decodes a Close from the start of b.
func DecodeClose(b []byte) (Close, int, error) {
	var m Close
	n, err := decodeCloseInto(b, &m)
	if err != nil {
		return Close{}, n, err
	}
	return m, n, nil
}

func decodeCloseInto(b []byte, m *Close) (int, error) {
	r := newRd(b, "Close")
	h, err := r.trHeader(TransportIDClose)
	if err != nil {
		return r.off, err
	}
	m.Session = h&closeFlagS != 0
	c, err := r.u8("reason")
	if err != nil {
		return r.off, err
	}
	m.Reason = CloseReason(c)
	m.Exts, err = r.trUnknownExts(h)
	return r.off, err
}
