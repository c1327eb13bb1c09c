package routing

import (
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// The bytes below are those a Rust zenoh 1.x peer exchanges (docs/zenoh-wire-network.md §4,
// §10; the captures of wire/network_golden_test.go): a Declare always starts 9e 21 08 (QoS
// 0x08), DeclareFinal(0) is be 00 21 08 1a.

func TestOpenPeerSendsDeclarationsAsRust(t *testing.T) {
	r := New(Config{})
	sub := &subRecorder{}
	if _, err := r.DeclareSubscriber(ke(t, "cluster/**"), sub.fn); err != nil {
		t.Fatal(err)
	}
	if _, err := r.DeclareSubscriber(ke(t, "cluster/**"), sub.fn); err != nil { // same key: one declaration
		t.Fatal(err)
	}
	if _, err := r.DeclareQueryable(ke(t, "cluster/q"), true, func(*Query) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.DeclareToken(ke(t, "group/a")); err != nil {
		t.Fatal(err)
	}
	_, s := openFace(t, r, wire.Peer, 1)
	eqStrings(t, "sent on open", s.take(), hexes(
		"9e 21 08 20 01 00 07 <cluster>", // DeclareKeyExpr id 1 = the non-wild prefix
		"9e 21 08 62 01 01 03 </**>",     // DeclareSubscriber id 1 (1, "/**", M=1)  (doc §10.2)
		"9e 21 08 20 02 00 09 <cluster/q>",
		"9e 21 08 c4 02 02 21 01", // DeclareQueryable id 2 scope 2 (M=1, no suffix), complete
		"9e 21 08 20 03 00 07 <group/a>",
		"9e 21 08 46 03 03", // DeclareToken id 3 scope 3 (as the capture "declare-token-scope-only")
		"be 00 21 08 1a",    // DeclareFinal(0)
	))
}

func TestOpenPeerNothingDeclared(t *testing.T) {
	r := New(Config{})
	_, s := openFace(t, r, wire.Peer, 1)
	eqStrings(t, "sent on open", s.take(), hexes("be 00 21 08 1a"))
}

func TestOpenClientAndRouter(t *testing.T) {
	r := New(Config{})
	if _, err := r.DeclareSubscriber(ke(t, "**"), func(Sample) {}); err != nil {
		t.Fatal(err)
	}
	_, cs := openFace(t, r, wire.Client, 1)
	eqStrings(t, "sent to a client", cs.take(), nil)
	_, rs := openFace(t, r, wire.Router, 2)
	// "**" has no non-wild prefix: sent in full, scope 0, M=1 (62 = M|02, N flag 0x20 too).
	eqStrings(t, "sent to a router", rs.take(), hexes("9e 21 08 62 01 00 02 <**>"))
	if _, err := r.OpenFace(FaceInfo{ZID: zid(3), WhatAmI: 0}, &fakeSender{}); err == nil {
		t.Fatal("OpenFace accepted WhatAmI 0")
	}
}

func TestDeclarationsFollowAfterOpen(t *testing.T) {
	r := New(Config{})
	_, s := openFace(t, r, wire.Peer, 1)
	s.take()
	a, _ := r.DeclareSubscriber(ke(t, "a/b"), func(Sample) {})
	b, _ := r.DeclareSubscriber(ke(t, "a/b"), func(Sample) {})
	q, _ := r.DeclareQueryable(ke(t, "a/*"), false, func(*Query) {})
	tok, _ := r.DeclareToken(ke(t, "a/b"))
	eqStrings(t, "declarations", s.take(), hexes(
		"9e 21 08 20 01 00 03 <a/b>",
		"9e 21 08 42 01 01", // DeclareSubscriber id 1, scope 1, M=1, no suffix
		"9e 21 08 20 02 00 01 <a>",
		"9e 21 08 64 02 02 02 </*>", // DeclareQueryable id 2 (2, "/*"), not complete: no info ext
		"9e 21 08 46 03 01",         // DeclareToken id 3 reuses expression id 1 = "a/b"
	))
	if err := a.Undeclare(); err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "undeclaring one of two subscribers", s.take(), nil)
	if err := a.Undeclare(); err != ErrUndeclared {
		t.Fatalf("second Undeclare: %v, want ErrUndeclared", err)
	}
	_ = b.Undeclare()
	_ = q.Undeclare()
	_ = tok.Undeclare()
	eqStrings(t, "undeclarations", s.take(), hexes(
		"9e 21 08 03 01",             // UndeclareSubscriber: no extension
		"9e 21 08 85 02 5f 02 00 00", // UndeclareQueryable: null wire expression ext
		"9e 21 08 87 03 5f 02 00 00", // UndeclareToken: likewise
	))
}

func TestDeclKeyUsesTheRemoteID(t *testing.T) {
	r := New(Config{})
	f, s := openFace(t, r, wire.Peer, 1)
	s.take()
	// The Rust peer declares "cluster" as its id 1 (its own mapping).
	handle(t, r, f, "9e 21 08 20 01 00 07 <cluster>", "9e 21 08 62 01 01 03 </**>", "be 00 21 08 1a")
	_, _ = r.DeclareSubscriber(ke(t, "cluster/*"), func(Sample) {})
	_, _ = r.DeclareSubscriber(ke(t, "cluster/x/**"), func(Sample) {})
	eqStrings(t, "declarations", s.take(), hexes(
		"9e 21 08 22 01 01 02 </*>",        // (1, "/*", M=0): the receiver's id
		"9e 21 08 20 02 00 09 <cluster/x>", // id 2: the smallest free in both directions
		"9e 21 08 62 02 02 03 </**>",
	))
}

func TestDeclarationsToClientsNeedInterest(t *testing.T) {
	r := New(Config{})
	p, _ := finalPeer(t, r, 1)
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, p, "9e 21 08 62 01 00 03 <x/a>") // a peer's subscriber: not told to the client yet
	eqStrings(t, "before interest", cs.take(), nil)
	// Client: Interest CurrentFuture, S, restricted to x/** (f9 = Z|CurrentFuture|0x19).
	handle(t, r, c, "f9 07 72 00 04 <x/**> 21 08")
	eqStrings(t, "current answer", cs.take(), hexes(
		"be 07 21 08 62 01 00 03 <x/a>", // tagged with the interest id; full key to a client
		"be 07 21 08 1a",
	))
	handle(t, r, p, "9e 21 08 62 02 00 03 <x/b>", "9e 21 08 62 03 00 03 <y/b>")
	eqStrings(t, "future declaration", cs.take(), hexes("9e 21 08 62 02 00 03 <x/b>"))
	handle(t, r, p, "9e 21 08 03 01")
	eqStrings(t, "future undeclaration", cs.take(), hexes("9e 21 08 03 01"))
	handle(t, r, c, "99 07 21 08") // Interest Final
	handle(t, r, p, "9e 21 08 62 04 00 03 <x/c>")
	eqStrings(t, "after Final", cs.take(), nil)
}

func TestClientDeclarationsPushedToPeers(t *testing.T) {
	r := New(Config{})
	_, ps := finalPeer(t, r, 1)
	c, _ := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "9e 21 08 62 05 00 03 <k/a>")
	eqStrings(t, "to the peer", ps.take(), hexes("9e 21 08 20 01 00 03 <k/a>", "9e 21 08 42 01 01"))
	r.CloseFace(c)
	eqStrings(t, "client closed", ps.take(), hexes("9e 21 08 03 01"))
}

func TestPeerDeclarationsNotRelayedToPeers(t *testing.T) {
	r := New(Config{})
	a, _ := finalPeer(t, r, 1)
	_, bs := finalPeer(t, r, 2)
	handle(t, r, a, "9e 21 08 62 01 00 03 <k/a>", "9e 21 08 66 02 00 03 <k/t>", "9e 21 08 64 03 00 03 <k/q>")
	eqStrings(t, "relayed to another peer", bs.take(), nil)
	_, cs := openFace(t, r, wire.Peer, 3)
	eqStrings(t, "a new peer is told", cs.take(), hexes("be 00 21 08 1a"))
}

func TestClientInterestFinalForgetsSilently(t *testing.T) {
	r := New(Config{})
	p, _ := finalPeer(t, r, 1)
	c, cs := openFace(t, r, wire.Client, 2)
	handle(t, r, c, "f9 07 72 00 04 <x/**> 21 08")
	handle(t, r, p, "9e 21 08 62 01 00 03 <x/a>")
	cs.take()
	handle(t, r, c, "99 07 21 08")
	handle(t, r, p, "9e 21 08 62 02 00 03 <x/a>", "9e 21 08 03 01", "9e 21 08 03 02")
	eqStrings(t, "after Final", cs.take(), nil)
	// A new interest starts afresh.
	handle(t, r, c, "d9 08 72 00 04 <x/**> 21 08") // Future only
	handle(t, r, p, "9e 21 08 62 03 00 03 <x/b>")
	eqStrings(t, "future", cs.take(), hexes("9e 21 08 62 02 00 03 <x/b>"))
}

func TestClosedRouter(t *testing.T) {
	r := New(Config{})
	f, _ := openFace(t, r, wire.Peer, 1)
	r.Close()
	r.Close()
	if err := r.Publish(ke(t, "a"), putPush("x"), wire.Reliable); err != ErrClosed {
		t.Fatalf("Publish: %v", err)
	}
	if err := r.Get(ke(t, "a"), getReq(0, 0, ""), GetHandler{}); err != ErrClosed {
		t.Fatalf("Get: %v", err)
	}
	if _, err := r.DeclareSubscriber(ke(t, "a"), func(Sample) {}); err != ErrClosed {
		t.Fatalf("DeclareSubscriber: %v", err)
	}
	if _, err := r.OpenFace(FaceInfo{ZID: zid(2), WhatAmI: wire.Peer}, &fakeSender{}); err != ErrClosed {
		t.Fatalf("OpenFace: %v", err)
	}
	if err := r.Handle(f, msg(t, "7d 00 01 <a> 01 01 78"), wire.Reliable); err != nil {
		t.Fatalf("Handle: %v", err)
	}
}
