package zenoh

import (
	"github.com/gozenoh/zenoh/wire"
)

// slot is one queued sample of a subscriber, in buffers that the queue reuses.
//
// A plain sample (a key kept as it came, a payload of at most inlinePayload bytes, no schema,
// timestamp or attachment) is written and read in the slot's first 64 bytes alone: the
// producer and the consumer run on different cores, so every cache line a sample touches
// moves between them. The other fields are written only for the samples that need them
// (extra says which ones do); the consumer reads them only then.
type slot struct {
	// Hot: every sample.
	keyStr  string // the key when it could be kept as it came (immutable); else key holds it
	payload []byte // aliases inline, own or a pooled buffer (pooled)
	encID   uint16
	kind    SampleKind
	qos     wire.NetQoS
	rel     wire.Reliability
	extra   bool // key (when keyStr is empty), schema, ts, attachment and hasAtt are this sample's
	pooled  bool // payload is a buffer of the queue's pool, given back by release
	inline  [inlinePayload]byte
	_       [1]byte // the hot fields fill 64 bytes (TestSlotLayout)

	// Cold: samples with extra set.
	hasAtt     bool
	key        []byte
	schema     []byte
	ts         Timestamp
	attachment []byte
	own        []byte // the slot's payload buffer, for payloads up to smallPayload bytes
}

// inlinePayload is the largest payload a slot holds in its first cache line.
const inlinePayload = 16

// pushSize returns the payload size of a publication (what counts against a queue's bytes).
func pushSize(p *wire.Push) int {
	if p.Body.ID == wire.DataIDPut {
		return len(p.Body.Put.Payload)
	}
	return 0
}

// setPayload copies a payload into s: inline when it is tiny, into s's own buffer when it is
// small, else into a buffer from pool (which s gives back through release). A pooled buffer
// s still holds (a sample that DropOldest dropped) goes back to pool first.
func (s *slot) setPayload(b []byte, pool *bufPool) {
	s.release(pool)
	switch n := len(b); {
	case n <= inlinePayload:
		s.payload = s.inline[:n:n]
		copy(s.payload, b)
	case n <= smallPayload:
		s.own = append(s.own[:0], b...)
		s.payload = s.own
	default:
		s.payload = pool.get(n)
		s.pooled = true
		copy(s.payload, b)
	}
}

// release gives a pooled payload buffer back to pool.
func (s *slot) release(pool *bufPool) {
	if s.pooled {
		pool.put(s.payload)
		s.payload, s.pooled = nil, false
	}
}

// setPush copies a publication into s.
func (s *slot) setPush(key string, keyOwned bool, p *wire.Push, rel wire.Reliability, pool *bufPool) {
	s.qos, s.rel = p.QoS, rel
	extra := !keyOwned
	if keyOwned {
		s.keyStr = key
	} else {
		s.keyStr, s.key = "", append(s.key[:0], key...)
	}
	var ts *wire.Timestamp
	var att []byte
	var hasAtt bool
	switch p.Body.ID {
	case wire.DataIDPut:
		b := &p.Body.Put
		s.kind = SampleKindPut
		s.setPayload(b.Payload, pool)
		s.encID = b.Encoding.ID
		if b.HasTimestamp {
			ts = &b.Timestamp
		}
		att, hasAtt = b.Attachment, b.HasAttachment
		if len(b.Encoding.Schema) > 0 || ts != nil || hasAtt {
			s.schema = append(s.schema[:0], b.Encoding.Schema...)
			extra = true
		} else if extra {
			s.schema = s.schema[:0]
		}
	default:
		b := &p.Body.Del
		s.kind = SampleKindDelete
		s.release(pool)
		s.payload, s.encID = nil, 0
		if b.HasTimestamp {
			ts = &b.Timestamp
		}
		att, hasAtt = b.Attachment, b.HasAttachment
		if extra = extra || ts != nil || hasAtt; extra {
			s.schema = s.schema[:0]
		}
	}
	s.extra = extra
	if extra {
		s.ts = Timestamp{}
		if ts != nil {
			s.ts = Timestamp{ntp: ts.Time, id: ts.ID}
		}
		s.hasAtt = hasAtt
		s.attachment = append(s.attachment[:0], att...)
	}
}

// setToken fills s with a liveliness change of key.
func (s *slot) setToken(key string, alive bool, pool *bufPool) {
	s.release(pool)
	s.keyStr, s.key = "", append(s.key[:0], key...)
	s.payload, s.schema, s.attachment = nil, s.schema[:0], s.attachment[:0]
	s.encID, s.hasAtt, s.ts = 0, false, Timestamp{}
	s.qos, s.rel = wire.NetQoSDefault, wire.Reliable
	s.extra = true
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
	out.Key = s.keyStr
	out.Payload = s.payload
	out.Kind = s.kind
	out.Encoding.id, out.Encoding.schema = s.encID, ""
	out.Priority = s.qos.Priority()
	out.CongestionControl = s.qos.CongestionControl()
	out.Express = s.qos.Express()
	out.Reliability = s.rel
	if !s.extra {
		out.Timestamp = Timestamp{}
		out.Attachment = nil
		return
	}
	if out.Key == "" {
		out.Key = names.get(s.key)
	}
	if len(s.schema) > 0 {
		out.Encoding.schema = names.get(s.schema)
	}
	out.Timestamp = s.ts
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
