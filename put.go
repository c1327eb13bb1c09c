package zenoh

import (
	"context"
	"sync/atomic"
	"unsafe"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// defaultPut is what a publication carries without options.
var defaultPut = putConfig{priority: PriorityData, cc: CongestionControlDrop}

// Put publishes payload on key: every subscriber whose key expression intersects key receives
// it, in this session and in the nodes the session is connected to. key must be a key
// expression in canonical form without wildcards' restrictions (Zenoh allows wildcards).
// payload and the options' slices are only read during the call.
//
// Put returns once the message is queued for every transport (data reach remote nodes
// asynchronously; local subscribers have it queued). It fails for an invalid key, a done ctx
// or a closed session; a message that congestion control drops is not an error (as in Zenoh).
func (s *Session) Put(ctx context.Context, key string, payload []byte, opts ...PutOption) error {
	ke, err := keyexpr.New(key)
	if err != nil {
		return err
	}
	c := defaultPut
	for _, o := range opts {
		c = o.applyPut(c)
	}
	return s.publish(ctx, ke, wire.DataIDPut, payload, &c, ReliabilityReliable)
}

// Delete publishes the deletion of key (subscribers receive a SampleKindDelete sample).
// WithEncoding has no effect on a deletion.
func (s *Session) Delete(ctx context.Context, key string, opts ...PutOption) error {
	ke, err := keyexpr.New(key)
	if err != nil {
		return err
	}
	c := defaultPut
	for _, o := range opts {
		c = o.applyPut(c)
	}
	return s.publish(ctx, ke, wire.DataIDDel, nil, &c, ReliabilityReliable)
}

// publish routes one Put or Del of the local session.
func (s *Session) publish(ctx context.Context, ke keyexpr.KeyExpr, kind wire.DataID, payload []byte, c *putConfig, rel Reliability) error {
	return s.publishOn(ctx, ke, nil, nil, kind, payload, c, rel)
}

// publishOn routes one Put or Del on ke: through a declared publisher's route and spare
// message when pr is not nil (spare holds a message between calls, nil while one is in use).
func (s *Session) publishOn(ctx context.Context, ke keyexpr.KeyExpr, pr *routing.PublisherRoute, spare *atomic.Pointer[wire.NetworkMessage], kind wire.DataID, payload []byte, c *putConfig, rel Reliability) error {
	if err := s.canPublish(ctx); err != nil {
		return err
	}
	if err := c.encoding.check(); err != nil {
		return err
	}
	var ts *Timestamp
	var now Timestamp
	switch {
	case !c.timestamp.IsZero():
		ts = &c.timestamp
	case s.stamp:
		now = s.clock.now()
		ts = &now
	}
	var m *wire.NetworkMessage
	if spare != nil {
		m = spare.Swap(nil)
	}
	if m == nil {
		m = s.pushes.Get().(*wire.NetworkMessage)
	}
	p := &m.Push // zero but for ID: set only what this publication has
	p.QoS = wire.NewNetQoS(c.priority, c.cc, c.express)
	p.Body.ID = kind
	if kind == wire.DataIDPut {
		b := &p.Body.Put
		b.Payload = payload
		b.Encoding.ID = c.encoding.id
		if c.encoding.schema != "" {
			b.Encoding.HasSchema, b.Encoding.Schema = true, readOnlyBytes(c.encoding.schema)
		}
		if ts != nil {
			b.HasTimestamp, b.Timestamp = true, ts.toWire()
		}
		if c.attachment != nil {
			b.HasAttachment, b.Attachment = true, c.attachment
		}
	} else {
		b := &p.Body.Del
		if ts != nil {
			b.HasTimestamp, b.Timestamp = true, ts.toWire()
		}
		if c.attachment != nil {
			b.HasAttachment, b.Attachment = true, c.attachment
		}
	}
	var err error
	if pr != nil {
		err = s.rt.PublishMessage(pr, m, rel)
	} else {
		err = s.rt.Publish(ke, p, rel)
	}
	clearPush(p, kind)
	if spare == nil || !spare.CompareAndSwap(nil, m) {
		s.pushes.Put(m)
	}
	return closedErr(err)
}

// canPublish reports why a publication cannot start: ctx is done, or the session is closed.
func (s *Session) canPublish(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.isClosed() {
		return ErrClosed
	}
	return nil
}

// template returns the Push (of a Put, without key or payload) of a publication with c.
func (c *putConfig) template() *wire.Push {
	p := &wire.Push{QoS: wire.NewNetQoS(c.priority, c.cc, c.express)}
	p.Body.ID = wire.DataIDPut
	b := &p.Body.Put
	b.Encoding.ID = c.encoding.id
	if c.encoding.schema != "" {
		b.Encoding.HasSchema, b.Encoding.Schema = true, []byte(c.encoding.schema)
	}
	return p
}

// readOnlyBytes returns the bytes of str without copying them. The encoders that read them
// never write to them.
func readOnlyBytes(str string) []byte {
	return unsafe.Slice(unsafe.StringData(str), len(str))
}

// clearPush zeroes what publishOn set in p (and WireExpr, which routing leaves set), cheaper
// than zeroing the whole (large) Push.
func clearPush(p *wire.Push, kind wire.DataID) {
	p.WireExpr, p.QoS, p.Body.ID = wire.WireExpr{}, 0, 0
	if kind == wire.DataIDPut {
		b := &p.Body.Put
		b.Payload, b.Encoding = nil, wire.Encoding{}
		b.HasTimestamp, b.Timestamp = false, wire.Timestamp{}
		b.HasAttachment, b.Attachment = false, nil
	} else {
		b := &p.Body.Del
		b.HasTimestamp, b.Timestamp = false, wire.Timestamp{}
		b.HasAttachment, b.Attachment = false, nil
	}
}
