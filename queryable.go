package zenoh

import (
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
)

// DefaultQueryableQueue is the default capacity, in queries, of a queryable's queue.
const DefaultQueryableQueue = 256

// Queryable answers the queries whose key expression intersects its own. Create it with
// Session.DeclareQueryable; Close it to undeclare it.
//
// The callback is called serially, on the queryable's own goroutine. Queries reach it through
// a bounded queue (WithQueue): a query that finds the queue full is finished at once without a
// reply from this queryable (counted in Stats.QueriesDropped), so a slow or blocked callback
// never holds back a transport, and the querier is not left waiting for its timeout. A
// callback that panics is recovered and counted; the query is finished.
type Queryable struct {
	s        *Session
	key      string
	complete bool
	ch       chan *Query
	done     chan struct{}
	gid      atomic.Uint64

	mu     sync.Mutex
	rq     *routing.Queryable
	closed bool
	once   sync.Once
}

// DeclareQueryable declares a queryable on key (a key expression, wildcards allowed): fn is
// called with every query routed to it. Queries are finished (the querier is told this
// queryable has no more replies) when fn returns, unless fn calls Query.Detach.
func (s *Session) DeclareQueryable(key string, fn func(*Query), opts ...QueryableOption) (*Queryable, error) {
	ke, err := keyexpr.New(key)
	if err != nil {
		return nil, err
	}
	var c qablConfig
	for _, o := range opts {
		c = o.applyQueryable(c)
	}
	n := c.queue
	if n <= 0 {
		n = DefaultQueryableQueue
	}
	q := &Queryable{s: s, key: ke.String(), complete: c.complete,
		ch: make(chan *Query, min(n, MaxSubscriberQueue)), done: make(chan struct{})}
	if err := s.register(q); err != nil {
		return nil, err
	}
	go q.run(fn)
	rq, err := s.rt.DeclareQueryable(ke, c.complete, q.onQuery)
	if err != nil {
		q.Close()
		return nil, closedErr(err)
	}
	q.mu.Lock()
	q.rq = rq
	q.mu.Unlock()
	return q, nil
}

// Key returns the queryable's key expression.
func (q *Queryable) Key() string { return q.key }

// onQuery copies a routed query and queues it (a routing callback: it must not block).
func (q *Queryable) onQuery(rq *routing.Query) {
	query := newQuery(q, rq)
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		select {
		case q.ch <- query:
			return
		default:
		}
	}
	q.s.st.queriesDropped.Add(1)
	rq.Finish()
}

// run calls the callback for each query, serially.
func (q *Queryable) run(fn func(*Query)) {
	defer close(q.done)
	q.gid.Store(goroutineID())
	for query := range q.ch {
		if q.isClosed() {
			query.rq.Finish()
			continue
		}
		q.call(fn, query)
		if !query.detached.Load() {
			query.Finish()
		}
	}
}

func (q *Queryable) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

func (q *Queryable) call(fn func(*Query), query *Query) {
	defer func() {
		if v := recover(); v != nil {
			q.s.st.callbackPanics.Add(1)
			q.s.logPanic("queryable " + q.key)(v)
			query.Finish()
		}
	}()
	q.s.st.queriesDelivered.Add(1)
	fn(query)
}

// stop marks the queryable closed and closes its queue; it reports whether it did.
func (q *Queryable) stop() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	q.closed = true
	close(q.ch)
	return true
}

// Close undeclares the queryable; queued queries are finished without reply. The callback is
// not called once Close returns; Close waits for a call in progress unless called from it.
// Detached queries can still be answered. It is idempotent.
func (q *Queryable) Close() error {
	if q.stop() {
		q.mu.Lock()
		rq := q.rq
		q.mu.Unlock()
		if rq != nil {
			_ = rq.Undeclare()
		}
		q.s.unregister(q)
	}
	q.wait()
	return nil
}

func (q *Queryable) shutdown() { q.stop() }

func (q *Queryable) wait() {
	if g := q.gid.Load(); g != 0 && g == goroutineID() {
		return
	}
	<-q.done
}
