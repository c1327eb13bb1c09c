package interop

import (
	"fmt"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// TestSessionSimultaneousDialZenoh: a Go peer and a real Zenoh peer dial each other at the same
// time, 100 times (a new Go node, hence a new ZenohID, each time, so both sides of the ZenohID
// order are exercised). The Zenoh peer re-dials Go's port every 10 ms, so its dial races Go's.
// Each time exactly one transport comes up on the Go side and stays up, both sides hold
// exactly one link, the same one, and messages cross it both ways.
func TestSessionSimultaneousDialZenoh(t *testing.T) {
	rounds := 100
	if testing.Short() {
		rounds = 10
	}
	goPort := FreeTCPPort(t)
	goEP := Endpoint(goPort)
	p := StartPeer(t, PeerOptions{
		// The ZenohID order compares the least significant byte first: 0x80 there makes each
		// random Go ZenohID win about half of the rounds.
		ID:      "1234567890abcdef1234567890abcd80",
		Listen:  []string{"tcp/127.0.0.1:0"},
		Connect: []string{goEP + "#retry_period_init_ms=10;retry_period_max_ms=10"},
		// A short lease makes Zenoh send keep-alives on an idle second link every 250 ms; the
		// first one tells Go that Zenoh uses the link, so that Go can retire the other.
		Config: []string{zpeerLease(time.Second)},
	})
	zz, err := wire.ParseZenohID(p.ZID())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Sub("sim/**"); err != nil {
		t.Fatal(err)
	}
	zEP := p.Locator()
	wins := map[bool]int{}
	raced := 0 // rounds where both handshakes completed and one link was retired
	for round := range rounds {
		g := newGoNode(t, func(c *session.Config) {
			c.ConnectRetry = session.Retry{PeriodInit: 10 * time.Millisecond, PeriodMax: 10 * time.Millisecond, Factor: 1}
		}, "sim/**")
		if _, err := g.m.Listen(goEP); err != nil {
			t.Fatalf("round %d: listen: %v", round, err)
		}
		if err := g.m.Connect(zEP); err != nil {
			t.Fatal(err)
		}
		tr := g.up(10 * time.Second)
		zid := g.m.ZID().String()
		if tr.ZID() != zz {
			t.Fatalf("round %d: transport to %s", round, tr.ZID())
		}
		// Settle: both dials are done (Zenoh re-dials every 10 ms until one of its dials
		// completes or is refused) and the losing link is retired. The kept link is the one
		// the greater ZenohID dialled.
		goGreater := g.m.ZID().Compare(zz) > 0
		deadline := time.Now().Add(10 * time.Second)
		var gl session.LinkInfo
		for {
			// Read Go's links before and after Zenoh's, so that both views are of one moment.
			g1 := tr.Links()
			zl := zpeerLinks(t, p, zid)
			g2 := tr.Links()
			if len(g1) == 1 && len(g2) == 1 && g1[0] == g2[0] && len(zl) == 1 &&
				sameLink(g1[0], zl[0]) && g1[0].Outbound == goGreater {
				gl = g1[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: go links %+v, zenoh links %v, go greater %v", round, g2, zl, goGreater)
			}
			time.Sleep(20 * time.Millisecond)
		}
		wins[gl.Outbound]++
		if s := tr.Stats(); s.LinksAttached > 1 {
			raced++
		}
		// Messages both ways.
		key := fmt.Sprintf("sim/%d", round)
		if err := tr.Send(pushMsg(key, []byte("go"), wire.NetQoSDefault), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		if s, err := p.WaitSample(key, 0); err != nil || s.Text != "go" {
			t.Fatalf("round %d: %v %v", round, s, err)
		}
		if err := p.WaitMatching(key, "sub"); err != nil {
			t.Fatal(err)
		}
		if err := p.Put(key, []byte("zenoh"), nil); err != nil {
			t.Fatal(err)
		}
		g.waitMsg(5*time.Second, "push from zenoh", func(m goMsg) bool { return m.key == key && string(m.payload) == "zenoh" })
		select {
		case t2 := <-g.upc:
			t.Fatalf("round %d: a second transport came up (%s)", round, t2.ZID())
		default:
		}
		g.noDown()
		if s := tr.Stats(); s.RxDuplicates != 0 || s.Errors != 0 {
			t.Fatalf("round %d: stats %+v", round, s)
		}
		g.m.Close()
		// Wait until Zenoh dropped the transport before the next round.
		for deadline := time.Now().Add(5 * time.Second); len(zpeerLinks(t, p, zid)) != 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: zenoh kept its link after Close", round)
			}
		}
	}
	t.Logf("kept link dialled by Go: %d rounds, by Zenoh: %d rounds; both links completed in %d rounds", wins[true], wins[false], raced)
}

// sameLink reports whether a Go link and a link zpeer reports (src: its end, dst: ours) are
// the same TCP connection.
func sameLink(g session.LinkInfo, z map[string]any) bool {
	return g.Remote == scalarString(z["src"]) && g.Local == scalarString(z["dst"])
}
