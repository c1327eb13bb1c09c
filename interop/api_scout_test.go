package interop

import (
	"context"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// TestAPIScout: on lo, zenoh.Scout finds a real peer and a Go peer, real Zenoh's scout finds
// the Go peer, and a Go client without endpoints finds a node by scouting and connects.
func TestAPIScout(t *testing.T) {
	Python(t)
	apiLo(t)
	group := MulticastAddress(FreeUDPPort(t))
	r := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, MulticastIface: "lo", MulticastAddress: group})
	g := apiOpen(t, apiMeshConfig(t, group))

	cfg := apiMeshConfig(t, group)
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	want := map[string]bool{r.ZID(): false, g.ZID().String(): false}
	for h, err := range zenoh.Scout(ctx, cfg, zenoh.WithWhat(zenoh.WhatAmIMatcher(zenoh.WhatAmIPeer|zenoh.WhatAmIRouter))) {
		apiMust(t, err)
		if _, ok := want[h.ZID.String()]; ok && h.WhatAmI == zenoh.WhatAmIPeer && len(h.Locators) > 0 {
			want[h.ZID.String()] = true
		}
		if want[r.ZID()] && want[g.ZID().String()] {
			break
		}
	}
	if !want[r.ZID()] || !want[g.ZID().String()] {
		t.Fatalf("zenoh.Scout found %v", want)
	}

	hellos, err := Scout(t, ScoutOptions{What: "peer", MulticastAddress: group, StopAfter: 2, Timeout: 5 * time.Second})
	apiMust(t, err)
	found := false
	for _, h := range hellos {
		if h.ZID == g.ZID().String() && h.WhatAmI == "peer" && len(h.Locators) > 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("real Zenoh's scout did not find the Go peer %v: %v", g.ZID(), hellos)
	}

	ccfg := apiMeshConfig(t, group)
	apiMust(t, ccfg.Insert("mode", `"client"`))
	apiMust(t, ccfg.Insert("listen/endpoints", `[]`))
	c := apiOpen(t, ccfg)
	if in := c.Info(); len(in.Peers) != 1 {
		t.Fatalf("scouting client: %+v", in)
	}
	// The client reaches the other peer through the one it found.
	got := newAPISamples()
	sub, err := c.DeclareSubscriber("scout/**", got.add)
	apiMust(t, err)
	defer sub.Close()
	apiMust(t, r.WaitMatching("scout/x", "sub"))
	apiMust(t, r.Put("scout/x", []byte("found"), nil))
	if s := got.wait(t, 1)[0]; string(s.Payload) != "found" {
		t.Fatalf("sample %+v", s)
	}
}
