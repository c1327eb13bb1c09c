package routing

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
	"pgregory.net/rapid"
)

// viewSender counts the pushes a face receives and keeps the subscriptions declared to it.
type viewSender struct {
	mu     sync.Mutex
	pushes int
	exprs  map[uint16]string
	subs   map[uint32]string
	bad    error
}

func newViewSender() *viewSender {
	return &viewSender{exprs: map[uint16]string{}, subs: map[uint32]string{}}
}

func (s *viewSender) Send(m *wire.NetworkMessage, rel wire.Reliability) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := m.Append(nil); err != nil {
		s.bad = err
	}
	switch m.ID {
	case wire.NetIDPush:
		s.pushes++
	case wire.NetIDDeclare:
		b := &m.Declare.Body
		key := string(b.WireExpr.Suffix)
		if b.WireExpr.Scope != 0 {
			if b.WireExpr.Mapping != wire.MappingSender {
				s.bad = fmt.Errorf("declaration with the receiver's mapping")
			}
			key = s.exprs[b.WireExpr.Scope] + key
		}
		switch b.ID {
		case wire.DeclIDKeyExpr:
			s.exprs[uint16(b.EntityID)] = key
		case wire.DeclIDSubscriber:
			s.subs[b.EntityID] = key
		case wire.DeclIDUndeclSubscriber:
			if _, ok := s.subs[b.EntityID]; !ok {
				s.bad = fmt.Errorf("undeclared unknown subscriber %d", b.EntityID)
			}
			delete(s.subs, b.EntityID)
		}
	}
	return nil
}

func (s *viewSender) takePushes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.pushes
	s.pushes = 0
	return n
}

func (s *viewSender) declared() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range s.subs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	propSubKeys  = []string{"a", "a/b", "a/*", "a/**", "**", "b/c", "*/c", "a/b/c", "a$*", "@x/a", "@x/**"}
	propPushKeys = []string{"a", "a/b", "a/c", "b/c", "a/b/c", "ab", "@x/a", "a/*", "x"}
)

// TestRoutingMatchesModel checks, for random sequences of declarations, undeclarations, face
// reopenings and publications, that every publication reaches exactly the local subscribers
// and remote faces a brute-force model of the peer routing rules says, and that what was
// declared to a peer is exactly the keys of the local session's and clients' subscribers.
func TestRoutingMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := New(Config{})
		kinds := []wire.WhatAmI{wire.Peer, wire.Peer, wire.Peer, wire.Client, wire.Client}
		finalized := []bool{true, true, false, false, false}
		faces := make([]*Face, len(kinds))
		views := make([]*viewSender, len(kinds))
		open := func(i int) {
			views[i] = newViewSender()
			f, err := r.OpenFace(FaceInfo{ZID: zid(byte(i + 1)), WhatAmI: kinds[i]}, views[i])
			if err != nil {
				t.Fatal(err)
			}
			faces[i] = f
			if finalized[i] {
				if err := r.Handle(f, msg(t, "be 00 21 08 1a"), wire.Reliable); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i := range faces {
			open(i)
		}
		type lsub struct {
			s   *Subscriber
			key string
			n   *int
		}
		remote := map[[2]int]string{} // (face, id) -> key
		var locals []lsub
		declMsg := func(id int, key string) *wire.NetworkMessage {
			m := &wire.NetworkMessage{ID: wire.NetIDDeclare}
			m.Declare = wire.Declare{QoS: qosDeclare, Body: wire.DeclareBody{ID: wire.DeclIDSubscriber,
				EntityID: uint32(id), WireExpr: wire.WireExpr{Suffix: []byte(key), Mapping: wire.MappingSender}}}
			return m
		}
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		for range steps {
			switch op := rapid.IntRange(0, 5).Draw(t, "op"); op {
			case 0: // a remote face declares (or re-declares) a subscriber
				f := rapid.IntRange(0, len(faces)-1).Draw(t, "face")
				id := rapid.IntRange(1, 4).Draw(t, "id")
				key := rapid.SampledFrom(propSubKeys).Draw(t, "key")
				if err := r.Handle(faces[f], declMsg(id, key), wire.Reliable); err != nil {
					t.Fatal(err)
				}
				remote[[2]int{f, id}] = key
			case 1: // a remote face undeclares
				f := rapid.IntRange(0, len(faces)-1).Draw(t, "face")
				id := rapid.IntRange(1, 4).Draw(t, "id")
				m := &wire.NetworkMessage{ID: wire.NetIDDeclare}
				m.Declare = wire.Declare{QoS: qosDeclare, Body: wire.DeclareBody{ID: wire.DeclIDUndeclSubscriber, EntityID: uint32(id)}}
				if err := r.Handle(faces[f], m, wire.Reliable); err != nil {
					t.Fatal(err)
				}
				delete(remote, [2]int{f, id})
			case 2: // a local subscriber
				key := rapid.SampledFrom(propSubKeys).Draw(t, "key")
				n := new(int)
				s, err := r.DeclareSubscriber(ke(t, key), func(Sample) { *n++ })
				if err != nil {
					t.Fatal(err)
				}
				locals = append(locals, lsub{s, key, n})
			case 3: // undeclare a local subscriber
				if len(locals) == 0 {
					continue
				}
				i := rapid.IntRange(0, len(locals)-1).Draw(t, "local")
				if err := locals[i].s.Undeclare(); err != nil {
					t.Fatal(err)
				}
				locals = append(locals[:i], locals[i+1:]...)
			case 4: // a face closes and reconnects
				f := rapid.IntRange(0, len(faces)-1).Draw(t, "face")
				r.CloseFace(faces[f])
				for k := range remote {
					if k[0] == f {
						delete(remote, k)
					}
				}
				open(f)
			case 5: // a publication from a face (-1: the local session)
				src := rapid.IntRange(-1, len(faces)-1).Draw(t, "src")
				key := rapid.SampledFrom(propPushKeys).Draw(t, "pushKey")
				for _, v := range views {
					v.takePushes()
				}
				for _, l := range locals {
					*l.n = 0
				}
				srcSouth := src < 0 || kinds[src] == wire.Client
				if src < 0 {
					_ = r.Publish(ke(t, key), putPush("x"), wire.Reliable)
				} else {
					m := &wire.NetworkMessage{ID: wire.NetIDPush}
					m.Push = *putPush("x")
					m.Push.WireExpr = wire.WireExpr{Suffix: []byte(key), Mapping: wire.MappingSender}
					if err := r.Handle(faces[src], m, wire.Reliable); err != nil {
						t.Fatal(err)
					}
				}
				for _, l := range locals {
					want := 0
					if keyexpr.IntersectsString(l.key, key) {
						want = 1
					}
					if *l.n != want {
						t.Fatalf("push %q from %d: local subscriber %q got %d, want %d", key, src, l.key, *l.n, want)
					}
				}
				for d := range faces {
					want := 0
					if d != src {
						matches := false
						for k, sk := range remote {
							if k[0] == d && keyexpr.IntersectsString(sk, key) {
								matches = true
							}
						}
						if (matches && (srcSouth || kinds[d] == wire.Client)) || (srcSouth && !finalized[d] && kinds[d] == wire.Peer) {
							want = 1
						}
					}
					if got := views[d].takePushes(); got != want {
						t.Fatalf("push %q from %d: face %d got %d, want %d (remote subs %v)", key, src, d, got, want, remote)
					}
				}
			}
			// What peers know: the keys of the local and client subscribers, one per key.
			set := map[string]bool{}
			for _, l := range locals {
				set[l.key] = true
			}
			for k, sk := range remote {
				if kinds[k[0]] == wire.Client {
					set[sk] = true
				}
			}
			var want []string
			for k := range set {
				want = append(want, k)
			}
			sort.Strings(want)
			for d := range faces {
				if views[d].bad != nil {
					t.Fatalf("face %d: %v", d, views[d].bad)
				}
				if kinds[d] != wire.Peer {
					continue
				}
				if got := views[d].declared(); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("declared to peer %d: %q, want %q", d, got, want)
				}
			}
		}
	})
}
