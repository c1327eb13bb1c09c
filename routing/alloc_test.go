package routing

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// encSender encodes each message into a reused buffer, as a transport does, without
// allocating. Not for concurrent use.
type encSender struct {
	buf []byte
	n   atomic.Int64
}

func (s *encSender) Send(m *wire.NetworkMessage, rel wire.Reliability) error {
	b, err := m.Append(s.buf[:0])
	s.buf = b[:0]
	s.n.Add(1)
	return err
}

// pushFixture is a router with a local subscriber on cluster/**, a finalized Rust-like peer
// (face in) whose pushes use our expression id for "cluster", and nOut finalized peers
// subscribed to cluster/**.
type pushFixture struct {
	r        *Router
	in       *Face
	outs     []*encSender
	local    atomic.Int64
	scoped   *wire.NetworkMessage // 3d 01 0b "/mailbox/42" Put "hi": scope 1 (ours), M=0
	scope0   *wire.NetworkMessage // 7d 00 12 "cluster/mailbox/42" Put "hi"
	localKey string
}

func newPushFixture(t testing.TB, nOut int) *pushFixture {
	x := &pushFixture{r: New(Config{})}
	r := x.r
	if _, err := r.DeclareSubscriber(ke(t, "cluster/**"), func(s Sample) {
		if len(s.Push.Body.Put.Payload) == 2 {
			x.local.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	in, err := r.OpenFace(FaceInfo{ZID: zid(200), WhatAmI: wire.Peer}, &encSender{})
	if err != nil {
		t.Fatal(err)
	}
	handle(t, r, in, "be 00 21 08 1a")
	x.in = in
	for i := range nOut {
		s := &encSender{}
		f, err := r.OpenFace(FaceInfo{ZID: zid(byte(i + 1)), WhatAmI: wire.Peer}, s)
		if err != nil {
			t.Fatal(err)
		}
		handle(t, r, f, "9e 21 08 20 01 00 07 <cluster>", "9e 21 08 62 01 01 03 </**>", "be 00 21 08 1a")
		s.n.Store(0)
		x.outs = append(x.outs, s)
	}
	x.scoped = msg(t, "3d 01 0b </mailbox/42> 01 02 68 69")
	x.scope0 = msg(t, "7d 00 12 <cluster/mailbox/42> 01 02 68 69")
	return x
}

func TestPushFromRemoteToLocalDoesNotAllocate(t *testing.T) {
	x := newPushFixture(t, 0)
	for name, m := range map[string]*wire.NetworkMessage{"scoped": x.scoped, "scope0": x.scope0} {
		handle := func() {
			if err := x.r.Handle(x.in, m, wire.Reliable); err != nil {
				t.Fatal(err)
			}
		}
		handle()
		before := x.local.Load()
		if n := testing.AllocsPerRun(1000, handle); n != 0 && !raceEnabled {
			t.Errorf("%s: %v allocations per Push", name, n)
		}
		if x.local.Load()-before != 1001 {
			t.Fatalf("%s: %d deliveries", name, x.local.Load()-before)
		}
	}
}

func TestPublishToRemoteFacesDoesNotAllocate(t *testing.T) {
	for _, n := range []int{1, 10} {
		x := newPushFixture(t, n)
		k := ke(t, "cluster/mailbox/42")
		p := putPush("hi")
		publish := func() {
			if err := x.r.Publish(k, p, wire.Reliable); err != nil {
				t.Fatal(err)
			}
		}
		publish()
		if a := testing.AllocsPerRun(1000, publish); a != 0 && !raceEnabled {
			t.Errorf("%d faces: %v allocations per Publish", n, a)
		}
		for i, s := range x.outs {
			if s.n.Load() != 1002 { // our call, AllocsPerRun's warm-up, 1000 runs
				t.Fatalf("face %d got %d pushes", i, s.n.Load())
			}
		}
	}
}

func TestPublishRouteDoesNotAllocate(t *testing.T) {
	x := newPushFixture(t, 3)
	pr := x.r.NewPublisherRoute(ke(t, "cluster/mailbox/42"))
	p := putPush("hi")
	publish := func() {
		if err := x.r.PublishRoute(pr, p, wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	before := x.local.Load()
	if a := testing.AllocsPerRun(1000, publish); a != 0 && !raceEnabled {
		t.Errorf("%v allocations per PublishRoute", a)
	}
	if x.local.Load()-before != 1001 {
		t.Fatalf("%d local deliveries", x.local.Load()-before)
	}
	for i, s := range x.outs {
		if s.n.Load() != 1002 {
			t.Fatalf("face %d got %d pushes", i, s.n.Load())
		}
	}
}

func TestForwardPeerToClientDoesNotAllocate(t *testing.T) {
	x := newPushFixture(t, 0)
	cs := &encSender{}
	c, _ := x.r.OpenFace(FaceInfo{ZID: zid(50), WhatAmI: wire.Client}, cs)
	handle(t, x.r, c, "9e 21 08 62 01 00 0a <cluster/**>")
	fwd := func() { _ = x.r.Handle(x.in, x.scoped, wire.Reliable) }
	fwd()
	if a := testing.AllocsPerRun(1000, fwd); a != 0 && !raceEnabled {
		t.Errorf("%v allocations per forwarded Push", a)
	}
	if cs.n.Load() != 1002 {
		t.Fatalf("client got %d", cs.n.Load())
	}
}

func BenchmarkPushToLocalSubscriber(b *testing.B) {
	x := newPushFixture(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = x.r.Handle(x.in, x.scoped, wire.Reliable)
	}
}

func BenchmarkPublishToRemoteFaces(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("faces=%d", n), func(b *testing.B) {
			x := newPushFixture(b, n)
			k := ke(b, "cluster/mailbox/42")
			p := putPush("hi")
			b.ReportAllocs()
			for b.Loop() {
				_ = x.r.Publish(k, p, wire.Reliable)
			}
		})
	}
}

func BenchmarkPublishRoute(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run(fmt.Sprintf("faces=%d", n), func(b *testing.B) {
			x := newPushFixture(b, n)
			pr := x.r.NewPublisherRoute(ke(b, "cluster/mailbox/42"))
			p := putPush("hi")
			b.ReportAllocs()
			for b.Loop() {
				_ = x.r.PublishRoute(pr, p, wire.Reliable)
			}
		})
	}
}

func BenchmarkPushToLocalSubscriberParallel(b *testing.B) {
	x := newPushFixture(b, 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = x.r.Handle(x.in, x.scope0, wire.Reliable)
		}
	})
}

// BenchmarkDeclareUndeclare measures the control plane: a remote subscriber declared and
// undeclared, with 1000 other subscribers and 10 peers to keep informed (none needs telling).
func BenchmarkDeclareUndeclare(b *testing.B) {
	x := newPushFixture(b, 10)
	c, _ := x.r.OpenFace(FaceInfo{ZID: zid(99), WhatAmI: wire.Peer}, &encSender{})
	for i := range 1000 {
		m := msg(b, fmt.Sprintf("9e 21 08 62 %s 00 06 <k/%04d>", zintHex(i+10), i))
		if err := x.r.Handle(c, m, wire.Reliable); err != nil {
			b.Fatal(err)
		}
	}
	decl := msg(b, "9e 21 08 62 01 00 06 <k/xxxx>")
	undecl := msg(b, "9e 21 08 03 01")
	b.ReportAllocs()
	for b.Loop() {
		_ = x.r.Handle(c, decl, wire.Reliable)
		_ = x.r.Handle(c, undecl, wire.Reliable)
	}
}

// zintHex is the hex of v as a zint.
func zintHex(v int) string {
	return fmt.Sprintf("%x", wire.AppendZint(nil, uint64(v)))
}
