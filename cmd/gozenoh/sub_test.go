package main

import (
	"errors"
	"io"
	"testing"
	"time"
)

func TestParseSub(t *testing.T) {
	a, err := parseSub(nil, io.Discard)
	if err != nil || a.key != "demo/example/**" || a.count != 0 || a.timeout != 0 {
		t.Fatalf("defaults: %v %+v", err, a)
	}
	a, err = parseSub([]string{"-k", "demo/**", "--count", "5", "--timeout", "2s", "--json"}, io.Discard)
	if err != nil || a.key != "demo/**" || a.count != 5 || a.timeout != 2*time.Second || !a.common.json {
		t.Fatalf("flags: %v %+v", err, a)
	}
	for _, args := range [][]string{{"-k", "demo/**/**"}, {"--count", "-1"}, {"--timeout", "-1s"}, {"x"}} {
		if _, err := parseSub(args, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}
