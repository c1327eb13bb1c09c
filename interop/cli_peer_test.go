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
