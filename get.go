package zenoh

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/wire"
)

// MaxGetReplies bounds the replies a Get holds for a caller that does not iterate fast
// enough; further replies are dropped and counted (Stats.RepliesDropped).
const MaxGetReplies = 1 << 16

// MaxSelectorParams bounds the length of a selector's parameters.
const MaxSelectorParams = 1 << 16

// Reply is one data reply to a query.
type Reply struct {
	// Sample is the reply's data (an owned copy): a value (SampleKindPut) or a deletion.
	Sample Sample
	// Replier is the ZenohID of the node whose queryable replied, when known.
	Replier ZenohID
}

// defaultGet is a query without options: QoS as Zenoh's get (data priority, block).
var defaultGet = getConfig{priority: PriorityData, cc: CongestionControlBlock}

// Get sends a query on selector (a key expression, then optionally '?' and parameters,
// "k=v;k2=v2") to the matching queryables, of this session and of connected nodes, and yields
// the replies as they arrive (after consolidation, see WithConsolidation). The query is sent
// when the iteration starts.
//
// Each step yields either a Reply and a nil error, or a zero Reply and an error: a
// *ReplyError for an error reply (the iteration goes on), or, as the last step, why the query
// could not complete: ErrTimeout (wrapped) when its timeout passed, ctx's error, ErrClosed, or
// an invalid selector. The iteration ends when every queryable has finished. Stopping it early
// abandons the query (later replies are dropped).
//
// The query's timeout is ctx's deadline, or WithTimeout, or the configuration's
// queries_default_timeout (10 s), whichever comes first.
func (s *Session) Get(ctx context.Context, selector string, opts ...GetOption) iter.Seq2[Reply, error] {
	return func(yield func(Reply, error) bool) {
		key, params, _ := strings.Cut(selector, "?")
		ke, err := keyexpr.New(key)
		if err != nil {
			yield(Reply{}, err)
			return
		}
		if len(params) > MaxSelectorParams {
			yield(Reply{}, fmt.Errorf("%w: selector parameters longer than %d bytes", ErrInvalidArgument, MaxSelectorParams))
			return
		}
		c := defaultGet
		for _, o := range opts {
			c = o.applyGet(c)
		}
		if err := c.encoding.check(); err != nil {
			yield(Reply{}, err)
			return
		}
		timeout := s.queryTimeout(ctx, c.timeout)
		req := wire.Request{QoS: wire.NewNetQoS(c.priority, c.cc, c.express), Target: c.target,
			HasTimeout: true, TimeoutMs: uint64(max(timeout/time.Millisecond, 1))}
		req.Query.Consolidation = c.consolidation
		req.Query.Parameters = readOnlyBytes(params)
		if c.hasPayload || c.encoding != (Encoding{}) {
			req.Query.HasBody = true
			req.Query.Body = wire.QueryBody{Encoding: c.encoding.toWire(), Payload: c.payload}
		}
		req.Query.HasAttachment, req.Query.Attachment = c.attachment != nil, c.attachment
		g := newGetStream(s)
		if s.isClosed() {
			yield(Reply{}, ErrClosed)
			return
		}
		if err := s.rt.Get(ke, &req, routing.GetHandler{OnReply: g.onReply, OnDone: g.onDone}); err != nil {
			yield(Reply{}, closedErr(err))
			return
		}
		g.drain(ctx, selector, yield)
	}
}

// queryTimeout returns the timeout of a query: the configured default, shortened by opt (when
// positive) and by ctx's deadline.
func (s *Session) queryTimeout(ctx context.Context, opt time.Duration) time.Duration {
	d := s.cfg.QueriesDefaultTimeout()
	if opt > 0 {
		d = opt
	}
	d = min(d, routing.DefaultMaxQueryTimeout)
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl))
	}
	return max(d, time.Millisecond)
}

// getItem is one step of a Get's iteration.
type getItem struct {
	reply Reply
	err   error
}

// getStream carries the replies of one query from routing's callbacks to the iterating caller.
type getStream struct {
	s         *Session
	mu        sync.Mutex
	items     []getItem
	done      bool
	timedOut  bool
	notify    chan struct{} // capacity 1
	abandoned atomic.Bool
}

func newGetStream(s *Session) *getStream {
	return &getStream{s: s, notify: make(chan struct{}, 1)}
}

// add queues one step (dropping it past MaxGetReplies or once abandoned).
func (g *getStream) add(it getItem) {
	if g.abandoned.Load() {
		g.s.st.repliesDropped.Add(1)
		return
	}
	g.mu.Lock()
	if len(g.items) >= MaxGetReplies {
		g.mu.Unlock()
		g.s.st.repliesDropped.Add(1)
		return
	}
	g.items = append(g.items, it)
	g.mu.Unlock()
	g.wake()
}

func (g *getStream) wake() {
	select {
	case g.notify <- struct{}{}:
	default:
	}
}

// onReply copies a reply delivered by routing (valid only during the call).
func (g *getStream) onReply(r *routing.Reply) {
	m := r.Response
	var replier ZenohID
	if m.HasResponderID {
		replier = m.ResponderID.ZID
	}
	if m.Body.ID == wire.DataIDErr {
		if r.Source == nil { // the router's own timeout report
			g.mu.Lock()
			g.timedOut = true
			g.mu.Unlock()
			return
		}
		e := &m.Body.Err
		g.add(getItem{err: &ReplyError{Payload: bytes.Clone(e.Payload), Encoding: encodingFromWire(&e.Encoding), Replier: replier}})
		return
	}
	g.add(getItem{reply: Reply{Sample: sampleFromReply(r.Key.String(), m), Replier: replier}})
}

// onDone marks the query complete.
func (g *getStream) onDone() {
	g.mu.Lock()
	g.done = true
	g.mu.Unlock()
	g.wake()
}

// drain yields the steps until the query completes, ctx is done or yield stops.
func (g *getStream) drain(ctx context.Context, what string, yield func(Reply, error) bool) {
	defer g.abandoned.Store(true)
	var batch []getItem
	for {
		g.mu.Lock()
		batch, g.items = g.items, batch[:0]
		done, timedOut := g.done, g.timedOut
		g.mu.Unlock()
		for _, it := range batch {
			if !yield(it.reply, it.err) {
				return
			}
		}
		clear(batch)
		if done {
			g.mu.Lock()
			more := len(g.items) > 0
			g.mu.Unlock()
			if more {
				continue
			}
			if timedOut {
				yield(Reply{}, fmt.Errorf("%w: query %q", ErrTimeout, what))
			}
			return
		}
		select {
		case <-g.notify:
		case <-ctx.Done():
			yield(Reply{}, ctx.Err())
			return
		case <-g.s.closing:
			yield(Reply{}, ErrClosed)
			return
		}
	}
}

// sampleFromReply returns an owned Sample of a data reply.
func sampleFromReply(key string, m *wire.Response) Sample {
	s := Sample{Key: strings.Clone(key), Priority: m.QoS.Priority(), CongestionControl: m.QoS.CongestionControl(),
		Express: m.QoS.Express(), Reliability: ReliabilityReliable}
	b := &m.Body.Reply.Body
	if b.ID == wire.DataIDPut {
		p := &b.Put
		s.Payload = bytes.Clone(p.Payload)
		if s.Payload == nil {
			s.Payload = []byte{}
		}
		s.Encoding = encodingFromWire(&p.Encoding)
		if p.HasTimestamp {
			s.Timestamp = Timestamp{ntp: p.Timestamp.Time, id: p.Timestamp.ID}
		}
		if p.HasAttachment {
			s.Attachment = append([]byte{}, p.Attachment...)
		}
		return s
	}
	d := &b.Del
	s.Kind = SampleKindDelete
	s.Payload = []byte{}
	if d.HasTimestamp {
		s.Timestamp = Timestamp{ntp: d.Timestamp.Time, id: d.Timestamp.ID}
	}
	if d.HasAttachment {
		s.Attachment = append([]byte{}, d.Attachment...)
	}
	return s
}
