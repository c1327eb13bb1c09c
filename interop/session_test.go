package interop

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// shortLease is the lease both sides use in the idle tests: 3 leases pass in 3 s.
const shortLease = time.Second

func leaseCfg(d time.Duration) func(*session.Config) {
	return func(c *session.Config) { c.Lease = d }
}

func zpeerLease(d time.Duration) string {
	return "transport/link/tx/lease=" + itoa(int(d/time.Millisecond))
}

// TestSessionGoDialsZenohIdle: Go dials a real Zenoh peer; with a 1 s lease on both sides and
// no traffic, the transport stays up for 3.5 leases, on both sides.
func TestSessionGoDialsZenohIdle(t *testing.T) {
	p := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, Config: []string{zpeerLease(shortLease)}})
	g := newGoNode(t, leaseCfg(shortLease))
	tr := g.open(p.Locator())
	g.up(time.Second)
	info := tr.Info()
	if info.ZID.String() != p.ZID() || info.WhatAmI != wire.Peer || !info.QoS || info.Patch != 1 || info.Lease != shortLease {
		t.Fatalf("negotiated %+v with %s", info, p.ZID())
	}
	time.Sleep(3*shortLease + shortLease/2) // the assertion is that nothing happens meanwhile
	g.noDown()
	if links := zpeerLinks(t, p, g.m.ZID().String()); len(links) != 1 {
		t.Fatalf("zpeer links to us: %v", links)
	}
	s := tr.Stats()
	if s.RxKeepAlives < 3 || s.TxKeepAlives < 3 || s.Errors != 0 {
		t.Fatalf("stats %+v", s)
	}
	t.Logf("negotiated %+v; stats %+v", info, s)
}

// TestSessionZenohDialsGoIdle: a real Zenoh peer dials Go; same checks.
func TestSessionZenohDialsGoIdle(t *testing.T) {
	g := newGoNode(t, leaseCfg(shortLease))
	loc := g.listen()
	p := StartPeer(t, PeerOptions{Connect: []string{loc}, Config: []string{zpeerLease(shortLease)}})
	tr := g.up(10 * time.Second)
	if tr.ZID().String() != p.ZID() || tr.Info().Lease != shortLease {
		t.Fatalf("negotiated %+v", tr.Info())
	}
	time.Sleep(3*shortLease + shortLease/2)
	g.noDown()
	if links := zpeerLinks(t, p, g.m.ZID().String()); len(links) != 1 {
		t.Fatalf("zpeer links to us: %v", links)
	}
	if s := tr.Stats(); s.RxKeepAlives < 3 || s.TxKeepAlives < 3 {
		t.Fatalf("stats %+v", s)
	}
}

// TestSessionPushToZenoh: a real subscriber's declaration reaches Go, and Push messages Go
// sends reach it: small, 1 MiB (fragmented), and at each priority.
func TestSessionPushToZenoh(t *testing.T) {
	p := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}})
	if err := p.Sub("demo/**"); err != nil {
		t.Fatal(err)
	}
	g := newGoNode(t, nil)
	tr := g.open(p.Locator())
	g.up(time.Second)
	d := g.waitMsg(5*time.Second, "DeclareSubscriber", func(m goMsg) bool { return m.isDecl && m.decl == wire.DeclIDSubscriber })
	if d.key != "demo/**" {
		t.Fatalf("declared %q", d.key)
	}
	send := func(key string, payload []byte, q wire.NetQoS) {
		t.Helper()
		if err := tr.Send(pushMsg(key, payload, q), wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	send("demo/small", []byte("hello"), wire.NetQoSDefault)
	s, err := p.WaitSample("demo/small", 0)
	if err != nil || s.Text != "hello" {
		t.Fatalf("sample %v, %v", s, err)
	}
	big := pattern(1<<20, 5)
	send("demo/big", big, wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false))
	s, err = p.WaitSample("demo/big", 0)
	if err != nil || string(s.Payload) != string(big) {
		t.Fatalf("1 MiB sample: %d bytes, %v", len(s.Payload), err)
	}
	if st := tr.Stats(); st.TxFragments < 16 {
		t.Fatalf("1 MiB went in %d fragments", st.TxFragments)
	}
	for prio := wire.PriorityControl; prio <= wire.PriorityBackground; prio++ {
		key := "demo/prio/" + itoa(int(prio))
		send(key, []byte{byte(prio)}, wire.NewNetQoS(prio, wire.CongestionBlock, false))
		s, err := p.WaitSample(key, 0)
		if err != nil {
			t.Fatalf("priority %d: %v", prio, err)
		}
		// The Zenoh API has no Control priority: a sample sent at Control reads as Data.
		want := max(int(prio), int(wire.PriorityData)*boolInt(prio == wire.PriorityControl))
		if s.PriorityNum != want || len(s.Payload) != 1 || s.Payload[0] != byte(prio) {
			t.Fatalf("priority %d arrived as %d (%s) with %v", prio, s.PriorityNum, s.Priority, s.Payload)
		}
	}
	g.noDown()
}

// TestSessionPushFromZenoh: a real publisher's samples, 1 MiB included, reach Go (which
// declared a subscriber) and are reassembled.
func TestSessionPushFromZenoh(t *testing.T) {
	g := newGoNode(t, nil, "demo/**")
	loc := g.listen()
	p := StartPeer(t, PeerOptions{Connect: []string{loc}})
	tr := g.up(10 * time.Second)
	if err := p.WaitMatching("demo/x", "sub"); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{0, 10, 65535, 1 << 20} {
		if err := p.Put("demo/x", nil, Opts{"size": size}); err != nil {
			t.Fatal(err)
		}
		m := g.waitMsg(10*time.Second, "Push", func(m goMsg) bool { return m.id == wire.NetIDPush && len(m.payload) == size })
		for i, c := range m.payload {
			if c != byte(i) {
				t.Fatalf("byte %d of %d is %d", i, size, c)
			}
		}
	}
	if s := tr.Stats(); s.RxFragments < 16 || s.RxReassembly != 0 {
		t.Fatalf("stats %+v", s)
	}
	g.noDown()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestSessionNegotiation: non-default lease, batch size, SN resolution and QoS on either side,
// with either side dialling. Each case checks what was negotiated and moves small and 200 kB
// messages both ways, 300 of them (past an 8-bit SN space) in order.
func TestSessionNegotiation(t *testing.T) {
	tests := []struct {
		name      string
		goCfg     func(*session.Config)
		zenoh     []string
		batch     int // 0: whatever the link gives
		res       int
		qos       bool
		leaseSeen time.Duration // the zenoh peer's lease as Go sees it
	}{
		{"go batch 8192", func(c *session.Config) { c.BatchSize = 8192 }, nil, 8192, 32, true, 10 * time.Second},
		{"zenoh batch 4096", nil, []string{"transport/link/tx/batch_size=4096"}, 4096, 32, true, 10 * time.Second},
		{"go sn 16 bit", func(c *session.Config) { c.SNResolution = 16 }, nil, 0, 16, true, 10 * time.Second},
		{"zenoh sn 8 bit", nil, []string{`transport/link/tx/sequence_number_resolution="8bit"`}, 0, 8, true, 10 * time.Second},
		{"leases", func(c *session.Config) { c.Lease = 2 * time.Second }, []string{"transport/link/tx/lease=3000"}, 0, 32, true, 3 * time.Second},
		{"zenoh without qos", nil, []string{"transport/unicast/qos/enabled=false"}, 0, 32, false, 10 * time.Second},
		{"go without qos, sn 8 bit", func(c *session.Config) { c.QoS = false; c.SNResolution = 8 }, nil, 0, 8, false, 10 * time.Second},
	}
	for _, tt := range tests {
		for _, goDials := range []bool{true, false} {
			name := tt.name + "/zenoh dials"
			if goDials {
				name = tt.name + "/go dials"
			}
			t.Run(name, func(t *testing.T) {
				g := newGoNode(t, tt.goCfg, "demo/**")
				opts := PeerOptions{Config: tt.zenoh}
				var tr *session.Transport
				var p *Peer
				if goDials {
					opts.Listen = []string{"tcp/127.0.0.1:0"}
					p = StartPeer(t, opts)
					g.open(p.Locator())
					tr = g.up(time.Second)
				} else {
					opts.Connect = []string{g.listen()}
					p = StartPeer(t, opts)
					tr = g.up(10 * time.Second)
				}
				info := tr.Info()
				bits := 8 << info.Resolution.FrameSN()
				if (tt.batch != 0 && info.BatchSize != tt.batch) || bits != tt.res || info.QoS != tt.qos || info.Lease != tt.leaseSeen {
					t.Fatalf("negotiated %+v (sn %d bit)", info, bits)
				}
				// Zenoh → Go.
				if err := p.WaitMatching("demo/z", "sub"); err != nil {
					t.Fatal(err)
				}
				if err := p.Put("demo/z", nil, Opts{"size": 200_000}); err != nil {
					t.Fatal(err)
				}
				g.waitMsg(10*time.Second, "200 kB push", func(m goMsg) bool { return m.key == "demo/z" && len(m.payload) == 200_000 })
				if err := p.Put("demo/seq", nil, Opts{"text": "{i}", "count": 300, "priority": "data_high"}); err != nil {
					t.Fatal(err)
				}
				for i := range 300 {
					want := itoa(i)
					g.waitMsg(10*time.Second, "push "+want, func(m goMsg) bool { return m.key == "demo/seq" && string(m.payload) == want })
				}
				// Go → Zenoh.
				if err := p.Sub("demo/**"); err != nil {
					t.Fatal(err)
				}
				g.waitMsg(5*time.Second, "DeclareSubscriber", func(m goMsg) bool { return m.isDecl && m.decl == wire.DeclIDSubscriber })
				big := pattern(200_000, 9)
				if err := tr.Send(pushMsg("demo/g", big, wire.NewNetQoS(wire.PriorityDataHigh, wire.CongestionBlock, false)), wire.Reliable); err != nil {
					t.Fatal(err)
				}
				s, err := p.WaitSample("demo/g", 0)
				if err != nil || string(s.Payload) != string(big) {
					t.Fatalf("200 kB sample: %d bytes, %v", len(s.Payload), err)
				}
				for i := range 300 {
					q := wire.NewNetQoS(wire.Priority(1+i%7), wire.CongestionBlock, false)
					if err := tr.Send(pushMsg("demo/gseq", []byte(itoa(i)), q), wire.Reliable); err != nil {
						t.Fatal(err)
					}
				}
				got, err := p.Collect(10*time.Second, 300, IsSample("demo/gseq"))
				if err != nil {
					t.Fatal(err)
				}
				if tt.qos {
					// Across priorities order is not kept; within one it is.
					last := map[string]int{}
					for _, e := range got {
						n := atoiT(t, e.Text)
						if n%7+1 != e.PriorityNum {
							t.Fatalf("sample %d at priority %d", n, e.PriorityNum)
						}
						if l, ok := last[e.Priority]; ok && n < l {
							t.Fatalf("priority %s: %d after %d", e.Priority, n, l)
						}
						last[e.Priority] = n
					}
				} else {
					for i, e := range got {
						if e.Text != itoa(i) {
							t.Fatalf("sample %d is %q", i, e.Text)
						}
					}
				}
				if s := tr.Stats(); s.RxDuplicates != 0 || s.RxReassembly != 0 || s.Errors != 0 {
					t.Fatalf("stats %+v", s)
				}
				g.noDown()
			})
		}
	}
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

// fastRetry is a connect schedule short enough for tests: 250 ms, ×2, at most 1 s.
func fastRetry(c *session.Config) {
	c.ConnectRetry = session.Retry{PeriodInit: 250 * time.Millisecond, PeriodMax: time.Second, Factor: 2, Jitter: 0.2}
}

// TestSessionPeerKilled: when the real peer is killed Go notices at once, keeps re-dialling,
// and is connected again within one backoff step of the peer's restart.
func TestSessionPeerKilled(t *testing.T) {
	p := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}})
	g := newGoNode(t, fastRetry)
	if err := g.m.Connect(p.Locator()); err != nil {
		t.Fatal(err)
	}
	first := g.up(10 * time.Second)
	p.Kill()
	killed := time.Now()
	err, at := g.down(2 * time.Second)
	if d := at.Sub(killed); d > 500*time.Millisecond {
		t.Fatalf("noticed the kill after %v (%v)", d, err)
	}
	t.Logf("down %v after the kill: %v", at.Sub(killed), err)
	<-first.Done()
	// Let the backoff reach its cap (0, 250 ms, 500 ms, 1 s, 1 s ...), then restart the peer.
	time.Sleep(2500 * time.Millisecond)
	if err := p.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	tr := g.up(5 * time.Second)
	// One step is at most 1 s; the rest is slack for a loaded 2-core machine.
	if d := time.Since(restarted); d > time.Second+500*time.Millisecond {
		t.Fatalf("reconnected %v after the restart, more than one backoff step", d)
	}
	if tr.ZID().String() != p.ZID() {
		t.Fatalf("connected to %s, want %s", tr.ZID(), p.ZID())
	}
	t.Logf("reconnected %v after the restart", time.Since(restarted))
}

// TestSessionPeerStopped: a SIGSTOPped peer is dropped by lease expiry, within its lease plus
// one keep-alive interval of ours; after SIGCONT Go connects again.
func TestSessionPeerStopped(t *testing.T) {
	const lease = 2 * time.Second
	p := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, Config: []string{zpeerLease(lease)}})
	g := newGoNode(t, func(c *session.Config) { fastRetry(c); c.Lease = lease })
	if err := g.m.Connect(p.Locator()); err != nil {
		t.Fatal(err)
	}
	g.up(10 * time.Second)
	time.Sleep(lease) // steady state: keep-alives both ways
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	err, at := g.down(3 * lease)
	d := at.Sub(stopped)
	if !errors.Is(err, session.ErrLeaseExpired) {
		t.Fatalf("down with %v", err)
	}
	// The last batch from the peer came at most one of its keep-alive intervals (lease/4)
	// before the stop; we close one lease after it, plus scheduling slack.
	if d < lease-lease/4-50*time.Millisecond || d > lease+lease/4+200*time.Millisecond {
		t.Fatalf("expired %v after SIGSTOP; want within lease (%v) + one keep-alive interval", d, lease)
	}
	t.Logf("expired %v after SIGSTOP", d)
	if err := p.Cont(); err != nil {
		t.Fatal(err)
	}
	tr := g.up(10 * time.Second)
	t.Logf("reconnected %v after SIGCONT", time.Since(stopped))
	if tr.ZID().String() != p.ZID() {
		t.Fatal("wrong peer")
	}
}

// TestSessionDualStackListener: Go listens on tcp/[::]:0 and advertises concrete addresses
// only; real peers reach it over IPv4 and over IPv6 loopback. A peer that closes its session
// is seen going with its Close.
func TestSessionDualStackListener(t *testing.T) {
	g := newGoNode(t, nil)
	ln, err := g.m.Listen("tcp/[::]:0")
	if err != nil {
		t.Fatal(err)
	}
	var v4, v6 string
	for _, l := range ln.Locators() {
		if strings.Contains(l, "0.0.0.0") || strings.Contains(l, "[::]") || strings.HasSuffix(l, ":0") {
			t.Fatalf("advertised %q", l)
		}
		switch {
		case strings.HasPrefix(l, "tcp/127.0.0.1:"):
			v4 = l
		case strings.HasPrefix(l, "tcp/[::1]:"):
			v6 = l
		}
	}
	if v4 == "" || v6 == "" {
		t.Fatalf("loopback locators missing from %v", ln.Locators())
	}
	for _, loc := range []string{v4, v6} {
		p := StartPeer(t, PeerOptions{Connect: []string{loc}})
		tr := g.up(10 * time.Second)
		if tr.ZID().String() != p.ZID() || !strings.HasSuffix(tr.Links()[0].Local, strings.TrimPrefix(loc, "tcp/")) {
			t.Fatalf("via %s: %+v", loc, tr.Links())
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		err, _ := g.down(5 * time.Second)
		var ce *session.CloseError
		if !errors.As(err, &ce) || !ce.Remote {
			t.Fatalf("down after the peer's close: %v", err)
		}
	}
}
