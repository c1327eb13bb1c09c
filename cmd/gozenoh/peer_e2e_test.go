package main

import (
	"context"
	"testing"

	"github.com/gozenoh/zenoh"
)

// zNextTransport returns the next transport_up or transport_down line, skipping stats lines.
func (r *zRun) zNextTransport(t *testing.T) map[string]any {
	t.Helper()
	for {
		ev := r.anyEvent(t)
		switch ev["event"] {
		case "transport_up", "transport_down":
			return ev
		case "stats":
		default:
			t.Fatalf("unexpected %v", ev)
		}
	}
}

func TestE2EPeerReportsTransports(t *testing.T) {
	s, ep := zTestSession(t)
	r := zStart(t, runPeer, append([]string{"--json", "--stats", "50ms"}, zConnectArgs(ep)...)...)
	ready := r.event(t, "ready")
	if ready["mode"] != "peer" || len(ready["locators"].([]any)) != 1 {
		t.Fatalf("ready %v", ready)
	}
	// The transport opened while the session opened comes first (the listener's history).
	up := r.zNextTransport(t)
	links := up["links"].([]any)
	if up["event"] != "transport_up" || up["zid"] != s.ZID().String() || up["whatami"] != "peer" || len(links) != 1 ||
		links[0].(map[string]any)["remote"] != ep || links[0].(map[string]any)["outbound"] != true {
		t.Fatalf("transport_up %v, want %s at %s", up, s.ZID(), ep)
	}

	// A node that connects to the peer, then leaves.
	cfg := zenoh.DefaultConfig()
	for k, v := range map[string]string{"scouting/multicast/enabled": "false",
		"connect/endpoints": `["` + ready["locators"].([]any)[0].(string) + `"]`} {
		if err := cfg.Insert(k, v); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), zE2ETimeout)
	defer cancel()
	s2, err := zenoh.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	up = r.zNextTransport(t)
	if up["event"] != "transport_up" || up["zid"] != s2.ZID().String() || up["links"].([]any)[0].(map[string]any)["outbound"] != false {
		t.Fatalf("transport_up %v, want %s inbound", up, s2.ZID())
	}
	s2.Close()
	down := r.zNextTransport(t)
	if down["event"] != "transport_down" || down["zid"] != s2.ZID().String() || down["whatami"] != "peer" ||
		down["reason"] == nil || down["reason"] == "" || len(down["links"].([]any)) != 1 {
		t.Fatalf("transport_down %v, want %s with its link and a reason", down, s2.ZID())
	}

	s.Close()
	if down = r.zNextTransport(t); down["event"] != "transport_down" || down["zid"] != s.ZID().String() {
		t.Fatalf("transport_down %v, want %s", down, s.ZID())
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
}
