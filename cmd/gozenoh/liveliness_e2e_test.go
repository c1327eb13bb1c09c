package main

import (
	"testing"

	"github.com/gozenoh/zenoh"
)

func TestE2ELivelinessToken(t *testing.T) {
	s, ep := zTestSession(t)
	sub, err := s.Liveliness().DeclareSubscriberChan("group1/**", 16, zenoh.Block)
	if err != nil {
		t.Fatal(err)
	}
	r := zStart(t, runLiveliness, append([]string{"token", "-k", "group1/a", "--json"}, zConnectArgs(ep)...)...)
	if ready := r.event(t, "ready"); ready["key"] != "group1/a" {
		t.Fatalf("ready %v", ready)
	}
	if smp := zRecvSample(t, sub); smp.Kind != zenoh.SampleKindPut || smp.Key != "group1/a" {
		t.Fatalf("token: %+v", smp)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if smp := zRecvSample(t, sub); smp.Kind != zenoh.SampleKindDelete || smp.Key != "group1/a" {
		t.Fatalf("token gone: %+v", smp)
	}
}

func TestE2ELivelinessSubAndGet(t *testing.T) {
	s, ep := zTestSession(t)
	old, err := s.Liveliness().DeclareToken("group1/old")
	if err != nil {
		t.Fatal(err)
	}
	r := zStart(t, runLiveliness, append([]string{"sub", "-k", "group1/**", "--history", "--count", "3"}, zConnectArgs(ep)...)...)
	if got := r.line(t); got != ">> [LivelinessSubscriber] New alive token ('group1/old')" {
		t.Fatalf("history: %q", got)
	}
	tok, err := s.Liveliness().DeclareToken("group1/new")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.line(t); got != ">> [LivelinessSubscriber] New alive token ('group1/new')" {
		t.Fatalf("new: %q", got)
	}
	tok.Close()
	if got := r.line(t); got != ">> [LivelinessSubscriber] Dropped token ('group1/new')" {
		t.Fatalf("dropped: %q", got)
	}
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}

	g := zStart(t, runLiveliness, append([]string{"get", "-k", "group1/**", "--json", "-o", "5s"}, zConnectArgs(ep)...)...)
	if err := g.wait(t); err != nil {
		t.Fatal(err)
	}
	if rep := g.event(t, "reply"); rep["ok"] != true || rep["key"] != "group1/old" {
		t.Fatalf("reply %v", rep)
	}
	if done := g.event(t, "done"); done["replies"] != 1.0 {
		t.Fatalf("done %v", done)
	}
	old.Close()
}
