package config

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// wantDefaults are Zenoh 1.x's defaults for a peer, key by key, as JSON. Keys Zenoh leaves unset
// carry the built-in default Zenoh applies (commons/zenoh-config/src/defaults.rs, and the values
// documented in DEFAULT_CONFIG.json5); the others are what zenoh.Config() reports.
var wantDefaults = map[string]string{
	"id":                                                               `null`,
	"metadata":                                                         `null`,
	"mode":                                                             `"peer"`,
	"region_name":                                                      `null`,
	"gateway/south":                                                    `null`,
	"connect/timeout_ms":                                               `{"router":-1,"peer":-1,"client":0}`,
	"connect/endpoints":                                                `[]`,
	"connect/exit_on_failure":                                          `{"router":false,"peer":false,"client":true}`,
	"connect/retry/period_init_ms":                                     `1000`,
	"connect/retry/period_max_ms":                                      `4000`,
	"connect/retry/period_increase_factor":                             `2.0`,
	"listen/timeout_ms":                                                `0`,
	"listen/endpoints":                                                 `{"router":["tcp/[::]:7447"],"peer":["tcp/[::]:0"]}`,
	"listen/exit_on_failure":                                           `true`,
	"listen/retry/period_init_ms":                                      `1000`,
	"listen/retry/period_max_ms":                                       `4000`,
	"listen/retry/period_increase_factor":                              `2.0`,
	"open/return_conditions/connect_scouted":                           `true`,
	"open/return_conditions/declares":                                  `true`,
	"scouting/timeout":                                                 `3000`,
	"scouting/delay":                                                   `500`,
	"scouting/multicast/enabled":                                       `true`,
	"scouting/multicast/address":                                       `"224.0.0.224:7446"`,
	"scouting/multicast/interface":                                     `"auto"`,
	"scouting/multicast/ttl":                                           `1`,
	"scouting/multicast/autoconnect":                                   `{"router":[],"peer":["router","peer","client"],"client":["router","peer","client"]}`,
	"scouting/multicast/autoconnect_strategy":                          `"always"`,
	"scouting/multicast/listen":                                        `true`,
	"scouting/gossip/enabled":                                          `true`,
	"scouting/gossip/multihop":                                         `false`,
	"scouting/gossip/target":                                           `{"router":["router","peer"],"peer":["router","peer"],"client":[]}`,
	"scouting/gossip/autoconnect":                                      `{"router":[],"peer":["router","peer","client"],"client":["router","peer","client"]}`,
	"scouting/gossip/autoconnect_strategy":                             `"always"`,
	"timestamping/enabled":                                             `{"router":true,"peer":false,"client":false}`,
	"timestamping/drop_future_timestamp":                               `false`,
	"queries_default_timeout":                                          `10000`,
	"routing/router/linkstate/transport_weights":                       `[]`,
	"routing/interests/timeout":                                        `10000`,
	"aggregation":                                                      `{"publishers":[],"subscribers":[]}`,
	"qos":                                                              `{"network":[],"publication":[]}`,
	"transport/unicast/open_timeout":                                   `10000`,
	"transport/unicast/accept_timeout":                                 `10000`,
	"transport/unicast/accept_pending":                                 `100`,
	"transport/unicast/max_sessions":                                   `1000`,
	"transport/unicast/max_links":                                      `1`,
	"transport/unicast/lowlatency":                                     `false`,
	"transport/unicast/qos/enabled":                                    `true`,
	"transport/unicast/compression/enabled":                            `false`,
	"transport/multicast/join_interval":                                `2500`,
	"transport/multicast/max_sessions":                                 `1000`,
	"transport/multicast/qos/enabled":                                  `false`,
	"transport/multicast/compression/enabled":                          `false`,
	"transport/link/protocols":                                         `null`,
	"transport/link/tx/sequence_number_resolution":                     `"32bit"`,
	"transport/link/tx/lease":                                          `10000`,
	"transport/link/tx/keep_alive":                                     `4`,
	"transport/link/tx/batch_size":                                     `65535`,
	"transport/link/tx/queue/size/control":                             `2`,
	"transport/link/tx/queue/size/real_time":                           `2`,
	"transport/link/tx/queue/size/interactive_high":                    `2`,
	"transport/link/tx/queue/size/interactive_low":                     `2`,
	"transport/link/tx/queue/size/data_high":                           `2`,
	"transport/link/tx/queue/size/data":                                `2`,
	"transport/link/tx/queue/size/data_low":                            `2`,
	"transport/link/tx/queue/size/background":                          `2`,
	"transport/link/tx/queue/congestion_control/drop/wait_before_drop": `1000`,
	"transport/link/tx/queue/congestion_control/drop/max_wait_before_drop_fragments": `50000`,
	"transport/link/tx/queue/congestion_control/block/wait_before_close":             `5000000`,
	"transport/link/tx/queue/batching/enabled":                                       `true`,
	"transport/link/tx/queue/batching/time_limit":                                    `1`,
	"transport/link/tx/queue/allocation/mode":                                        `"lazy"`,
	"transport/link/tx/threads":                                                      strconv.Itoa(1 + (runtime.NumCPU()-1)/4),
	"transport/link/rx/buffer_size":                                                  `65535`,
	"transport/link/rx/max_message_size":                                             `1073741824`,
	"transport/link/tls/root_ca_certificate":                                         `null`,
	"transport/link/tls/listen_private_key":                                          `null`,
	"transport/link/tls/listen_certificate":                                          `null`,
	"transport/link/tls/enable_mtls":                                                 `null`,
	"transport/link/tls/connect_private_key":                                         `null`,
	"transport/link/tls/connect_certificate":                                         `null`,
	"transport/link/tls/verify_name_on_connect":                                      `null`,
	"transport/link/tls/close_link_on_expiration":                                    `null`,
	"transport/link/tls/so_sndbuf":                                                   `null`,
	"transport/link/tls/so_rcvbuf":                                                   `null`,
	"transport/link/tls/root_ca_certificate_base64":                                  `null`,
	"transport/link/tls/listen_private_key_base64":                                   `null`,
	"transport/link/tls/listen_certificate_base64":                                   `null`,
	"transport/link/tls/connect_private_key_base64":                                  `null`,
	"transport/link/tls/connect_certificate_base64":                                  `null`,
	"transport/link/tcp/so_sndbuf":                                                   `null`,
	"transport/link/tcp/so_rcvbuf":                                                   `null`,
	"transport/link/unixpipe/file_access_mask":                                       `null`,
	"transport/shared_memory/enabled":                                                `true`,
	"transport/shared_memory/mode":                                                   `"lazy"`,
	"transport/shared_memory/transport_optimization/enabled":                         `true`,
	"transport/shared_memory/transport_optimization/pool_size":                       `16777216`,
	"transport/shared_memory/transport_optimization/message_size_threshold":          `3072`,
	"transport/shared_memory/transport_optimization/messages":                        `["put","query","reply"]`,
	"transport/auth/usrpwd/user":                                                     `null`,
	"transport/auth/usrpwd/password":                                                 `null`,
	"transport/auth/usrpwd/dictionary_file":                                          `null`,
	"transport/auth/pubkey/public_key_pem":                                           `null`,
	"transport/auth/pubkey/private_key_pem":                                          `null`,
	"transport/auth/pubkey/public_key_file":                                          `null`,
	"transport/auth/pubkey/private_key_file":                                         `null`,
	"transport/auth/pubkey/key_size":                                                 `null`,
	"transport/auth/pubkey/known_keys_file":                                          `null`,
	"adminspace/enabled":                                                             `false`,
	"adminspace/permissions/read":                                                    `true`,
	"adminspace/permissions/write":                                                   `false`,
	"namespace":                                                                      `null`,
	"downsampling":                                                                   `[]`,
	"access_control":                                                                 `{"default_permission":"deny","enabled":false,"policies":null,"rules":null,"subjects":null}`,
	"low_pass_filter":                                                                `[]`,
	"stats":                                                                          `{"filters":[]}`,
	"plugins_loading":                                                                `{"enabled":false,"search_dirs":[{"kind":"current_exe_parent","value":null},".","~/.zenoh/lib","/opt/homebrew/lib","/usr/local/lib","/usr/lib"]}`,
	"plugins":                                                                        `{}`,
}

func TestConfigDefaultsKeyByKey(t *testing.T) {
	c := DefaultConfig()
	keys := Keys()
	if len(keys) != len(wantDefaults) {
		t.Errorf("Keys() has %d keys, the expected defaults %d", len(keys), len(wantDefaults))
	}
	for _, k := range keys {
		want, ok := wantDefaults[k]
		if !ok {
			t.Errorf("%s: no expected default", k)
			continue
		}
		got, err := c.Get(k)
		if err != nil {
			t.Errorf("Get(%q): %v", k, err)
			continue
		}
		if got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
}

func TestConfigEmptyDocumentIsDefault(t *testing.T) {
	for _, doc := range []string{"{}", "// nothing\n{ }\n", "{/* */}"} {
		c, w, err := Parse([]byte(doc))
		if err != nil || len(w) != 0 {
			t.Fatalf("Parse(%q) = %v, %v", doc, w, err)
		}
		if !c.Equal(DefaultConfig()) {
			t.Errorf("Parse(%q) differs from DefaultConfig()", doc)
		}
	}
}

func TestConfigDefaultDurations(t *testing.T) {
	c := DefaultConfig()
	for _, tc := range []struct {
		name      string
		got, want time.Duration
	}{
		{"lease", c.Transport.Link.TX.Lease(), 10 * time.Second},
		{"keep-alive interval", c.Transport.Link.TX.KeepAliveInterval(), 2500 * time.Millisecond},
		{"open timeout", c.Transport.Unicast.OpenTimeout(), 10 * time.Second},
		{"accept timeout", c.Transport.Unicast.AcceptTimeout(), 10 * time.Second},
		{"join interval", c.Transport.Multicast.JoinInterval(), 2500 * time.Millisecond},
		{"batching time limit", c.Transport.Link.TX.Queue.Batching.TimeLimit(), time.Millisecond},
		{"wait before drop", c.Transport.Link.TX.Queue.CongestionControl.Drop.WaitBeforeDrop(), time.Millisecond},
		{"max wait before drop fragments", c.Transport.Link.TX.Queue.CongestionControl.Drop.MaxWaitBeforeDropFragments(), 50 * time.Millisecond},
		{"wait before close", c.Transport.Link.TX.Queue.CongestionControl.Block.WaitBeforeClose(), 5 * time.Second},
		{"scouting timeout", c.Scouting.Timeout(), 3 * time.Second},
		{"scouting delay", c.Scouting.Delay(), 500 * time.Millisecond},
		{"interests timeout", c.Routing.Interests.Timeout(), 10 * time.Second},
		{"queries default timeout", c.QueriesDefaultTimeout(), 10 * time.Second},
		{"connect timeout (peer: none)", c.ConnectTimeout(), Forever},
		{"listen timeout", c.ListenTimeout(), 0},
		{"connect retry first", c.ConnectRetry().First(), time.Second},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if got := c.ListenEndpoints(); len(got) != 1 || got[0] != "tcp/[::]:0" {
		t.Errorf("peer listen endpoints = %v", got)
	}
	if c.TimestampingEnabled() {
		t.Error("a peer timestamps by default")
	}
	if got := c.MulticastAutoconnect(); got != MatcherOf(ModeRouter, ModePeer, ModeClient) {
		t.Errorf("peer multicast autoconnect = %v", got)
	}
	if got := c.GossipTarget(); got != MatcherOf(ModeRouter, ModePeer) {
		t.Errorf("peer gossip target = %v", got)
	}
	if !c.MulticastListen() || c.Scouting.Multicast.AutoconnectStrategy.Get(ModePeer, ModeRouter) != StrategyAlways {
		t.Error("multicast listen/strategy defaults")
	}
	r := c.ConnectRetry()
	if r.ExitOnFailure || r.PeriodMaxMS != 4000 || r.IncreaseFactor != 2 {
		t.Errorf("connect retry = %+v", r)
	}
	c.Mode = ModeClient
	if c.ConnectTimeout() != 0 || !c.ConnectRetry().ExitOnFailure || c.ListenEndpoints() != nil {
		t.Errorf("client: connect timeout %v, exit %v, listen %v", c.ConnectTimeout(), c.ConnectRetry().ExitOnFailure, c.ListenEndpoints())
	}
	c.Mode = ModeRouter
	if !c.TimestampingEnabled() || c.MulticastAutoconnect() != 0 || c.ListenEndpoints()[0] != "tcp/[::]:7447" {
		t.Error("router defaults")
	}
}

func TestConfigRetryPeriods(t *testing.T) {
	r := Retry{PeriodInitMS: 1000, PeriodMaxMS: 4000, IncreaseFactor: 2}
	var got []time.Duration
	for d := r.First(); len(got) < 5; d = r.Next(d) {
		got = append(got, d)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("periods = %v, want %v", got, want)
		}
	}
	if (Retry{PeriodInitMS: -1}).First() != Forever || (Retry{PeriodInitMS: 0, IncreaseFactor: 2}).Next(0) != 0 {
		t.Error("negative init must be Forever, zero init must stay zero")
	}
	if (Retry{PeriodInitMS: 1000, IncreaseFactor: 1.5}).Next(3*time.Second) != 4500*time.Millisecond {
		t.Error("uncapped growth")
	}
}

func TestConfigAccessorsDoNotAllocate(t *testing.T) {
	c := DefaultConfig()
	var sink time.Duration
	n := testing.AllocsPerRun(100, func() {
		sink += c.Transport.Link.TX.KeepAliveInterval() + c.ConnectTimeout() + c.ListenRetry().First()
		if len(c.ListenEndpoints()) != 1 || c.TimestampingEnabled() {
			t.Fatal("unexpected value")
		}
	})
	if n != 0 {
		t.Errorf("accessors allocate %v times per run", n)
	}
	_ = sink
}
