package zenoh

import (
	"context"
	"fmt"
	"testing"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
)

// knowsSubscriber reports whether the routing of s knows a subscriber matching key, without
// declaring anything.
func knowsSubscriber(t *testing.T, s *Session, key string) bool {
	t.Helper()
	k, err := keyexpr.New(key)
	must(t, err)
	return s.rt.Matching(k, routing.MatchSubscribers)
}

// TestPublisherMatchingThroughPeer: a Go client's publisher sends the peer it is connected to
// an interest for its key's subscribers (as a Zenoh client does), so its matching status sees
// the subscriber of another client of that peer, declared before and after it and undeclared;
// once answered, its publications reach the peer only while a subscriber matches (write-side
// filtering), and all of them reach the subscriber while it does.
func TestPublisherMatchingThroughPeer(t *testing.T) {
	p, c1, c2 := peerWithClients(t)
	got := newCollector()
	sub, err := c2.DeclareSubscriber("pm/*", got.add)
	must(t, err)
	waitFor(t, "the subscriber at the peer", func() bool {
		return knowsSubscriber(t, p, "pm/a")
	})

	pub, err := c1.DeclarePublisher("pm/a")
	must(t, err)
	defer pub.Close()
	status := make(chan bool, 8)
	_, err = pub.WatchMatching(func(m bool) { status <- m })
	must(t, err)
	if !recv(t, status, "matching with the subscriber declared before") || !pub.Matching() {
		t.Fatal("not matching")
	}
	ctx := context.Background()
	for i := range 3 {
		must(t, pub.Put(ctx, []byte(fmt.Sprint(i))))
	}
	got.wait(t, 3)

	must(t, sub.Close())
	if recv(t, status, "no subscriber") || pub.Matching() {
		t.Fatal("still matching")
	}
	fence := make(chan struct{}, 1)
	fsub, err := p.DeclareSubscriber("pm/fence", func(Sample) { fence <- struct{}{} })
	must(t, err)
	defer fsub.Close()
	before := p.Stats().Routing.PushesRouted
	for i := range 10 {
		must(t, pub.Put(ctx, []byte(fmt.Sprint("none", i))))
	}
	// Another key (no interest covers it: sent to the peer whatever it declared), on the same
	// lane: the pushes before it are in when it arrives.
	must(t, c1.Put(ctx, "pm/fence", []byte("fence")))
	recv(t, fence, "the fence")
	if n := p.Stats().Routing.PushesRouted - before; n != 1 {
		t.Fatalf("the peer routed %d pushes, want only the fence", n)
	}

	sub2, err := c2.DeclareSubscriber("pm/a", got.add)
	must(t, err)
	defer sub2.Close()
	if !recv(t, status, "matching with the subscriber declared after") {
		t.Fatal("not matching")
	}
	must(t, pub.Put(ctx, []byte("again")))
	if s := got.wait(t, 4)[3]; string(s.Payload) != "again" {
		t.Fatalf("after the new subscriber: %q", s.Payload)
	}
}
