package main

import (
	"testing"
)

func TestE2EPeerReportsTransports(t *testing.T) {
	s, ep := zTestSession(t)
	r := zStart(t, runPeer, append([]string{"--json", "--stats", "50ms"}, zConnectArgs(ep)...)...)
	ready := r.event(t, "ready")
	if ready["mode"] != "peer" || len(ready["locators"].([]any)) != 1 {
		t.Fatalf("ready %v", ready)
	}
	var up map[string]any
	for up == nil { // stats lines may come first
		ev := r.anyEvent(t)
		switch ev["event"] {
		case "transport_up":
			up = ev
		case "stats":
		default:
			t.Fatalf("unexpected %v", ev)
		}
	}
	links := up["links"].([]any)
	if up["zid"] != s.ZID().String() || up["whatami"] != "peer" || len(links) != 1 ||
		links[0].(map[string]any)["remote"] != ep || links[0].(map[string]any)["outbound"] != true {
		t.Fatalf("transport_up %v, want %s at %s", up, s.ZID(), ep)
	}
	s.Close()
	for {
		ev := r.anyEvent(t)
		if ev["event"] == "transport_down" {
			if ev["zid"] != s.ZID().String() {
				t.Fatalf("transport_down %v", ev)
			}
			break
		}
		if ev["event"] != "stats" {
			t.Fatalf("unexpected %v", ev)
		}
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
}
