package zenoh

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// TestPublisherSpareMessageCleared: after publications with every option, the message a
// publisher keeps between calls is back to zero (but for its ID), so nothing of a publication
// leaks into the next one or stays referenced.
func TestPublisherSpareMessageCleared(t *testing.T) {
	s := openTest(t, testConfig(t))
	pub, err := s.DeclarePublisher("spare/k")
	must(t, err)
	ctx := context.Background()
	ts := NewTimestamp(time.Now(), s.ZID())
	must(t, pub.Put(ctx, []byte("x"), WithAttachment([]byte("a")), WithTimestamp(ts),
		WithEncoding(EncodingTextPlain.WithSchema("s")), WithPriority(PriorityRealTime), WithExpress(true)))
	must(t, pub.Delete(ctx, WithAttachment([]byte("a")), WithTimestamp(ts)))
	must(t, pub.Put(ctx, []byte("y")))
	m := pub.spare.Load()
	if m == nil {
		t.Fatal("no spare message")
	}
	if want := (wire.NetworkMessage{ID: wire.NetIDPush}); !reflect.DeepEqual(*m, want) {
		t.Fatalf("spare message not cleared: %+v", m.Push)
	}
}
