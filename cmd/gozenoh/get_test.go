package main

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParseGet(t *testing.T) {
	a, err := parseGet(nil, io.Discard)
	if err != nil || a.selector != "demo/example/**" || a.timeout != 10*time.Second || a.payload.set || a.attachment.set ||
		a.target != zenoh.QueryTargetBestMatching || a.consolidation != zenoh.ConsolidationAuto ||
		a.qos.cc != zenoh.CongestionControlBlock {
		t.Fatalf("defaults: %v %+v", err, a)
	}
	if n := len(a.options()); n != 6 {
		t.Fatalf("%d default options", n)
	}
	a, err = parseGet([]string{"-s", "demo/**?x=1;y=2", "-p", "", "--encoding", "application/json", "-a", "att",
		"-t", "ALL_COMPLETE", "--consolidation", "none", "-o", "1500ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if a.selector != "demo/**?x=1;y=2" || !a.payload.set || a.payload.v != "" || a.attachment.v != "att" ||
		a.encoding != zenoh.EncodingApplicationJSON || a.target != zenoh.QueryTargetAllComplete ||
		a.consolidation != zenoh.ConsolidationNone || a.timeout != 1500*time.Millisecond {
		t.Fatalf("flags: %+v", a)
	}
	if n := len(a.options()); n != 9 {
		t.Fatalf("%d options, want 6 + payload, encoding, attachment", n)
	}
	for _, args := range [][]string{{"-s", "demo//a"}, {"-s", "?x"}, {"--timeout", "0s"}, {"-t", "nearest"},
		{"--consolidation", "some"}, {"-o", "5"}} {
		if _, err := parseGet(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestGetOutput(t *testing.T) {
	zid, _ := zenoh.ParseZenohID("a1")
	r := zenoh.Reply{Sample: zenoh.Sample{Key: "demo/a", Payload: []byte("v"), Encoding: zenoh.EncodingTextPlain}, Replier: zid}
	if got, want := zReplyText(&r.Sample), ">> Received ('demo/a': 'v') [text/plain]"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	want := `{"event":"reply","ok":true,"kind":"put","key":"demo/a","payload":"v","encoding":"text/plain",` +
		`"priority":"control","congestion_control":"drop","express":false,"replier":"a1"}`
	if got := zMarshal(t, zReplyJSON(&r)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	del := zenoh.Sample{Key: "demo/a", Kind: zenoh.SampleKindDelete, Attachment: []byte("x")}
	if got, want := zReplyText(&del), ">> Received DELETE ('demo/a') (x)"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	e := &zenoh.ReplyError{Payload: []byte("bad"), Encoding: zenoh.EncodingTextPlain}
	if got, want := zErrReplyText(e), ">> Received (ERROR: 'bad')"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got, want := zMarshal(t, zErrReplyJSON(e)), `{"event":"reply","ok":false,"payload":"bad","encoding":"text/plain"}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	if got, want := zMarshal(t, zDoneJSON(2, 1, true)), `{"event":"done","replies":2,"errors":1,"timeout":true}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestPrintRepliesSteps(t *testing.T) {
	// The steps a Get yields: replies, error replies (the query goes on), then a timeout.
	steps := []struct {
		r   zenoh.Reply
		err error
	}{
		{zenoh.Reply{Sample: zenoh.Sample{Key: "a", Payload: []byte("1")}}, nil},
		{zenoh.Reply{}, &zenoh.ReplyError{Payload: []byte("e")}},
		{zenoh.Reply{Sample: zenoh.Sample{Key: "b", Payload: []byte("2")}}, nil},
		{zenoh.Reply{}, zenoh.ErrTimeout},
	}
	seq := func(yield func(zenoh.Reply, error) bool) {
		for _, s := range steps {
			if !yield(s.r, s.err) {
				return
			}
		}
	}
	var out, errb bytes.Buffer
	p := newZPrinter(&out, &errb, false)
	res, err := zPrintReplies(t.Context(), p, seq, zReplyText)
	if err != nil || res != (zQueryResult{replies: 2, errs: 1, timedOut: true}) {
		t.Fatalf("%+v %v", res, err)
	}
	want := ">> Received ('a': '1')\n>> Received (ERROR: 'e')\n>> Received ('b': '2')\n"
	if out.String() != want {
		t.Fatalf("got %q want %q", out.String(), want)
	}
	// Any other failure ends the query with an error.
	fail := func(yield func(zenoh.Reply, error) bool) { yield(zenoh.Reply{}, zenoh.ErrClosed) }
	if _, err := zPrintReplies(t.Context(), p, fail, zReplyText); !errors.Is(err, zenoh.ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}
