package zenoh

import (
	"context"
	"fmt"
	"sort"
	"testing"
)

// livelinessKeys runs a liveliness Get and returns the token keys.
func livelinessKeys(t *testing.T, s *Session, key string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out []string
	for r, err := range s.Liveliness().Get(ctx, key) {
		must(t, err)
		out = append(out, r.Sample.Key)
	}
	sort.Strings(out)
	return out
}

func TestLiveliness(t *testing.T) {
	a, b := pair(t)
	events := newCollector()
	sub, err := b.Liveliness().DeclareSubscriber("group/**", events.add)
	must(t, err)
	defer sub.Close()
	tok, err := a.Liveliness().DeclareToken("group/node/1")
	must(t, err)
	if s := events.wait(t, 1)[0]; s.Key != "group/node/1" || s.Kind != SampleKindPut {
		t.Fatalf("token put: %+v", s)
	}
	local, err := b.Liveliness().DeclareToken("group/node/2")
	must(t, err)
	defer local.Close()
	events.wait(t, 2)
	waitFor(t, "both tokens in a Get", func() bool {
		return fmt.Sprint(livelinessKeys(t, b, "group/**")) == "[group/node/1 group/node/2]"
	})
	waitFor(t, "both tokens in a Get from the other session", func() bool {
		return fmt.Sprint(livelinessKeys(t, a, "group/node/*")) == "[group/node/1 group/node/2]"
	})
	// History: a late subscriber sees the tokens alive.
	hist := newCollector()
	hsub, err := b.Liveliness().DeclareSubscriber("group/**", hist.add, WithHistory(true))
	must(t, err)
	defer hsub.Close()
	if k := keysOf(hist.wait(t, 2)); fmt.Sprint(k) != "[group/node/1 group/node/2]" {
		t.Fatalf("history: %v", k)
	}
	must(t, tok.Close())
	if s := events.wait(t, 3)[2]; s.Key != "group/node/1" || s.Kind != SampleKindDelete {
		t.Fatalf("token delete: %+v", s)
	}
}

// TestLivelinessLostWithSession: a token disappears when its session closes.
func TestLivelinessLostWithSession(t *testing.T) {
	a, b := pair(t)
	ch, err := b.Liveliness().DeclareSubscriberChan("node/**", 8, Block)
	must(t, err)
	defer ch.Close()
	_, err = a.Liveliness().DeclareToken("node/a")
	must(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s, err := ch.Recv(ctx)
	must(t, err)
	if s.Key != "node/a" || s.Kind != SampleKindPut {
		t.Fatalf("put: %+v", s)
	}
	must(t, a.Close())
	s, err = ch.Recv(ctx)
	must(t, err)
	if s.Key != "node/a" || s.Kind != SampleKindDelete {
		t.Fatalf("delete: %+v", s)
	}
}
