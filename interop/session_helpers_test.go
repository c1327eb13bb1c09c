package interop

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// goMsg is a copy of a network message a Go node received.
type goMsg struct {
	peer    wire.ZenohID
	id      wire.NetworkID
	rel     wire.Reliability
	key     string // Push: key suffix; Declare subscriber: its key
	payload []byte
	prio    wire.Priority
	decl    wire.DeclareID
	isDecl  bool
}

// goNode is a session.Manager whose handler answers a Zenoh peer the way the routing layer
// will (DeclareFinal for the initial interest 0, optional subscriber declarations) and records
// everything it receives.
type goNode struct {
	t    *testing.T
	m    *session.Manager
	subs []string // keys declared as subscribers to every peer

	mu    sync.Mutex
	msgs  []goMsg
	upc   chan *session.Transport
	downc chan downEv
	news  chan struct{} // one token per recorded message
}

func newGoNode(t *testing.T, mod func(*session.Config), subs ...string) *goNode {
	t.Helper()
	cfg := session.DefaultConfig()
	if os.Getenv("SESSION_DEBUG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if mod != nil {
		mod(&cfg)
	}
	n := &goNode{t: t, subs: subs, upc: make(chan *session.Transport, 256), downc: make(chan downEv, 256), news: make(chan struct{}, 1<<16)}
	m, err := session.NewManager(cfg, n)
	if err != nil {
		t.Fatal(err)
	}
	n.m = m
	t.Cleanup(func() { m.Close() })
	return n
}

func (n *goNode) TransportUp(t *session.Transport) (session.PeerHandler, error) {
	for i, k := range n.subs {
		d := &wire.NetworkMessage{ID: wire.NetIDDeclare}
		d.Declare.QoS = wire.NewNetQoS(wire.PriorityControl, wire.CongestionBlock, false)
		d.Declare.Body = wire.DeclareBody{ID: wire.DeclIDSubscriber, EntityID: uint32(i + 1), WireExpr: wire.WireExpr{Suffix: []byte(k)}}
		if err := t.Send(d, wire.Reliable); err != nil {
			return nil, err
		}
	}
	// Finalise the peer's initial interest (id 0), as a Zenoh peer does.
	f := &wire.NetworkMessage{ID: wire.NetIDDeclare}
	f.Declare.QoS = wire.NewNetQoS(wire.PriorityControl, wire.CongestionBlock, false)
	f.Declare.HasInterestID = true
	f.Declare.Body = wire.DeclareBody{ID: wire.DeclIDFinal}
	if err := t.Send(f, wire.Reliable); err != nil {
		return nil, err
	}
	n.upc <- t
	return &goPeer{n: n, t: t, exprs: map[uint16]string{}}, nil
}

type goPeer struct {
	n     *goNode
	t     *session.Transport
	exprs map[uint16]string // the peer's DeclareKeyExpr mappings
}

// resolve returns the full key of a wire expression the peer sent.
func (p *goPeer) resolve(we wire.WireExpr) string {
	if we.Scope == 0 {
		return string(we.Suffix)
	}
	return p.exprs[we.Scope] + string(we.Suffix)
}

func (p *goPeer) HandleNetwork(m *wire.NetworkMessage, rel wire.Reliability) {
	g := goMsg{peer: p.t.ZID(), id: m.ID, rel: rel}
	switch m.ID {
	case wire.NetIDPush:
		g.key = p.resolve(m.Push.WireExpr)
		g.payload = bytes.Clone(m.Push.Body.Put.Payload)
		g.prio = m.Push.QoS.Priority()
	case wire.NetIDDeclare:
		g.isDecl, g.decl = true, m.Declare.Body.ID
		g.key = p.resolve(m.Declare.Body.WireExpr)
		if g.decl == wire.DeclIDKeyExpr {
			p.exprs[uint16(m.Declare.Body.EntityID)] = g.key
		}
	}
	p.n.mu.Lock()
	p.n.msgs = append(p.n.msgs, g)
	p.n.mu.Unlock()
	p.n.news <- struct{}{}
}

// downEv is a TransportDown and when it was called.
type downEv struct {
	err error
	at  time.Time
}

func (p *goPeer) TransportDown(err error) { p.n.downc <- downEv{err, time.Now()} }

// up waits for the next TransportUp.
func (n *goNode) up(d time.Duration) *session.Transport {
	n.t.Helper()
	select {
	case t := <-n.upc:
		return t
	case <-time.After(d):
		n.t.Fatalf("no transport up within %v", d)
		return nil
	}
}

// down waits for the next TransportDown and returns its error and time.
func (n *goNode) down(d time.Duration) (error, time.Time) {
	n.t.Helper()
	select {
	case ev := <-n.downc:
		return ev.err, ev.at
	case <-time.After(d):
		n.t.Fatalf("no transport down within %v", d)
		return nil, time.Time{}
	}
}

// noDown checks that no transport went down.
func (n *goNode) noDown() {
	n.t.Helper()
	select {
	case ev := <-n.downc:
		n.t.Fatalf("transport went down: %v", ev.err)
	default:
	}
}

// waitMsg waits until a recorded message satisfies match and returns it.
func (n *goNode) waitMsg(d time.Duration, what string, match func(goMsg) bool) goMsg {
	n.t.Helper()
	deadline := time.After(d)
	seen := 0
	for {
		n.mu.Lock()
		for ; seen < len(n.msgs); seen++ {
			if match(n.msgs[seen]) {
				m := n.msgs[seen]
				n.mu.Unlock()
				return m
			}
		}
		n.mu.Unlock()
		select {
		case <-n.news:
		case <-deadline:
			n.t.Fatalf("no %s within %v", what, d)
		}
	}
}

// pushMsg builds a Push of a Put with a full key.
func pushMsg(key string, payload []byte, q wire.NetQoS) *wire.NetworkMessage {
	m := &wire.NetworkMessage{ID: wire.NetIDPush}
	m.Push.WireExpr = wire.WireExpr{Suffix: []byte(key)}
	m.Push.QoS = q
	m.Push.Body.ID = wire.DataIDPut
	m.Push.Body.Put.Payload = payload
	return m
}

// openCtx dials endpoint with a bounded context.
func (n *goNode) open(endpoint string) *session.Transport {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, err := n.m.Open(ctx, endpoint)
	if err != nil {
		n.t.Fatalf("open %s: %v", endpoint, err)
	}
	return tr
}

// listen binds tcp/127.0.0.1:0 and returns its locator.
func (n *goNode) listen() string {
	n.t.Helper()
	ln, err := n.m.Listen("tcp/127.0.0.1:0")
	if err != nil {
		n.t.Fatal(err)
	}
	return ln.Locators()[0]
}

// zpeerLinks returns the links zpeer reports towards zid (from its info command).
func zpeerLinks(t *testing.T, p *Peer, zid string) []map[string]any {
	t.Helper()
	ev, err := p.Info()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	ls, _ := ev.Raw["links"].([]any)
	for _, l := range ls {
		if m, ok := l.(map[string]any); ok && strings.EqualFold(scalarString(m["zid"]), zid) {
			out = append(out, m)
		}
	}
	return out
}

// pattern returns n bytes of a recognisable pattern.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }
