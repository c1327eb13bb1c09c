package zenoh

import (
	"bytes"
	"strings"
)

// SampleKind says whether a sample is a value (put) or a deletion.
type SampleKind uint8

// Sample kinds.
const (
	SampleKindPut SampleKind = iota
	SampleKindDelete
)

// String returns "put" or "delete".
func (k SampleKind) String() string {
	if k == SampleKindDelete {
		return "delete"
	}
	return "put"
}

// Sample is a publication received by a subscriber, a reply to a query, or a liveliness
// change (Kind put: a token appeared; delete: it went).
//
// Samples given to a subscriber callback are views: Payload and Attachment are valid only
// during the callback (copy them, or call Clone, to keep them). Key and Encoding are ordinary
// immutable values. Samples received from a channel subscriber or a Get are owned copies.
type Sample struct {
	// Key is the key expression of the data.
	Key string
	// Payload is the value (empty for a deletion).
	Payload []byte
	// Kind is SampleKindPut or SampleKindDelete.
	Kind SampleKind
	// Encoding says how Payload is encoded.
	Encoding Encoding
	// Timestamp is the data's timestamp; the zero Timestamp when it has none.
	Timestamp Timestamp
	// Attachment is the user attachment; nil when there is none.
	Attachment []byte
	// Priority, CongestionControl and Express are the QoS the data travelled with.
	Priority          Priority
	CongestionControl CongestionControl
	Express           bool
	// Reliability is the reliability of the channel the data arrived on.
	Reliability Reliability
}

// Clone returns a deep copy of s whose slices do not alias s's.
func (s Sample) Clone() Sample {
	c := s
	c.Key = strings.Clone(s.Key)
	c.Payload = bytes.Clone(s.Payload)
	if s.Attachment != nil {
		c.Attachment = append([]byte{}, s.Attachment...)
	}
	return c
}
