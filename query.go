package zenoh

import (
	"bytes"
	"strings"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// Query is a query received by a queryable. Its accessors return owned values. Answer it with
// Reply, ReplyDelete or ReplyErr, any number of times, during the callback (or later, from any
// goroutine, after Detach).
type Query struct {
	qabl       *Queryable
	rq         *routing.Query
	key        string
	params     string
	payload    []byte
	hasPayload bool
	encoding   Encoding
	attachment []byte
	target     QueryTarget
	cons       ConsolidationMode
	qos        wire.NetQoS
	detached   atomic.Bool
	finished   atomic.Bool
}

// newQuery copies what a routed query carries.
func newQuery(q *Queryable, rq *routing.Query) *Query {
	r := rq.Request
	query := &Query{qabl: q, rq: rq, key: strings.Clone(rq.Key.String()),
		params: string(r.Query.Parameters), target: r.Target, cons: r.Query.Consolidation, qos: r.QoS}
	if r.Query.HasBody {
		query.hasPayload = true
		query.payload = bytes.Clone(r.Query.Body.Payload)
		if query.payload == nil {
			query.payload = []byte{}
		}
		query.encoding = encodingFromWire(&r.Query.Body.Encoding)
	}
	if r.Query.HasAttachment {
		query.attachment = append([]byte{}, r.Query.Attachment...)
	}
	return query
}

// Key returns the query's key expression.
func (q *Query) Key() string { return q.key }

// Parameters returns the selector's parameters (after the '?'), "" when there are none.
func (q *Query) Parameters() string { return q.params }

// Selector returns the query's selector: its key expression, then '?' and the parameters if any.
func (q *Query) Selector() string {
	if q.params == "" {
		return q.key
	}
	return q.key + "?" + q.params
}

// Payload returns the query's payload, and whether it has one.
func (q *Query) Payload() ([]byte, bool) { return q.payload, q.hasPayload }

// Encoding returns the encoding of the query's payload.
func (q *Query) Encoding() Encoding { return q.encoding }

// Attachment returns the query's attachment (nil when there is none).
func (q *Query) Attachment() []byte { return q.attachment }

// Target returns the query's target.
func (q *Query) Target() QueryTarget { return q.target }

// Consolidation returns the consolidation mode the querier asked for.
func (q *Query) Consolidation() ConsolidationMode { return q.cons }

// Detach keeps the query open after the callback returns: it must then be ended with Finish.
func (q *Query) Detach() { q.detached.Store(true) }

// Finish ends this queryable's part of the query (the querier gets no more replies from it).
// It is idempotent; the callback's return calls it unless Detach was called.
func (q *Query) Finish() {
	if !q.finished.Swap(true) {
		q.rq.Finish()
	}
}

// Reply sends a reply with payload on key, which must intersect the query's key expression
// (unless its parameters hold "_anyke"). Options: WithEncoding, WithAttachment,
// WithTimestamp (QoS options are ignored: replies travel with the query's QoS).
func (q *Query) Reply(key string, payload []byte, opts ...PutOption) error {
	return q.reply(key, wire.DataIDPut, payload, opts)
}

// ReplyDelete sends a deletion of key as a reply.
func (q *Query) ReplyDelete(key string, opts ...PutOption) error {
	return q.reply(key, wire.DataIDDel, nil, opts)
}

// reply sends one data reply.
func (q *Query) reply(key string, kind wire.DataID, payload []byte, opts []PutOption) error {
	if _, err := keyexpr.New(key); err != nil {
		return err
	}
	c := defaultPut
	for _, o := range opts {
		c = o.applyPut(c)
	}
	if err := c.encoding.check(); err != nil {
		return err
	}
	ts := c.timestamp
	if ts.IsZero() && q.qabl.s.stamp {
		ts = q.qabl.s.clock.now()
	}
	m := q.response()
	m.WireExpr = wire.WireExpr{Suffix: readOnlyBytes(key), Mapping: wire.MappingSender}
	m.Body.ID = wire.DataIDReply
	pb := &m.Body.Reply.Body
	pb.ID = kind
	if kind == wire.DataIDPut {
		pb.Put = wire.Put{Payload: payload, Encoding: c.encoding.toWire(),
			HasTimestamp: !ts.IsZero(), Timestamp: ts.toWire(),
			HasAttachment: c.attachment != nil, Attachment: c.attachment}
	} else {
		pb.Del = wire.Del{HasTimestamp: !ts.IsZero(), Timestamp: ts.toWire(),
			HasAttachment: c.attachment != nil, Attachment: c.attachment}
	}
	return q.send(&m)
}

// ReplyErr sends an error reply with payload (WithEncoding sets its encoding; other options
// are ignored).
func (q *Query) ReplyErr(payload []byte, opts ...PutOption) error {
	c := defaultPut
	for _, o := range opts {
		c = o.applyPut(c)
	}
	if err := c.encoding.check(); err != nil {
		return err
	}
	m := q.response()
	m.Body.ID = wire.DataIDErr
	m.Body.Err = wire.ErrReply{Encoding: c.encoding.toWire(), Payload: payload}
	return q.send(&m)
}

// response returns a Response with the responder id set.
func (q *Query) response() wire.Response {
	return wire.Response{HasResponderID: true,
		ResponderID: wire.EntityGlobalID{ZID: q.qabl.s.zid, EID: q.qabl.id()}}
}

// send hands a reply to routing.
func (q *Query) send(m *wire.Response) error {
	if q.finished.Load() {
		return ErrQueryFinished
	}
	switch err := q.rq.Reply(m); {
	case err == nil:
		return nil
	case errorsIs(err, routing.ErrQueryDone):
		return ErrQueryFinished
	case errorsIs(err, routing.ErrBadReply):
		return ErrBadReply
	default:
		return closedErr(err)
	}
}

// id returns the queryable's entity id (0 before it is declared).
func (q *Queryable) id() uint32 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.rq == nil {
		return 0
	}
	return q.rq.ID()
}
