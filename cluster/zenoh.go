package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// Queue sizes of the Zenoh subscribers the transport declares. The Bus's callbacks only decode
// and queue, so the queues absorb bursts; a data sample the queue still drops shows up as a
// sequence gap (and a Resync), never as silent loss.
const (
	// ZenohDataQueue is the delivery queue, in samples, of the event subscriber.
	ZenohDataQueue = 4096
	// ZenohTokenQueue is the delivery queue, in samples, of the liveliness subscriber.
	ZenohTokenQueue = 4096
)

// ZenohOption configures the Zenoh transport.
type ZenohOption func(*zenohOptions)

type zenohOptions struct {
	cc       zenoh.CongestionControl
	priority zenoh.Priority
	express  bool
	grace    time.Duration
	graceSet bool
}

// WithCongestionControl sets the congestion control of the envelopes (default
// zenoh.CongestionControlDrop, as Stalwart: a peer that cannot keep up loses envelopes, and
// resyncs, instead of stalling the sender; zenoh.CongestionControlBlock trades that for no loss
// on a slow link).
func WithCongestionControl(cc zenoh.CongestionControl) ZenohOption {
	return func(o *zenohOptions) { o.cc = cc }
}

// WithPriority sets the priority of the envelopes (default zenoh.PriorityData).
func WithPriority(p zenoh.Priority) ZenohOption { return func(o *zenohOptions) { o.priority = p } }

// WithExpress makes the envelopes express: each leaves at once instead of sharing a Zenoh batch.
func WithExpress(express bool) ZenohOption { return func(o *zenohOptions) { o.express = express } }

// WithTokenGrace sets the token grace of a Bus over this transport whose ClusterConfig leaves
// TokenGrace at zero; 0 here means no grace.
//
// Deprecated: set ClusterConfig.TokenGrace ([cluster] token-grace). The Bus holds back a
// member's disappearance until its leave envelope arrives, over every transport; the Zenoh
// transport reports token changes at once.
func WithTokenGrace(d time.Duration) ZenohOption {
	return func(o *zenohOptions) { o.grace, o.graceSet = max(d, 0), true }
}

// tokenGracer is a transport that carries a token grace for the Bus (the deprecated
// WithTokenGrace).
type tokenGracer interface {
	tokenGrace() (d time.Duration, set bool)
}

// ZenohTransport is the Transport of a Bus over a Zenoh session, with the mapping documented
// on Transport: one long-lived publisher per key, one subscriber, liveliness tokens. It does
// not own the session; Close releases only what the transport declared itself.
type ZenohTransport struct {
	s *zenoh.Session
	o zenohOptions

	mu     sync.Mutex
	pubs   map[string]*zenoh.Publisher
	closed bool
}

var _ Transport = (*ZenohTransport)(nil)

// NewZenohTransport returns a Transport over s. The caller keeps ownership of s and closes it
// after the Bus (or uses Open, which does both).
func NewZenohTransport(s *zenoh.Session, opts ...ZenohOption) *ZenohTransport {
	o := zenohOptions{cc: zenoh.CongestionControlDrop, priority: zenoh.PriorityData}
	for _, opt := range opts {
		opt(&o)
	}
	return &ZenohTransport{s: s, o: o, pubs: map[string]*zenoh.Publisher{}}
}

func (t *ZenohTransport) tokenGrace() (time.Duration, bool) { return t.o.grace, t.o.graceSet }

// Session returns the session the transport runs over.
func (t *ZenohTransport) Session() *zenoh.Session { return t.s }

// zenohErr maps the session's closed error to ErrClosed, keeping both in the chain.
func zenohErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, zenoh.ErrClosed) {
		return fmt.Errorf("%w: zenoh %s: %w", ErrClosed, op, err)
	}
	return fmt.Errorf("cluster: zenoh %s: %w", op, err)
}

// publisher returns the publisher of key, declaring it on first use.
func (t *ZenohTransport) publisher(key string) (*zenoh.Publisher, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, ErrClosed
	}
	if p := t.pubs[key]; p != nil {
		return p, nil
	}
	p, err := t.s.DeclarePublisher(key, zenoh.WithCongestionControl(t.o.cc),
		zenoh.WithPriority(t.o.priority), zenoh.WithExpress(t.o.express))
	if err != nil {
		return nil, zenohErr("declare publisher", err)
	}
	t.pubs[key] = p
	return p, nil
}

// Publish puts payload on key with the transport's publisher for that key.
func (t *ZenohTransport) Publish(ctx context.Context, key string, payload []byte) error {
	p, err := t.publisher(key)
	if err != nil {
		return err
	}
	return zenohErr("put", p.Put(ctx, payload))
}

// Subscribe declares a subscriber on key; fn receives the payload of every put (deletions on
// the key are ignored).
func (t *ZenohTransport) Subscribe(key string, fn func(key string, payload []byte)) (io.Closer, error) {
	sub, err := t.s.DeclareSubscriber(key, func(s zenoh.Sample) {
		if s.Kind == zenoh.SampleKindPut {
			fn(s.Key, s.Payload)
		}
	}, zenoh.WithQueue(ZenohDataQueue, zenoh.Block))
	if err != nil {
		return nil, zenohErr("declare subscriber", err)
	}
	return sub, nil
}

// DeclareToken declares a liveliness token on key.
func (t *ZenohTransport) DeclareToken(key string) (io.Closer, error) {
	tok, err := t.s.Liveliness().DeclareToken(key)
	if err != nil {
		return nil, zenohErr("declare token", err)
	}
	return tok, nil
}

// SubscribeTokens declares a liveliness subscriber on keyexpr. Changes reach fn in order, as
// Zenoh reports them.
func (t *ZenohTransport) SubscribeTokens(keyexpr string, history bool, fn func(key string, alive bool)) (io.Closer, error) {
	sub, err := t.s.Liveliness().DeclareSubscriber(keyexpr, func(s zenoh.Sample) {
		fn(s.Key, s.Kind == zenoh.SampleKindPut)
	}, zenoh.WithHistory(history), zenoh.WithQueue(ZenohTokenQueue, zenoh.Block))
	if err != nil {
		return nil, zenohErr("declare liveliness subscriber", err)
	}
	return sub, nil
}

// Tokens asks for the live tokens matching keyexpr (a liveliness query) and returns their keys,
// sorted. Error replies are skipped.
func (t *ZenohTransport) Tokens(ctx context.Context, keyexpr string) ([]string, error) {
	var keys []string
	for r, err := range t.s.Liveliness().Get(ctx, keyexpr) {
		var re *zenoh.ReplyError
		switch {
		case errors.As(err, &re):
			continue
		case err != nil:
			return nil, zenohErr("liveliness get", err)
		}
		keys = append(keys, r.Sample.Key)
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// Close undeclares the transport's publishers. The subscribers and tokens belong to their
// callers (the Bus closes them), and the session to whoever opened it.
func (t *ZenohTransport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	for k, p := range t.pubs {
		_ = p.Close()
		delete(t.pubs, k)
	}
	return nil
}

// Open joins the cluster described by cfg over Zenoh: it opens a session with the
// coordinator's Zenoh configuration (cfg.Coordinator.Zenoh) and starts a Bus over it. Closing
// the Bus leaves the cluster and then closes the session. ctx bounds the opening only. The
// Bus's logger (WithLogger) is also the session's.
func Open(ctx context.Context, cfg *ClusterConfig, opts ...Option) (*Bus, error) {
	if cfg == nil {
		return nil, cfgErr("", "nil configuration")
	}
	if t := cfg.Coordinator.Type; t != "zenoh" {
		return nil, cfgErr("cluster.coordinator", "coordinator type %q is not \"zenoh\"", t)
	}
	var o busOptions
	for _, opt := range opts {
		opt(&o)
	}
	var zopts []zenoh.OpenOption
	if o.log != nil {
		zopts = append(zopts, zenoh.WithLogger(o.log))
	}
	s, err := zenoh.Open(ctx, cfg.Coordinator.Zenoh, zopts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: opening the zenoh session of %s: %w", storeKey(cfg.Coordinator.StoreID), err)
	}
	tr := NewZenohTransport(s)
	own := closerFunc(func() error {
		_ = tr.Close()
		return s.Close()
	})
	b, err := New(*cfg, tr, append(opts[:len(opts):len(opts)], WithCloser(own))...)
	if err != nil {
		_ = own.Close()
		return nil, err
	}
	return b, nil
}
