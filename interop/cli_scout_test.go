package interop

import (
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// cliScout runs gozenoh scout on lo in group and returns the nodes it printed.
func cliScout(t *testing.T, group string) []map[string]any {
	t.Helper()
	p := startCLI(t, "scout", "--json", "--count", "1", "--timeout", "5s",
		"--cfg", `scouting/multicast/interface:"lo"`, "--cfg", `scouting/multicast/address:"`+group+`"`)
	if code := p.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh scout: exit %d", code)
	}
	var hellos []map[string]any
	for {
		ev := p.anyEvent(time.Second)
		if ev["event"] == "done" {
			if int(ev["nodes"].(float64)) != len(hellos) {
				t.Fatalf("done %v after %d hellos", ev, len(hellos))
			}
			return hellos
		}
		hellos = append(hellos, ev)
	}
}

func TestCLIScoutFindsZenohPeer(t *testing.T) {
	Python(t)
	group := MulticastAddress(FreeUDPPort(t))
	zp := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, MulticastIface: "lo", MulticastAddress: group})
	hellos := cliScout(t, group)
	if len(hellos) == 0 {
		on, desc := loMulticast(t)
		if on || os.Geteuid() != 0 {
			t.Fatalf("gozenoh scout found nothing on lo (%s)", desc)
		}
		t.Logf("lo lacks MULTICAST (%s): running `ip link set lo multicast on` (root)", desc)
		if out, err := exec.Command("ip", "link", "set", "lo", "multicast", "on").CombinedOutput(); err != nil {
			t.Fatalf("ip link set lo multicast on: %v %s", err, out)
		}
		if hellos = cliScout(t, group); len(hellos) == 0 {
			t.Fatal("gozenoh scout found nothing on lo even with lo MULTICAST on")
		}
	}
	h := hellos[0]
	var locs []string
	for _, l := range h["locators"].([]any) {
		locs = append(locs, l.(string))
	}
	if h["zid"] != zp.ZID() || h["whatami"] != "peer" || !slices.Contains(locs, zp.Locator()) {
		t.Fatalf("hello %v, want zid %s, peer, with %s", h, zp.ZID(), zp.Locator())
	}

	// The text form, as z_scout prints a Hello.
	p := startCLI(t, "scout", "--count", "1", "--timeout", "5s",
		"--cfg", `scouting/multicast/interface:"lo"`, "--cfg", `scouting/multicast/address:"`+group+`"`)
	if code := p.exitCode(2 * DefaultTimeout); code != 0 {
		t.Fatalf("gozenoh scout: exit %d", code)
	}
	want := "Hello { zid: " + zp.ZID() + ", whatami: Peer, locators: [" + zp.Locator() + "] }"
	if got := p.line(time.Second); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
