package zenoh

import (
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// DirectOption is the subscriber option made by WithDirect.
type DirectOption struct{ b bool }

// WithDirect makes a subscriber call its callback directly on the goroutine that routes each
// sample (a transport's reader, or the caller of Put for a local publication), as Zenoh's own
// callbacks run, instead of handing the sample to the subscriber's goroutine through its
// queue. There is no copy and no goroutine switch: the lowest latency and cost per sample.
//
// Calls stay serial per subscriber (a mutex) and in order per source. The Sample's Payload and
// Attachment alias the receive buffer and are valid only during the call. A callback that
// blocks holds back every transport delivering to it (one that blocks past the lease loses
// its transport, which is then re-established), so use it for callbacks that return quickly;
// a panic is recovered and counted as with queued delivery. What the callback sends to the
// node the sample came from (a reply, an answer) goes out when the transport has handled the
// batch the sample came in, together with the batch's other replies. Queue options (WithQueue,
// WithQueueBytes, WithBlockTimeout) have no effect. Close does not wait for a call in
// progress on another goroutine: it guarantees that no call starts once it has returned.
func WithDirect(direct bool) DirectOption { return DirectOption{direct} }

func (o DirectOption) applySubscriber(c subConfig) subConfig { c.direct = o.b; return c }

// directSink calls a subscriber's callback on the delivering goroutine, serially.
type directSink struct {
	mu     sync.Mutex
	fn     func(Sample)
	names  interner // guarded by mu
	closed atomic.Bool
	st     *subCounters
	sess   *apiCounters
	onErr  func(v any)

	// Counts not yet added to st and sess (guarded by mu): a sample that came with a
	// transport's batch is counted when the batch ends (see batchEnd), other ones at once,
	// so that counting costs a few atomic additions per batch, not three per sample.
	received, delivered uint64
	listed              bool // in some batchEnd's sinks
}

// deliver calls the callback with the publication of rs.
//
// The Sample is built before the lock is taken: taking it drains the processor's store
// buffer, so the callback's argument, a wide copy of the Sample, then reads it from the cache
// instead of stalling on its many fresh narrow stores (a key not owned by the route, or a
// schema, is interned under the lock, the interner being d's).
func (d *directSink) deliver(rs routing.Sample) {
	var s Sample
	intern := viewSampleInto(&s, &rs, nil)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.received++
	if !d.closed.Load() {
		if intern {
			viewSampleInto(&s, &rs, &d.names)
		}
		d.call(&s)
	}
	if be := batchOf(&rs); be != nil {
		if !d.listed {
			d.listed = true
			be.sinks = append(be.sinks, d)
		}
		return
	}
	d.flushLocked()
}

// flushLocked adds the pending counts to the counters. Called with d.mu held.
func (d *directSink) flushLocked() {
	d.listed = false
	if d.received != 0 {
		d.st.received.Add(d.received)
		d.received = 0
	}
	if d.delivered != 0 {
		d.st.delivered.Add(d.delivered)
		d.sess.samplesDelivered.Add(d.delivered)
		d.delivered = 0
	}
}

// call runs the callback on s, recovering and counting a panic. Called with d.mu held.
func (d *directSink) call(s *Sample) {
	defer func() {
		if v := recover(); v != nil {
			d.st.panics.Add(1)
			d.sess.callbackPanics.Add(1)
			if d.onErr != nil {
				d.onErr(v)
			}
		}
	}()
	d.fn(*s)
	d.delivered++
}

// viewSample returns the Sample of a routed publication without copying it: Payload and
// Attachment alias the message (valid while it is); Key (unless the route owns it) and the
// encoding's schema are interned in names.
func viewSample(rs *routing.Sample, names *interner) Sample {
	var s Sample
	viewSampleInto(&s, rs, names)
	return s
}

// viewSampleInto is viewSample writing into s. With names nil it does not intern: it then
// reports whether s needs it (its Key or its encoding's schema still alias the message), and
// a second call with the interner finishes s.
func viewSampleInto(s *Sample, rs *routing.Sample, names *interner) (intern bool) {
	p := rs.Push
	*s = Sample{
		Key:               rs.Key.String(),
		Priority:          p.QoS.Priority(),
		CongestionControl: p.QoS.CongestionControl(),
		Express:           p.QoS.Express(),
		Reliability:       rs.Reliability,
	}
	if !rs.KeyOwned {
		if names == nil {
			intern = true
		} else {
			s.Key = names.getString(s.Key)
		}
	}
	var ts *wire.Timestamp
	var hasTS, hasAtt bool
	var att []byte
	if p.Body.ID == wire.DataIDPut {
		b := &p.Body.Put
		s.Kind, s.Payload = SampleKindPut, b.Payload
		s.Encoding = Encoding{id: b.Encoding.ID}
		if b.Encoding.HasSchema && len(b.Encoding.Schema) > 0 {
			if names == nil {
				intern = true
			} else {
				s.Encoding.schema = names.get(b.Encoding.Schema)
			}
		}
		hasTS, ts, hasAtt, att = b.HasTimestamp, &b.Timestamp, b.HasAttachment, b.Attachment
	} else {
		b := &p.Body.Del
		s.Kind = SampleKindDelete
		hasTS, ts, hasAtt, att = b.HasTimestamp, &b.Timestamp, b.HasAttachment, b.Attachment
	}
	if hasTS {
		s.Timestamp = Timestamp{ntp: ts.Time, id: ts.ID}
	}
	if hasAtt {
		s.Attachment = att[:len(att):len(att)]
		if s.Attachment == nil {
			s.Attachment = []byte{}
		}
	}
	return intern
}
