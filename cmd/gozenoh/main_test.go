package main

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// realHello was sent by a real Zenoh 1.10.2 peer (see interop/scoutcap_test.go).
const realHello = "2209f11b99674bcee96122d27b971d204cd55701137463702f3132372e302e302e313a3339373639"

func TestDecodeRealHello(t *testing.T) {
	code, out, errs := runCmd(t, "", "decode", realHello)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Hello", "WhatAmI:peer", "ZID:57d54c201d977bd22261e9ce4b67991b", "tcp/127.0.0.1:39769"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// stream builds a TCP stream holding one batch: a reliable Frame with one Push of a Put.
func stream(t *testing.T) []byte {
	t.Helper()
	nm := wire.NetworkMessage{ID: wire.NetIDPush, Push: wire.Push{
		WireExpr: wire.WireExpr{Suffix: []byte("demo/example")},
		QoS:      wire.NetQoSDefault,
		Body: wire.PushBody{ID: wire.DataIDPut, Put: wire.Put{
			Payload: []byte("hello"), HasAttachment: true, Attachment: []byte{0xff, 0x00},
		}},
	}}
	payload, err := nm.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := wire.TransportMessage{ID: wire.TransportIDFrame, Frame: wire.Frame{
		FrameHeader: wire.FrameHeader{Reliability: wire.Reliable, SN: 7}, Payload: payload,
	}}
	batch, err := f.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wire.AppendStreamBatch(nil, batch)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecodeStreamFromStdin(t *testing.T) {
	in := hex.EncodeToString(stream(t))
	code, out, errs := runCmd(t, " "+in+"\n", "decode")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"# stream", "batch 0", "Frame", "SN:7", "Push", `"demo/example"`, `"hello"`, "0xff00"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDecodeLayers(t *testing.T) {
	s := stream(t)
	batch := s[2:]
	if code, out, errs := runCmd(t, "", "decode", "-layer", "batch", hex.EncodeToString(batch)); code != 0 || !strings.Contains(out, "Push") {
		t.Fatalf("batch: exit %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "", "decode", "-layer", "network", hex.EncodeToString(batch)); code != 1 || !strings.Contains(errs, "unknown message id") {
		t.Fatalf("a batch is not a network message: exit %d %s", code, errs)
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"decode", "zz"}, 1, "not hex"},
		{[]string{"decode", "-layer", "bogus", "00"}, 1, "unknown layer"},
		{[]string{"decode", "ffff"}, 1, "decodes as no"},
		{[]string{"decode", "-layer", "stream", "0500010203"}, 1, "batch 0"},
		{[]string{"nosuch"}, 2, "unknown command"},
		{nil, 2, "usage"},
	} {
		code, _, errs := runCmd(t, "", c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}
