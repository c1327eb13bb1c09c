// Package wire is the codec of the Zenoh 1.x protocol (version 0x09): scouting, transport,
// network and data messages, as Rust zenoh 1.x puts them on the wire.
//
// The package is pure: functions over []byte, no I/O, no goroutines, no clock.
//
// Conventions, shared by every message type:
//
//   - Encoders append: (*M).Append(b []byte) ([]byte, error) appends the encoding of M to b and
//     (*M).Len() returns the exact number of bytes Append adds.
//   - Decoders are pure: DecodeM(b []byte) (M, int, error) decodes one M from the start of b and
//     reports how many bytes it used. Slices in a decoded message (payloads, key suffixes,
//     attachments, extension bodies) alias b: they are valid as long as b is, and a caller that
//     keeps them beyond the life of b copies them.
//   - Every decoding failure is a *DecodeError naming the message and field; it wraps one of the
//     sentinels below (ErrTruncated, ErrInvalid, ErrLimit, ...), so errors.Is works on it.
//   - Integers are Zenoh "zints" (see AppendZint), not Go's uvarint.
//   - Every length the peer controls is checked against a named limit (limits.go) and against the
//     remaining input before anything is allocated.
package wire

// ProtoVersion is the Zenoh protocol version spoken by zenoh 1.x.
const ProtoVersion = 0x09
