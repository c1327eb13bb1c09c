package interop

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
	"github.com/gozenoh/zenoh/wire"
)

// pushPayloads returns the payloads of the Put pushes in one direction of a relayed
// connection, in order.
func pushPayloads(t *testing.T, s []byte) []string {
	t.Helper()
	var out []string
	eachRelayedNetwork(t, s, func(nm *wire.NetworkMessage, _ []byte) {
		if nm.ID == wire.NetIDPush && nm.Push.Body.ID == wire.DataIDPut {
			out = append(out, string(nm.Push.Body.Put.Payload))
		}
	})
	return out
}

// waitControl waits until the control messages (Interest, Declare) of one direction of conn
// include one whose hex starts with prefix, and returns them.
func waitControl(t *testing.T, conn *RelayConn, dir Direction, prefix string) []string {
	t.Helper()
	var got []string
	apiWait(t, fmt.Sprintf("%s %s", dir, prefix), func() bool {
		got = controlSent(t, conn.Bytes(dir))
		for _, m := range got {
			if strings.HasPrefix(m, prefix) {
				return true
			}
		}
		return false
	})
	return got
}

// rustSettle is how long a Zenoh process is given to apply a message the relay saw it
// receive, where its API offers no way to wait for the effect (a matching status that
// becomes false, a DeclareFinal applied to its routes).
const rustSettle = 500 * time.Millisecond

// publisherScenario is what TestPublisherInterestBytesAsRust has a node do.
type publisherScenario struct {
	declare     func()                    // declares the publisher on p/a
	answered    func()                    // the router's DeclareFinal arrived: waits until applied
	put         func(payload string)      // publishes with the publisher
	sessionPut  func(key, payload string) // publishes without it
	waitMatch   func()                    // waits until the publisher matches
	waitNoMatch func()                    // waits until it no longer matches
	twin        func()                    // declares and closes a second publisher on p/a
	undeclare   func()                    // closes the publisher
}

// TestPublisherInterestBytesAsRust: through a relay to a real Zenoh router, a Go peer and a Go
// client declaring a publisher send the router the very control bytes a real Zenoh peer and
// client send (DeclareKeyExpr of the key, Interest CurrentFuture K|S restricted to it, nothing
// for a second publisher on the key, Interest Final when the last one closes), and the same
// publications: once the router answered, those on the key go to it only while a subscriber
// behind it matches (write-side filtering), those on other keys always. After the interest
// ended, a Go node sends the key to the router again (Rust keeps filtering and loses the
// publications of a subscriber declared later; see routing/interest_pub.go).
func TestPublisherInterestBytesAsRust(t *testing.T) {
	Python(t)
	type result struct{ control, pushes []string }
	run := func(t *testing.T, node func(endpoint string) publisherScenario) (result, *Peer, *Relay) {
		router := StartPeer(t, PeerOptions{Mode: "router", Listen: []string{Endpoint(0)}})
		other := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
		relay := StartRelay(t, router.Locator())
		sc := node(relay.Endpoint())
		conn, err := relay.WaitConn(0, DefaultTimeout)
		apiMust(t, err)
		sc.declare()
		waitControl(t, conn, FromTarget, "be0121081a") // DeclareFinal(1)
		sc.answered()
		sc.put("nosub-1")
		sc.put("nosub-2")
		sc.sessionPut("p/a", "session-nosub")
		sc.sessionPut("p/b", "other-key")
		apiMust(t, other.Sub("p/*"))
		sc.waitMatch()
		sc.put("withsub")
		if smp, err := other.WaitSample("p/a", DefaultTimeout); err != nil || smp.Text != "withsub" {
			t.Fatalf("subscriber behind the router: %v %v; events %v", smp, err, other.Events())
		}
		apiMust(t, other.Unsub("p/*"))
		waitControl(t, conn, FromTarget, "9e21080301") // UndeclareSubscriber 1
		sc.waitNoMatch()
		sc.put("after-unsub")
		sc.twin()
		sc.undeclare()
		got := waitControl(t, conn, ToTarget, "99")
		// A fence on the data lane: the publications before it were sent, or never will be.
		sc.sessionPut("p/b", "fence")
		apiWait(t, "the fence", func() bool {
			p := pushPayloads(t, conn.Bytes(ToTarget))
			return len(p) > 0 && p[len(p)-1] == "fence"
		})
		return result{control: got, pushes: pushPayloads(t, conn.Bytes(ToTarget))}, other, relay
	}
	for _, mode := range []string{"peer", "client"} {
		t.Run(mode, func(t *testing.T) {
			rust, _, _ := run(t, func(ep string) publisherScenario {
				p := StartPeer(t, PeerOptions{Mode: mode, Connect: []string{ep}})
				pub := func(name, text string, count int, wait bool) {
					t.Helper()
					opts := Opts{"name": name, "count": count}
					if text != "" {
						opts["text"] = text
					}
					if wait {
						opts["wait_matching"] = true
					}
					apiMust(t, p.Pub("p/a", opts))
				}
				unpub := func(name string) {
					t.Helper()
					_, err := p.Do(map[string]any{"cmd": "unpub", "name": name}, 0)
					apiMust(t, err)
				}
				return publisherScenario{
					declare:     func() { pub("main", "", 0, false) },
					answered:    func() { time.Sleep(rustSettle) },
					put:         func(s string) { pub("main", s, 1, false) },
					sessionPut:  func(k, s string) { apiMust(t, p.Put(k, []byte(s), nil)) },
					waitMatch:   func() { pub("main", "", 0, true) },
					waitNoMatch: func() { time.Sleep(rustSettle) },
					twin:        func() { pub("twin", "", 0, false); unpub("twin") },
					undeclare:   func() { unpub("main") },
				}
			})
			var goPub *zenoh.Publisher
			var goSession *zenoh.Session
			gozenoh, other, relay := run(t, func(ep string) publisherScenario {
				s := apiOpen(t, apiConfig(t, mode, ep))
				goSession = s
				ctx := context.Background()
				return publisherScenario{
					declare: func() {
						var err error
						goPub, err = s.DeclarePublisher("p/a")
						apiMust(t, err)
					},
					answered:    func() { time.Sleep(rustSettle) },
					put:         func(v string) { apiMust(t, goPub.Put(ctx, []byte(v))) },
					sessionPut:  func(k, v string) { apiMust(t, s.Put(ctx, k, []byte(v))) },
					waitMatch:   func() { apiWait(t, "matching", goPub.Matching) },
					waitNoMatch: func() { apiWait(t, "not matching", func() bool { return !goPub.Matching() }) },
					twin: func() {
						p2, err := s.DeclarePublisher("p/a")
						apiMust(t, err)
						apiMust(t, p2.Close())
					},
					undeclare: func() { apiMust(t, goPub.Close()) },
				}
			})
			t.Logf("Zenoh %s sent %q, pushes %q", mode, rust.control, rust.pushes)
			if strings.Join(gozenoh.control, " ") != strings.Join(rust.control, " ") {
				t.Fatalf("gozenoh %s sent\n%q\nZenoh sent\n%q", mode, gozenoh.control, rust.control)
			}
			if want := "[other-key withsub fence]"; fmt.Sprint(rust.pushes) != want {
				t.Fatalf("Zenoh %s pushed %q, want %s", mode, rust.pushes, want)
			}
			if fmt.Sprint(gozenoh.pushes) != fmt.Sprint(rust.pushes) {
				t.Fatalf("gozenoh %s pushed %q, Zenoh %q", mode, gozenoh.pushes, rust.pushes)
			}

			// The interest ended: the key goes to the router again (Rust would keep it back), so
			// a subscriber declared now gets the publications (retried until the router knows
			// the new subscriber: Go no longer hears of it).
			conn, _ := relay.WaitConn(0, DefaultTimeout)
			ctx := context.Background()
			apiMust(t, goSession.Put(ctx, "p/a", []byte("after-unpub")))
			apiWait(t, "the push after the interest ended", func() bool {
				p := pushPayloads(t, conn.Bytes(ToTarget))
				return p[len(p)-1] == "after-unpub"
			})
			apiMust(t, other.Sub("p/a"))
			deadline := time.Now().Add(DefaultTimeout)
			for i := 0; ; i++ {
				v := fmt.Sprint("late-", i)
				apiMust(t, goSession.Put(ctx, "p/a", []byte(v)))
				if smp, err := other.WaitSample("p/a", 100*time.Millisecond); err == nil {
					if !strings.HasPrefix(smp.Text, "late-") {
						t.Fatalf("late subscriber got %q", smp.Text)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("a subscriber declared after the interest ended gets nothing")
				}
			}
		})
	}
}

// TestAPIPublisherMatchingThroughRouter: a Go client and a Go peer connected (through a relay
// that counts what they send) to a real Zenoh router see, through their publisher's matching
// status, the subscriber of a real Zenoh client behind the router, declared before and after
// the publisher, undeclared, and gone with its killed process; while nothing matches, no
// publication reaches the router (write-side filtering), and while one does, they all reach
// the subscriber.
func TestAPIPublisherMatchingThroughRouter(t *testing.T) {
	Python(t)
	for _, mode := range []string{"client", "peer"} {
		t.Run(mode, func(t *testing.T) { apiPublisherMatching(t, mode) })
	}
}

func apiPublisherMatching(t *testing.T, mode string) {
	router := StartPeer(t, PeerOptions{Mode: "router", Listen: []string{Endpoint(0)}})
	sub1 := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	apiMust(t, sub1.Sub("m/*"))
	relay := StartRelay(t, router.Locator())
	s := apiOpen(t, apiConfig(t, mode, relay.Endpoint()))
	conn, err := relay.WaitConn(0, DefaultTimeout)
	apiMust(t, err)
	ctx := context.Background()

	pub, err := s.DeclarePublisher("m/a")
	apiMust(t, err)
	defer pub.Close()
	status := make(chan bool, 16)
	_, err = pub.WatchMatching(func(m bool) { status <- m })
	apiMust(t, err)
	expect := func(what string, want bool) {
		t.Helper()
		select {
		case got := <-status:
			if got != want || pub.Matching() != want {
				t.Fatalf("%s: matching %v (Matching %v), want %v", what, got, pub.Matching(), want)
			}
		case <-time.After(DefaultTimeout):
			t.Fatalf("%s: no matching status", what)
		}
	}
	pushed := func() int { return len(pushPayloads(t, conn.Bytes(ToTarget))) }
	putAll := func(prefix string, n int) {
		t.Helper()
		for i := range n {
			apiMust(t, pub.Put(ctx, []byte(fmt.Sprintf("%s-%d", prefix, i))))
		}
	}
	received := func(p *Peer, prefix string, n int) {
		t.Helper()
		evs, err := p.Collect(DefaultTimeout, n, func(e Event) bool {
			return e.Event == "sample" && strings.HasPrefix(e.Text, prefix)
		})
		if err != nil || len(evs) != n {
			t.Fatalf("%s: %d of %d samples: %v", prefix, len(evs), n, err)
		}
	}

	expect("subscriber declared before the publisher", true)
	putAll("one", 5)
	received(sub1, "one", 5)
	if n := pushed(); n != 5 {
		t.Fatalf("%d pushes to the router, want 5", n)
	}

	apiMust(t, sub1.Unsub("m/*"))
	expect("subscriber undeclared", false)
	putAll("none", 20)
	apiMust(t, s.Put(ctx, "m/other", []byte("unfiltered"))) // another key: still sent
	apiWait(t, "the other key's push", func() bool { return pushed() > 5 })
	if got := pushPayloads(t, conn.Bytes(ToTarget))[5:]; fmt.Sprint(got) != "[unfiltered]" {
		t.Fatalf("pushes to the router with no subscriber: %q", got)
	}

	sub2 := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	apiMust(t, sub2.Sub("m/a"))
	expect("subscriber declared after the publisher", true)
	putAll("two", 5)
	received(sub2, "two", 5)
	sub2.Kill()
	expect("subscriber's process killed", false)
	before := pushed()
	putAll("dead", 20)
	apiMust(t, pub.Put(ctx, []byte("fence")))
	apiMust(t, s.Put(ctx, "m/other", []byte("fence-other")))
	apiWait(t, "the fence", func() bool { return pushed() > before })
	if got := pushPayloads(t, conn.Bytes(ToTarget))[before:]; fmt.Sprint(got) != "[fence-other]" {
		t.Fatalf("pushes to the router with no subscriber: %q", got)
	}
	t.Logf("control sent to the router: %q", controlSent(t, conn.Bytes(ToTarget)))

	// A second subscriber on the router side matches again, and the publisher's close ends the
	// interest (Interest Final).
	sub3 := StartPeer(t, PeerOptions{Mode: "client", Connect: []string{router.Locator()}})
	apiMust(t, sub3.Sub("m/**"))
	expect("third subscriber", true)
	apiMust(t, pub.Close())
	final := waitControl(t, conn, ToTarget, "99")
	if last := final[len(final)-1]; !strings.HasPrefix(last, "99") {
		t.Fatalf("last control message %s", last)
	}
}
