package routing

import (
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

func TestResolveConsolidation(t *testing.T) {
	for _, tc := range []struct {
		in     wire.ConsolidationMode
		params string
		want   wire.ConsolidationMode
	}{
		{wire.ConsolidationAuto, "", wire.ConsolidationLatest},
		{wire.ConsolidationAuto, "a=1;_time=[now(-1h)..]", wire.ConsolidationNone},
		{wire.ConsolidationAuto, "x_time=1", wire.ConsolidationLatest},
		{wire.ConsolidationNone, "", wire.ConsolidationNone},
		{wire.ConsolidationMonotonic, "_time", wire.ConsolidationMonotonic},
		{wire.ConsolidationLatest, "", wire.ConsolidationLatest},
	} {
		if got := resolveConsolidation(tc.in, []byte(tc.params)); got != tc.want {
			t.Errorf("resolveConsolidation(%v, %q) = %v, want %v", tc.in, tc.params, got, tc.want)
		}
	}
	for _, tc := range []struct {
		params string
		want   bool
	}{{"_anyke", true}, {"a=1;_anyke", true}, {"_anyke=true;b", true}, {"x_anyke", false}, {"", false}, {";;", false}} {
		if got := hasParam([]byte(tc.params), "_anyke"); got != tc.want {
			t.Errorf("hasParam(%q) = %v", tc.params, got)
		}
	}
}

func TestCmpTS(t *testing.T) {
	hi, lo := zid(1), zid(1)
	hi[15] = 1 // little-endian: the last byte is the most significant
	lo[0] = 0xff
	none := optTS{}
	at := func(tm uint64, id wire.ZenohID) optTS { return optTS{true, wire.Timestamp{Time: tm, ID: id}} }
	for _, tc := range []struct {
		a, b optTS
		want int
	}{
		{none, none, 0}, {none, at(0, lo), -1}, {at(0, lo), none, 1},
		{at(1, lo), at(2, lo), -1}, {at(2, lo), at(1, hi), 1},
		{at(1, lo), at(1, hi), -1}, {at(1, hi), at(1, hi), 0},
	} {
		if got := cmpTS(tc.a, tc.b); got != tc.want {
			t.Errorf("cmpTS(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// replyAt is a reply on key with payload and timestamp time tm (0: none).
func replyAt(key, payload string, tm uint64) *wire.Response {
	m := replyPut(key, payload)
	if tm != 0 {
		m.Body.Reply.Body.Put.HasTimestamp = true
		m.Body.Reply.Body.Put.Timestamp = wire.Timestamp{Time: tm, ID: zid(3)}
	}
	return m
}

func TestLocalGetConsolidation(t *testing.T) {
	replies := []*wire.Response{
		replyAt("k/a", "a5", 5), replyAt("k/a", "a3", 3), replyAt("k/b", "b0", 0),
		replyAt("k/a", "a5bis", 5), replyAt("k/b", "b1", 1), replyAt("k/a", "a4", 4),
	}
	for _, tc := range []struct {
		mode        wire.ConsolidationMode
		now, atDone []string
	}{
		{wire.ConsolidationNone, []string{"k/a=a5", "k/a=a3", "k/b=b0", "k/a=a5bis", "k/b=b1", "k/a=a4"}, nil},
		{wire.ConsolidationMonotonic, []string{"k/a=a5", "k/b=b0", "k/a=a5bis", "k/b=b1"}, nil},
		{wire.ConsolidationLatest, nil, []string{"k/a=a5bis", "k/b=b1"}},
		{wire.ConsolidationAuto, nil, []string{"k/a=a5bis", "k/b=b1"}},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			r := New(Config{})
			var held *Query
			_, _ = r.DeclareQueryable(ke(t, "k/**"), false, func(q *Query) { held = q })
			g := &getRec{}
			_ = r.Get(ke(t, "k/*"), getReq(wire.QueryTargetAll, tc.mode, ""), g.handler())
			for _, m := range replies {
				if err := held.Reply(m); err != nil {
					t.Fatal(err)
				}
			}
			got, _ := g.take()
			eqStrings(t, "before the end", got, tc.now)
			held.Finish()
			got, done := g.take()
			eqStrings(t, "at the end", got, tc.atDone)
			if done != 1 {
				t.Fatalf("done = %d", done)
			}
		})
	}
}

func TestLocalGetReplyKeyFilter(t *testing.T) {
	for _, params := range []string{"", "_anyke"} {
		r := New(Config{})
		p, ps := finalPeer(t, r, 1, "9e 21 08 64 01 00 02 <**>")
		g := &getRec{}
		_ = r.Get(ke(t, "k/x"), getReq(wire.QueryTargetAll, wire.ConsolidationNone, params), g.handler())
		ps.take()
		handle(t, r, p, "7b 01 00 03 <z/z> 04 01 01 61", "1b 01 00 05 01 65", "1a 01")
		got, _ := g.take()
		want := []string{"err:e"}
		if params != "" {
			want = []string{"z/z=a", "err:e"}
		}
		eqStrings(t, "replies with "+params, got, want)
	}
}
