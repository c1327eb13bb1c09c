package wire

// NetworkMessage is one network message, the unit a transport Frame carries: a union of the seven
// kinds, selected by ID. Only the field named by ID is meaningful; Decode keeps every other field
// zero, so that a reused NetworkMessage holds no reference to earlier input.
//
// Network messages have no length prefix: a Frame body is a plain sequence of them, each one
// self-delimiting. Mirrors commons/zenoh-codec/src/network/mod.rs.
//
// The value is large (it holds every kind); on hot paths decode into a reused one with Decode
// rather than returning it from DecodeNetwork.
type NetworkMessage struct {
	ID            NetworkID
	Push          Push
	Request       Request
	Response      Response
	ResponseFinal ResponseFinal
	Interest      Interest
	Declare       Declare
	OAM           NetworkOAM
}

// DecodeNetwork decodes one network message from the start of b and returns it with the number
// of bytes it used.
func DecodeNetwork(b []byte) (NetworkMessage, int, error) {
	var m NetworkMessage
	n, err := m.Decode(b)
	return m, n, err
}

// Decode decodes one network message from the start of b into m and returns the number of bytes
// it used. It overwrites the field named by the new ID and zeroes the one named by the old ID.
// Decoding a Push of a Put allocates nothing. After an error the content of m is unspecified
// (but still holds at most one kind).
func (m *NetworkMessage) Decode(b []byte) (int, error) { return m.decode(b, nil) }

// decode is Decode. With rep (a BatchIter's), a Push whose head is rep's is decoded by
// comparing bytes (see Push.repeat), and rep records the head of each plain Push decoded (it
// is forgotten when anything else is): m must hold what the last decode into it left there.
func (m *NetworkMessage) decode(b []byte, rep *repeatHead) (int, error) {
	if rep != nil {
		if rep.n > 0 && (m.ID == NetIDPush || m.ID == 0) {
			if n := m.Push.repeat(b, rep); n > 0 {
				m.ID = NetIDPush
				return n, nil
			}
		}
		rep.n = 0
	}
	r := newRd(b, "NetworkMessage")
	h, err := r.u8("header")
	if err != nil {
		return 0, err
	}
	id := NetworkID(h & netIDMask)
	if !IsNetworkID(h) {
		return 0, r.failAt(0, "header", ErrUnknownMessage)
	}
	if id != m.ID {
		m.clear()
		m.ID = id
	}
	r.msg = id.String()
	switch id {
	case NetIDPush:
		if r.pushPlain(&m.Push, h, rep) {
			return r.off, nil
		}
		err = r.push(&m.Push, h)
	case NetIDRequest:
		err = r.request(&m.Request, h)
	case NetIDResponse:
		err = r.response(&m.Response, h)
	case NetIDResponseFinal:
		err = r.responseFinal(&m.ResponseFinal, h)
	case NetIDInterest:
		err = r.interest(&m.Interest, h)
	case NetIDDeclare:
		err = r.declare(&m.Declare, h)
	case NetIDOAM:
		err = r.networkOAM(&m.OAM, h)
	}
	return r.off, err
}

// clear zeroes the field named by m.ID.
func (m *NetworkMessage) clear() {
	switch m.ID {
	case NetIDPush:
		m.Push = Push{}
	case NetIDRequest:
		m.Request = Request{}
	case NetIDResponse:
		m.Response = Response{}
	case NetIDResponseFinal:
		m.ResponseFinal = ResponseFinal{}
	case NetIDInterest:
		m.Interest = Interest{}
	case NetIDDeclare:
		m.Declare = Declare{}
	case NetIDOAM:
		m.OAM = NetworkOAM{}
	}
}

// Reset zeroes m, dropping every reference to decoded input.
func (m *NetworkMessage) Reset() {
	m.clear()
	m.ID = 0
}

// Len returns the encoded size of the message named by ID (0 for an unknown ID).
func (m *NetworkMessage) Len() int {
	switch m.ID {
	case NetIDPush:
		return m.Push.Len()
	case NetIDRequest:
		return m.Request.Len()
	case NetIDResponse:
		return m.Response.Len()
	case NetIDResponseFinal:
		return m.ResponseFinal.Len()
	case NetIDInterest:
		return m.Interest.Len()
	case NetIDDeclare:
		return m.Declare.Len()
	case NetIDOAM:
		return m.OAM.Len()
	}
	return 0
}

// Append appends the message named by ID to b. On error b is returned unchanged.
func (m *NetworkMessage) Append(b []byte) ([]byte, error) {
	switch m.ID {
	case NetIDPush:
		return m.Push.Append(b)
	case NetIDRequest:
		return m.Request.Append(b)
	case NetIDResponse:
		return m.Response.Append(b)
	case NetIDResponseFinal:
		return m.ResponseFinal.Append(b)
	case NetIDInterest:
		return m.Interest.Append(b)
	case NetIDDeclare:
		return m.Declare.Append(b)
	case NetIDOAM:
		return m.OAM.Append(b)
	}
	return b, encErr("NetworkMessage", "id", "unknown network message id")
}
