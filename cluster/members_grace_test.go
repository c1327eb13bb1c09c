package cluster

import (
	"fmt"
	"io"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

// graceLog lists what a recorder got, but the local node's own member-up: "up 9/1" (node 9,
// incarnation 1), "down 9/1", "resync 9/1 member-down", and event names.
func graceLog(r *recorder) []string {
	out := []string{}
	for _, d := range r.all() {
		switch e := d.Event.(type) {
		case MemberUp:
			if !e.Self {
				out = append(out, fmt.Sprintf("up %v/%x", e.ID, e.Incarnation))
			}
		case MemberDown:
			out = append(out, fmt.Sprintf("down %v/%x", e.ID, e.Incarnation))
		case Resync:
			out = append(out, fmt.Sprintf("resync %v/%x %v", e.From, e.Incarnation, e.Reason))
		default:
			out = append(out, FormatEvent(e))
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.ds = nil
	r.mu.Unlock()
}

// tokenOf declares the liveliness token of node 9, incarnation inc, on the injector's transport.
func (in *injector) tokenOf(inc uint64) io.Closer {
	in.t.Helper()
	tok, err := in.tr.DeclareToken(TokenKey(DefaultKeyPrefix, 9, inc))
	if err != nil {
		in.t.Fatal(err)
	}
	synctest.Wait()
	return tok
}

func (in *injector) drop(tok io.Closer) {
	in.t.Helper()
	if err := tok.Close(); err != nil {
		in.t.Fatal(err)
	}
	synctest.Wait()
}

// leave is node 9's leave envelope after n events of incarnation inc.
func leave(inc, n uint64) Header {
	return Header{Flags: FlagLeave, From: 9, Incarnation: inc, Seq: n + 1}
}

// wantLog checks a recorder's deliveries (see graceLog).
func wantLog(t *testing.T, when string, r *recorder, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := graceLog(r); !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", when, got, want)
	}
}

func isMember(b *Bus, id NodeID, inc uint64) bool {
	for _, m := range b.Members() {
		if m.ID == id && m.Incarnation == inc {
			return true
		}
	}
	return false
}

// TestGraceCleanLeaveIsImmediate: a node that leaves cleanly over the Hub (leave envelope, then
// token) is reported down at once, without a resync and without waiting for the grace.
func TestGraceCleanLeaveIsImmediate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, in, tok := graceFixture(t)
		in.send(leave(1, 1))
		t0 := time.Now()
		in.drop(tok)
		wantLog(t, "clean leave", b.rec, "up 9/1", "queue-refresh q", "down 9/1")
		if d := time.Since(t0); d != 0 {
			t.Errorf("down after %v, want at once", d)
		}
		b.close()
	})
}

// TestGraceKilledNodeResyncedAfterGrace: a node whose token goes without a leave envelope stays a
// member for the grace, then is reported down and resynced, exactly the grace later.
func TestGraceKilledNodeResyncedAfterGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		defer h.Close()
		b := newTestNode(t, h, "b", testConfig(2), WithIncarnation(1))
		in := newInjector(t, h)
		in.tokenOf(1)
		in.send(hdr(1), QueueRefresh{Queue: "q"})
		t0 := time.Now()
		h.Kill("raw") // no lease: its token goes at once
		synctest.Wait()
		time.Sleep(DefaultTokenGrace - time.Nanosecond)
		synctest.Wait()
		wantLog(t, "within the grace", b.rec, "up 9/1", "queue-refresh q")
		if !isMember(b.bus, 9, 1) {
			t.Error("node 9 left the view within the grace")
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		wantLog(t, "after the grace", b.rec, "up 9/1", "queue-refresh q", "down 9/1", "resync 9/1 member-down")
		if d := time.Since(t0); d != DefaultTokenGrace {
			t.Errorf("down after %v, want the grace %v", d, DefaultTokenGrace)
		}
		if isMember(b.bus, 9, 1) {
			t.Error("node 9 still a member after the grace")
		}
		b.close()
	})
}

// TestGraceLeaveAfterToken: the token goes first (as Zenoh may deliver it, ahead of data); the
// leave envelope that arrives within the grace ends it: down at that moment, no resync. One
// that arrives after the grace finds the node already down and resynced.
func TestGraceLeaveAfterToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const late = 100 * time.Millisecond
		b, in, tok := graceFixture(t)
		in.drop(tok)
		time.Sleep(late)
		wantLog(t, "token gone, no leave yet", b.rec, "up 9/1", "queue-refresh q")
		t0 := time.Now()
		in.send(leave(1, 1), CacheInvalidateAll{}) // its last event travels with the leave
		wantLog(t, "leave within the grace", b.rec, "up 9/1", "queue-refresh q", "cache-invalidate-all", "down 9/1")
		if d := time.Since(t0); d != 0 {
			t.Errorf("down %v after the leave envelope, want at once", d)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		wantLog(t, "after the grace", b.rec, "up 9/1", "queue-refresh q", "cache-invalidate-all", "down 9/1")

		// Incarnation 2 leaves too late: it was resynced at the grace, and its late leave changes nothing.
		tok = in.tokenOf(2)
		b.rec.reset()
		in.send(Header{From: 9, Incarnation: 2, Seq: 1}, QueueRefresh{Queue: "r"})
		in.drop(tok)
		time.Sleep(DefaultTokenGrace)
		synctest.Wait()
		in.send(leave(2, 1))
		wantLog(t, "leave after the grace", b.rec, "queue-refresh r", "down 9/2", "resync 9/2 member-down")
		b.close()
	})
}

// TestGraceLeaveAfterTokenWithGap: a leave envelope within the grace that reveals lost events
// resyncs for the gap, and the node goes down cleanly after it (no second resync).
func TestGraceLeaveAfterTokenWithGap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, in, tok := graceFixture(t)
		in.drop(tok)
		in.send(leave(1, 3)) // events 2 and 3 were lost
		time.Sleep(time.Second)
		synctest.Wait()
		wantLog(t, "gap in the leave", b.rec, "up 9/1", "queue-refresh q", "resync 9/1 gap", "down 9/1")
		b.close()
	})
}

// TestGraceTokenBack: a token that comes back within the grace (a flapping link) keeps the node a
// member (no down, no up) but resyncs it once, as its events may have been lost meanwhile.
func TestGraceTokenBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, in, tok := graceFixture(t)
		in.drop(tok)
		time.Sleep(DefaultTokenGrace / 2)
		tok = in.tokenOf(1)
		time.Sleep(time.Second)
		synctest.Wait()
		wantLog(t, "token back within the grace", b.rec, "up 9/1", "queue-refresh q", "resync 9/1 member-up")
		if !isMember(b.bus, 9, 1) {
			t.Error("node 9 not a member")
		}
		// It can still go for good afterwards.
		in.drop(tok)
		time.Sleep(DefaultTokenGrace)
		synctest.Wait()
		wantLog(t, "gone after coming back", b.rec, "up 9/1", "queue-refresh q", "resync 9/1 member-up",
			"down 9/1", "resync 9/1 member-down")
		b.close()
	})
}

// TestGraceRestartWithinGrace: a node restarted within the grace of its crashed incarnation is
// up at once (resynced as a restart); the old incarnation goes down when the grace ends.
func TestGraceRestartWithinGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b, in, tok := graceFixture(t)
		in.drop(tok)
		time.Sleep(DefaultTokenGrace / 2)
		in.tokenOf(2)
		in.send(Header{From: 9, Incarnation: 2, Seq: 1}, QueueRefresh{Queue: "r"})
		wantLog(t, "restarted within the grace", b.rec, "up 9/1", "queue-refresh q",
			"up 9/2", "resync 9/2 restart", "queue-refresh r")
		time.Sleep(DefaultTokenGrace / 2)
		synctest.Wait()
		wantLog(t, "after the grace", b.rec, "up 9/1", "queue-refresh q",
			"up 9/2", "resync 9/2 restart", "queue-refresh r", "down 9/1", "resync 9/1 member-down")
		if !isMember(b.bus, 9, 2) || isMember(b.bus, 9, 1) {
			t.Errorf("members %+v, want incarnation 2 of node 9 only", b.bus.Members())
		}
		b.close()
	})
}

// TestGraceConfigured: ClusterConfig.TokenGrace sets the grace; negative means none, and then a
// leave envelope that arrives after the token is too late.
func TestGraceConfigured(t *testing.T) {
	for _, c := range []struct {
		grace, want time.Duration
	}{{0, DefaultTokenGrace}, {time.Second, time.Second}, {-1, 0}} {
		t.Run(c.grace.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := NewHub(HubOptions{})
				defer h.Close()
				cfg := testConfig(2)
				cfg.TokenGrace = c.grace
				b := newTestNode(t, h, "b", cfg, WithIncarnation(1))
				if got := b.bus.Config().TokenGrace; got != c.want {
					t.Errorf("TokenGrace %v: resolved %v, want %v", c.grace, got, c.want)
				}
				in := newInjector(t, h)
				tok := in.tokenOf(1)
				t0 := time.Now()
				in.drop(tok)
				for i := 0; len(b.rec.of(KindMemberDown)) == 0 && i < 10000; i++ {
					time.Sleep(time.Millisecond)
					synctest.Wait()
				}
				if d := time.Since(t0); d.Round(time.Millisecond) != c.want {
					t.Errorf("TokenGrace %v: down after %v, want %v", c.grace, d, c.want)
				}
				in.send(leave(1, 0))
				if r := b.rec.resyncs(); len(r) != 1 || r[0].Reason != ReasonMemberDown {
					t.Errorf("TokenGrace %v: resyncs %+v, want one member-down", c.grace, r)
				}
				b.close()
			})
		})
	}
}

// TestGraceCloseWhilePending: closing the Bus drops a held-back member-down.
func TestGraceCloseWhilePending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		defer h.Close()
		b := newTestNode(t, h, "b", testConfig(2), WithIncarnation(1))
		in := newInjector(t, h)
		in.drop(in.tokenOf(1))
		b.close()
		time.Sleep(time.Second)
		synctest.Wait()
		wantLog(t, "closed within the grace", b.rec, "up 9/1")
	})
}

// graceFixture starts node b on a hub (closed with the test) and has node 9 (incarnation 1,
// driven by the returned injector) hold a token and send one event; it returns that token.
func graceFixture(t *testing.T) (*testNode, *injector, io.Closer) {
	t.Helper()
	h := NewHub(HubOptions{})
	t.Cleanup(func() { h.Close() })
	b := newTestNode(t, h, "b", testConfig(2), WithIncarnation(1))
	in := newInjector(t, h)
	tok := in.tokenOf(1)
	in.send(hdr(1), QueueRefresh{Queue: "q"})
	return b, in, tok
}
