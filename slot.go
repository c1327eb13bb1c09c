package zenoh

import (
	"github.com/gozenoh/zenoh/wire"
)

// slot is one queued sample of a subscriber, in buffers that the queue reuses.
type slot struct {
	keyStr     string // the key when it could be kept as it came (immutable); else key holds it
	key        []byte
	payload    []byte
	attachment []byte
	schema     []byte
	hasAtt     bool
	encID      uint16
	kind       SampleKind
	ts         Timestamp
	qos        wire.NetQoS
	rel        wire.Reliability
}

// pushSize returns the payload size of a publication (what counts against a queue's bytes).
func pushSize(p *wire.Push) int {
	if p.Body.ID == wire.DataIDPut {
		return len(p.Body.Put.Payload)
	}
	return 0
}

// setPayload copies a payload into s: into s's own buffer when it is small, else into a
// buffer from pool (which s gives back through release).
func (s *slot) setPayload(b []byte, pool *bufPool) {
	if len(b) > smallPayload && len(b) > cap(s.payload) {
		s.release(pool)
		s.payload = pool.get(len(b))
		copy(s.payload, b)
		return
	}
	s.payload = append(s.payload[:0], b...)
}

// release gives a pooled payload buffer back to pool.
func (s *slot) release(pool *bufPool) {
	if cap(s.payload) > smallPayload {
		pool.put(s.payload)
		s.payload = nil
	}
}

// setPush copies a publication into s.
func (s *slot) setPush(key string, keyOwned bool, p *wire.Push, rel wire.Reliability, pool *bufPool) {
	if keyOwned {
		s.keyStr, s.key = key, s.key[:0]
	} else {
		s.keyStr, s.key = "", append(s.key[:0], key...)
	}
	s.qos, s.rel = p.QoS, rel
	s.ts = Timestamp{}
	switch p.Body.ID {
	case wire.DataIDPut:
		b := &p.Body.Put
		s.kind = SampleKindPut
		s.setPayload(b.Payload, pool)
		s.encID = b.Encoding.ID
		s.schema = append(s.schema[:0], b.Encoding.Schema...)
		if b.HasTimestamp {
			s.ts = Timestamp{ntp: b.Timestamp.Time, id: b.Timestamp.ID}
		}
		s.hasAtt = b.HasAttachment
		s.attachment = append(s.attachment[:0], b.Attachment...)
	default:
		b := &p.Body.Del
		s.kind = SampleKindDelete
		s.payload = s.payload[:0]
		s.encID, s.schema = 0, s.schema[:0]
		if b.HasTimestamp {
			s.ts = Timestamp{ntp: b.Timestamp.Time, id: b.Timestamp.ID}
		}
		s.hasAtt = b.HasAttachment
		s.attachment = append(s.attachment[:0], b.Attachment...)
	}
}

// setToken fills s with a liveliness change of key.
func (s *slot) setToken(key string, alive bool) {
	s.keyStr, s.key = "", append(s.key[:0], key...)
	s.payload, s.schema, s.attachment = s.payload[:0], s.schema[:0], s.attachment[:0]
	s.encID, s.hasAtt, s.ts = 0, false, Timestamp{}
	s.qos, s.rel = wire.NetQoSDefault, wire.Reliable
	s.kind = SampleKindPut
	if !alive {
		s.kind = SampleKindDelete
	}
}

// fill sets out to the Sample view of s: Payload and Attachment alias s's buffers; Key and
// the encoding's schema are interned strings. Every field is set field by field, into the
// caller's Sample: a composite literal returned by value costs a copy through the stack on
// every sample.
func (s *slot) fill(out *Sample, names *interner) {
	key := s.keyStr
	if key == "" {
		key = names.get(s.key)
	}
	out.Key = key
	out.Payload = s.payload
	out.Kind = s.kind
	out.Encoding.id, out.Encoding.schema = s.encID, ""
	if len(s.schema) > 0 {
		out.Encoding.schema = names.get(s.schema)
	}
	out.Timestamp = s.ts
	out.Priority = s.qos.Priority()
	out.CongestionControl = s.qos.CongestionControl()
	out.Express = s.qos.Express()
	out.Reliability = s.rel
	out.Attachment = nil
	if s.hasAtt {
		out.Attachment = s.attachment[:len(s.attachment):len(s.attachment)]
		if out.Attachment == nil {
			out.Attachment = []byte{}
		}
	}
}

// trim frees an attachment buffer larger than retain, so that a burst of large attachments
// does not pin memory (large payload buffers go back to the pool instead, see release).
func (s *slot) trim(retain int) {
	if cap(s.attachment) > retain {
		s.attachment = nil
	}
}

// maxInterned bounds the strings an interner keeps.
const maxInterned = 4096

// interner turns byte strings into strings, reusing the string made for equal bytes, so that
// keys delivered again and again cost no allocation. It is used by one goroutine.
type interner struct {
	m    map[string]string
	last string // the string returned last: consecutive equal keys skip the map
}

// getString returns a string equal to str that does not alias it (str may alias a buffer).
func (in *interner) getString(str string) string {
	if in.last == str {
		return in.last
	}
	if s, ok := in.m[str]; ok {
		in.last = s
		return s
	}
	return in.get([]byte(str))
}

// get returns b as a string.
func (in *interner) get(b []byte) string {
	if in.last == string(b) {
		return in.last
	}
	if s, ok := in.m[string(b)]; ok {
		in.last = s
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	in.last = s
	return s
}
