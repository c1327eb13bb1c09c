package scouting

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// TestConnectFirst checks client start-up: the first router that can be reached is connected,
// and without one ConnectFirst gives up after Timeout.
func TestConnectFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		rcfg := DefaultConfig(wire.Router)
		rcfg.Multicast.Interface = "eth0"
		r := m.addNode(t, nw, "r", testZID(7), "lan", "10.0.0.7/24", rcfg)
		r.sc.opt.WhatAmI = wire.Router
		if err := r.sc.Start(); err != nil {
			t.Fatal(err)
		}
		client := &fakeNode{m: m, zid: testZID(1), role: wire.Client, peers: map[wire.ZenohID]bool{}}
		client.host = nw.host("client", memIface{name: "eth0", seg: "lan", addrs: []string{"10.0.0.1/24"}})
		client.sc = newGossipNode(t, client.zid, DefaultConfig(wire.Client), client) // for the fake's LinkUp
		cfg := DefaultConfig(wire.Client)
		cfg.Multicast.Interface = "eth0"
		cfg.Multicast.Autoconnect.Matcher = wire.WhatAmIMatcher(wire.Router)
		start := time.Now()
		zid, err := connectFirstOn(context.Background(), client.host, cfg, client)
		if err != nil || zid != r.zid {
			t.Fatalf("ConnectFirst = %v, %v; want %v", zid, err, r.zid)
		}
		if took := time.Since(start); took > time.Millisecond {
			t.Errorf("took %v", took)
		}
		r.sc.Close()
		// No router: ErrNotFound after the 3 s timeout.
		alone := nw.host("alone", memIface{name: "eth0", seg: "empty", addrs: []string{"10.5.0.1/24"}})
		start = time.Now()
		_, err = connectFirstOn(context.Background(), alone, cfg, client)
		if !errors.Is(err, ErrNotFound) || time.Since(start) != DefaultTimeout {
			t.Errorf("alone: %v after %v, want ErrNotFound after %v", err, time.Since(start), DefaultTimeout)
		}
		m.wg.Wait()
	})
}
