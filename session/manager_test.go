package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// node is a Manager on a MemNetwork with a recorder for its transports.
type node struct {
	m    *Manager
	ups  atomic.Int32
	down atomic.Int32
	recs chan *nodePeer
}

type nodePeer struct {
	*recorder
	t *Transport
}

func (n *node) TransportUp(t *Transport) (PeerHandler, error) {
	n.ups.Add(1)
	r := newRecorder()
	np := &nodePeer{r, t}
	select {
	case n.recs <- np:
	default:
	}
	return downCounter{r, n}, nil
}

type downCounter struct {
	*recorder
	n *node
}

func (d downCounter) TransportDown(err error) {
	d.n.down.Add(1)
	d.recorder.TransportDown(err)
}

func newNode(t *testing.T, net *MemNetwork, zid string, mod func(*Config)) *node {
	t.Helper()
	c := DefaultConfig()
	c.ZID = testZID(t, zid)
	c.Logger = discardLog()
	c.ConnectRetry.Jitter = 0
	if mod != nil {
		mod(&c)
	}
	n := &node{recs: make(chan *nodePeer, 64)}
	m, err := NewManager(c, n)
	if err != nil {
		t.Fatal(err)
	}
	m.RegisterProtocol("mem", net)
	n.m = m
	return n
}

func (n *node) only(t *testing.T) *Transport {
	t.Helper()
	ts := n.m.Transports()
	if len(ts) != 1 {
		t.Fatalf("%s has %d transports", n.m.ZID(), len(ts))
	}
	return ts[0]
}

func TestManagerConnectListen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		a := newNode(t, net, "a1", func(c *Config) { c.Listen = []string{"mem/a"} })
		b := newNode(t, net, "b2", func(c *Config) { c.Connect = []string{"mem/a"} })
		if err := a.m.Start(); err != nil {
			t.Fatal(err)
		}
		if err := b.m.Start(); err != nil {
			t.Fatal(err)
		}
		pa, pb := <-a.recs, <-b.recs
		if pa.t.ZID() != b.m.ZID() || pb.t.ZID() != a.m.ZID() {
			t.Fatal("wrong peers")
		}
		if err := pb.t.Send(push("x", []byte("hi"), wire.NetQoSDefault), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		pa.wait(t, 1, time.Second)
		if got := pa.messages()[0]; string(got.payload) != "hi" {
			t.Fatalf("got %+v", got)
		}
		if locs := a.m.Locators(); len(locs) != 1 || locs[0] != "mem/a" {
			t.Fatalf("locators %v", locs)
		}
		b.m.Close()
		if r, ok := ReasonOf(<-pa.downs); !ok || r != ReasonGeneric {
			t.Fatal("a did not see b's Close")
		}
		a.m.Close()
	})
}

// TestReconnect checks the retry schedule on a fake clock: after the peer goes, the dialer
// notices at once, dials again at once, then backs off 1, 2, 4, 4 s, and is back on the first
// attempt after the peer returns.
func TestReconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		var mu sync.Mutex
		var dials []time.Duration
		var refusing atomic.Bool
		start := time.Now()
		net.Refuse = func(addr string) bool {
			mu.Lock()
			dials = append(dials, time.Since(start))
			mu.Unlock()
			return refusing.Load()
		}
		a := newNode(t, net, "a1", func(c *Config) { c.Listen = []string{"mem/a"} })
		b := newNode(t, net, "b2", func(c *Config) { c.Connect = []string{"mem/a"} })
		a.m.Start()
		b.m.Start()
		pb := <-b.recs
		<-a.recs
		time.Sleep(time.Second)
		// a goes away: its transports close and it refuses new links.
		refusing.Store(true)
		mu.Lock()
		start = time.Now()
		dials = nil
		mu.Unlock()
		for _, tr := range a.m.Transports() {
			tr.Abort()
		}
		<-pb.downs
		time.Sleep(11*time.Second + time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		want := []time.Duration{0, 1, 3, 7, 11}
		if len(dials) != len(want) {
			t.Fatalf("dials at %v", dials)
		}
		for i, w := range want {
			if dials[i] != w*time.Second {
				t.Fatalf("dial %d at %v, want %v (all %v)", i, dials[i], w*time.Second, dials)
			}
		}
		// a is back: the next attempt (at 15 s) connects.
		refusing.Store(false)
		mu.Unlock()
		pb = <-b.recs
		mu.Lock()
		if d := time.Since(start); d != 15*time.Second {
			t.Fatalf("reconnected after %v", d)
		}
		if b.ups.Load() != 2 || b.down.Load() != 1 {
			t.Fatalf("ups %d downs %d", b.ups.Load(), b.down.Load())
		}
		b.m.Close()
		a.m.Close()
	})
}

// TestSimultaneousDial has two managers dial each other at the same instant, 100 times: each
// time both end with exactly one transport, on the same single link, that carries messages
// both ways and stays up, and neither saw a transport go down.
func TestSimultaneousDial(t *testing.T) {
	var raced, refused atomic.Int32
	defer func() {
		t.Logf("both links completed in %d rounds; a dial was refused or abandoned in %d", raced.Load(), refused.Load())
	}()
	for i := range 100 {
		zids := [2]string{"a1", "b2"}
		if i%2 == 1 {
			zids = [2]string{"b2", "a1"}
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				net := NewMemNetwork()
				a := newNode(t, net, zids[0], func(c *Config) { c.Listen = []string{"mem/a"}; c.Connect = []string{"mem/b"} })
				b := newNode(t, net, zids[1], func(c *Config) { c.Listen = []string{"mem/b"}; c.Connect = []string{"mem/a"} })
				if _, err := a.m.Listen("mem/a"); err != nil {
					t.Fatal(err)
				}
				if _, err := b.m.Listen("mem/b"); err != nil {
					t.Fatal(err)
				}
				go a.m.Connect("mem/b")
				go b.m.Connect("mem/a")
				// Let handshakes, retirement and a few leases pass.
				time.Sleep(30 * time.Second)
				ta, tb := a.only(t), b.only(t)
				la, lb := ta.Links(), tb.Links()
				if len(la) != 1 || len(lb) != 1 || la[0].Local != lb[0].Remote || la[0].Remote != lb[0].Local {
					t.Fatalf("links a %+v b %+v", la, lb)
				}
				// The surviving link is the one the greater ZenohID dialled.
				if la[0].Outbound != (a.m.ZID().Compare(b.m.ZID()) > 0) {
					t.Fatalf("a kept %+v", la[0])
				}
				if ta.Stats().LinksAttached > 1 || tb.Stats().LinksAttached > 1 {
					raced.Add(1)
				} else {
					refused.Add(1)
				}
				if a.ups.Load() != 1 || b.ups.Load() != 1 || a.down.Load() != 0 || b.down.Load() != 0 {
					t.Fatalf("ups %d/%d downs %d/%d", a.ups.Load(), b.ups.Load(), a.down.Load(), b.down.Load())
				}
				pa, pb := <-a.recs, <-b.recs
				n0a, n0b := len(pa.messages()), len(pb.messages())
				ta.Send(push("ab", nil, wire.NetQoSDefault), wire.Reliable)
				tb.Send(push("ba", nil, wire.NetQoSDefault), wire.Reliable)
				pa.wait(t, 1, time.Second)
				pb.wait(t, 1, time.Second)
				if m := pa.messages()[n0a]; m.key != "ba" {
					t.Fatalf("a got %+v", m)
				}
				if m := pb.messages()[n0b]; m.key != "ab" {
					t.Fatalf("b got %+v", m)
				}
				a.m.Close()
				b.m.Close()
			})
		})
	}
}

func TestManagerLimits(t *testing.T) {
	t.Run("max sessions", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			net := NewMemNetwork()
			a := newNode(t, net, "a1", func(c *Config) { c.MaxSessions = 1 })
			a.m.Listen("mem/a")
			b := newNode(t, net, "b2", nil)
			c := newNode(t, net, "c3", nil)
			if _, err := b.m.Open(t.Context(), "mem/a"); err != nil {
				t.Fatal(err)
			}
			_, err := c.m.Open(t.Context(), "mem/a")
			if r, ok := ReasonOf(err); !ok || r != ReasonMaxSessions {
				t.Fatalf("third node: %v", err)
			}
			// a counts b's transport after sending its OpenAck, so b's Open can return first:
			// let a's goroutines settle before reading its counters.
			synctest.Wait()
			if s := a.m.Stats(); s.Transports != 1 || s.TransportsOpened != 1 || s.LinksRefused != 1 {
				t.Fatalf("stats %+v", s)
			}
			a.m.Close()
			b.m.Close()
			c.m.Close()
		})
	})
	t.Run("self", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			net := NewMemNetwork()
			a := newNode(t, net, "a1", nil)
			a.m.Listen("mem/a")
			_, err := a.m.Open(t.Context(), "mem/a")
			if r, ok := ReasonOf(err); !ok || r != ReasonConnectionToSelf {
				t.Fatalf("self: %v", err)
			}
			a.m.Close()
		})
	})
	t.Run("duplicate dial", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			net := NewMemNetwork()
			a := newNode(t, net, "a1", nil)
			a.m.Listen("mem/a")
			a.m.Listen("mem/a2")
			b := newNode(t, net, "b2", nil)
			t1, err := b.m.Open(t.Context(), "mem/a")
			if err != nil {
				t.Fatal(err)
			}
			// A second endpoint of the same peer gives the same transport, still one link.
			t2, err := b.m.Open(t.Context(), "mem/a2")
			if err != nil || t2 != t1 {
				t.Fatalf("second open: %v %v", t2, err)
			}
			synctest.Wait()
			if n := t1.linkCount(); n != 1 || len(a.m.Transports()) != 1 {
				t.Fatalf("%d links", n)
			}
			a.m.Close()
			b.m.Close()
		})
	})
	t.Run("accept pending", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			net := NewMemNetwork()
			a := newNode(t, net, "a1", func(c *Config) { c.AcceptPending = 2; c.AcceptTimeout = 5 * time.Second })
			a.m.Listen("mem/a")
			// Two silent links take the two slots; a third is closed at once.
			var ls []Link
			for range 2 {
				l, err := net.Dial(t.Context(), MustParseEndpoint("mem/a"))
				if err != nil {
					t.Fatal(err)
				}
				ls = append(ls, l)
			}
			synctest.Wait()
			l3, _ := net.Dial(t.Context(), MustParseEndpoint("mem/a"))
			start := time.Now()
			if _, err := l3.ReadBatch(); err == nil || time.Since(start) != 0 {
				t.Fatalf("third link: %v after %v", err, time.Since(start))
			}
			// The silent ones are dropped at the accept timeout.
			if _, err := ls[0].ReadBatch(); err == nil || time.Since(start) != 5*time.Second {
				t.Fatalf("silent link: %v after %v", err, time.Since(start))
			}
			synctest.Wait()
			if s := a.m.Stats(); s.AcceptsDropped != 1 || s.HandshakesFailed != 2 {
				t.Fatalf("stats %+v", s)
			}
			a.m.Close()
		})
	})
}

func TestManagerCloseIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newNode(t, NewMemNetwork(), "a1", nil)
		a.m.Close()
		a.m.Close()
		if _, err := a.m.Listen("mem/x"); !errors.Is(err, ErrClosed) {
			t.Fatalf("listen after close: %v", err)
		}
	})
}

// TestQuarantineAfterExpiry: after a lease expiry the dialler does not reconnect to that peer
// for one own lease (the peer may still hold the dead link and would take a new one for the
// old session, zenoh#2806); then it does.
func TestQuarantineAfterExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		// A raw acceptor that completes handshakes and then says nothing.
		ac := testConfig(t, "a1")
		ac.Lease = 2 * time.Second
		ln, _ := net.Listen(MustParseEndpoint("mem/a"))
		key := newCookieKey()
		type hs struct {
			at time.Time
			ok bool
		}
		hss := make(chan hs, 16)
		var links []Link
		go func() {
			for {
				l, err := ln.Accept()
				if err != nil {
					return
				}
				links = append(links, l)
				r, err := acceptLink(context.Background(), ac, &key, l)
				if err == nil {
					err = sendOpenAck(ac, r, time.Now().Add(time.Second))
				}
				hss <- hs{time.Now(), err == nil}
			}
		}()
		start := time.Now()
		b := newNode(t, net, "b2", func(c *Config) { c.Lease = 5 * time.Second })
		b.m.Connect("mem/a")
		if h := <-hss; !h.ok || h.at != start {
			t.Fatalf("first handshake %+v", h)
		}
		pb := <-b.recs
		if err := <-pb.downs; !errors.Is(err, ErrLeaseExpired) || time.Since(start) != 2*time.Second {
			t.Fatalf("down %v after %v", err, time.Since(start))
		}
		// The immediate re-dial stops after the InitAck: the peer is in quarantine.
		if h := <-hss; h.ok || h.at != start.Add(2*time.Second) {
			t.Fatalf("second handshake %+v", h)
		}
		// One own lease (5 s) after the expiry, it connects again.
		if h := <-hss; !h.ok || h.at != start.Add(7*time.Second) {
			t.Fatalf("third handshake %+v at %v", h, h.at.Sub(start))
		}
		<-b.recs
		b.m.Close()
		ln.Close()
		for _, l := range links {
			l.Close()
		}
	})
}

func TestHandlerFuncs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		got := make(chan string, 1)
		downs := make(chan error, 1)
		h := HandlerFuncs{
			Network: func(_ *Transport, m *wire.NetworkMessage, _ wire.Reliability) { got <- string(m.Push.WireExpr.Suffix) },
			Down:    func(_ *Transport, err error) { downs <- err },
		}
		ca := DefaultConfig()
		a, err := NewManager(ca, h)
		if err != nil {
			t.Fatal(err)
		}
		a.RegisterProtocol("mem", net)
		a.Listen("mem/a")
		refuse := HandlerFuncs{Up: func(*Transport) error { return errors.New("no thanks") }}
		b, _ := NewManager(DefaultConfig(), refuse)
		b.RegisterProtocol("mem", net)
		if _, err := b.Open(t.Context(), "mem/a"); err == nil {
			t.Fatal("TransportUp's error did not fail Open")
		}
		// b refused in TransportUp: a sees the transport closed with GENERIC.
		if r, ok := ReasonOf(<-downs); !ok || r != ReasonGeneric {
			t.Fatal("a's down")
		}
		c, _ := NewManager(DefaultConfig(), HandlerFuncs{})
		c.RegisterProtocol("mem", net)
		tc, err := c.Open(t.Context(), "mem/a")
		if err != nil {
			t.Fatal(err)
		}
		tc.Send(push("hf", nil, wire.NetQoSDefault), wire.Reliable)
		if k := <-got; k != "hf" {
			t.Fatalf("got %q", k)
		}
		a.Close()
		b.Close()
		c.Close()
	})
}
