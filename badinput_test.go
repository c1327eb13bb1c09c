package zenoh

import (
	"context"
	"crypto/rand"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// rawPeer is a bare transport manager standing in for a misbehaving peer: it sends whatever a
// test builds and records the ResponseFinals it gets.
type rawPeer struct {
	m      *session.Manager
	t      *session.Transport
	finals chan uint32
}

func newRawPeer(t *testing.T, locator string) *rawPeer {
	t.Helper()
	r := &rawPeer{finals: make(chan uint32, 64)}
	cfg := session.DefaultConfig()
	m, err := session.NewManager(cfg, session.HandlerFuncs{
		Network: func(_ *session.Transport, m *wire.NetworkMessage, _ wire.Reliability) {
			if m.ID == wire.NetIDResponseFinal {
				r.finals <- m.ResponseFinal.RequestID
			}
		},
	})
	must(t, err)
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	r.m = m
	r.t, err = m.Open(ctx, locator)
	must(t, err)
	return r
}

func (r *rawPeer) send(t *testing.T, m *wire.NetworkMessage) {
	t.Helper()
	must(t, r.t.Send(m, wire.Reliable))
}

func declare(b wire.DeclareBody) *wire.NetworkMessage {
	return &wire.NetworkMessage{ID: wire.NetIDDeclare, Declare: wire.Declare{QoS: wire.NetQoSDefault, Body: b}}
}

func push(we wire.WireExpr, payload string) *wire.NetworkMessage {
	m := &wire.NetworkMessage{ID: wire.NetIDPush}
	m.Push = wire.Push{QoS: wire.NetQoSDefault, WireExpr: we}
	m.Push.Body.ID = wire.DataIDPut
	m.Push.Body.Put.Payload = []byte(payload)
	return m
}

// TestBadPeer: a peer that declares garbage, uses unknown expression ids and invalid keys,
// sends data for undeclared ids and floods declarations is answered with drops, an immediate
// ResponseFinal, and finally a disconnection; the session and its other peers carry on and
// nothing panics.
func TestBadPeer(t *testing.T) {
	a, b := pair(t)
	got := newCollector()
	sub, err := a.DeclareSubscriber("bad/**", got.add)
	must(t, err)
	defer sub.Close()
	bad := newRawPeer(t, a.Info().Locators[0])
	waitFor(t, "bad peer connected", func() bool { return len(a.Info().Peers) == 2 })

	bad.send(t, push(wire.WireExpr{Scope: 77, Suffix: []byte("/x"), Mapping: wire.MappingSender}, "unknown scope"))
	bad.send(t, push(wire.WireExpr{Suffix: []byte("bad//key")}, "invalid key"))
	bad.send(t, push(wire.WireExpr{Suffix: []byte("bad/**/**")}, "non-canonical key"))
	bad.send(t, declare(wire.DeclareBody{ID: wire.DeclIDSubscriber, EntityID: 1, WireExpr: wire.WireExpr{Suffix: []byte("a/$*$*")}}))
	bad.send(t, declare(wire.DeclareBody{ID: wire.DeclIDUndeclSubscriber, EntityID: 999}))
	bad.send(t, declare(wire.DeclareBody{ID: wire.DeclIDKeyExpr, EntityID: 0, WireExpr: wire.WireExpr{Suffix: []byte("bad")}}))
	bad.send(t, declare(wire.DeclareBody{ID: wire.DeclIDToken, EntityID: 5, WireExpr: wire.WireExpr{Scope: 4000, Mapping: wire.MappingSender}}))
	req := &wire.NetworkMessage{ID: wire.NetIDRequest}
	req.Request = wire.Request{RequestID: 7, QoS: wire.NetQoSDefault, WireExpr: wire.WireExpr{Scope: 55, Mapping: wire.MappingSender}}
	bad.send(t, req)
	if id := recv(t, bad.finals, "ResponseFinal for a query with an unknown scope"); id != 7 {
		t.Fatalf("ResponseFinal for request %d", id)
	}
	resp := &wire.NetworkMessage{ID: wire.NetIDResponseFinal}
	resp.ResponseFinal.RequestID = 12345 // a final for a query that does not exist
	bad.send(t, resp)
	bad.send(t, push(wire.WireExpr{Suffix: []byte("bad/ok")}, "valid"))
	if s := got.wait(t, 1); len(s) != 1 || string(s[0].Payload) != "valid" {
		t.Fatalf("got %+v", s)
	}
	st := a.Stats().Routing
	if st.PushesDropped < 3 || st.DeclarationsDropped < 3 {
		t.Fatalf("drops not counted: %+v", st)
	}

	// A flood of declarations exceeds MaxDeclarations: the peer is disconnected.
	for i := range routing.DefaultMaxDeclarations + 10 {
		m := declare(wire.DeclareBody{ID: wire.DeclIDSubscriber, EntityID: uint32(100 + i), WireExpr: wire.WireExpr{Suffix: []byte("flood/x")}})
		m.Declare.QoS = wire.NewNetQoS(wire.PriorityControl, wire.CongestionBlock, false)
		if err := bad.t.Send(m, wire.Reliable); err != nil {
			break // disconnected already
		}
	}
	select {
	case <-bad.t.Done():
	case <-time.After(testTimeout):
		t.Fatal("flooding peer not disconnected")
	}
	if reason, ok := session.ReasonOf(bad.t.Err()); !ok || reason != session.ReasonInvalid {
		t.Logf("bad peer's transport ended with %v", bad.t.Err())
	}
	if st := a.Stats(); st.FacesClosed != 1 || st.Routing.LimitErrors != 1 {
		t.Fatalf("bad peer's transport ended with %v; stats %+v", bad.t.Err(), st)
	}

	// The session and its good peer carry on.
	must(t, b.Put(context.Background(), "bad/after", []byte("still here")))
	if s := got.wait(t, 2); string(s[1].Payload) != "still here" {
		t.Fatalf("after the flood: %+v", s[1])
	}
}

// TestGarbageLink: bytes that are not Zenoh on a listener do not disturb the session.
func TestGarbageLink(t *testing.T) {
	cfg := testConfig(t)
	must(t, cfg.Insert("transport/unicast/accept_timeout", "300"))
	a := openTest(t, cfg)
	b := openTest(t, testConfig(t, a.Info().Locators[0]))
	waitFor(t, "connected", func() bool { return len(a.Info().Peers) == 1 })
	addr := strings.TrimPrefix(a.Info().Locators[0], "tcp/")
	for _, junk := range [][]byte{
		{0xff, 0xff, 1, 2, 3},
		{5, 0, 0x01, 0x09, 0xff, 0xff, 0xff},
		func() []byte { b := make([]byte, 4096); rand.Read(b); return b }(),
	} {
		c, err := net.Dial("tcp", addr)
		must(t, err)
		_, _ = c.Write(junk)
		_ = c.SetReadDeadline(time.Now().Add(testTimeout))
		start := time.Now()
		for { // the session closes the link (at once, or after the accept timeout)
			if _, err := c.Read(make([]byte, 64)); err != nil {
				break
			}
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("garbage link closed after %v", el)
		}
		c.Close()
	}
	got := newCollector()
	sub, err := a.DeclareSubscriber("g/**", got.add)
	must(t, err)
	defer sub.Close()
	pub, err := b.DeclarePublisher("g/x")
	must(t, err)
	waitFor(t, "matching", pub.Matching)
	must(t, pub.Put(context.Background(), []byte("ok")))
	got.wait(t, 1)
}
