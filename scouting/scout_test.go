package scouting

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// TestScoutIterator checks Scout: it yields each distinct Hello of the wanted roles once, until
// its context ends; a setup failure is yielded as one error.
func TestScoutIterator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		m := newFakeMesh()
		p := m.addNode(t, nw, "p", testZID(1), "lan", "10.0.0.1/24", testConfig())
		rcfg := DefaultConfig(wire.Router)
		rcfg.Multicast.Interface = "eth0"
		r := m.addNode(t, nw, "r", testZID(2), "lan", "10.0.0.2/24", rcfg)
		r.sc.opt.WhatAmI = wire.Router
		for _, n := range []*fakeNode{p, r} {
			if err := n.sc.Start(); err != nil {
				t.Fatal(err)
			}
		}
		h := nw.host("scouter", memIface{name: "eth0", seg: "lan", addrs: []string{"10.0.0.9/24"}})
		cfg := DefaultConfig(wire.Client)
		cfg.Multicast.Interface = "eth0"
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		start := time.Now()
		var got []Hello
		for hello, err := range scoutOn(ctx, h, wire.WhatAmIMatcher(wire.Peer), cfg) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, hello)
		}
		if took := time.Since(start); took != 20*time.Second {
			t.Errorf("Scout ran %v, want its 20 s context", took)
		}
		if len(got) != 1 || got[0].ZID != p.zid || got[0].WhatAmI != wire.Peer ||
			!slices.Equal(got[0].Locators, p.locs) || got[0].Interface != "eth0" || got[0].Source.Addr() != p.addr {
			t.Errorf("Hellos %+v, want one from the peer", got)
		}
		// Both, stopping after the first two.
		n := 0
		for _, err := range scoutOn(context.Background(), h, wire.WhatAmIMatcher(wire.Peer|wire.Router), cfg) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("got %d Hellos", n)
		}
		cfg.Multicast.Interface = "eth7"
		var errs []error
		for _, err := range scoutOn(context.Background(), h, 7, cfg) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrNoInterface) {
			t.Errorf("errors %v, want one ErrNoInterface", errs)
		}
		p.sc.Close()
		r.sc.Close()
		m.wg.Wait()
	})
}
