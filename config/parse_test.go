package config

import (
	"errors"
	"strings"
	"testing"
)

// stalwartExample is the Zenoh configuration of the Stalwart documentation, verbatim.
const stalwartExample = `{
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
}`

func mustParse(t *testing.T, doc string) (Config, Warnings) {
	t.Helper()
	c, w, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%q): %v", doc, err)
	}
	return c, w
}

func get(t *testing.T, c Config, key string) string {
	t.Helper()
	v, err := c.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return v
}

func TestConfigStalwartExample(t *testing.T) {
	c, w := mustParse(t, stalwartExample)
	if c.Mode != ModePeer {
		t.Errorf("mode = %v", c.Mode)
	}
	if len(w) != 1 || w[0].Kind != WarnBareWord || w[0].Path != "mode" || w[0].Line != 2 {
		t.Errorf("warnings = %v, want one bare-word warning for mode on line 2", w)
	}
	if got := c.MulticastAutoconnect(); got != MatcherOf(ModeRouter, ModePeer) {
		t.Errorf("peer autoconnect = %v", got)
	}
	if a, _ := c.Scouting.Multicast.Autoconnect.Get(ModeRouter); a != 0 {
		t.Errorf("router autoconnect = %v", a)
	}
	if _, ok := c.Scouting.Multicast.Autoconnect.Get(ModeClient); ok {
		t.Error("client autoconnect should be absent (Zenoh's default applies)")
	}
	if !c.Scouting.Multicast.Enabled || !c.MulticastListen() || c.Scouting.Multicast.Interface != "auto" {
		t.Error("multicast settings")
	}
}

func TestConfigJSON5Syntax(t *testing.T) {
	for _, tc := range []struct {
		doc, key, want string
	}{
		{`{mode: 'client'}`, "mode", `"client"`},
		{`{"mode": "client",}`, "mode", `"client"`},
		{"{ // comment\n mode: /* inline */ \"client\", }", "mode", `"client"`},
		{`{\u006dode: "client"}`, "mode", `"client"`},
		{`{transport: {link: {tx: {lease: 0x2710}}}}`, "transport/link/tx/lease", `10000`},
		{`{transport: {link: {tx: {lease: +1e4}}}}`, "transport/link/tx/lease", `10000`},
		{`{transport: {link: {tx: {lease: 10000.}}}}`, "transport/link/tx/lease", `10000`},
		{`{metadata: {a: .5, b: 0x1F, c: -0, d: 1E2, e: NaN, f: -Infinity}}`, "metadata", `{"a":0.5,"b":31,"c":0,"d":100.0,"e":null,"f":null}`},
		{`{metadata: {s: "\x41\u00e9\0\v\q\/", t: 'it\'s', u: "a\` + "\n" + `b", v: "\ud83d\ude00"}}`, "metadata", "{\"s\":\"A\u00e9\\u0000\\u000bq/\",\"t\":\"it's\",\"u\":\"ab\",\"v\":\"\U0001F600\"}"},
		{"\ufeff{\u00a0mode:\u3000\"client\"\u2028}", "mode", `"client"`},
		{`{metadata: {ключ: 1, $k_1: 2, _: 3}}`, "metadata", `{"$k_1":2,"_":3,"ключ":1}`},
		{`{metadata: {b: 1, a: [true, null, "x"], b: 2}}`, "metadata", `{"a":[true,null,"x"],"b":2}`},
		{"{metadata: \"tab\there\"}", "metadata", `"tab\there"`},
		{"{metadata: \"a\\\r\nb\\\rc\\\u2028d\"}", "metadata", `"abcd"`},
	} {
		c, _ := mustParse(t, tc.doc)
		if got := get(t, c, tc.key); got != tc.want {
			t.Errorf("Parse(%q) %s = %s, want %s", tc.doc, tc.key, got, tc.want)
		}
	}
}

func TestConfigJSON5SyntaxErrors(t *testing.T) {
	for _, doc := range []string{
		``, `   `, `{`, `{mode: "peer"`, `{mode "peer"}`, `{,}`, `{mode: "peer",,}`, `[1,,]`,
		`{mode: "peer"} x`, `{mode: "peer"}{}`, `{mode: "peer"} /* open`, `{a: 007}`, `{a: 0x}`, `{a: +-1}`,
		`{a: .}`, `{a: 1e}`, `{a: "\1"}`, `{a: "\x4"}`, `{a: "\u12"}`, "{a: \"line\nbreak\"}", "{a: \"\u2028\"}",
		`{a: "\ud83d"}`, `{a: "\udc00"}`, `{a: "\ud83dx"}`, `{1a: 1}`, `{a-b: 1}`, `{a: "unterminated}`,
		"{a: 1}\x00", "{a: \xff}", `{'a: 1}`,
	} {
		_, _, err := Parse([]byte(doc))
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", doc, err)
		}
	}
}

func TestConfigLeniencies(t *testing.T) {
	for _, tc := range []struct {
		doc, key, want string
		kind           WarningKind
		path           string
	}{
		{`{mode: client}`, "mode", `"client"`, WarnBareWord, "mode"},
		{`{scouting: {multicast: {interface: eth0.100}}}`, "scouting/multicast/interface", `"eth0.100"`, WarnBareWord, "scouting/multicast/interface"},
		{`{scouting: {multicast: {autoconnect_strategy: greater-zid}}}`, "scouting/multicast/autoconnect_strategy", `"greater-zid"`, WarnBareWord, "scouting/multicast/autoconnect_strategy"},
		{`{scouting: {multicast: {autoconnect: [router, peer]}}}`, "scouting/multicast/autoconnect", `["router","peer"]`, WarnBareWord, "scouting/multicast/autoconnect/0"},
		{`{scouting: {multicast: {autoconnect: "router|peer"}}}`, "scouting/multicast/autoconnect", `["router","peer"]`, WarnLegacyForm, "scouting/multicast/autoconnect"},
		{`{scouting: {gossip: {autoconnect: {router: "", peer: "peer | client"}}}}`, "scouting/gossip/autoconnect", `{"router":[],"peer":["peer","client"]}`, WarnLegacyForm, "scouting/gossip/autoconnect/peer"},
		{`{scouting: {multicast: {enabeld: false}}}`, "scouting/multicast/enabled", `true`, WarnUnknownKey, "scouting/multicast/enabeld"},
		{`{routing: {peer: {mode: "linkstate"}}}`, "routing/interests/timeout", `10000`, WarnDeprecated, "routing/peer"},
		{`{routing: {router: {peers_failover_brokering: true}}}`, "routing/interests/timeout", `10000`, WarnDeprecated, "routing/router/peers_failover_brokering"},
		{`{metadata: {a: 1, a: 2}}`, "metadata", `{"a":2}`, WarnDuplicateKey, "metadata/a"},
		{`{scouting: {multicast: {autoconnect_strategy: {to_router: "greater-zid", peer: "always"}}}}`, "scouting/multicast/autoconnect_strategy", `{"to_router":"greater-zid"}`, WarnUnknownKey, "scouting/multicast/autoconnect_strategy/peer"},
	} {
		c, w := mustParse(t, tc.doc)
		if got := get(t, c, tc.key); got != tc.want {
			t.Errorf("Parse(%q) %s = %s, want %s", tc.doc, tc.key, got, tc.want)
		}
		if !w.Has(tc.kind, tc.path) {
			t.Errorf("Parse(%q) warnings %v, want %v at %s", tc.doc, w, tc.kind, tc.path)
		}
	}
}

func TestConfigValues(t *testing.T) {
	for _, tc := range []struct {
		doc, key, want string
	}{
		{`{id: "1a2b"}`, "id", `"1a2b"`},
		{`{id: "ffffffffffffffffffffffffffffffff"}`, "id", `"ffffffffffffffffffffffffffffffff"`},
		{`{mode: null}`, "mode", `"peer"`},
		{`{listen: {endpoints: ["tcp/0.0.0.0:7447?b=2;;a#z=1;y"]}}`, "listen/endpoints", `["tcp/0.0.0.0:7447?a;b=2#y;z=1"]`},
		{`{listen: {endpoints: {router: ["tcp/[::]:7447"], client: []}}}`, "listen/endpoints", `{"router":["tcp/[::]:7447"],"client":[]}`},
		{`{connect: {endpoints: [{strategy: "allOf", locators: ["tcp/a:1", "udp/b:2"]}, "tcp/c:3"]}}`, "connect/endpoints", `[{"strategy":"allOf","locators":["tcp/a:1","udp/b:2"]},"tcp/c:3"]`},
		{`{connect: {timeout_ms: {router: null, client: 0x10}}}`, "connect/timeout_ms", `{"client":16}`},
		{`{connect: {retry: {period_increase_factor: 3, period_init_ms: {peer: 5}}}}`, "connect/retry", `{"period_init_ms":{"peer":5},"period_max_ms":4000,"period_increase_factor":3.0}`},
		{`{connect: {retry: null}}`, "connect/retry/period_init_ms", `1000`},
		{`{connect: {timeout_ms: {peer: 1e3, client: 5.}}}`, "connect/timeout_ms", `{"peer":1000,"client":5}`},
		{`{scouting: {multicast: {address: "[ff02::1%1]:7446", ttl: 255}}}`, "scouting/multicast", `{"enabled":true,"address":"[ff02::1%1]:7446","interface":"auto","ttl":255,"autoconnect":{"router":[],"peer":["router","peer","client"],"client":["router","peer","client"]},"autoconnect_strategy":"always","listen":true}`},
		{`{scouting: {multicast: {address: "224.0.0.224:07446"}}}`, "scouting/multicast/address", `"224.0.0.224:7446"`},
		{`{scouting: {multicast: {address: "[FF02::1%01]:7446"}}}`, "scouting/multicast/address", `"[ff02::1%1]:7446"`},
		{`{scouting: {multicast: {autoconnect: ["client", "router", "client"]}}}`, "scouting/multicast/autoconnect", `["router","client"]`},
		{`{scouting: {gossip: {autoconnect_strategy: {peer: {to_router: "greater-zid", to_peer: null}}}}}`, "scouting/gossip/autoconnect_strategy", `{"peer":{"to_router":"greater-zid"}}`},
		{`{scouting: {gossip: {autoconnect_strategy: {peer: "greater-zid", router: {}}}}}`, "scouting/gossip/autoconnect_strategy", `{"router":{},"peer":"greater-zid"}`},
		{`{scouting: {gossip: {autoconnect_strategy: {peer: 5}}}}`, "scouting/gossip/autoconnect_strategy", `{}`},
		{`{scouting: {multicast: {autoconnect_strategy: null}}}`, "scouting/multicast/autoconnect_strategy", `"always"`},
		{`{timestamping: {enabled: true}}`, "timestamping/enabled", `true`},
		{`{transport: {link: {tx: {sequence_number_resolution: "16bit", batch_size: 1e3}}}}`, "transport/link/tx", ``},
		{`{transport: {link: {protocols: []}}}`, "transport/link/protocols", `[]`},
		{`{transport: {link: {protocols: ["tcp", "udp"]}}}`, "transport/link/protocols", `["tcp","udp"]`},
		{`{transport: {link: {tls: {so_sndbuf: 4096, enable_mtls: true, root_ca_certificate: "ca.pem"}}}}`, "transport/link/tls/so_sndbuf", `4096`},
		{`{transport: {auth: {usrpwd: {user: "u", password: "p"}}}}`, "transport/auth/usrpwd", `{"user":"u","password":"p","dictionary_file":null}`},
		{`{transport: {shared_memory: {transport_optimization: {messages: []}}}}`, "transport/shared_memory/transport_optimization/messages", `[]`},
		{`{transport: {link: {tx: {queue: {congestion_control: {drop: {wait_before_drop: -1}}}}}}}`, "transport/link/tx/queue/congestion_control/drop/wait_before_drop", `-1`},
		{`{region_name: "éééééééééééééééé"}`, "region_name", `"éééééééééééééééé"`},
		{`{namespace: "a/b/@c"}`, "namespace", `"a/b/@c"`},
		{`{gateway: {south: [{filters: []}]}}`, "gateway/south", `[{"filters":[]}]`},
		{`{plugins: {rest: {http_port: 8000}}}`, "plugins/rest/http_port", `8000`},
		{`{adminspace: {permissions: {}}}`, "adminspace", `{"enabled":false,"permissions":{"read":true,"write":false}}`},
	} {
		c, _ := mustParse(t, tc.doc)
		if tc.want == "" {
			continue
		}
		if got := get(t, c, tc.key); got != tc.want {
			t.Errorf("Parse(%q) %s = %s, want %s", tc.doc, tc.key, got, tc.want)
		}
	}
}

func TestConfigBadValues(t *testing.T) {
	for _, tc := range []struct {
		doc      string
		sentinel error
		path     string
		line     int
		msg      string
	}{
		{"{\n  mode: \"Peer\"\n}", ErrValue, "mode", 2, "unknown mode"},
		{`{mode: 1}`, ErrType, "mode", 1, "the number 1 where a string is expected"},
		{`{id: "01"}`, ErrValue, "id", 1, "leading zeros"},
		{`{id: "ABC"}`, ErrValue, "id", 1, "uppercase"},
		{`{id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`, ErrValue, "id", 1, "32"},
		{`{id: "xyz"}`, ErrValue, "id", 1, "hexadecimal"},
		{`{id: ""}`, ErrValue, "id", 1, "empty"},
		{`{region_name: ""}`, ErrValue, "region_name", 1, "1 to 32 bytes"},
		{`{namespace: "a/*"}`, ErrValue, "namespace", 1, "wildcards"},
		{`{namespace: "/a"}`, ErrValue, "namespace", 1, "leading"},
		{"{\nscouting: {\n  multicast: {\n    ttl: 256,\n  },\n}}", ErrValue, "scouting/multicast/ttl", 4, "out of range [0, 255]"},
		{`{scouting: {multicast: {ttl: "1"}}}`, ErrType, "scouting/multicast/ttl", 1, "where a number is expected"},
		{`{scouting: {multicast: {enabled: yes}}}`, ErrType, "scouting/multicast/enabled", 1, "bare word `yes` where true or false"},
		{`{scouting: {multicast: {enabled: 1}}}`, ErrType, "scouting/multicast/enabled", 1, "where true or false"},
		{`{scouting: {multicast: {address: "224.0.0.224"}}}`, ErrValue, "scouting/multicast/address", 1, "invalid socket address"},
		{`{scouting: {multicast: {address: "10.0.0.1:7446"}}}`, ErrValue, "scouting/multicast/address", 1, "not a multicast"},
		{`{scouting: {multicast: {address: "[ff02::1%lo]:7446"}}}`, ErrValue, "scouting/multicast/address", 1, "scope"},
		{`{scouting: {multicast: {autoconnect: ["Router"]}}}`, ErrValue, "scouting/multicast/autoconnect/0", 1, "unknown mode"},
		{`{scouting: {multicast: {autoconnect: "router|bogus"}}}`, ErrValue, "scouting/multicast/autoconnect", 1, "unknown mode"},
		{`{scouting: {multicast: {autoconnect: 3}}}`, ErrType, "scouting/multicast/autoconnect", 1, "list of modes"},
		{`{scouting: {multicast: {autoconnect_strategy: "never"}}}`, ErrValue, "scouting/multicast/autoconnect_strategy", 1, "unknown strategy"},
		{`{scouting: {multicast: {autoconnect_strategy: {to_foo: "always"}}}}`, ErrValue, "scouting/multicast/autoconnect_strategy/to_foo", 1, "unknown target"},
		{`{scouting: {multicast: {autoconnect_strategy: []}}}`, ErrType, "scouting/multicast/autoconnect_strategy", 1, "strategy"},
		{`{scouting: {multicast: {listen: {peer: true, peer: false}}}}`, ErrDuplicateKey, "scouting/multicast/listen/peer", 1, "twice"},
		{`{scouting: null}`, ErrType, "scouting", 1, "null"},
		{`{scouting: []}`, ErrType, "scouting", 1, "positional"},
		{`[]`, ErrType, "", 1, "positional"},
		{`"peer"`, ErrType, "", 1, "object"},
		{`{listen: {endpoints: ["tcp"]}}`, ErrValue, "listen/endpoints/0", 1, "<protocol>/<address>"},
		{`{listen: {endpoints: ["tcp/a:1?"]}}`, ErrValue, "listen/endpoints/0", 1, "<protocol>/<address>"},
		{`{listen: {endpoints: ["tcp/a:1#b=2?a=1"]}}`, ErrValue, "listen/endpoints/0", 1, "<protocol>/<address>"},
		{`{listen: {endpoints: ["tcp/a:1?=1"]}}`, ErrValue, "listen/endpoints/0", 1, "non-empty key"},
		{`{listen: {endpoints: [{strategy: "allOf", locators: []}]}}`, ErrType, "listen/endpoints/0", 1, "where a string"},
		{`{listen: {endpoints: "tcp/a:1"}}`, ErrType, "listen/endpoints", 1, "where a list"},
		{`{listen: {endpoints: null}}`, ErrType, "listen/endpoints", 1, "null"},
		{`{connect: {endpoints: [{locators: ["tcp/a:1"]}]}}`, ErrValue, "connect/endpoints/0", 1, "missing key \"strategy\""},
		{`{connect: {endpoints: [{strategy: "anyOf", locators: []}]}}`, ErrValue, "connect/endpoints/0/strategy", 1, "unknown strategy"},
		{`{connect: {timeout_ms: 1.5}}`, ErrType, "connect/timeout_ms", 1, "integer"},
		{`{connect: {timeout_ms: 1e3}}`, ErrType, "connect/timeout_ms", 1, "integer"},
		{`{connect: {timeout_ms: {peer: 1.5}}}`, ErrValue, "connect/timeout_ms/peer", 1, "truncate"},
		{`{connect: {timeout_ms: 99999999999999999999}}`, ErrValue, "connect/timeout_ms", 1, "64-bit"},
		{`{connect: {timeout_ms: -0x10}}`, ErrValue, "connect/timeout_ms", 1, "64-bit"},
		{`{connect: {retry: {period_increase_factor: "x"}}}`, ErrType, "connect/retry/period_increase_factor", 1, "number"},
		{`{connect: {retry: {period_increase_factor: NaN}}}`, ErrValue, "connect/retry/period_increase_factor", 1, "finite"},
		{`{timestamping: {enabled: {peer: 1}}}`, ErrType, "timestamping/enabled/peer", 1, "true or false"},
		{`{transport: {link: {tx: {lease: -5}}}}`, ErrValue, "transport/link/tx/lease", 1, "out of range"},
		{`{transport: {link: {tx: {lease: 1.9}}}}`, ErrValue, "transport/link/tx/lease", 1, "truncate"},
		{`{transport: {link: {tx: {lease: 0}}}}`, ErrValue, "transport/link/tx/lease", 1, "out of range [1,"},
		{`{transport: {link: {tx: {lease: Infinity}}}}`, ErrValue, "transport/link/tx/lease", 1, "finite"},
		{`{transport: {link: {tx: {lease: 1e400}}}}`, ErrValue, "transport/link/tx/lease", 1, "too large"},
		{`{transport: {link: {tx: {lease: 0x100000000}}}}`, ErrValue, "transport/link/tx/lease", 1, "32 bits"},
		{`{transport: {link: {tx: {lease: null}}}}`, ErrType, "transport/link/tx/lease", 1, "null"},
		{`{transport: {link: {tx: {batch_size: 65536}}}}`, ErrValue, "transport/link/tx/batch_size", 1, "[1, 65535]"},
		{`{transport: {link: {tx: {keep_alive: 0}}}}`, ErrValue, "transport/link/tx/keep_alive", 1, "out of range"},
		{`{transport: {link: {tx: {sequence_number_resolution: "64bit"}}}}`, ErrValue, "transport/link/tx/sequence_number_resolution", 1, "32-bit"},
		{`{transport: {link: {tx: {sequence_number_resolution: "7bit"}}}}`, ErrValue, "transport/link/tx/sequence_number_resolution", 1, "unknown resolution"},
		{`{transport: {link: {tx: {queue: {size: {data: 17}}}}}}`, ErrValue, "transport/link/tx/queue/size/data", 1, "[1, 16]"},
		{`{transport: {link: {tx: {queue: {allocation: {mode: "eager"}}}}}}`, ErrValue, "transport/link/tx/queue/allocation/mode", 1, "init, lazy"},
		{`{transport: {shared_memory: {transport_optimization: {pool_size: 0}}}}`, ErrValue, "transport/shared_memory/transport_optimization/pool_size", 1, "out of range"},
		{`{transport: {shared_memory: {transport_optimization: {messages: ["get"]}}}}`, ErrValue, "transport/shared_memory/transport_optimization/messages/0", 1, "put, delete"},
		{`{transport: {auth: {usrpwd: {user: "u"}}}}`, ErrValue, "transport/auth/usrpwd", 1, "together"},
		{`{transport: {link: {tls: {root_ca_certificate: 5}}}}`, ErrType, "transport/link/tls/root_ca_certificate", 1, "string"},
		{`{transport: {unicast: {lowlatency: null}}}`, ErrType, "transport/unicast/lowlatency", 1, "null"},
		{`{gateway: {south: "north"}}`, ErrValue, "gateway/south", 1, "auto"},
		{`{aggregation: []}`, ErrType, "aggregation", 1, "object"},
		{`{downsampling: {}}`, ErrType, "downsampling", 1, "array"},
		{`{metadata: {a: 12345678901234567890}}`, ErrValue, "metadata/a", 1, "64-bit"},
		{`{metadata: {a: +NaN}}`, ErrValue, "metadata/a", 1, "64-bit"},
		{`{routing: {router: {peers_failover_brokering: "yes"}}}`, ErrType, "routing/router/peers_failover_brokering", 1, "true, false or null"},
		{`{mode: "peer", mode: "client"}`, ErrDuplicateKey, "mode", 1, "twice"},
	} {
		_, _, err := Parse([]byte(tc.doc))
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tc.sentinel) {
			t.Errorf("Parse(%q) = %v, want %v", tc.doc, err, tc.sentinel)
			continue
		}
		if e.Path != tc.path || e.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Parse(%q) = %q (path %q, line %d), want path %q, line %d, containing %q",
				tc.doc, err, e.Path, e.Line, tc.path, tc.line, tc.msg)
		}
		if !strings.Contains(err.Error(), tc.path) {
			t.Errorf("message %q does not name the path %q", err, tc.path)
		}
	}
}

func TestConfigSyntaxErrorPosition(t *testing.T) {
	_, _, err := Parse([]byte("{\n  mode: \"peer\",\n  scouting: { delay: 5 ]\n}"))
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 || e.Column != 24 || !errors.Is(err, ErrSyntax) {
		t.Fatalf("err = %v (%+v), want a syntax error at line 3, column 24", err, e)
	}
	if !strings.Contains(err.Error(), "line 3, column 24") {
		t.Errorf("message %q lacks the position", err)
	}
}

func TestConfigLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
	}{
		{"size", "{metadata: \"" + strings.Repeat("a", MaxDocumentSize) + "\"}"},
		{"depth", "{metadata: " + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + "}"},
		{"values", "{metadata: [" + strings.Repeat("1,", MaxValues) + "]}"},
		{"string", "{metadata: \"" + strings.Repeat("a", MaxStringLength+1) + "\"}"},
		{"key", "{" + strings.Repeat("a", MaxStringLength+2) + ": 1}"},
		{"number", "{metadata: " + strings.Repeat("1", MaxStringLength+1) + "}"},
		{"bare word", "{metadata: " + strings.Repeat("w", MaxStringLength+1) + "}"},
		{"endpoints", "{listen: {endpoints: [" + strings.Repeat(`"tcp/a:1",`, MaxEndpoints+1) + "]}}"},
		{"locators", "{connect: {endpoints: [{strategy: \"allOf\", locators: [" + strings.Repeat(`"tcp/a:1",`, MaxEndpoints+1) + "]}]}}"},
	} {
		_, _, err := Parse([]byte(tc.doc))
		if !errors.Is(err, ErrLimit) && !(tc.name == "number" && errors.Is(err, ErrValue)) {
			t.Errorf("%s: err = %v, want ErrLimit", tc.name, err)
		}
	}
	_, _, err := Parse([]byte(`{listen: {endpoints: ["tcp/` + strings.Repeat("a", MaxEndpointLength) + `"]}}`))
	if !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), "MaxEndpointLength") {
		t.Errorf("long endpoint: %v", err)
	}
	var many strings.Builder
	many.WriteString("{")
	for i := 0; i < 2*MaxWarnings; i++ {
		many.WriteString("k" + itoa(i) + ": 1,")
	}
	many.WriteString("}")
	_, w, err := Parse([]byte(many.String()))
	if err != nil || len(w) != MaxWarnings+1 || w[MaxWarnings].Kind != WarnTruncated {
		t.Errorf("warnings: %d, %v", len(w), err)
	}
}
