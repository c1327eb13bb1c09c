package config

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestConfigRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genConfig(t)
		doc, err := c.MarshalJSON5()
		if err != nil {
			t.Fatalf("MarshalJSON5: %v", err)
		}
		back, w, err := Parse(doc)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON5()): %v\n%s", err, doc)
		}
		if len(w) != 0 {
			t.Fatalf("warnings on our own output: %v", w)
		}
		if !back.Equal(c) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", c, back)
		}
		compact, _, err := Parse([]byte(c.String()))
		if err != nil || !compact.Equal(c) {
			t.Fatalf("String() round trip: %v", err)
		}
	})
}

func TestConfigGetInsertCopiesEveryKey(t *testing.T) {
	keys := []string{"transport/auth/usrpwd"} // user and password must be inserted together
	for _, k := range Keys() {
		if !strings.HasPrefix(k, "transport/auth/usrpwd/") {
			keys = append(keys, k)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		c := genConfig(t)
		d := DefaultConfig()
		for _, k := range rapid.SliceOfNDistinct(rapid.SampledFrom(keys), 1, 12, rapid.ID[string]).Draw(t, "keys") {
			v, err := c.Get(k)
			if err != nil {
				t.Fatalf("Get(%q): %v", k, err)
			}
			if err := d.Insert(k, v); err != nil {
				t.Fatalf("Insert(%q, %s): %v", k, v, err)
			}
			if got, _ := d.Get(k); got != v {
				t.Fatalf("after Insert(%q, %s), Get = %s", k, v, got)
			}
		}
	})
	c := DefaultConfig()
	c.Mode = ModeRouter
	c.Transport.Link.TX.LeaseMS = 1234
	d := DefaultConfig()
	for _, k := range keys {
		v, _ := c.Get(k)
		if err := d.Insert(k, v); err != nil {
			t.Fatalf("Insert(%q, %s): %v", k, v, err)
		}
	}
	if !d.Equal(c) {
		t.Fatal("copying every key with Get and Insert differs")
	}
}

func TestConfigInsert(t *testing.T) {
	c := DefaultConfig()
	steps := []struct{ path, value string }{
		{"mode", `"client"`},
		{"/connect/endpoints/", `["tcp/127.0.0.1:7447"]`},
		{"scouting/multicast", `{ttl: 5}`},
		{"transport//link/tx/lease", `2000`},
		{"plugins/rest", `{http_port: 8000}`},
		{"plugins/rest/http_port", `8001`},
		{"metadata", `{name: "strawberry"}`},
		{"metadata/location", `"Penny Lane"`},
		{"listen/endpoints", `{router: ["tcp/[::]:7447"], peer: ["tcp/[::]:0"], client: []}`},
		{"listen/endpoints/client", `["tcp/127.0.0.1:0"]`},
		{"scouting/gossip/enabled", `false`},
		{"id", `abc`},
	}
	for _, s := range steps {
		if err := c.Insert(s.path, s.value); err != nil {
			t.Fatalf("Insert(%q, %q): %v", s.path, s.value, err)
		}
	}
	for key, want := range map[string]string{
		"mode":                       `"client"`,
		"connect/endpoints":          `["tcp/127.0.0.1:7447"]`,
		"scouting/multicast/ttl":     `5`,
		"scouting/multicast/enabled": `true`,
		"transport/link/tx/lease":    `2000`,
		"plugins":                    `{"rest":{"http_port":8001}}`,
		"metadata":                   `{"location":"Penny Lane","name":"strawberry"}`,
		"listen/endpoints/client/0":  `"tcp/127.0.0.1:0"`,
		"scouting/gossip/enabled":    `false`,
		"id":                         `"abc"`,
		"":                           "",
	} {
		got, err := c.Get(key)
		if err != nil {
			t.Fatalf("Get(%q): %v", key, err)
		}
		if key == "" {
			if !strings.HasPrefix(got, `{"id":"abc"`) {
				t.Errorf("Get(\"\") = %.40s…", got)
			}
			continue
		}
		if got != want {
			t.Errorf("Get(%q) = %s, want %s", key, got, want)
		}
	}
	if c.Transport.Link.TX.Lease().Milliseconds() != 2000 || c.ConnectEndpoints()[0] != "tcp/127.0.0.1:7447" {
		t.Error("typed fields not updated by Insert")
	}
}

func TestConfigInsertErrors(t *testing.T) {
	for _, tc := range []struct {
		path, value string
		sentinel    error
	}{
		{"", `1`, ErrPath},
		{"plugins/\x80", `0`, ErrPath},
		{"///", `1`, ErrPath},
		{"foo", `1`, ErrUnknownKey},
		{"scouting/multicast/enabeld", `true`, ErrUnknownKey},
		{"scouting/multicast", `{enabeld: true}`, ErrUnknownKey},
		{"connect/retry/foo", `1`, ErrUnknownKey},
		{"metadata/x", `1`, ErrUnknownKey},
		{"mode", `"bad"`, ErrValue},
		{"mode", `"client" x`, ErrSyntax},
		{"transport/link/tx/lease", `null`, ErrType},
		{"transport/link/tx/lease", `-5`, ErrValue},
		{"transport/link/tx/sequence_number_resolution", `"64bit"`, ErrValue},
		{"transport/link/tx/queue/size/control", `0`, ErrValue},
		{"transport/auth/usrpwd/user", `"a"`, ErrValue},
		{"connect/endpoints", `["bad"]`, ErrValue},
		{"scouting", `null`, ErrType},
		{strings.Repeat("a/", MaxPathLength), `1`, ErrLimit},
		{"metadata", strings.Repeat(" ", MaxDocumentSize+1), ErrLimit},
	} {
		c := DefaultConfig()
		err := c.Insert(tc.path, tc.value)
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("Insert(%.30q, %.30q) = %v, want %v", tc.path, tc.value, err, tc.sentinel)
		}
		if !c.Equal(DefaultConfig()) {
			t.Errorf("Insert(%.30q) changed the configuration despite failing", tc.path)
		}
	}
	if _, err := DefaultConfig().Get("scouting/multicast/nope"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Get of an unknown key: %v", err)
	}
	if _, err := DefaultConfig().Get("listen/endpoints/peer/7"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Get of an index out of range: %v", err)
	}
}

func TestConfigNullResetsOptionalKeys(t *testing.T) {
	c := DefaultConfig()
	for _, k := range []string{"scouting/multicast/ttl", "scouting/multicast/autoconnect", "timestamping/enabled", "connect/retry", "mode"} {
		if err := c.Insert(k, `null`); err != nil {
			t.Fatalf("Insert(%q, null): %v", k, err)
		}
	}
	if !c.Equal(DefaultConfig()) {
		t.Errorf("null on optional keys must keep Zenoh's defaults")
	}
}

func TestConfigMarshalRejectsInvalidRaw(t *testing.T) {
	c := DefaultConfig()
	c.Plugins = `{"rest": `
	_, err := c.MarshalJSON5()
	var e *Error
	if !errors.As(err, &e) || e.Path != "plugins" || !errors.Is(err, ErrValue) {
		t.Fatalf("MarshalJSON5 with an invalid Raw: %v", err)
	}
	if !strings.Contains(c.String(), `"plugins":null`) {
		t.Error("String must write an invalid Raw as null")
	}
}
