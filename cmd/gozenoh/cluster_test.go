package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stalwartDoc is the cluster document of the issue, exactly as Stalwart users write it.
const stalwartDoc = `[store."peer-to-peer"]
type = "zenoh"
config = '''
{
mode: peer,
scouting: {
multicast: {
enabled: true,
address: "224.0.0.224:7446",
interface: "auto",
autoconnect: { router: [], peer: ["router", "peer"] },
listen: true,
},
},
}'''

[cluster]
coordinator = "peer-to-peer"
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClusterCheckPrintsResolvedConfig(t *testing.T) {
	p := writeFile(t, "cluster.toml", stalwartDoc)
	code, out, errs := runCmd(t, "", "cluster", "check", "--config", p, "--node-id", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"node-id:        7\n",
		"coordinator:    peer-to-peer (type zenoh)",
		"key-prefix:     mail/cluster",
		"token-grace:    250ms\n", // the default
		"bare word",               // the Stalwart example's unquoted peer is accepted with a warning
		`mode: "peer"`,
		`address: "224.0.0.224:7446"`,
		`interface: "auto"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "derived from the hostname") {
		t.Errorf("--node-id did not override the derived id:\n%s", out)
	}
}

func TestClusterCheckJSON(t *testing.T) {
	p := writeFile(t, "cluster.toml", stalwartDoc)
	code, out, errs := runCmd(t, "", "cluster", "check", "--config", p, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		NodeID      uint   `json:"node_id"`
		Derived     bool   `json:"node_id_derived"`
		Coordinator string `json:"coordinator"`
		Warnings    []string
		Zenoh       struct {
			Mode     string
			Scouting struct {
				Multicast struct {
					Address     string
					Autoconnect map[string][]string
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.NodeID == 0 || !got.Derived {
		t.Errorf("a missing node-id must be derived and said: %+v", got)
	}
	loud := false
	for _, w := range got.Warnings {
		loud = loud || strings.Contains(w, "cluster.node-id")
	}
	if !loud {
		t.Errorf("no warning about the derived node id: %v", got.Warnings)
	}
	if got.Coordinator != "peer-to-peer" || got.Zenoh.Mode != "peer" || got.Zenoh.Scouting.Multicast.Address != "224.0.0.224:7446" {
		t.Errorf("unexpected resolved config: %+v", got)
	}
	if p := got.Zenoh.Scouting.Multicast.Autoconnect["peer"]; len(p) != 2 {
		t.Errorf("autoconnect for peers = %v, want router and peer", p)
	}
}

func TestClusterCheckErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{strings.Replace(stalwartDoc, `coordinator = "peer-to-peer"`, `coordinator = "nope"`, 1), "cluster.coordinator"},
		{strings.Replace(stalwartDoc, `type = "zenoh"`, `type = "rocksdb"`, 1), `store."peer-to-peer".type`},
		{strings.Replace(stalwartDoc, `listen: true,`, `listen: [,`, 1), `store."peer-to-peer".config`},
		{"[cluster\n", "line 1"},
	} {
		p := writeFile(t, "cluster.toml", c.doc)
		code, _, errs := runCmd(t, "", "cluster", "check", "--config", p)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("exit %d, stderr %q; want exit 1 naming %q", code, errs, c.want)
		}
	}
	if code, _, errs := runCmd(t, "", "cluster", "check"); code != 1 || !strings.Contains(errs, "--config") {
		t.Errorf("missing --config: exit %d %q", code, errs)
	}
	p := writeFile(t, "cluster.toml", stalwartDoc)
	if code, _, errs := runCmd(t, "", "cluster", "check", "--config", p, "--node-id", "70000"); code != 1 || !strings.Contains(errs, "out of range") {
		t.Errorf("--node-id 70000: exit %d %q", code, errs)
	}
}
