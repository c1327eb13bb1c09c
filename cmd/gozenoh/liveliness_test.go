package main

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParseLiveliness(t *testing.T) {
	a, err := parseLiv("token", livTokenUsage, nil, io.Discard)
	if err != nil || a.key != "group1/gozenoh" || a.timeout != 0 {
		t.Fatalf("token defaults: %v %+v", err, a)
	}
	a, err = parseLiv("sub", livSubUsage, []string{"-k", "group1/**", "--history", "--count", "2", "--timeout", "1s"}, io.Discard)
	if err != nil || !a.history || a.count != 2 || a.timeout != time.Second {
		t.Fatalf("sub flags: %v %+v", err, a)
	}
	a, err = parseLiv("get", livGetUsage, []string{"-o", "250ms"}, io.Discard)
	if err != nil || a.key != "group1/**" || a.timeout != 250*time.Millisecond {
		t.Fatalf("get flags: %v %+v", err, a)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"token", []string{"--history"}}, {"token", []string{"--count", "1"}}, {"get", []string{"--history"}},
		{"get", []string{"--timeout", "0s"}}, {"sub", []string{"-k", "a/**/**"}}, {"sub", []string{"--count", "-1"}},
	} {
		if _, err := parseLiv(c.name, "", c.args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%s %q: %v, want a usage error", c.name, c.args, err)
		}
	}
}

func TestLivelinessOutput(t *testing.T) {
	put := zenoh.Sample{Key: "group1/a"}
	del := zenoh.Sample{Key: "group1/a", Kind: zenoh.SampleKindDelete}
	for _, c := range []struct{ got, want string }{
		{zLivText(&put), ">> [LivelinessSubscriber] New alive token ('group1/a')"},
		{zLivText(&del), ">> [LivelinessSubscriber] Dropped token ('group1/a')"},
		{zAliveText(&put), ">> Alive token ('group1/a')"},
		{zMarshal(t, zLivJSON(&put)), `{"event":"liveliness","kind":"put","key":"group1/a"}`},
		{zMarshal(t, zLivJSON(&del)), `{"event":"liveliness","kind":"delete","key":"group1/a"}`},
	} {
		if c.got != c.want {
			t.Errorf("got %q want %q", c.got, c.want)
		}
	}
}
