package cluster

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder collects deliveries.
type recorder struct {
	mu sync.Mutex
	ds []Delivery
}

func (r *recorder) add(d Delivery) {
	r.mu.Lock()
	r.ds = append(r.ds, d)
	r.mu.Unlock()
}

func (r *recorder) all() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ds)
}

// of returns the deliveries of kind k.
func (r *recorder) of(k Kind) []Delivery {
	var out []Delivery
	for _, d := range r.all() {
		if d.Event.Kind() == k {
			out = append(out, d)
		}
	}
	return out
}

func (r *recorder) resyncs() []Resync {
	var out []Resync
	for _, d := range r.of(KindResync) {
		out = append(out, d.Event.(Resync))
	}
	return out
}

// wire returns the wire events delivered (no local-only ones).
func (r *recorder) wire() []Delivery {
	var out []Delivery
	for _, d := range r.all() {
		if !d.Event.Kind().IsLocal() {
			out = append(out, d)
		}
	}
	return out
}

// testNode is a Bus on a Hub with a recording subscription.
type testNode struct {
	bus *Bus
	tr  *MemTransport
	rec *recorder
}

func testConfig(id NodeID) ClusterConfig {
	return ClusterConfig{NodeID: id, Linger: time.Millisecond, Heartbeat: time.Second}
}

func newTestNode(t *testing.T, h *Hub, name string, cfg ClusterConfig, opts ...Option) *testNode {
	t.Helper()
	tr, err := h.Join(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(cfg, tr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	n := &testNode{bus: b, tr: tr, rec: &recorder{}}
	b.Subscribe(n.rec.add)
	return n
}

func (n *testNode) close() {
	_ = n.bus.Close()
	_ = n.tr.Close()
}

// sentEnvelope is one envelope a recordTransport was asked to publish.
type sentEnvelope struct {
	at  time.Time
	env Envelope
}

// recordTransport records what is published; it has no subscribers and no liveliness. Its
// Publish blocks while gate is non-nil and open.
type recordTransport struct {
	mu   sync.Mutex
	sent []sentEnvelope
	gate chan struct{}
	err  error
}

func (r *recordTransport) Publish(ctx context.Context, key string, payload []byte) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var env Envelope
	if err := ParseEnvelope(payload, &env); err != nil {
		return err
	}
	for i := range env.Events {
		env.Events[i].Body = slices.Clone(env.Events[i].Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, sentEnvelope{at: time.Now(), env: env})
	return r.err
}

func (r *recordTransport) Subscribe(string, func(string, []byte)) (io.Closer, error) {
	return closerFunc(func() error { return nil }), nil
}

func (r *recordTransport) DeclareToken(string) (io.Closer, error) { return nil, ErrUnsupported }

func (r *recordTransport) SubscribeTokens(string, bool, func(string, bool)) (io.Closer, error) {
	return nil, ErrUnsupported
}

func (r *recordTransport) Tokens(context.Context, string) ([]string, error) {
	return nil, ErrUnsupported
}

func (r *recordTransport) envelopes() []sentEnvelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}
