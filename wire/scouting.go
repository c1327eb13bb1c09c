package wire

import "strconv"

// ScoutingID is the id of a scouting message (the low five bits of its header). Scouting ids
// overlap transport ids; the socket tells the two layers apart.
// Mirrors commons/zenoh-protocol/src/scouting/mod.rs (mod id).
type ScoutingID uint8

// Scouting message ids.
const (
	ScoutingIDScout ScoutingID = 0x01
	ScoutingIDHello ScoutingID = 0x02
)

// String returns "Scout" or "Hello".
func (id ScoutingID) String() string {
	switch id {
	case ScoutingIDScout:
		return "Scout"
	case ScoutingIDHello:
		return "Hello"
	}
	return "ScoutingID(" + strconv.Itoa(int(id)) + ")"
}

// scIDMask selects the message id of a header byte.
const scIDMask = 0x1f

// ScoutingMessage is one scouting message: ID says which of the other fields is set.
// Every UDP scouting datagram carries exactly one; Zenoh ignores any bytes after it.
// Mirrors commons/zenoh-codec/src/scouting/mod.rs.
type ScoutingMessage struct {
	ID    ScoutingID
	Scout Scout
	Hello Hello
}

// DecodeScouting decodes one scouting message from the start of b.
func DecodeScouting(b []byte) (ScoutingMessage, int, error) {
	var m ScoutingMessage
	if len(b) == 0 {
		r := newRd(b, "ScoutingMessage")
		return m, 0, r.fail("header", ErrTruncated)
	}
	var n int
	var err error
	switch m.ID = ScoutingID(b[0] & scIDMask); m.ID {
	case ScoutingIDScout:
		m.Scout, n, err = DecodeScout(b)
	case ScoutingIDHello:
		m.Hello, n, err = DecodeHello(b)
	default:
		r := newRd(b, "ScoutingMessage")
		return ScoutingMessage{}, 0, r.fail("header", ErrUnknownMessage)
	}
	if err != nil {
		return ScoutingMessage{}, n, err
	}
	return m, n, nil
}

// Len returns the encoded size of the message ID names.
func (m *ScoutingMessage) Len() int {
	switch m.ID {
	case ScoutingIDScout:
		return m.Scout.Len()
	case ScoutingIDHello:
		return m.Hello.Len()
	}
	return 0
}

// Append appends the message ID names.
func (m *ScoutingMessage) Append(b []byte) ([]byte, error) {
	switch m.ID {
	case ScoutingIDScout:
		return m.Scout.Append(b)
	case ScoutingIDHello:
		return m.Hello.Append(b)
	}
	return b, encErr("ScoutingMessage", "id", "unknown scouting id "+m.ID.String())
}

// scExts reads the extensions of a Scout or Hello. Zenoh reads them and drops them all, even
// mandatory ones; this keeps the first MaxExtensions (so that re-encoding reproduces them) and
// drops the rest, failing only on input that cannot be parsed.
func (r *rd) scExts(header byte) ([]Ext, error) {
	var keep []Ext
	for more := header&ExtMore != 0; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return nil, err
		}
		more = m
		if len(keep) < MaxExtensions {
			keep = append(keep, e)
		}
	}
	return keep, nil
}

// scCheckExts validates the extensions a Scout or Hello is asked to carry.
func scCheckExts(msg string, es []Ext) error { return trCheckExts(msg, es) }
