package routing

import (
	"errors"
	"slices"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// putSender is a fakeSender that is also a PutSender: what SendPut gets is recorded as the
// message it encodes, and counted.
type putSender struct {
	fakeSender
	puts int
}

func (s *putSender) SendPut(head, payload []byte, qos wire.NetQoS, rel wire.Reliability) error {
	b, err := wire.AppendPut(nil, head, payload)
	if err != nil {
		panic(err)
	}
	var m wire.NetworkMessage
	if _, err := m.Decode(b); err != nil || m.ID != wire.NetIDPush || m.Push.QoS != qos {
		panic("SendPut of a head that does not match its QoS")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	s.msgs = append(s.msgs, b)
	s.rels = append(s.rels, rel)
	return s.err
}

// putPeer opens a finalized peer face whose sender is a putSender.
func putPeer(t *testing.T, r *Router, id byte, decls ...string) (*Face, *putSender) {
	t.Helper()
	s := &putSender{}
	f, err := r.OpenFace(FaceInfo{ZID: zid(id), WhatAmI: wire.Peer}, s)
	if err != nil {
		t.Fatal(err)
	}
	handle(t, r, f, decls...)
	handle(t, r, f, "be 00 21 08 1a")
	s.take()
	return f, s
}

// putTemplate is a Put with an encoding and a non-default QoS.
func putTemplate() *wire.Push {
	p := &wire.Push{QoS: wire.NewNetQoS(wire.PriorityDataHigh, wire.CongestionBlock, true)}
	p.Body.ID = wire.DataIDPut
	p.Body.Put.Encoding = wire.Encoding{ID: 4, HasSchema: true, Schema: []byte("s")}
	return p
}

// TestPublishPutSameAsPublishMessage: PublishPut sends each destination the bytes that
// PublishRoute sends for the same Put, with the expression id the face declared (or the full
// key), once per face, and only to matching faces.
func TestPublishPutSameAsPublishMessage(t *testing.T) {
	r := New(Config{})
	_, a := putPeer(t, r, 1, "9e 21 08 20 01 00 07 <cluster>", "9e 21 08 62 01 01 03 </**>")
	_, b := putPeer(t, r, 2, "9e 21 08 62 01 00 0a <cluster/**>", "9e 21 08 62 02 00 0c <cluster/*/42>")
	_, c := putPeer(t, r, 3, "9e 21 08 62 01 00 08 <other/**>")
	k := ke(t, "cluster/mailbox/42")
	pr, err := r.NewPutRoute(k, putTemplate())
	if err != nil {
		t.Fatal(err)
	}
	ref := r.NewPublisherRoute(k)
	for i, payload := range []string{"", "x", "hello world"} {
		sent, err := r.PublishPut(pr, []byte(payload), wire.BestEffort)
		if !sent || err != nil {
			t.Fatalf("PublishPut: %v %v", sent, err)
		}
		got := [][]string{a.take(), b.take(), c.take()}
		p := putTemplate()
		p.Body.Put.Payload = []byte(payload)
		if err := r.PublishRoute(ref, p, wire.BestEffort); err != nil {
			t.Fatal(err)
		}
		want := [][]string{a.take(), b.take(), c.take()}
		if !slices.EqualFunc(got, want, slices.Equal) || len(want[0]) != 1 || len(want[1]) != 1 || len(want[2]) != 0 {
			t.Fatalf("payload %d: PublishPut sent %v\nPublishRoute sent %v", i, got, want)
		}
	}
	if a.puts != 3 || b.puts != 3 {
		t.Fatalf("SendPut calls: %d %d", a.puts, b.puts)
	}
}

// errSend is the error of a failing sender.
var errSend = errors.New("send failed")

// TestPublishPutCounts: PublishPut counts each publication routed once and each destination
// it reached as sent (one destination, several, or a failed send), as the general path does.
func TestPublishPutCounts(t *testing.T) {
	r := New(Config{})
	_, a := putPeer(t, r, 1, "9e 21 08 62 01 00 0a <cluster/**>")
	one, err := r.NewPutRoute(ke(t, "cluster/a"), putTemplate())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if sent, err := r.PublishPut(one, []byte("p"), wire.Reliable); !sent || err != nil {
			t.Fatalf("PublishPut: %v %v", sent, err)
		}
	}
	if st := r.Stats(); st.PushesRouted != 3 || st.PushesSent != 3 || st.SendErrors != 0 {
		t.Fatalf("one destination, 3 puts: %+v", st)
	}
	_, b := putPeer(t, r, 2, "9e 21 08 62 01 00 0a <cluster/**>")
	two, err := r.NewPutRoute(ke(t, "cluster/b"), putTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if sent, _ := r.PublishPut(two, []byte("p"), wire.Reliable); !sent {
		t.Fatal("not sent to two destinations")
	}
	if st := r.Stats(); st.PushesRouted != 4 || st.PushesSent != 5 {
		t.Fatalf("two destinations: %+v", st)
	}
	b.err = errSend
	if sent, _ := r.PublishPut(two, []byte("p"), wire.Reliable); !sent {
		t.Fatal("not sent with one failing destination")
	}
	if st := r.Stats(); st.PushesRouted != 5 || st.PushesSent != 6 || st.SendErrors != 1 {
		t.Fatalf("one of two destinations failing: %+v", st)
	}
	a.err = errSend
	if sent, _ := r.PublishPut(two, []byte("p"), wire.Reliable); !sent {
		t.Fatal("not sent with both destinations failing")
	}
	if st := r.Stats(); st.PushesRouted != 6 || st.PushesSent != 6 || st.SendErrors != 3 {
		t.Fatalf("both destinations failing: %+v", st)
	}
}

// TestPublishPutDeclines: PublishPut sends nothing, and says so, where the general path is
// needed (local subscribers, a peer whose declarations are not final, a sender that is not a
// PutSender, a wildcard key, no template), takes the fast path again once the obstacle is
// gone, and skips a closed face.
func TestPublishPutDeclines(t *testing.T) {
	r := New(Config{})
	fa, a := putPeer(t, r, 1, "9e 21 08 62 01 00 0a <cluster/**>")
	k := ke(t, "cluster/x")
	pr, err := r.NewPutRoute(k, putTemplate())
	if err != nil {
		t.Fatal(err)
	}
	try := func(want bool) {
		t.Helper()
		sent, err := r.PublishPut(pr, []byte("p"), wire.Reliable)
		if sent != want || err != nil {
			t.Fatalf("PublishPut: %v %v, want %v", sent, err, want)
		}
		if !sent { // the caller falls back on PublishRoute
			if err := r.PublishRoute(pr, putTemplate(), wire.Reliable); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for _, m := range a.takeMsgs(t) {
			if m.ID == wire.NetIDPush {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("face got %d pushes", n)
		}
	}
	try(true)

	sub, err := r.DeclareSubscriber(ke(t, "cluster/*"), func(Sample) {})
	if err != nil {
		t.Fatal(err)
	}
	try(false)
	sub.Undeclare()
	try(true)

	blind, bs := openFace(t, r, wire.Peer, 9) // no DeclareFinal yet: gets everything
	try(false)
	handle(t, r, blind, "be 00 21 08 1a")
	bs.take()
	try(true)

	plain, ps := openFace(t, r, wire.Peer, 10)
	handle(t, r, plain, "9e 21 08 62 01 00 0a <cluster/**>", "be 00 21 08 1a")
	try(false)
	r.CloseFace(plain)
	ps.take()
	try(true)

	if pr, err := r.NewPutRoute(ke(t, "cluster/*"), putTemplate()); err != nil {
		t.Fatal(err)
	} else if sent, _ := r.PublishPut(pr, nil, wire.Reliable); sent {
		t.Fatal("wildcard key took the fast path")
	}
	if sent, _ := r.PublishPut(r.NewPublisherRoute(k), nil, wire.Reliable); sent {
		t.Fatal("a route without template took the fast path")
	}

	fa.closed.Store(true) // closing: no longer sent to
	if sent, err := r.PublishPut(pr, []byte("p"), wire.Reliable); !sent || err != nil || len(a.take()) != 0 {
		t.Fatalf("closed face: %v %v", sent, err)
	}
	r.Close()
	if _, err := r.PublishPut(pr, []byte("p"), wire.Reliable); err != ErrClosed {
		t.Fatalf("closed router: %v", err)
	}
}

func TestNewPutRouteRefuses(t *testing.T) {
	r := New(Config{})
	del := &wire.Push{QoS: wire.NetQoSDefault}
	del.Body.ID = wire.DataIDDel
	ts := putTemplate()
	ts.HasTimestamp = true
	bad := putTemplate()
	bad.Body.Put.Encoding.Schema = make([]byte, 1<<20)
	for name, p := range map[string]*wire.Push{"del": del, "timestamp": ts, "schema": bad} {
		if _, err := r.NewPutRoute(ke(t, "a"), p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// encPutSender is an encSender that is also a PutSender.
type encPutSender struct{ encSender }

func (s *encPutSender) SendPut(head, payload []byte, qos wire.NetQoS, rel wire.Reliability) error {
	b, err := wire.AppendPut(s.buf[:0], head, payload)
	s.buf = b[:0]
	s.n.Add(1)
	return err
}

func TestPublishPutDoesNotAllocate(t *testing.T) {
	r := New(Config{})
	var outs []*encPutSender
	for i := range 3 {
		s := &encPutSender{}
		f, err := r.OpenFace(FaceInfo{ZID: zid(byte(i + 1)), WhatAmI: wire.Peer}, s)
		if err != nil {
			t.Fatal(err)
		}
		handle(t, r, f, "9e 21 08 20 01 00 07 <cluster>", "9e 21 08 62 01 01 03 </**>", "be 00 21 08 1a")
		s.n.Store(0)
		outs = append(outs, s)
	}
	pr, err := r.NewPutRoute(ke(t, "cluster/mailbox/42"), putTemplate())
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("12345678")
	publish := func() {
		if sent, err := r.PublishPut(pr, payload, wire.Reliable); !sent || err != nil {
			t.Fatal(sent, err)
		}
	}
	publish()
	if a := testing.AllocsPerRun(1000, publish); a != 0 && !raceEnabled {
		t.Errorf("%v allocations per PublishPut", a)
	}
	for i, s := range outs {
		if s.n.Load() != 1002 {
			t.Fatalf("face %d got %d", i, s.n.Load())
		}
	}
}

// TestSampleKeyOwned: a publication on a concrete key reaches local subscribers with the
// cached route's own key (KeyOwned: it may be kept); one on a wildcard key with a key that
// aliases the routing scratch (not owned).
func TestSampleKeyOwned(t *testing.T) {
	r := New(Config{})
	var got []bool
	if _, err := r.DeclareSubscriber(ke(t, "a/**"), func(s Sample) { got = append(got, s.KeyOwned) }); err != nil {
		t.Fatal(err)
	}
	f, _ := finalPeer(t, r, 1)
	for _, k := range []string{"a/b", "a/*"} {
		if err := r.Publish(ke(t, k), putPush("x"), wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	handle(t, r, f, "7d 00 03 <a/c> 01 01 78", "7d 00 03 <a/*> 01 01 78")
	if !slices.Equal(got, []bool{true, false, true, false}) {
		t.Fatalf("KeyOwned: %v", got)
	}
}
