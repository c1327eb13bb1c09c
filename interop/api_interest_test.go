package interop

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
	"github.com/gozenoh/zenoh/wire"
)

// apiLivelinessKeys runs a Go liveliness Get to completion and returns the token keys, sorted.
func apiLivelinessKeys(t *testing.T, s *zenoh.Session, key string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*DefaultTimeout)
	defer cancel()
	var keys []string
	for rep, err := range s.Liveliness().Get(ctx, key) {
		if err != nil {
			t.Fatalf("liveliness get %s: %v", key, err)
		}
		keys = append(keys, rep.Sample.Key)
	}
	sort.Strings(keys)
	return keys
}

// apiLivelinessEvents returns the events of a liveliness subscriber as "+key" / "-key".
func apiLivelinessEvents(ss []zenoh.Sample) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		sign := "+"
		if s.Kind == zenoh.SampleKindDelete {
			sign = "-"
		}
		out[i] = sign + s.Key
	}
	return out
}

// TestAPIRouterLiveliness: a Go client and a Go peer connected to a real Zenoh router see the
// liveliness tokens of a real Zenoh client behind that router — which the router declares to
// them only because they send it interests, as Rust does — through a liveliness Get, a
// liveliness subscriber (with and without history), and see them go when that Zenoh process
// is killed. After the router restarts, the interests are sent again and new tokens are seen.
func TestAPIRouterLiveliness(t *testing.T) {
	for _, mode := range []string{"client", "peer"} {
		t.Run(mode, func(t *testing.T) { apiRouterLiveliness(t, mode) })
	}
}

func apiRouterLiveliness(t *testing.T, mode string) {
	router := StartPeer(t, PeerOptions{Mode: "router", Listen: []string{Endpoint(0)}})
	holder := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	apiMust(t, holder.Token("grp/rust/1"))
	s := apiOpen(t, apiConfig(t, mode, router.Locator()))

	if got := fmt.Sprint(apiLivelinessKeys(t, s, "grp/**")); got != "[grp/rust/1]" {
		t.Fatalf("liveliness get through the router: %s", got)
	}
	future := newAPISamples()
	sub, err := s.Liveliness().DeclareSubscriber("grp/**", future.add)
	apiMust(t, err)
	defer sub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*DefaultTimeout)
	defer cancel()
	hist, err := s.Liveliness().DeclareSubscriberChan("grp/rust/*", 8, zenoh.Block, zenoh.WithHistory(true))
	apiMust(t, err)
	defer hist.Close()
	recv := func(what string) string {
		t.Helper()
		smp, err := hist.Recv(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return apiLivelinessEvents([]zenoh.Sample{smp})[0]
	}
	if got := recv("history"); got != "+grp/rust/1" {
		t.Fatalf("history: %s", got)
	}

	// A new token behind the router: both subscribers see it (the one without history sees
	// nothing of the older token).
	apiMust(t, holder.Token("grp/rust/2"))
	if got := fmt.Sprint(apiLivelinessEvents(future.wait(t, 1))); got != "[+grp/rust/2]" {
		t.Fatalf("subscriber without history: %s", got)
	}
	if got := recv("new token"); got != "+grp/rust/2" {
		t.Fatalf("subscriber with history: %s", got)
	}
	// A Go token is seen by the Zenoh client through the router.
	tok, err := s.Liveliness().DeclareToken("grp/go/1")
	apiMust(t, err)
	defer tok.Close()
	future.wait(t, 2) // the local token
	apiWait(t, "the Go token at the Zenoh client", func() bool {
		evs, err := holder.LivelinessGet("grp/**", nil)
		apiMust(t, err)
		// The Zenoh client may get its own tokens twice (its session's and the router's
		// replies): count distinct keys.
		keys := map[string]bool{}
		for _, e := range evs {
			keys[e.Key] = true
		}
		return len(keys) == 3 && keys["grp/go/1"]
	})

	// The holder is killed: its tokens go.
	holder.Kill()
	start := time.Now()
	evs := apiLivelinessEvents(future.wait(t, 4)[2:])
	sort.Strings(evs)
	if fmt.Sprint(evs) != "[-grp/rust/1 -grp/rust/2]" {
		t.Fatalf("after the kill: %v", evs)
	}
	t.Logf("loss of the killed client's tokens seen after %v", time.Since(start))
	gone := []string{recv("kill"), recv("kill")}
	sort.Strings(gone)
	if fmt.Sprint(gone) != "[-grp/rust/1 -grp/rust/2]" {
		t.Fatalf("subscriber with history after the kill: %v", gone)
	}
	if got := fmt.Sprint(apiLivelinessKeys(t, s, "grp/**")); got != "[grp/go/1]" {
		t.Fatalf("liveliness get after the kill: %s", got)
	}

	// The router restarts: the Go session reconnects and sends its interests again, so the
	// tokens of a new client behind it are seen.
	apiMust(t, router.Restart())
	holder2 := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	apiMust(t, holder2.Token("grp/rust/3"))
	deadline := time.Now().Add(3 * DefaultTimeout)
	for {
		ss := future.wait(t, 4)
		if last := ss[len(ss)-1]; last.Key == "grp/rust/3" && last.Kind == zenoh.SampleKindPut {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("token after the router's restart not seen: %v", apiLivelinessEvents(ss))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := recv("after restart"); got != "+grp/rust/3" {
		t.Fatalf("subscriber with history after restart: %s", got)
	}
}

// controlSent returns, as hex, the Interest and Declare messages in one direction of a relayed
// connection, in order.
func controlSent(t *testing.T, s []byte) []string {
	t.Helper()
	var out []string
	eachRelayedNetwork(t, s, func(nm *wire.NetworkMessage, raw []byte) {
		if nm.ID == wire.NetIDInterest || nm.ID == wire.NetIDDeclare {
			out = append(out, hex.EncodeToString(raw))
		}
	})
	return out
}

// eachRelayedNetwork calls fn with every network message (and its bytes) of one direction of a
// relayed connection, in order; a batch still in flight at the end is left out.
func eachRelayedNetwork(t *testing.T, s []byte, fn func(nm *wire.NetworkMessage, raw []byte)) {
	t.Helper()
	for off := 0; off < len(s); {
		batch, n, err := wire.SplitStream(s[off:])
		if err != nil {
			break // a batch still in flight
		}
		off += n
		it := wire.NewBatchIter(batch)
		for k := it.Next(); k != wire.BatchDone; k = it.Next() {
			if k == wire.BatchNetwork {
				fn(it.Network(), it.Raw())
			}
		}
		if err := it.Err(); err != nil {
			t.Fatalf("batch does not decode: %v", err)
		}
	}
}

// interestScenario is what TestInterestBytesAsRust has a node do: a liveliness subscriber with
// history (waiting for the token behind the router), one without, a liveliness get, and the
// end of the second subscriber.
type interestScenario struct {
	lsubHistory func() // declares g/** with history and waits for g/other/1
	lsub        func() // declares h/** without history
	lget        func() // liveliness get g/**, to completion
	unlsub      func() // undeclares h/**
}

// TestInterestBytesAsRust: through a relay to a real Zenoh router, a Go peer and a Go client send
// the router the very bytes a real Zenoh peer and client send for the same liveliness calls:
// DeclareKeyExpr for the non-wild prefix, Interest CurrentFuture/Future/Current K|T restricted
// to (id, "/**"), and Interest Final when a subscriber goes.
func TestInterestBytesAsRust(t *testing.T) {
	Python(t)
	run := func(t *testing.T, node func(endpoint string) interestScenario) []string {
		router := StartPeer(t, PeerOptions{Mode: "router", Listen: []string{Endpoint(0)}})
		other := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
		apiMust(t, other.Token("g/other/1"))
		relay := StartRelay(t, router.Locator())
		sc := node(relay.Endpoint())
		sc.lsubHistory()
		sc.lsub()
		sc.lget()
		sc.unlsub()
		conn, err := relay.WaitConn(0, DefaultTimeout)
		apiMust(t, err)
		var got []string
		apiWait(t, "the Interest Final at the router", func() bool {
			got = controlSent(t, conn.Bytes(ToTarget))
			return len(got) > 0 && strings.HasPrefix(got[len(got)-1], "99")
		})
		return got
	}
	for _, mode := range []string{"peer", "client"} {
		t.Run(mode, func(t *testing.T) {
			rust := run(t, func(ep string) interestScenario {
				p := StartPeer(t, PeerOptions{Mode: mode, Connect: []string{ep}})
				return interestScenario{
					lsubHistory: func() {
						apiMust(t, p.LivelinessSub("g/**", true))
						_, err := p.WaitEvent(DefaultTimeout, IsLiveliness("g/other/1", "put"))
						apiMust(t, err)
					},
					lsub: func() {
						_, err := p.Do(map[string]any{"cmd": "lsub", "key": "h/**", "name": "h"}, 0)
						apiMust(t, err)
					},
					lget: func() {
						// Its result is not checked: only what it sends matters here (a real
						// client's get rarely returns empty in this scenario).
						_, err := p.LivelinessGet("g/**", nil)
						apiMust(t, err)
					},
					unlsub: func() {
						_, err := p.Do(map[string]any{"cmd": "unlsub", "name": "h"}, 0)
						apiMust(t, err)
					},
				}
			})
			var hsub *zenoh.Subscriber
			gozenoh := run(t, func(ep string) interestScenario {
				s := apiOpen(t, apiConfig(t, mode, ep))
				return interestScenario{
					lsubHistory: func() {
						got := newAPISamples()
						_, err := s.Liveliness().DeclareSubscriber("g/**", got.add, zenoh.WithHistory(true))
						apiMust(t, err)
						if e := got.wait(t, 1)[0]; e.Key != "g/other/1" {
							t.Fatalf("history: %+v", e)
						}
					},
					lsub: func() {
						var err error
						hsub, err = s.Liveliness().DeclareSubscriber("h/**", func(zenoh.Sample) {})
						apiMust(t, err)
					},
					lget: func() {
						if got := apiLivelinessKeys(t, s, "g/**"); len(got) != 1 {
							t.Fatalf("Go liveliness get: %v", got)
						}
					},
					unlsub: func() { apiMust(t, hsub.Close()) },
				}
			})
			t.Logf("Zenoh %s sent %q", mode, rust)
			if strings.Join(gozenoh, " ") != strings.Join(rust, " ") {
				t.Fatalf("gozenoh %s sent\n%q\nZenoh sent\n%q", mode, gozenoh, rust)
			}
		})
	}
}
