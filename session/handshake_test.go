package session

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

func testZID(t testing.TB, s string) wire.ZenohID {
	t.Helper()
	id, err := wire.ParseZenohID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func testConfig(t testing.TB, zid string) *Config {
	c := DefaultConfig()
	c.ZID = testZID(t, zid)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

type hsOut struct {
	r   *hsResult
	err error
}

// handshakePair runs opener and acceptor over a MemPipe of the given MTU.
func handshakePair(t *testing.T, oc, ac *Config, mtu int) (o, a hsOut) {
	t.Helper()
	lo, la := MemPipe("mem/o", "mem/a", mtu)
	key := newCookieKey()
	done := make(chan hsOut)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), ac.AcceptTimeout)
		defer cancel()
		r, err := acceptLink(ctx, ac, &key, la)
		if err == nil {
			err = sendOpenAck(ac, r, time.Now().Add(time.Second))
		}
		done <- hsOut{r, err}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), oc.OpenTimeout)
	defer cancel()
	r, err := openLink(ctx, oc, lo, nil)
	return hsOut{r, err}, <-done
}

func TestHandshakeDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1b2c3d4e5f60718"), testConfig(t, "2fd01c9e7b3a4c55a6e1f0d2c3b4a596")
		o, a := handshakePair(t, oc, ac, tcpMTU)
		if o.err != nil || a.err != nil {
			t.Fatalf("opener %v, acceptor %v", o.err, a.err)
		}
		if o.r.ZID != ac.ZID || a.r.ZID != oc.ZID || o.r.WhatAmI != wire.Peer {
			t.Fatalf("zids: %v %v", o.r.ZID, a.r.ZID)
		}
		for _, r := range []*hsResult{o.r, a.r} {
			if !r.QoS || r.Patch != 1 || r.BatchSize != 65535 || r.Resolution != wire.DefaultResolution || r.Lease != 10*time.Second {
				t.Fatalf("negotiated %+v", r.PeerInfo)
			}
		}
		// The initial SNs are Rust's SHAKE128 values (zenoh-wire-transport.md §5.6).
		if o.r.ourSN != 0x06EDDE63 || a.r.peerSN != 0x06EDDE63 || a.r.ourSN != 0x0EF602A6 || o.r.peerSN != 0x0EF602A6 {
			t.Fatalf("SNs: opener %#x/%#x acceptor %#x/%#x", o.r.ourSN, o.r.peerSN, a.r.ourSN, a.r.peerSN)
		}
		if !o.r.outbound || a.r.outbound {
			t.Fatal("directions")
		}
	})
}

func TestHandshakeNegotiation(t *testing.T) {
	tests := []struct {
		name       string
		o, a       func(*Config)
		mtu        int
		wantBatch  int
		wantQoS    bool
		wantRes    int
		wantLeaseO time.Duration // the acceptor's lease, as the opener sees it
		wantLeaseA time.Duration
	}{
		{"batch min opener", func(c *Config) { c.BatchSize = 8192 }, nil, tcpMTU, 8192, true, 32, 10 * time.Second, 10 * time.Second},
		{"batch min acceptor", nil, func(c *Config) { c.BatchSize = 1000 }, tcpMTU, 1000, true, 32, 10 * time.Second, 10 * time.Second},
		{"batch min mtu", nil, nil, 4000, 4000, true, 32, 10 * time.Second, 10 * time.Second},
		{"qos off opener", func(c *Config) { c.QoS = false }, nil, tcpMTU, 65535, false, 32, 10 * time.Second, 10 * time.Second},
		{"qos off acceptor", nil, func(c *Config) { c.QoS = false }, tcpMTU, 65535, false, 32, 10 * time.Second, 10 * time.Second},
		{"sn 16 acceptor", nil, func(c *Config) { c.SNResolution = 16 }, tcpMTU, 65535, true, 16, 10 * time.Second, 10 * time.Second},
		{"sn 8 opener", func(c *Config) { c.SNResolution = 8 }, nil, tcpMTU, 65535, true, 8, 10 * time.Second, 10 * time.Second},
		{"leases", func(c *Config) { c.Lease = 1500 * time.Millisecond }, func(c *Config) { c.Lease = 3 * time.Second }, tcpMTU, 65535, true, 32, 3 * time.Second, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
				if tt.o != nil {
					tt.o(oc)
				}
				if tt.a != nil {
					tt.a(ac)
				}
				o, a := handshakePair(t, oc, ac, tt.mtu)
				if o.err != nil || a.err != nil {
					t.Fatalf("opener %v, acceptor %v", o.err, a.err)
				}
				for i, r := range []*hsResult{o.r, a.r} {
					if r.BatchSize != tt.wantBatch || r.QoS != tt.wantQoS || resolutionBits(uint8(r.Resolution.FrameSN())) != tt.wantRes {
						t.Fatalf("side %d negotiated %+v", i, r.PeerInfo)
					}
					if r.ourSN&^r.snMask() != 0 || r.peerSN&^r.snMask() != 0 {
						t.Fatalf("SN above mask: %+v", r)
					}
				}
				if o.r.Lease != tt.wantLeaseO || a.r.Lease != tt.wantLeaseA {
					t.Fatalf("leases %v %v", o.r.Lease, a.r.Lease)
				}
			})
		})
	}
}

// rawPeer drives one end of a pipe message by message.
type rawPeer struct {
	t *testing.T
	l Link
}

func (p rawPeer) send(m wire.TransportMessage) {
	p.t.Helper()
	if err := writeMsg(p.l, &m); err != nil {
		p.t.Fatalf("raw send %s: %v", m.Name(), err)
	}
}

func (p rawPeer) sendRaw(b []byte) {
	p.t.Helper()
	if err := p.l.WriteBatch(append(make([]byte, LinkHeadroom), b...)); err != nil {
		p.t.Fatalf("raw send: %v", err)
	}
}

func (p rawPeer) recv() wire.TransportMessage {
	p.t.Helper()
	b, err := p.l.ReadBatch()
	if err != nil {
		p.t.Fatalf("raw recv: %v", err)
	}
	m, _, err := wire.DecodeTransport(b)
	if err != nil {
		p.t.Fatalf("raw recv decode: %v", err)
	}
	return m
}

// expectClose reads until a Close and checks its reason, then EOF.
func (p rawPeer) expectClose(reason CloseReason) {
	p.t.Helper()
	m := p.recv()
	if m.ID != wire.TransportIDClose || m.Close.Reason != reason {
		p.t.Fatalf("got %s (reason %v), want Close(%v)", m.Name(), m.Close.Reason, reason)
	}
	if _, err := p.l.ReadBatch(); err == nil {
		p.t.Fatal("link still open after Close")
	}
}

func acceptAsync(ac *Config, key *cookieKey, l Link) chan hsOut {
	done := make(chan hsOut, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), ac.AcceptTimeout)
		defer cancel()
		r, err := acceptLink(ctx, ac, key, l)
		done <- hsOut{r, err}
	}()
	return done
}

func wantReason(t *testing.T, err error, r CloseReason) {
	t.Helper()
	got, ok := ReasonOf(err)
	if !ok || got != r {
		t.Fatalf("error %v, want close reason %v", err, r)
	}
}

func TestAcceptRejects(t *testing.T) {
	zidA := testZID(t, "a1")
	good := func() wire.TransportMessage {
		return wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(wire.Peer, zidA)}
	}
	tests := []struct {
		name   string
		syn    func() wire.TransportMessage
		reason CloseReason
	}{
		{"wrong version", func() wire.TransportMessage { m := good(); m.InitSyn.Version = 8; return m }, ReasonInvalid},
		{"not InitSyn", func() wire.TransportMessage { return wire.TransportMessage{ID: wire.TransportIDKeepAlive} }, ReasonInvalid},
		{"InitAck", func() wire.TransportMessage {
			return wire.TransportMessage{ID: wire.TransportIDInit, Ack: true, InitAck: wire.NewInitAck(wire.Peer, zidA, []byte{1})}
		}, ReasonInvalid},
		{"qos and qoslink", func() wire.TransportMessage {
			m := good()
			m.InitSyn.QoS, m.InitSyn.QoSLink = true, wire.Z64Ext{Present: true, Value: 1}
			return m
		}, ReasonGeneric},
		{"tiny batch", func() wire.TransportMessage { m := good(); m.InitSyn.BatchSize = 10; return m }, ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ac := testConfig(t, "b2")
				key := newCookieKey()
				lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
				done := acceptAsync(ac, &key, la)
				p := rawPeer{t, lo}
				p.send(tt.syn())
				p.expectClose(tt.reason)
				wantReason(t, (<-done).err, tt.reason)
			})
		})
	}
	t.Run("garbage", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ac := testConfig(t, "b2")
			key := newCookieKey()
			lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
			done := acceptAsync(ac, &key, la)
			p := rawPeer{t, lo}
			p.sendRaw([]byte{0xff, 0xfe, 0x00, 0x13})
			p.expectClose(ReasonInvalid)
			wantReason(t, (<-done).err, ReasonInvalid)
		})
	})
	t.Run("mandatory unknown extension", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ac := testConfig(t, "b2")
			key := newCookieKey()
			lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
			done := acceptAsync(ac, &key, la)
			p := rawPeer{t, lo}
			// InitSyn a1, no S, Z set, then extension 0x5f (zbuf, mandatory, id 15) of 1 byte.
			p.sendRaw([]byte{0x81, 0x09, 0x01, 0xa1, 0x5f, 0x01, 0x00})
			p.expectClose(ReasonInvalid)
			wantReason(t, (<-done).err, ReasonInvalid)
		})
	})
}

func TestCookie(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ac := testConfig(t, "b2")
		key := newCookieKey()
		syn := wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(wire.Peer, testZID(t, "a1"))}
		// Get a genuine cookie on link 1.
		lo, la := MemPipe("mem/o1", "mem/a", tcpMTU)
		done := acceptAsync(ac, &key, la)
		p := rawPeer{t, lo}
		p.send(syn)
		ack := p.recv()
		cookie := append([]byte(nil), ack.InitAck.Cookie...)
		if len(cookie) > 64 {
			t.Fatalf("cookie of %d bytes", len(cookie))
		}
		openWith := func(c []byte, sn uint32) wire.TransportMessage {
			return wire.TransportMessage{ID: wire.TransportIDOpen, OpenSyn: wire.OpenSyn{Lease: 10 * time.Second, InitialSN: sn, Cookie: c}}
		}
		// A tampered cookie is refused.
		bad := append([]byte(nil), cookie...)
		bad[5] ^= 1
		p.send(openWith(bad, 1))
		p.expectClose(ReasonInvalid)
		wantReason(t, (<-done).err, ReasonInvalid)

		// The genuine cookie replayed on another link is refused (it is bound to its link).
		lo2, la2 := MemPipe("mem/o2", "mem/a", tcpMTU)
		done = acceptAsync(ac, &key, la2)
		p = rawPeer{t, lo2}
		p.send(syn)
		p.recv()
		p.send(openWith(cookie, 1))
		p.expectClose(ReasonInvalid)
		wantReason(t, (<-done).err, ReasonInvalid)

		// A cookie used after it expired is refused, though the accept itself is still pending.
		ac.AcceptTimeout = 10 * time.Second
		key2 := newCookieKey()
		lo3, la3 := MemPipe("mem/o3", "mem/a", tcpMTU)
		// Expiry check directly: 1 ns past the accept timeout.
		st := cookieState{zid: testZID(t, "a1"), whatami: wire.Peer, res: wire.DefaultResolution, batch: 100}
		c := key2.seal(st, "mem/o3", time.Now().Add(time.Second))
		if _, err := key2.open(c, "mem/o3", time.Now().Add(time.Second)); err != nil {
			t.Fatalf("cookie at expiry: %v", err)
		}
		if _, err := key2.open(c, "mem/o3", time.Now().Add(time.Second+1)); err == nil {
			t.Fatal("expired cookie accepted")
		}
		got, err := key2.open(c, "mem/o3", time.Now())
		if err != nil || got != st {
			t.Fatalf("open = %+v, %v", got, err)
		}
		lo3.Close()
		la3.Close()
		// An SN above the mask is refused.
		lo4, la4 := MemPipe("mem/o4", "mem/a", tcpMTU)
		done = acceptAsync(ac, &key, la4)
		p = rawPeer{t, lo4}
		p.send(syn)
		ack = p.recv()
		p.send(openWith(ack.InitAck.Cookie, 0x10000000))
		p.expectClose(ReasonInvalid)
		wantReason(t, (<-done).err, ReasonInvalid)
	})
}

func TestOpenRejects(t *testing.T) {
	oc := testConfig(t, "a1")
	zidB := testZID(t, "b2")
	tests := []struct {
		name   string
		ack    func() wire.TransportMessage
		reason CloseReason
	}{
		{"resolution above ours", func() wire.TransportMessage {
			m := wire.TransportMessage{ID: wire.TransportIDInit, Ack: true, InitAck: wire.NewInitAck(wire.Peer, zidB, []byte{1})}
			m.InitAck.Resolution = wire.NewResolution(wire.Bits64, wire.Bits32)
			return m
		}, ReasonInvalid},
		{"patch above ours", func() wire.TransportMessage {
			m := wire.TransportMessage{ID: wire.TransportIDInit, Ack: true, InitAck: wire.NewInitAck(wire.Peer, zidB, []byte{1})}
			m.InitAck.Patch = 2
			return m
		}, ReasonInvalid},
		{"self", func() wire.TransportMessage {
			return wire.TransportMessage{ID: wire.TransportIDInit, Ack: true, InitAck: wire.NewInitAck(wire.Peer, oc.ZID, []byte{1})}
		}, ReasonConnectionToSelf},
		{"InitSyn instead", func() wire.TransportMessage {
			return wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(wire.Peer, zidB)}
		}, ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
				done := make(chan error, 1)
				go func() {
					_, err := openLink(context.Background(), oc, lo, nil)
					done <- err
				}()
				p := rawPeer{t, la}
				if m := p.recv(); m.ID != wire.TransportIDInit || m.Ack {
					t.Fatalf("got %s", m.Name())
				}
				p.send(tt.ack())
				p.expectClose(tt.reason)
				wantReason(t, <-done, tt.reason)
			})
		})
	}
	t.Run("refused by peer", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
			done := make(chan error, 1)
			go func() {
				_, err := openLink(context.Background(), oc, lo, nil)
				done <- err
			}()
			p := rawPeer{t, la}
			p.recv()
			p.send(wire.TransportMessage{ID: wire.TransportIDClose, Close: wire.Close{Reason: ReasonMaxLinks}})
			err := <-done
			var ce *CloseError
			if !errors.As(err, &ce) || !ce.Remote || ce.Reason != ReasonMaxLinks || !errors.Is(err, ErrHandshake) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

// TestHandshakeTimeouts checks the open and accept timeouts on a fake clock: a silent peer
// makes each side give up exactly at its timeout.
func TestHandshakeTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc := testConfig(t, "a1")
		oc.OpenTimeout = 3 * time.Second
		lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), oc.OpenTimeout)
		defer cancel()
		_, err := openLink(ctx, oc, lo, nil)
		if !errors.Is(err, ErrTimeout) || time.Since(start) != 3*time.Second {
			t.Fatalf("open: %v after %v", err, time.Since(start))
		}
		la.Close()
	})
	synctest.Test(t, func(t *testing.T) {
		ac := testConfig(t, "b2")
		ac.AcceptTimeout = 2 * time.Second
		key := newCookieKey()
		lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
		start := time.Now()
		out := <-acceptAsync(ac, &key, la)
		if !errors.Is(out.err, ErrTimeout) || time.Since(start) != 2*time.Second {
			t.Fatalf("accept: %v after %v", out.err, time.Since(start))
		}
		lo.Close()
	})
	// The opener sent an InitSyn and then nothing: the acceptor gives up at its timeout too.
	synctest.Test(t, func(t *testing.T) {
		ac := testConfig(t, "b2")
		ac.AcceptTimeout = 2 * time.Second
		key := newCookieKey()
		lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
		start := time.Now()
		done := acceptAsync(ac, &key, la)
		p := rawPeer{t, lo}
		p.send(wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(wire.Peer, testZID(t, "a1"))})
		p.recv()
		out := <-done
		if !errors.Is(out.err, ErrTimeout) || time.Since(start) != 2*time.Second {
			t.Fatalf("accept: %v after %v", out.err, time.Since(start))
		}
	})
}
