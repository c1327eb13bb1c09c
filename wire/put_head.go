package wire

// A Put ends with its payload, so the encoding of a Push carrying a Put is a head that does
// not depend on the payload, then the payload's length and bytes:
//
//	~head~       the Push header, wire expr and extensions, the Put header, timestamp,
//	             encoding and extensions: everything AppendPutHead returns
//	%len%        the payload's length
//	~payload~
//
// A publisher that sends the same Put with different payloads encodes the head once and
// appends head and payload for each publication (BatchWriter.AppendPut), which gives the
// bytes Push.Append gives.

// AppendPutHead appends to b the head of Push m, which must carry a Put: its encoding up to,
// not including, the payload's length (m's payload is ignored). On error b is returned
// unchanged.
func AppendPutHead(b []byte, m *Push) ([]byte, error) {
	if m.Body.ID != DataIDPut {
		return b, encErr("Push", "body", "not a Put")
	}
	p := *m
	p.Body.Put.Payload = nil
	n0 := len(b)
	b, err := p.Append(b)
	if err != nil {
		return b[:n0], err
	}
	// The encoding ends with the empty payload's length: a single zero byte.
	return b[:len(b)-1], nil
}

// PutLen returns the size of the Push whose head (see AppendPutHead) is head and whose Put
// carries payload.
func PutLen(head, payload []byte) int { return len(head) + bytesLen(payload) }

// AppendPut appends the Push whose head is head and whose Put carries payload. It fails, with
// b unchanged, for a payload too long for the wire.
func AppendPut(b, head, payload []byte) ([]byte, error) {
	if bytesTooLong(payload) {
		return b, encErr("Put", "payload", "too long")
	}
	return appendBytes(append(b, head...), payload), nil
}
