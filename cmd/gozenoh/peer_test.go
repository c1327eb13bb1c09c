package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParsePeer(t *testing.T) {
	a, err := parsePeer([]string{"-l", "tcp/127.0.0.1:0", "--stats", "1s", "--timeout", "2s"}, io.Discard)
	if err != nil || a.stats != time.Second || a.timeout != 2*time.Second || len(a.common.listen) != 1 {
		t.Fatalf("%v %+v", err, a)
	}
	for _, args := range [][]string{{"--stats", "-1s"}, {"--timeout", "-1s"}, {"-k", "x"}} {
		if _, err := parsePeer(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func zZID(t *testing.T, s string) zenoh.ZenohID {
	t.Helper()
	z, err := zenoh.ParseZenohID(s)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestTransportDiff(t *testing.T) {
	a := zenoh.TransportInfo{ZID: zZID(t, "a"), WhatAmI: zenoh.WhatAmIPeer}
	b := zenoh.TransportInfo{ZID: zZID(t, "b"), WhatAmI: zenoh.WhatAmIPeer}
	c := zenoh.TransportInfo{ZID: zZID(t, "c"), WhatAmI: zenoh.WhatAmIClient}
	up, down := zTransportDiff(nil, []zenoh.TransportInfo{c, a})
	if len(up) != 2 || up[0].ZID != a.ZID || up[1].ZID != c.ZID || len(down) != 0 {
		t.Fatalf("first: up %v down %v", up, down)
	}
	up, down = zTransportDiff([]zenoh.TransportInfo{a, c}, []zenoh.TransportInfo{b, a})
	if len(up) != 1 || up[0].ZID != b.ZID || len(down) != 1 || down[0].ZID != c.ZID {
		t.Fatalf("change: up %v down %v", up, down)
	}
	if up, down = zTransportDiff([]zenoh.TransportInfo{a}, []zenoh.TransportInfo{a}); up != nil || down != nil {
		t.Fatalf("no change: up %v down %v", up, down)
	}
}

func TestPeerOutput(t *testing.T) {
	tr := zenoh.TransportInfo{ZID: zZID(t, "a1"), WhatAmI: zenoh.WhatAmIPeer,
		Links: []zenoh.LinkInfo{{Local: "tcp/127.0.0.1:1", Remote: "tcp/127.0.0.1:2", Outbound: true}}}
	text, obj := zTransportUp(&tr)
	if want := ">> [Peer] Transport up: a1 (peer) tcp/127.0.0.1:1 -> tcp/127.0.0.1:2"; text != want {
		t.Errorf("got %q want %q", text, want)
	}
	if got, want := zMarshal(t, obj), `{"event":"transport_up","zid":"a1","whatami":"peer","links":[{"local":"tcp/127.0.0.1:1","remote":"tcp/127.0.0.1:2","outbound":true}]}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	text, obj = zTransportDown(&tr)
	if text != ">> [Peer] Transport down: a1 (peer)" || zMarshal(t, obj) != `{"event":"transport_down","zid":"a1","whatami":"peer"}` {
		t.Errorf("down: %q %s", text, zMarshal(t, obj))
	}
	in := zenoh.SessionInfo{ZID: zZID(t, "b2"), WhatAmI: zenoh.WhatAmIPeer}
	text, obj = zPeerReady(&in)
	if text != ">> [Peer] Session b2 (peer) on []" || zMarshal(t, obj) != `{"event":"ready","zid":"b2","mode":"peer","locators":[]}` {
		t.Errorf("ready: %q %s", text, zMarshal(t, obj))
	}
	st := zenoh.Stats{Transports: []zenoh.TransportInfo{tr}, SamplesDelivered: 3}
	st.Transports[0].Stats.TxMessages, st.Transports[0].Stats.RxMessages = 5, 6
	st.Transport.TransportsOpened = 2
	text, obj = zStatsLine(&st)
	if !strings.HasPrefix(text, ">> [Peer] Stats: transports=1 opened=2 tx=5 rx=6 ") || !strings.Contains(text, "delivered=3") {
		t.Errorf("stats: %q", text)
	}
	if got := zMarshal(t, obj); !strings.HasPrefix(got, `{"event":"stats","transports":1,"opened":2,"tx_messages":5,"rx_messages":6,`) {
		t.Errorf("stats: %s", got)
	}
}
