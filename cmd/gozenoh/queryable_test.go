package main

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParseQueryable(t *testing.T) {
	a, err := parseQueryable(nil, io.Discard)
	if err != nil || a.key != "demo/example/gozenoh-queryable" || a.payload != "Queryable from Go!" || a.complete ||
		a.replyErr || a.count != 0 || a.timeout != 0 || a.attachment.set {
		t.Fatalf("defaults: %v %+v", err, a)
	}
	a, err = parseQueryable([]string{"-k", "demo/q/**", "-p", "v", "--complete", "--err", "--encoding", "text/plain",
		"-a", "at", "--count", "2", "--timeout", "3s"}, io.Discard)
	if err != nil || a.key != "demo/q/**" || a.payload != "v" || !a.complete || !a.replyErr ||
		a.encoding != zenoh.EncodingTextPlain || a.attachment.v != "at" || a.count != 2 || a.timeout != 3*time.Second {
		t.Fatalf("flags: %v %+v", err, a)
	}
	for _, args := range [][]string{{"-k", "a/b/"}, {"--count", "-2"}, {"--timeout", "-1ms"}, {"--complete=maybe"}} {
		if _, err := parseQueryable(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestQueryableResponseText(t *testing.T) {
	if got, want := zRespondText("demo/q", "v", false), ">> [Queryable ] Responding ('demo/q': 'v')"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got, want := zRespondText("demo/q", "bad", true), ">> [Queryable ] Responding (ERROR: 'bad')"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}
