package wire

// TransportMessage is one transport message. ID (with Ack for Init and Open) says which field
// holds it; the others are zero. It is a plain struct rather than an interface so that decoding
// into it allocates nothing.
// Mirrors commons/zenoh-codec/src/transport/mod.rs (TransportMessage).
type TransportMessage struct {
	ID  TransportID
	Ack bool // with TransportIDInit or TransportIDOpen: the message is the InitAck or OpenAck

	InitSyn   InitSyn
	InitAck   InitAck
	OpenSyn   OpenSyn
	OpenAck   OpenAck
	Close     Close
	KeepAlive KeepAlive
	Frame     Frame
	Fragment  Fragment
	OAM       TransportOAM
	Join      Join
}

// Name returns the message's name, e.g. "InitAck" or "Frame".
func (m *TransportMessage) Name() string {
	switch {
	case m.ID == TransportIDInit && m.Ack:
		return "InitAck"
	case m.ID == TransportIDInit:
		return "InitSyn"
	case m.ID == TransportIDOpen && m.Ack:
		return "OpenAck"
	case m.ID == TransportIDOpen:
		return "OpenSyn"
	}
	return m.ID.String()
}

// DecodeTransport decodes one transport message from the start of b. A Frame's Payload covers
// its network messages (see DecodeFrame); a Fragment takes the rest of b.
func DecodeTransport(b []byte) (TransportMessage, int, error) {
	var m TransportMessage
	n, err := DecodeTransportInto(b, &m)
	if err != nil {
		return TransportMessage{}, n, err
	}
	return m, n, nil
}

// DecodeTransportInto is DecodeTransport writing into *m, which it resets first; it saves
// copying the large TransportMessage on hot paths.
func DecodeTransportInto(b []byte, m *TransportMessage) (int, error) {
	*m = TransportMessage{}
	if len(b) == 0 {
		r := newRd(b, "TransportMessage")
		return 0, r.fail("header", ErrTruncated)
	}
	h := b[0]
	m.ID = TransportID(h & trIDMask)
	var n int
	var err error
	switch m.ID {
	case TransportIDFrame:
		n, err = decodeFrameInto(b, &m.Frame)
	case TransportIDFragment:
		n, err = decodeFragmentInto(b, &m.Fragment)
	case TransportIDKeepAlive:
		n, err = decodeKeepAliveInto(b, &m.KeepAlive)
	case TransportIDClose:
		n, err = decodeCloseInto(b, &m.Close)
	case TransportIDInit:
		if m.Ack = h&initFlagA != 0; m.Ack {
			n, err = decodeInitAckInto(b, &m.InitAck)
		} else {
			n, err = decodeInitSynInto(b, &m.InitSyn)
		}
	case TransportIDOpen:
		if m.Ack = h&openFlagA != 0; m.Ack {
			n, err = decodeOpenAckInto(b, &m.OpenAck)
		} else {
			n, err = decodeOpenSynInto(b, &m.OpenSyn)
		}
	case TransportIDOAM:
		n, err = decodeTransportOAMInto(b, &m.OAM)
	case TransportIDJoin:
		n, err = decodeJoinInto(b, &m.Join)
	default:
		r := newRd(b, "TransportMessage")
		return 0, r.fail("header", ErrUnknownMessage)
	}
	if err != nil {
		*m = TransportMessage{}
	}
	return n, err
}

// Len returns the encoded size of the message ID names (0 for an unknown ID).
func (m *TransportMessage) Len() int {
	switch m.ID {
	case TransportIDFrame:
		return m.Frame.Len()
	case TransportIDFragment:
		return m.Fragment.Len()
	case TransportIDKeepAlive:
		return m.KeepAlive.Len()
	case TransportIDClose:
		return m.Close.Len()
	case TransportIDInit:
		if m.Ack {
			return m.InitAck.Len()
		}
		return m.InitSyn.Len()
	case TransportIDOpen:
		if m.Ack {
			return m.OpenAck.Len()
		}
		return m.OpenSyn.Len()
	case TransportIDOAM:
		return m.OAM.Len()
	case TransportIDJoin:
		return m.Join.Len()
	}
	return 0
}

// Append appends the message ID names.
func (m *TransportMessage) Append(b []byte) ([]byte, error) {
	switch m.ID {
	case TransportIDFrame:
		return m.Frame.Append(b)
	case TransportIDFragment:
		return m.Fragment.Append(b)
	case TransportIDKeepAlive:
		return m.KeepAlive.Append(b)
	case TransportIDClose:
		return m.Close.Append(b)
	case TransportIDInit:
		if m.Ack {
			return m.InitAck.Append(b)
		}
		return m.InitSyn.Append(b)
	case TransportIDOpen:
		if m.Ack {
			return m.OpenAck.Append(b)
		}
		return m.OpenSyn.Append(b)
	case TransportIDOAM:
		return m.OAM.Append(b)
	case TransportIDJoin:
		return m.Join.Append(b)
	}
	return b, encErr("TransportMessage", "id", "unknown transport id "+m.ID.String())
}
