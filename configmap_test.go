package zenoh

import (
	"errors"
	"io"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// Every declared entity is an io.Closer.
var (
	_ io.Closer = (*Subscriber)(nil)
	_ io.Closer = (*ChanSubscriber)(nil)
	_ io.Closer = (*Queryable)(nil)
	_ io.Closer = (*Publisher)(nil)
	_ io.Closer = (*LivelinessToken)(nil)
	_ io.Closer = (*MatchingListener)(nil)
	_ io.Closer = (*Session)(nil)
)

func TestSessionConfigMapping(t *testing.T) {
	cfg := DefaultConfig()
	for path, v := range map[string]string{
		"transport/link/tx/lease":                                            "3000",
		"transport/link/tx/keep_alive":                                       "3",
		"transport/link/tx/batch_size":                                       "8192",
		"transport/link/tx/sequence_number_resolution":                       `"16bit"`,
		"transport/unicast/qos/enabled":                                      "false",
		"transport/unicast/open_timeout":                                     "2500",
		"transport/unicast/max_sessions":                                     "7",
		"transport/link/tx/queue/size/data":                                  "4",
		"transport/link/tx/queue/batching/enabled":                           "false",
		"transport/link/tx/queue/batching/time_limit":                        "2",
		"transport/link/tx/queue/congestion_control/block/wait_before_close": "2000000",
		"connect/retry/period_init_ms":                                       "250",
		"connect/retry/period_max_ms":                                        "1000",
		"connect/retry/period_increase_factor":                               "3",
	} {
		must(t, cfg.Insert(path, v))
	}
	zid, _ := ParseZenohID("1234")
	sc, err := sessionConfig(&cfg, zid, wire.Peer, nil)
	must(t, err)
	want := session.DefaultConfig()
	want.ZID, want.WhatAmI = zid, wire.Peer
	want.Lease, want.KeepAlive, want.BatchSize, want.SNResolution = 3*time.Second, 3, 8192, 16
	want.QoS, want.OpenTimeout, want.MaxSessions, want.QueueSize, want.Batching = false, 2500*time.Millisecond, 7, 4, false
	want.WaitBeforeClose = 2 * time.Second
	want.BatchLinger = 2 * time.Millisecond
	want.ConnectRetry = session.Retry{PeriodInit: 250 * time.Millisecond, PeriodMax: time.Second, Factor: 3, Jitter: 0.2}
	want.ListenRetry = session.Retry{PeriodInit: time.Second, PeriodMax: 4 * time.Second, Factor: 2, Jitter: 0.2}
	if !reflect.DeepEqual(sc, want) {
		t.Fatalf("got  %+v\nwant %+v", sc, want)
	}
	must(t, cfg.Insert("transport/link/tx/keep_alive", "1"))
	cfg.Transport.Link.TX.KeepAlive = 0
	if _, err := sessionConfig(&cfg, zid, wire.Peer, nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("invalid keep_alive: %v", err)
	}
}

func TestScoutingConfigMapping(t *testing.T) {
	cfg := DefaultConfig()
	for path, v := range map[string]string{
		"scouting/multicast/interface":            `"lo"`,
		"scouting/multicast/address":              `"224.0.0.224:17446"`,
		"scouting/multicast/ttl":                  "3",
		"scouting/multicast/autoconnect":          `{peer: ["router"]}`,
		"scouting/multicast/autoconnect_strategy": `{peer: {to_peer: "greater-zid"}}`,
		"scouting/gossip/multihop":                "true",
		"scouting/delay":                          "200",
	} {
		must(t, cfg.Insert(path, v))
	}
	sc := scoutingConfig(&cfg, wire.Peer)
	m := sc.Multicast
	if !m.Enabled || m.Interface != "lo" || m.Address != netip.MustParseAddrPort("224.0.0.224:17446") || m.TTL != 3 || !m.Listen {
		t.Errorf("multicast: %+v", m)
	}
	if m.Autoconnect.Matcher != wire.WhatAmIMatcher(wire.Router) || m.Autoconnect.Strategy.ToPeer != scouting.StrategyGreaterZID ||
		m.Autoconnect.Strategy.ToRouter != scouting.StrategyAlways {
		t.Errorf("multicast autoconnect: %+v", m.Autoconnect)
	}
	g := sc.Gossip
	if !g.Enabled || !g.Multihop || g.Target != wire.WhatAmIMatcher(wire.Router|wire.Peer) ||
		g.Autoconnect.Matcher != wire.WhatAmIMatcher(wire.Router|wire.Peer|wire.Client) {
		t.Errorf("gossip: %+v", g)
	}
	if sc.Delay != 200*time.Millisecond || sc.Timeout != 3*time.Second {
		t.Errorf("delay %v timeout %v", sc.Delay, sc.Timeout)
	}
	if c := scoutingConfig(&cfg, wire.Client); c.Gossip.Enabled {
		t.Errorf("clients do not gossip: %+v", c.Gossip)
	}
	must(t, sc.Validate())
}
