package session

import (
	"context"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// FuzzHandleBatch feeds arbitrary batches to an established transport's receive path (QoS on,
// patch 1, small limits): it must never panic, and must never hold more partial-message bytes
// than its limit.
func FuzzHandleBatch(f *testing.F) {
	cfg := DefaultConfig()
	cfg.ZID = wire.ZenohID{0xa1}
	cfg.RxMaxMessageSize = 4096
	cfg.RxMaxReassembly = 8192
	mk := func() *Transport {
		l, _ := MemPipe("mem/a", "mem/b", tcpMTU)
		r := &hsResult{link: l, peerSN: 100, ourSN: 7}
		r.PeerInfo = PeerInfo{ZID: wire.ZenohID{0xb2}, WhatAmI: wire.Peer, QoS: true, Patch: 1,
			Resolution: wire.DefaultResolution, BatchSize: 65535, Lease: 1e9}
		t := newTransport(&cfg, discardLog(), r, gone{})
		t.h = nopPeer{}
		return t
	}
	p := push("a/b", []byte("payload"), wire.NetQoSDefault)
	msg, _ := p.Append(nil)
	f.Add(frame(f, wire.Reliable, 100, 0, p, p))
	f.Add(append(frame(f, wire.BestEffort, 100, wire.NewTransportQoS(1), p), 0x04, 0x03, 0x00))
	f.Add(fragmentBatch(f, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: 100, First: true}, msg[:5]))
	f.Add(fragmentBatch(f, wire.FragmentHeader{Reliability: wire.Reliable, SN: 101}, msg[5:]))
	f.Add([]byte{0x04})
	f.Add([]byte{0x23, 0x00})
	f.Add([]byte{0xa5, 0x64, 0x5f, 0x01, 0x00})
	f.Add([]byte{0x81, 0x09, 0x01, 0xa1, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := mk()
		// Twice, so that a fragment can continue a partial message.
		for range 2 {
			if err := tr.handleBatch(nil, b); err != nil {
				break
			}
			if tr.rx.bytes > cfg.RxMaxReassembly || tr.rx.bytes < 0 {
				t.Fatalf("partial bytes %d", tr.rx.bytes)
			}
		}
	})
}

// FuzzAccept sends an arbitrary first batch, then an arbitrary second one, to an acceptor: it
// must fail or succeed cleanly (no panic) and never hang.
func FuzzAccept(f *testing.F) {
	cfg := DefaultConfig()
	cfg.ZID = wire.ZenohID{0xa1}
	syn := wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(wire.Peer, wire.ZenohID{0xb2})}
	sb, _ := syn.Append(nil)
	open := wire.TransportMessage{ID: wire.TransportIDOpen, OpenSyn: wire.OpenSyn{Lease: 1e9, Cookie: make([]byte, 40)}}
	ob, _ := open.Append(nil)
	f.Add(sb, ob)
	f.Add([]byte{0x19, 0x00, 0xc1, 0x09, 0xf1}, ob)
	f.Add([]byte{}, []byte{})
	f.Add([]byte{0x81, 0x09, 0x01, 0xa1, 0x5f, 0x01, 0x00}, ob)
	key := newCookieKey()
	f.Fuzz(func(t *testing.T, first, second []byte) {
		lo, la := MemPipe("mem/o", "mem/a", tcpMTU)
		lo.WriteBatch(append(make([]byte, LinkHeadroom), first...))
		lo.WriteBatch(append(make([]byte, LinkHeadroom), second...))
		lo.CloseWrite()
		r, err := acceptLink(context.Background(), &cfg, &key, la)
		if err == nil && r.ZID.IsZero() {
			t.Fatal("accepted a zero ZenohID")
		}
		lo.Close()
		la.Close()
	})
}
