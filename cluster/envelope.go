package cluster

import (
	"encoding/binary"
)

// Envelope constants.
const (
	// EnvelopeMagic is the first byte of every envelope ('S'); it rejects foreign traffic cheaply.
	EnvelopeMagic = 0x53
	// EnvelopeVersion is the only version this package writes and reads.
	EnvelopeVersion = 1
	// FlagLeave marks the last envelope of an incarnation: its sender is shutting down cleanly,
	// and Seq is its final next sequence number.
	FlagLeave = 0x01
)

// Header is the fixed part of an envelope.
type Header struct {
	Flags       uint8
	From        NodeID
	Incarnation uint64
	// Seq is the sequence number of the first event. Each event takes the next number; an
	// envelope without events (a heartbeat) carries the next number its sender will use.
	// Numbers start at 1 in each incarnation.
	Seq uint64
}

// RawEvent is one event as it travels: its kind and its encoded body.
type RawEvent struct {
	Kind Kind
	Body []byte
}

// Envelope is a decoded envelope. After ParseEnvelope, event bodies alias the input.
type Envelope struct {
	Header
	Events []RawEvent
}

// AppendEnvelope appends an envelope to b. The layout (version 1) is:
//
//	byte     magic 0x53
//	byte     version 1
//	byte     flags (FlagLeave)
//	uvarint  from (node id, 1..65535)
//	8 bytes  incarnation, little-endian, non-zero
//	uvarint  seq (≥ 1)
//	uvarint  n events (≤ MaxEnvelopeEvents)
//	n ×      uvarint kind (1..KindAppMax), uvarint body length (≤ MaxEventBytes), body
//
// Integers are minimally encoded LEB128. The whole envelope is at most MaxEnvelopeBytes.
func AppendEnvelope(b []byte, h Header, events []RawEvent) ([]byte, error) {
	switch {
	case h.From == 0:
		return b, errorsf(ErrNodeID, "from 0")
	case h.Incarnation == 0:
		return b, errorsf(ErrMalformed, "incarnation 0")
	case h.Seq == 0 || h.Seq+uint64(len(events)) < h.Seq:
		return b, errorsf(ErrMalformed, "sequence %d", h.Seq)
	case len(events) > MaxEnvelopeEvents:
		return b, errorsf(ErrLimit, "%d events (limit %d)", len(events), MaxEnvelopeEvents)
	}
	start := len(b)
	b = append(b, EnvelopeMagic, EnvelopeVersion, h.Flags)
	b = binary.AppendUvarint(b, uint64(h.From))
	b = binary.LittleEndian.AppendUint64(b, h.Incarnation)
	b = binary.AppendUvarint(b, h.Seq)
	b = binary.AppendUvarint(b, uint64(len(events)))
	for _, ev := range events {
		if ev.Kind == 0 || ev.Kind > KindAppMax {
			return b[:start], errorsf(ErrInvalidEvent, "kind %d cannot be sent", ev.Kind)
		}
		if len(ev.Body) > MaxEventBytes {
			return b[:start], errorsf(ErrTooLarge, "event of %d bytes (limit %d)", len(ev.Body), MaxEventBytes)
		}
		b = binary.AppendUvarint(b, uint64(ev.Kind))
		b = binary.AppendUvarint(b, uint64(len(ev.Body)))
		b = append(b, ev.Body...)
	}
	if len(b)-start > MaxEnvelopeBytes {
		return b[:start], errorsf(ErrTooLarge, "envelope of %d bytes (limit %d)", len(b)-start, MaxEnvelopeBytes)
	}
	return b, nil
}

// EventOverhead is the envelope space an event with a body of n bytes takes beyond n.
func EventOverhead(k Kind, n int) int { return uvarintLen(uint64(k)) + uvarintLen(uint64(n)) }

// HeaderSize is the size of an envelope header with h and n events.
func HeaderSize(h Header, n int) int {
	return 3 + uvarintLen(uint64(h.From)) + 8 + uvarintLen(h.Seq) + uvarintLen(uint64(n))
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// ParseEnvelope decodes b into env, reusing the storage of env.Events. Event bodies alias b.
// Errors are *DecodeError: token "magic", "version", "header" or "events". With an error in
// "events", env.Header is valid (the sender is known) and env.Events is empty.
func ParseEnvelope(b []byte, env *Envelope) error {
	env.Header = Header{}
	env.Events = env.Events[:0]
	if len(b) > MaxEnvelopeBytes {
		return decodeErr("header", ErrTooLarge, "envelope of %d bytes (limit %d)", len(b), MaxEnvelopeBytes)
	}
	if len(b) < 3 {
		return decodeErr("header", ErrTruncated, "%d bytes", len(b))
	}
	if b[0] != EnvelopeMagic {
		return decodeErr("magic", ErrMalformed, "first byte %#02x", b[0])
	}
	if b[1] != EnvelopeVersion {
		return decodeErr("version", ErrVersion, "version %d", b[1])
	}
	h := Header{Flags: b[2]}
	p := b[3:]
	from, n, err := parseUvarint(p)
	if err != nil {
		return decodeErr("header", err, "from")
	}
	if from == 0 || from > 0xFFFF {
		return decodeErr("header", ErrNodeID, "from %d", from)
	}
	h.From = NodeID(from)
	p = p[n:]
	if len(p) < 8 {
		return decodeErr("header", ErrTruncated, "incarnation")
	}
	h.Incarnation = binary.LittleEndian.Uint64(p)
	p = p[8:]
	if h.Incarnation == 0 {
		return decodeErr("header", ErrMalformed, "incarnation 0")
	}
	if h.Seq, n, err = parseUvarint(p); err != nil {
		return decodeErr("header", err, "seq")
	}
	p = p[n:]
	count, n, err := parseUvarint(p)
	if err != nil {
		return decodeErr("header", err, "count")
	}
	p = p[n:]
	switch {
	case h.Seq == 0 || h.Seq+count < h.Seq:
		return decodeErr("header", ErrMalformed, "sequence %d with %d events", h.Seq, count)
	case count > MaxEnvelopeEvents:
		return decodeErr("header", ErrLimit, "%d events (limit %d)", count, MaxEnvelopeEvents)
	case count*2 > uint64(len(p)): // each event takes at least two bytes
		return decodeErr("header", ErrTruncated, "%d events in %d bytes", count, len(p))
	}
	env.Header = h
	for i := range int(count) {
		k, n, err := parseUvarint(p)
		if err != nil {
			return env.fail(decodeErr("events", err, "event %d kind", i))
		}
		if k == 0 || k > uint64(KindAppMax) {
			return env.fail(decodeErr("events", ErrMalformed, "event %d kind %d", i, k))
		}
		p = p[n:]
		size, n, err := parseUvarint(p)
		if err != nil {
			return env.fail(decodeErr("events", err, "event %d length", i))
		}
		p = p[n:]
		if size > MaxEventBytes {
			return env.fail(decodeErr("events", ErrTooLarge, "event %d of %d bytes (limit %d)", i, size, MaxEventBytes))
		}
		if size > uint64(len(p)) {
			return env.fail(decodeErr("events", ErrTruncated, "event %d of %d bytes, %d left", i, size, len(p)))
		}
		env.Events = append(env.Events, RawEvent{Kind: Kind(k), Body: p[:size:size]})
		p = p[size:]
	}
	if len(p) != 0 {
		return env.fail(decodeErr("events", ErrMalformed, "%d bytes after the last event", len(p)))
	}
	return nil
}

func (env *Envelope) fail(err error) error {
	env.Events = env.Events[:0]
	return err
}
