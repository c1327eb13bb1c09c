package config

import (
	"testing"
)

var fuzzSeeds = []string{
	stalwartExample,
	`{}`,
	`{mode: "client", connect: {endpoints: ["tcp/127.0.0.1:7447"]}}`,
	`{mode: router, listen: {endpoints: {router: ["tcp/[::]:7447"], peer: ["tcp/[::]:0"]}}}`,
	`{scouting: {multicast: {autoconnect: "router|peer", autoconnect_strategy: {peer: {to_router: "greater-zid"}}}}}`,
	`{scouting: {gossip: {autoconnect_strategy: {to_peer: "always", peer: 5}}}}`,
	`{connect: {endpoints: {peer: [{strategy: "allOf", locators: ["tcp/a:1?b=2;a=1#z=1"]}, "udp/b:2"]}, timeout_ms: {client: 0x10}}}`,
	`{connect: {retry: {period_init_ms: {peer: 5}, period_increase_factor: 1.5}}}`,
	`{metadata: {a: [1, 2.5, -0x1, "\u00e9", null, {b: NaN}], a: 'x'}, plugins: {rest: {http_port: 8000}}}`,
	`{transport: {link: {tx: {lease: 1e4, keep_alive: 4, batch_size: 0xFFFF, queue: {size: {data: 16}}}, protocols: []}}}`,
	`{transport: {auth: {usrpwd: {user: "u", password: "p"}}, link: {tls: {so_sndbuf: 4096}}}}`,
	"// comment\n{ /* block */ 'mode' : 'peer' , }\n",
	`{id: "1a", region_name: "r", namespace: "a/b", gateway: {south: "auto"}}`,
	`{routing: {peer: {mode: "linkstate"}, router: {peers_failover_brokering: false}}}`,
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if b, err := DefaultConfig().MarshalJSON5(); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, _, err := Parse(doc)
		if err != nil {
			return
		}
		out, err := c.MarshalJSON5()
		if err != nil {
			t.Fatalf("MarshalJSON5: %v", err)
		}
		back, w, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON5()) failed: %v\n%s", err, out)
		}
		if len(w) != 0 {
			t.Fatalf("warnings on our own output: %v", w)
		}
		if !back.Equal(c) {
			t.Fatalf("round trip differs for %q:\n%s\n---\n%s", doc, c, back)
		}
	})
}

func FuzzInsert(f *testing.F) {
	f.Add("scouting/multicast", `{ttl: 5}`)
	f.Add("plugins/rest/http_port", `8000`)
	f.Add("connect/endpoints", `["tcp/127.0.0.1:7447"]`)
	f.Add("listen/endpoints/peer/0", `"tcp/[::]:1"`)
	f.Add("metadata", `{a: [1, {b: 2}]}`)
	f.Fuzz(func(t *testing.T, path, value string) {
		c := DefaultConfig()
		if err := c.Insert(path, value); err != nil {
			if !c.Equal(DefaultConfig()) {
				t.Fatalf("failed Insert changed the configuration")
			}
			return
		}
		back, _, err := Parse([]byte(c.String()))
		if err != nil || !back.Equal(c) {
			t.Fatalf("after Insert(%q, %q), String() does not parse back: %v", path, value, err)
		}
	})
}
