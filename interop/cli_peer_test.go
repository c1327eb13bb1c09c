package interop

import (
	"testing"
)

func TestCLIPeerSeesZenohPeer(t *testing.T) {
	zp := cliZenohPeer(t)
	p := startCLI(t, cliArgs([]string{"peer", "--json"}, cliNet(zp.Locator()))...)
	ready := p.event("ready", DefaultTimeout)
	if ready["mode"] != "peer" || len(ready["locators"].([]any)) != 1 {
		t.Fatalf("ready %v", ready)
	}
	up := p.event("transport_up", DefaultTimeout)
	links := up["links"].([]any)
	if up["zid"] != zp.ZID() || up["whatami"] != "peer" || len(links) != 1 || links[0].(map[string]any)["remote"] != zp.Locator() {
		t.Fatalf("transport_up %v, want Zenoh %s at %s", up, zp.ZID(), zp.Locator())
	}
	// Zenoh sees the gozenoh peer too.
	info, err := zp.WaitPeers(1, DefaultTimeout)
	if err != nil || len(info.Peers) != 1 || info.Peers[0] != ready["zid"] {
		t.Fatalf("Zenoh's peers %v (%v), want %v", info.Peers, err, ready["zid"])
	}
	zp.Kill()
	if down := p.event("transport_down", 2*DefaultTimeout); down["zid"] != zp.ZID() {
		t.Fatalf("transport_down %v", down)
	}
	p.signal(sigint)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh peer after SIGINT: exit %d", code)
	}
}

// TestCLIPeerReportsConnectingZenohPeer runs gozenoh peer alone, lets a real Zenoh peer connect
// to it and kills that peer: gozenoh prints the transport's opening (an inbound link from
// Zenoh's ZID), then its closing with a reason, and nothing else in between.
func TestCLIPeerReportsConnectingZenohPeer(t *testing.T) {
	p := startCLI(t, cliArgs([]string{"peer", "--json"}, cliNet())...)
	ready := p.event("ready", DefaultTimeout)
	locs := ready["locators"].([]any)
	if len(locs) != 1 {
		t.Fatalf("ready %v", ready)
	}
	zp := StartPeer(t, PeerOptions{Connect: []string{locs[0].(string)}})
	up := p.event("transport_up", DefaultTimeout)
	links := up["links"].([]any)
	if up["zid"] != zp.ZID() || up["whatami"] != "peer" || len(links) != 1 ||
		links[0].(map[string]any)["outbound"] != false || links[0].(map[string]any)["local"] != locs[0] {
		t.Fatalf("transport_up %v, want Zenoh %s inbound on %v", up, zp.ZID(), locs[0])
	}
	info, err := zp.WaitPeers(1, DefaultTimeout)
	if err != nil || len(info.Peers) != 1 || info.Peers[0] != ready["zid"] {
		t.Fatalf("Zenoh's peers %v (%v), want %v", info.Peers, err, ready["zid"])
	}
	zp.Kill()
	down := p.event("transport_down", 2*DefaultTimeout)
	if down["zid"] != zp.ZID() || down["whatami"] != "peer" || down["reason"] == nil || down["reason"] == "" {
		t.Fatalf("transport_down %v, want Zenoh %s with a reason", down, zp.ZID())
	}
	p.signal(sigint)
	if code := p.exitCode(DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh peer after SIGINT: exit %d", code)
	}
	// Nothing came after the close.
	select {
	case l := <-p.lines:
		t.Fatalf("unexpected line after transport_down: %s", l)
	default:
	}
}
