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
	ev := zenoh.TransportEvent{Kind: zenoh.TransportOpened, Transport: tr}
	if text2, obj2 := zTransportEvent(&ev); text2 != text || zMarshal(t, obj2) != zMarshal(t, obj) {
		t.Errorf("opened event: %q %s", text2, zMarshal(t, obj2))
	}
	ev = zenoh.TransportEvent{Kind: zenoh.TransportClosed, Transport: tr, Err: errors.New("lease expired")}
	text, obj = zTransportEvent(&ev)
	if want := ">> [Peer] Transport down: a1 (peer): lease expired"; text != want {
		t.Errorf("down: got %q want %q", text, want)
	}
	if got, want := zMarshal(t, obj), `{"event":"transport_down","zid":"a1","whatami":"peer","links":[{"local":"tcp/127.0.0.1:1","remote":"tcp/127.0.0.1:2","outbound":true}],"reason":"lease expired"}`; got != want {
		t.Errorf("down: got %s want %s", got, want)
	}
	tr.Links = nil
	text, obj = zTransportDown(&tr, nil)
	if text != ">> [Peer] Transport down: a1 (peer)" || zMarshal(t, obj) != `{"event":"transport_down","zid":"a1","whatami":"peer","links":[]}` {
		t.Errorf("down without reason: %q %s", text, zMarshal(t, obj))
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
