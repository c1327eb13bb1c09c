package main

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParseScout(t *testing.T) {
	a, err := parseScout(nil, io.Discard)
	if err != nil || a.timeout != 0 || a.count != 0 || a.what != zenoh.WhatAmIMatcher(zenoh.WhatAmIPeer|zenoh.WhatAmIRouter) {
		t.Fatalf("defaults: %v %+v", err, a)
	}
	a, err = parseScout([]string{"--what", "Router | client", "--count", "1", "-o", "2s"}, io.Discard)
	if err != nil || a.what != zenoh.WhatAmIMatcher(zenoh.WhatAmIRouter|zenoh.WhatAmIClient) || a.count != 1 || a.timeout != 2*time.Second {
		t.Fatalf("flags: %v %+v", err, a)
	}
	for _, args := range [][]string{{"--what", ""}, {"--what", "peer|"}, {"--what", "dog"}, {"--count", "-1"}, {"--timeout", "-1s"}} {
		if _, err := parseScout(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestHelloOutput(t *testing.T) {
	zid, _ := zenoh.ParseZenohID("57d54c201d977bd22261e9ce4b67991b")
	h := zenoh.Hello{ZID: zid, WhatAmI: zenoh.WhatAmIPeer, Locators: []string{"tcp/127.0.0.1:7447", "tcp/[::1]:7447"}}
	// Zenoh 1.10.2's Display of a Hello, as printed by z_scout.
	want := "Hello { zid: 57d54c201d977bd22261e9ce4b67991b, whatami: Peer, locators: [tcp/127.0.0.1:7447, tcp/[::1]:7447] }"
	if got := zHelloText(&h); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	wantJSON := `{"event":"hello","zid":"57d54c201d977bd22261e9ce4b67991b","whatami":"peer","locators":["tcp/127.0.0.1:7447","tcp/[::1]:7447"]}`
	if got := zMarshal(t, zHelloJSON(&h)); got != wantJSON {
		t.Errorf("got  %s\nwant %s", got, wantJSON)
	}
	empty := zenoh.Hello{ZID: zid, WhatAmI: zenoh.WhatAmIRouter}
	if got := zMarshal(t, zHelloJSON(&empty)); got != `{"event":"hello","zid":"57d54c201d977bd22261e9ce4b67991b","whatami":"router","locators":[]}` {
		t.Errorf("no locators: %s", got)
	}
	if got := zHelloText(&empty); got != "Hello { zid: 57d54c201d977bd22261e9ce4b67991b, whatami: Router, locators: [] }" {
		t.Errorf("no locators: %s", got)
	}
}
