package routing

import (
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

func TestPublishToPeersOncePerFace(t *testing.T) {
	r := New(Config{})
	// a: a Rust peer subscribed twice (cluster/** and cluster/mailbox/*), finalized.
	_, as := finalPeer(t, r, 1, "9e 21 08 20 01 00 07 <cluster>", "9e 21 08 62 01 01 03 </**>",
		"9e 21 08 62 02 00 11 <cluster/mailbox/*>")
	_, bs := finalPeer(t, r, 2)           // no subscriber: gets nothing
	_, cs := openFace(t, r, wire.Peer, 3) // not finalized: gets everything
	cs.take()
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "cluster/mailbox/42"), local.fn)
	as.take()
	bs.take()
	cs.take()
	if err := r.Publish(ke(t, "cluster/mailbox/42"), putPush("hi"), wire.Reliable); err != nil {
		t.Fatal(err)
	}
	// To a face that declared an expression id for a prefix of the key, the key is sent by that
	// id (M=0) and the rest, as Rust's get_best_key does (the capture push-put-scoped); to the
	// others the full key (doc §10.3 "Variant M").
	eqStrings(t, "to the subscribed peer", as.take(), hexes("3d 01 0b </mailbox/42> 01 02 68 69"))
	eqStrings(t, "to the peer without subscriber", bs.take(), nil)
	eqStrings(t, "to the unfinalized peer", cs.take(), hexes("7d 00 12 <cluster/mailbox/42> 01 02 68 69"))
	eqStrings(t, "local", local.take(), []string{"cluster/mailbox/42=hi"})
	if st := r.Stats(); st.PushesSent != 2 || st.PushesDelivered != 1 || st.PushesRouted != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestPushFromPeer(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "cluster/**"), local.fn)
	a, _ := openFace(t, r, wire.Peer, 1) // our "cluster" is expression id 1 on this face
	_, bs := finalPeer(t, r, 2, "9e 21 08 62 01 00 0a <cluster/**>")
	_, ucs := openFace(t, r, wire.Peer, 4) // unfinalized: gets only south data
	ucs.take()
	c, cs := openFace(t, r, wire.Client, 3)
	handle(t, r, c, "9e 21 08 62 01 00 0a <cluster/**>")
	// Rust's push using our expression id: scope 1, M=0 (doc §10.3, the capture push-put-scoped).
	handle(t, r, a, "3d 01 0b </mailbox/42> 01 02 68 69")
	eqStrings(t, "local", local.take(), []string{"cluster/mailbox/42=hi"})
	eqStrings(t, "peer to peer", bs.take(), nil)
	eqStrings(t, "peer to unfinalized peer", ucs.take(), nil)
	eqStrings(t, "peer to client", cs.take(), hexes("7d 00 12 <cluster/mailbox/42> 01 02 68 69"))
	// Scope 0, and a Del.
	handle(t, r, a, "7d 00 07 <cluster> 02")
	eqStrings(t, "local del", local.take(), []string{"cluster!del"})
}

func TestPushFromClientGoesEverywhere(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "k/**"), local.fn)
	_, as := finalPeer(t, r, 1, "9e 21 08 62 01 00 03 <k/*>")
	_, bs := finalPeer(t, r, 2)
	_, us := openFace(t, r, wire.Peer, 3)
	us.take()
	c, cs := openFace(t, r, wire.Client, 4)
	handle(t, r, c, "9e 21 08 62 01 00 03 <k/a>") // the client subscribes too: never sent back to it
	as.take()
	bs.take()
	us.take()
	handle(t, r, c, "7d 00 03 <k/a> 01 01 78")
	want := hexes("7d 00 03 <k/a> 01 01 78")
	eqStrings(t, "subscribed peer", as.take(), want)
	eqStrings(t, "peer without subscriber", bs.take(), nil)
	eqStrings(t, "unfinalized peer", us.take(), want)
	eqStrings(t, "back to the client", cs.take(), nil)
	eqStrings(t, "local", local.take(), []string{"k/a=x"})
}

func TestPushForwardKeepsQoSAndTimestamp(t *testing.T) {
	r := New(Config{})
	_, as := finalPeer(t, r, 1, "9e 21 08 62 01 00 01 <k>")
	p := putPush("v")
	p.QoS = wire.NewNetQoS(wire.PriorityRealTime, wire.CongestionBlock, true)
	p.HasTimestamp, p.Timestamp = true, wire.Timestamp{Time: 1 << 32, ID: zid(9)}
	_ = r.Publish(ke(t, "k"), p, wire.BestEffort)
	got := as.takeMsgs(t)
	if len(got) != 1 || got[0].Push.QoS != p.QoS || !got[0].Push.HasTimestamp || got[0].Push.Timestamp != p.Timestamp {
		t.Fatalf("forwarded %+v", got)
	}
	if as.rels != nil {
		t.Fatal("take did not reset")
	}
}

func TestPushDrops(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "**"), local.fn)
	a, _ := finalPeer(t, r, 1, "9e 21 08 20 05 00 01 <a>", "9e 21 08 20 06 00 02 <a/>")
	for _, m := range []string{
		"7d 07 02 </b> 01 01 78",   // unknown scope (M=1)
		"3d 05 02 </b> 01 01 78",   // unknown scope (M=0: our ids; we declared none)
		"7d 00 04 <a//b> 01 01 78", // invalid key
		"7d 00 03 <a/#> 01 01 78",  // invalid key
		"5d 06 01 01 78",           // the prefix "a/" alone is not a key
		"7d 06 01 </> 01 01 78",    // "a//"
	} {
		handle(t, r, a, m)
	}
	eqStrings(t, "delivered", local.take(), nil)
	if st := r.Stats(); st.PushesDropped != 6 {
		t.Fatalf("PushesDropped = %d, want 6", st.PushesDropped)
	}
	handle(t, r, a, "7d 05 02 </b> 01 01 78", "7d 06 01 <b> 01 01 79", "5d 05 01 01 7a")
	eqStrings(t, "delivered", local.take(), []string{"a/b=x", "a/b=y", "a=z"})
}

func TestPushNotDeliveredAfterCloseOrUndeclare(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	s, _ := r.DeclareSubscriber(ke(t, "k"), local.fn)
	a, as := finalPeer(t, r, 1, "9e 21 08 62 01 00 01 <k>")
	_ = s.Undeclare()
	eqStrings(t, "undeclared", as.take(), hexes("9e 21 08 03 01"))
	handle(t, r, a, "7d 00 01 <k> 01 01 78")
	eqStrings(t, "after Undeclare", local.take(), nil)
	r.CloseFace(a)
	r.CloseFace(a) // idempotent
	_ = r.Publish(ke(t, "k"), putPush("x"), wire.Reliable)
	eqStrings(t, "to a closed face", as.take(), nil)
	if err := r.Handle(a, msg(t, "7d 00 01 <k> 01 01 78"), wire.Reliable); err != nil {
		t.Fatalf("Handle on a closed face: %v", err)
	}
	if st := r.Stats(); st.Faces != 0 {
		t.Fatalf("Faces = %d", st.Faces)
	}
}

func TestCallbackPanicRecovered(t *testing.T) {
	r := New(Config{})
	_, _ = r.DeclareSubscriber(ke(t, "k"), func(Sample) { panic("boom") })
	ok := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "k"), ok.fn)
	_ = r.Publish(ke(t, "k"), putPush("x"), wire.Reliable)
	eqStrings(t, "other subscriber", ok.take(), []string{"k=x"})
	if r.Stats().CallbackPanics != 1 {
		t.Fatal("panic not counted")
	}
}

// TestUnguardedSubscriber: an unguarded subscriber gets what a guarded one gets, publications
// from a peer and local ones, counted as delivered, and nothing once undeclared.
func TestUnguardedSubscriber(t *testing.T) {
	r := New(Config{})
	guarded, unguarded := &subRecorder{}, &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "k/*"), guarded.fn)
	u, err := r.DeclareSubscriberUnguarded(ke(t, "k/*"), unguarded.fn)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := finalPeer(t, r, 1)
	if err := r.Handle(a, msg(t, "7d 00 03 <k/a> 01 01 78"), wire.Reliable); err != nil {
		t.Fatal(err)
	}
	_ = r.Publish(ke(t, "k/b"), putPush("y"), wire.Reliable)
	a.EndBatch()
	eqStrings(t, "guarded", guarded.take(), []string{"k/a=x", "k/b=y"})
	eqStrings(t, "unguarded", unguarded.take(), []string{"k/a=x", "k/b=y"})
	if st := r.Stats(); st.PushesDelivered != 4 {
		t.Fatalf("PushesDelivered = %d, want 4", st.PushesDelivered)
	}
	if err := u.Undeclare(); err != nil {
		t.Fatal(err)
	}
	_ = r.Publish(ke(t, "k/c"), putPush("z"), wire.Reliable)
	eqStrings(t, "unguarded after Undeclare", unguarded.take(), nil)
	eqStrings(t, "guarded after the other's Undeclare", guarded.take(), []string{"k/c=z"})
}

func TestPublishRouteFollowsDeclarations(t *testing.T) {
	r := New(Config{})
	pr := r.NewPublisherRoute(ke(t, "cluster/mailbox/42"))
	a, as := finalPeer(t, r, 1)
	p := putPush("hi")
	pub := func() {
		t.Helper()
		if err := r.PublishRoute(pr, p, wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	pub()
	eqStrings(t, "no subscriber yet", as.take(), nil)
	// The peer declares an id for the whole key, then a subscriber with it: the cached route is
	// refreshed and uses the id with no suffix.
	handle(t, r, a, "9e 21 08 20 05 00 12 <cluster/mailbox/42>", "9e 21 08 42 01 05")
	pub()
	eqStrings(t, "by the peer's id", as.take(), hexes("1d 05 01 02 68 69"))
	local := &subRecorder{}
	ls, _ := r.DeclareSubscriber(ke(t, "cluster/*/42"), local.fn)
	as.take() // its declaration
	pub()
	eqStrings(t, "local", local.take(), []string{"cluster/mailbox/42=hi"})
	eqStrings(t, "peer still", as.take(), hexes("1d 05 01 02 68 69"))
	_ = ls.Undeclare()
	as.take()
	handle(t, r, a, "9e 21 08 03 01") // UndeclareSubscriber 1
	pub()
	eqStrings(t, "local gone", local.take(), nil)
	eqStrings(t, "peer gone", as.take(), nil)
}

// TestPushByOurIDFollowsDeclarations: pushes naming only an expression id we declared (Rust's
// pushes to an exact-key subscriber) use the route cached on that id, refreshed after every
// declaration.
func TestPushByOurIDFollowsDeclarations(t *testing.T) {
	r := New(Config{})
	a, as := finalPeer(t, r, 1)
	local := &subRecorder{}
	sub, _ := r.DeclareSubscriber(ke(t, "cluster/mailbox/42"), local.fn)
	// Our declaration: the key as expression id 1, then the subscriber by it.
	eqStrings(t, "declared", as.take(), hexes("9e 21 08 20 01 00 12 <cluster/mailbox/42>", "9e 21 08 42 01 01"))
	byID := "1d 01 01 02 68 69" // Push, scope 1 (ours, M=0), Put "hi"
	handle(t, r, a, byID)
	eqStrings(t, "delivered", local.take(), []string{"cluster/mailbox/42=hi"})
	other := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "cluster/**"), other.fn)
	handle(t, r, a, byID)
	eqStrings(t, "first", local.take(), []string{"cluster/mailbox/42=hi"})
	eqStrings(t, "second, declared after the route was cached", other.take(), []string{"cluster/mailbox/42=hi"})
	_ = sub.Undeclare()
	handle(t, r, a, byID)
	eqStrings(t, "undeclared", local.take(), nil)
	eqStrings(t, "the other still", other.take(), []string{"cluster/mailbox/42=hi"})
}

// TestDeferredCounts: the pushes of a face whose owner defers its counts reach Stats at
// EndBatch, not before; other faces count at once.
func TestDeferredCounts(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "k/**"), local.fn)
	c, cs := openFace(t, r, wire.Client, 1)
	c.DeferCounts()
	_, ps := finalPeer(t, r, 2, "9e 21 08 62 01 00 03 <k/*>")
	cs.take()
	ps.take()
	handle(t, r, c, "7d 00 03 <k/a> 01 01 78")
	handle(t, r, c, "7d 00 03 <k/b> 01 01 79")
	eqStrings(t, "local", local.take(), []string{"k/a=x", "k/b=y"})
	if n := len(ps.take()); n != 2 {
		t.Fatalf("%d pushes to the peer", n)
	}
	if st := r.Stats(); st.PushesRouted != 0 || st.PushesDelivered != 0 || st.PushesSent != 0 {
		t.Fatalf("counted before EndBatch: %+v", st)
	}
	c.EndBatch()
	if st := r.Stats(); st.PushesRouted != 2 || st.PushesDelivered != 2 || st.PushesSent != 2 {
		t.Fatalf("after EndBatch: %+v", st)
	}
	c.EndBatch() // nothing more
	if err := r.Publish(ke(t, "k/c"), putPush("z"), wire.Reliable); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.PushesRouted != 3 || st.PushesDelivered != 3 || st.PushesSent != 3 {
		t.Fatalf("a local publication counts at once: %+v", st)
	}
}
