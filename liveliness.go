package zenoh

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
)

// Liveliness gives access to liveliness tokens: a token declared by a session is seen alive by
// the other sessions (subscribers and Get) until it is closed or its session goes away (closed,
// killed, or disconnected).
type Liveliness struct{ s *Session }

// Liveliness returns the session's liveliness API.
func (s *Session) Liveliness() *Liveliness { return &Liveliness{s} }

// LivelinessToken is a declared liveliness token. Close it to withdraw it.
type LivelinessToken struct {
	s    *Session
	key  string
	t    *routing.Token
	once sync.Once
}

// DeclareToken declares a liveliness token on key.
func (l *Liveliness) DeclareToken(key string) (*LivelinessToken, error) {
	ke, err := keyexpr.New(key)
	if err != nil {
		return nil, err
	}
	tok := &LivelinessToken{s: l.s, key: ke.String()}
	if err := l.s.register(tok); err != nil {
		return nil, err
	}
	t, err := l.s.rt.DeclareToken(ke)
	if err != nil {
		l.s.unregister(tok)
		return nil, closedErr(err)
	}
	tok.t = t
	return tok, nil
}

// Key returns the token's key expression.
func (t *LivelinessToken) Key() string { return t.key }

// Close undeclares the token. It is idempotent.
func (t *LivelinessToken) Close() error {
	t.once.Do(func() {
		_ = t.t.Undeclare()
		t.s.unregister(t)
	})
	return nil
}

func (t *LivelinessToken) shutdown() { t.once.Do(func() {}) }
func (t *LivelinessToken) wait()     {}

// DeclareSubscriber declares a liveliness subscriber on key: fn receives a SampleKindPut sample
// when a token whose key intersects key appears (on any node, this session included) and a
// SampleKindDelete sample when it goes. With WithHistory(true), the tokens alive now are
// reported first. Delivery follows the Subscriber contract.
func (l *Liveliness) DeclareSubscriber(key string, fn func(Sample), opts ...SubscriberOption) (*Subscriber, error) {
	ke, sub, err := l.s.newSubscriber(key, fn, opts, false)
	if err != nil {
		return nil, err
	}
	var c subConfig
	for _, o := range opts {
		c = o.applySubscriber(c)
	}
	q := sub.q
	ls, err := l.s.rt.DeclareLivelinessSubscriber(ke, c.history, func(k keyexpr.KeyExpr, alive bool) {
		q.pushToken(k.String(), alive)
	})
	if err != nil {
		sub.Close()
		return nil, closedErr(err)
	}
	sub.mu.Lock()
	sub.ls = ls
	sub.mu.Unlock()
	return sub, nil
}

// DeclareSubscriberChan is DeclareSubscriber with a channel of capacity n and overflow policy
// policy instead of a callback (see ChanSubscriber).
func (l *Liveliness) DeclareSubscriberChan(key string, n int, policy OverflowPolicy, opts ...SubscriberOption) (*ChanSubscriber, error) {
	c, err := l.s.newChanSubscriber(key, n, policy, opts)
	if err != nil {
		return nil, err
	}
	var cfg subConfig
	for _, o := range opts {
		cfg = o.applySubscriber(cfg)
	}
	ke, _ := parseKey(key)
	ls, err := l.s.rt.DeclareLivelinessSubscriber(ke, cfg.history, func(k keyexpr.KeyExpr, alive bool) {
		c.onToken(k.String(), alive)
	})
	if err != nil {
		c.Close()
		return nil, closedErr(err)
	}
	c.mu.Lock()
	c.ls = ls
	c.mu.Unlock()
	return c, nil
}

// Get yields the liveliness tokens alive whose key intersects key, one Reply per token key
// (Sample.Kind put, Sample.Key the token's key), asking the peers whose declarations may not
// all have arrived yet. Errors and timeout are as for Session.Get; only WithTimeout applies.
func (l *Liveliness) Get(ctx context.Context, key string, opts ...GetOption) iter.Seq2[Reply, error] {
	s := l.s
	return func(yield func(Reply, error) bool) {
		ke, err := keyexpr.New(key)
		if err != nil {
			yield(Reply{}, err)
			return
		}
		c := defaultGet
		for _, o := range opts {
			c = o.applyGet(c)
		}
		if s.isClosed() {
			yield(Reply{}, ErrClosed)
			return
		}
		g := newGetStream(s)
		onToken := func(k keyexpr.KeyExpr) {
			g.add(getItem{reply: Reply{Sample: Sample{Key: k.String(), Payload: []byte{}, Priority: PriorityData,
				CongestionControl: CongestionControlBlock, Reliability: ReliabilityReliable}}})
		}
		onDone := func(timedOut bool) {
			if timedOut {
				g.mu.Lock()
				g.timedOut = true
				g.mu.Unlock()
			}
			g.onDone()
		}
		if err := s.rt.LivelinessGet(ke, s.queryTimeout(ctx, c.timeout), onToken, onDone); err != nil {
			yield(Reply{}, closedErr(err))
			return
		}
		g.drain(ctx, fmt.Sprintf("liveliness %s", key), yield)
	}
}
