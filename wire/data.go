package wire

// PushBody is the body of a Push (and of a Reply): exactly one Put or Del, chosen by ID. Only the
// field named by ID is meaningful; decoders leave the other one zero.
// Mirrors commons/zenoh-protocol/src/zenoh/mod.rs (PushBody).
type PushBody struct {
	ID  DataID // DataIDPut or DataIDDel
	Put Put
	Del Del
}

// Len returns the encoded size (0 when ID is neither Put nor Del).
func (m *PushBody) Len() int {
	switch m.ID {
	case DataIDPut:
		return m.Put.Len()
	case DataIDDel:
		return m.Del.Len()
	}
	return 0
}

// Append appends the encoded body to b. On error b is returned unchanged.
func (m *PushBody) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *PushBody) append(b []byte) ([]byte, error) {
	switch m.ID {
	case DataIDPut:
		return m.Put.append(b)
	case DataIDDel:
		return m.Del.append(b)
	}
	return b, encErr("PushBody", "id", "not Put or Del")
}

// DecodePushBody decodes a Put or a Del from the start of b.
func DecodePushBody(b []byte) (PushBody, int, error) {
	var m PushBody
	r := newRd(b, "PushBody")
	err := r.pushBody(&m)
	return m, r.off, err
}

// pushBody reads a Put or a Del, header included, into m.
func (r *rd) pushBody(m *PushBody) error {
	start := r.off
	h, err := r.u8("body")
	if err != nil {
		return err
	}
	save := r.msg
	defer func() { r.msg = save }()
	switch DataID(h & netIDMask) {
	case DataIDPut:
		if m.ID != DataIDPut {
			m.Del = Del{}
		}
		m.ID, r.msg = DataIDPut, "Put"
		return r.put(&m.Put, h)
	case DataIDDel:
		if m.ID != DataIDDel {
			m.Put = Put{}
		}
		m.ID, r.msg = DataIDDel, "Del"
		return r.del(&m.Del, h)
	}
	return r.failAt(start, "body", ErrUnknownMessage)
}

// ResponseBody is the body of a Response: exactly one Reply or Err, chosen by ID. Only the field
// named by ID is meaningful; decoders leave the other one zero.
// Mirrors commons/zenoh-protocol/src/zenoh/mod.rs (ResponseBody).
type ResponseBody struct {
	ID    DataID // DataIDReply or DataIDErr
	Reply Reply
	Err   ErrReply
}

// Len returns the encoded size (0 when ID is neither Reply nor Err).
func (m *ResponseBody) Len() int {
	switch m.ID {
	case DataIDReply:
		return m.Reply.Len()
	case DataIDErr:
		return m.Err.Len()
	}
	return 0
}

// Append appends the encoded body to b. On error b is returned unchanged.
func (m *ResponseBody) Append(b []byte) ([]byte, error) {
	n0 := len(b)
	b, err := m.append(b)
	return wholeOrNothing(b, n0, err)
}

func (m *ResponseBody) append(b []byte) ([]byte, error) {
	switch m.ID {
	case DataIDReply:
		return m.Reply.append(b)
	case DataIDErr:
		return m.Err.append(b)
	}
	return b, encErr("ResponseBody", "id", "not Reply or Err")
}

// DecodeResponseBody decodes a Reply or an Err from the start of b.
func DecodeResponseBody(b []byte) (ResponseBody, int, error) {
	var m ResponseBody
	r := newRd(b, "ResponseBody")
	err := r.responseBody(&m)
	return m, r.off, err
}

// responseBody reads a Reply or an Err, header included, into m.
func (r *rd) responseBody(m *ResponseBody) error {
	start := r.off
	h, err := r.u8("body")
	if err != nil {
		return err
	}
	save := r.msg
	defer func() { r.msg = save }()
	switch DataID(h & netIDMask) {
	case DataIDReply:
		if m.ID != DataIDReply {
			m.Err = ErrReply{}
		}
		m.ID, r.msg = DataIDReply, "Reply"
		return r.reply(&m.Reply, h)
	case DataIDErr:
		if m.ID != DataIDErr {
			m.Reply = Reply{}
		}
		m.ID, r.msg = DataIDErr, "Err"
		return r.errReply(&m.Err, h)
	}
	return r.failAt(start, "body", ErrUnknownMessage)
}
