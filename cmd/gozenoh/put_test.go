package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func TestParsePutDefaults(t *testing.T) {
	a, err := parsePut(nil, strings.NewReader(""), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if a.key != "demo/example/gozenoh-put" || string(a.payload) != "Put from Go!" || a.count != 1 || a.interval != 0 ||
		a.attachment != nil || a.encoding != zenoh.EncodingZenohBytes || a.delete {
		t.Fatalf("defaults: %+v", a)
	}
	if a.qos.priority != zenoh.PriorityData || a.qos.cc != zenoh.CongestionControlDrop || a.qos.express {
		t.Fatalf("default QoS: %+v", a.qos)
	}
}

func TestParsePutFlags(t *testing.T) {
	a, err := parsePut([]string{"-k", "demo/a", "-p", "x{i}", "--encoding", "text/plain;utf-8", "-a", "",
		"--count", "3", "--interval", "20ms", "--priority", "REAL_TIME", "--congestion-control", "block-first",
		"--express", "-e", "tcp/127.0.0.1:1"}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if a.key != "demo/a" || a.count != 3 || a.interval != 20*time.Millisecond || a.encoding.String() != "text/plain;utf-8" {
		t.Fatalf("parsed %+v", a)
	}
	if a.attachment == nil || len(a.attachment) != 0 {
		t.Fatalf("an empty --attach must be an empty attachment, not none: %v", a.attachment)
	}
	if a.qos != (zQoSFlags{zenoh.PriorityRealTime, zenoh.CongestionControlBlockFirst, true}) {
		t.Fatalf("QoS %+v", a.qos)
	}
	if got := string(a.payloadAt(2)); got != "x2" {
		t.Fatalf("payloadAt(2) = %q", got)
	}
	if len(a.common.connect) != 1 {
		t.Fatalf("common flags not registered: %+v", a.common)
	}
	if n := len(a.options()); n != 5 {
		t.Fatalf("%d options, want QoS (3), encoding and attachment", n)
	}
	a.delete = true
	if n := len(a.options()); n != 4 {
		t.Fatalf("%d options for a delete, want no encoding", n)
	}
	for _, p := range []string{"7", "background"} {
		a, err := parsePut([]string{"--priority", p}, nil, io.Discard)
		if err != nil || a.qos.priority != zenoh.PriorityBackground {
			t.Errorf("--priority %s: %v %v", p, err, a)
		}
	}
}

func TestParsePutPayloadFile(t *testing.T) {
	bin := []byte{0, 1, 0xff}
	a, err := parsePut([]string{"--payload-file", "-"}, strings.NewReader(string(bin)), io.Discard)
	if err != nil || string(a.payload) != string(bin) {
		t.Fatalf("stdin: %v %v", err, a)
	}
	path := filepath.Join(t.TempDir(), "p.bin")
	if err := os.WriteFile(path, bin, 0o600); err != nil {
		t.Fatal(err)
	}
	if a, err = parsePut([]string{"--payload-file", path}, nil, io.Discard); err != nil || string(a.payload) != string(bin) {
		t.Fatalf("file: %v %v", err, a)
	}
	if _, err = parsePut([]string{"--payload-file", path, "-p", "x"}, nil, io.Discard); !errors.Is(err, errUsage) {
		t.Fatalf("-p with --payload-file: %v", err)
	}
	if _, err = parsePut([]string{"--payload-file", path + ".missing"}, nil, io.Discard); err == nil || errors.Is(err, errUsage) {
		t.Fatalf("a missing file is a runtime error: %v", err)
	}
	big := strings.NewReader(strings.Repeat("x", zMaxPayloadFile+1))
	if _, err = parsePut([]string{"--payload-file", "-"}, big, io.Discard); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("over-long stdin: %v", err)
	}
}

func TestParsePutErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-k", "demo/*a"}, {"-k", ""}, {"--count", "0"}, {"--count", "-1"}, {"--interval", "-1s"},
		{"--interval", "10"}, {"--priority", "0"}, {"--priority", "control"}, {"--congestion-control", "x"},
		{"--encoding", "text/plain;" + strings.Repeat("s", 256)}, {"stray"},
	} {
		if _, err := parsePut(args, nil, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestPutOutput(t *testing.T) {
	if got, want := putText("demo/a", []byte("x"), false), "Putting Data ('demo/a': 'x')..."; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got, want := putText("demo/a", nil, true), "Deleting resources matching 'demo/a'..."; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if got, want := zMarshal(t, putJSON(2, "demo/a", []byte("x"), false)), `{"event":"put","index":2,"key":"demo/a","payload":"x"}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	if got, want := zMarshal(t, putJSON(0, "demo/a", nil, true)), `{"event":"delete","index":0,"key":"demo/a"}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}
