package routing

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

func TestBadDeclarationsAreDropped(t *testing.T) {
	r := New(Config{})
	live := &liveRec{}
	_, _ = r.DeclareLivelinessSubscriber(ke(t, "**"), false, live.fn)
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "**"), local.fn)
	c, cs := openFace(t, r, wire.Client, 1)
	bad := []string{
		"9e 21 08 62 01 07 02 </a>",        // subscriber: unknown scope
		"9e 21 08 62 02 00 04 <a//b>",      // invalid key
		"9e 21 08 62 03 00 07 <a/**/**>",   // not canonical
		"9e 21 08 64 04 00 03 <a/#>",       // queryable: invalid key
		"9e 21 08 66 05 00 02 <a/>",        // token: invalid key
		"9e 21 08 20 00 00 01 <a>",         // keyexpr id 0
		"9e 21 08 20 01 05 01 <a>",         // keyexpr: unknown scope
		"9e 21 08 03 63",                   // undeclare unknown subscriber
		"9e 21 08 85 63 5f 02 00 00",       // undeclare unknown queryable
		"9e 21 08 87 63 5f 05 01 00 <x/y>", // undeclare unknown token with a key
		"9e 21 08 01 09",                   // undeclare unknown keyexpr
		"be 09 21 08 1a",                   // DeclareFinal for an unknown interest
		"9e 21 08 1a",                      // DeclareFinal without interest id
		"be 09 21 08 66 00 00 01 <x>",      // token answering an unknown interest
	}
	handle(t, r, c, bad...)
	handle(t, r, c, "9e 21 08 20 01 00 01 <a>", "9e 21 08 20 01 00 01 <b>") // remapping: dropped
	if st := r.Stats(); st.DeclarationsDropped != uint64(len(bad)+1) {
		t.Fatalf("DeclarationsDropped = %d, want %d", st.DeclarationsDropped, len(bad)+1)
	}
	eqStrings(t, "liveliness", live.take(), nil)
	// Id 1 still means "a" (the first mapping), used with M=1.
	handle(t, r, c, "7d 01 02 </b> 01 01 78")
	eqStrings(t, "delivered", local.take(), []string{"a/b=x"})
	if c.Err() != nil || cs.count() != 0 {
		t.Fatal("face failed or was answered")
	}
}

func TestLimits(t *testing.T) {
	lim := Limits{MaxKeyExprs: 3, MaxDeclarations: 4, MaxTokens: 2, MaxInterests: 2}
	for _, tc := range []struct {
		name  string
		limit string
		msg   func(i int) string
	}{
		{"keyexprs", "MaxKeyExprs", func(i int) string { return hx("9e 21 08 20") + hexByte(i+1) + hx("00 01 <a>") }},
		{"subscribers", "MaxDeclarations", func(i int) string { return hx("9e 21 08 62") + hexByte(i+1) + hx("00 01 <a>") }},
		{"queryables", "MaxDeclarations", func(i int) string { return hx("9e 21 08 64") + hexByte(i+1) + hx("00 01 <a>") }},
		{"tokens", "MaxTokens", func(i int) string { return hx("9e 21 08 66") + hexByte(i+1) + hx("00 01 <a>") }},
		{"interests", "MaxInterests", func(i int) string { return hx("d9") + hexByte(i+1) + hx("08 21 08") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Config{Limits: lim})
			f, _ := openFace(t, r, wire.Client, 1)
			var err error
			n := 0
			for ; n < 100 && err == nil; n++ {
				err = r.Handle(f, msg(t, tc.msg(n)), wire.Reliable)
			}
			var le *LimitError
			if !errors.Is(err, ErrLimit) || !errors.As(err, &le) || le.Limit != tc.limit {
				t.Fatalf("error %v after %d messages, want %s", err, n, tc.limit)
			}
			if le.Max+1 != n {
				t.Fatalf("failed at message %d, limit %d", n, le.Max)
			}
			// Failed: everything else is refused with the same error until CloseFace.
			if err2 := r.Handle(f, msg(t, "7d 00 01 <a> 01 01 78"), wire.Reliable); err2 != err {
				t.Fatalf("after failure: %v", err2)
			}
			if f.Err() != err || r.Stats().LimitErrors != 1 {
				t.Fatal("failure not recorded")
			}
			r.CloseFace(f)
			if r.subs.len() != 0 || r.qabls.len() != 0 || len(r.keys[kindToken]) != 0 {
				t.Fatal("declarations left after CloseFace")
			}
		})
	}
}

// hexByte is the hex of a one-byte zint.
func hexByte(i int) string { return fmt.Sprintf("%02x", i) }

// TestMillionsOfDeclarations sends a million subscriber declarations with distinct ids: the
// face fails at the default limit and the router holds no more than that.
func TestMillionsOfDeclarations(t *testing.T) {
	r := New(Config{})
	f, _ := openFace(t, r, wire.Peer, 1)
	m := msg(t, "9e 21 08 62 01 00 03 <a/b>")
	failedAt := -1
	for i := range 1_000_000 {
		m.Declare.Body.EntityID = uint32(i + 1)
		if err := r.Handle(f, m, wire.Reliable); err != nil && failedAt < 0 {
			failedAt = i
		}
	}
	if failedAt != DefaultMaxDeclarations {
		t.Fatalf("failed at %d, want %d", failedAt, DefaultMaxDeclarations)
	}
	if n := r.subs.len(); n != DefaultMaxDeclarations {
		t.Fatalf("%d subscribers held", n)
	}
	r.CloseFace(f)
	if n := r.subs.len(); n != 0 || len(r.keys[kindSub]) != 0 {
		t.Fatalf("%d subscribers left", n)
	}
}

func TestRedeclaredIDReplaces(t *testing.T) {
	r := New(Config{})
	local := &subRecorder{}
	_, _ = r.DeclareSubscriber(ke(t, "**"), local.fn)
	c, cs := openFace(t, r, wire.Client, 1)
	handle(t, r, c, "9e 21 08 62 01 00 01 <a>", "9e 21 08 62 01 00 01 <b>")
	if r.subs.len() != 2 { // the local one and c's "b"
		t.Fatalf("%d subscribers", r.subs.len())
	}
	_ = r.Publish(ke(t, "a"), putPush("x"), wire.Reliable)
	_ = r.Publish(ke(t, "b"), putPush("y"), wire.Reliable)
	if got := cs.take(); len(got) != 1 {
		t.Fatalf("client got %q, want only b", got)
	}
}
