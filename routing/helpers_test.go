package routing

import (
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// tb is the part of testing.TB (and *rapid.T) the helpers use.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// fakeSender records what the router sends to a face, encoded.
type fakeSender struct {
	mu   sync.Mutex
	msgs [][]byte
	rels []wire.Reliability
	err  error
}

func (s *fakeSender) Send(m *wire.NetworkMessage, rel wire.Reliability) error {
	b, err := m.Append(nil)
	if err != nil {
		panic("router sent an unencodable message: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, b)
	s.rels = append(s.rels, rel)
	return s.err
}

// take returns and forgets the recorded messages, as hex strings.
func (s *fakeSender) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.msgs))
	for i, b := range s.msgs {
		out[i] = hex.EncodeToString(b)
	}
	s.msgs, s.rels = nil, nil
	return out
}

// takeMsgs returns and forgets the recorded messages, decoded.
func (s *fakeSender) takeMsgs(t testing.TB) []wire.NetworkMessage {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]wire.NetworkMessage, len(s.msgs))
	for i, b := range s.msgs {
		n, err := out[i].Decode(b)
		if err != nil || n != len(b) {
			t.Fatalf("decode sent message %x: n=%d err=%v", b, n, err)
		}
	}
	s.msgs, s.rels = nil, nil
	return out
}

// count returns the number of recorded messages.
func (s *fakeSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// hx turns a spaced hex string, with "<text>" parts spelled as their bytes, into compact hex.
func hx(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		if s[0] == '<' {
			end := strings.IndexByte(s, '>')
			b.WriteString(hex.EncodeToString([]byte(s[1:end])))
			s = s[end+1:]
			continue
		}
		if s[0] != ' ' {
			b.WriteByte(s[0])
		}
		s = s[1:]
	}
	return b.String()
}

// msg decodes a spaced hex network message (see hx).
func msg(t tb, s string) *wire.NetworkMessage {
	t.Helper()
	b, err := hex.DecodeString(hx(s))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	m := new(wire.NetworkMessage)
	n, err := m.Decode(b)
	if err != nil || n != len(b) {
		t.Fatalf("decode %q: n=%d/%d err=%v", s, n, len(b), err)
	}
	return m
}

// ke returns a key expression.
func ke(t tb, s string) keyexpr.KeyExpr {
	t.Helper()
	k, err := keyexpr.New(s)
	if err != nil {
		t.Fatalf("keyexpr %q: %v", s, err)
	}
	return k
}

// zid returns a ZenohID with a one-byte value.
func zid(b byte) wire.ZenohID {
	var z wire.ZenohID
	z[0] = b
	return z
}

// handle feeds spaced hex messages from face f, failing on a routing error.
func handle(t testing.TB, r *Router, f *Face, msgs ...string) {
	t.Helper()
	for _, s := range msgs {
		if err := r.Handle(f, msg(t, s), wire.Reliable); err != nil {
			t.Fatalf("Handle(%s): %v", s, err)
		}
	}
}

// openFace opens a face of kind w with a fresh fake sender.
func openFace(t testing.TB, r *Router, w wire.WhatAmI, id byte) (*Face, *fakeSender) {
	t.Helper()
	s := &fakeSender{}
	f, err := r.OpenFace(FaceInfo{ZID: zid(id), WhatAmI: w}, s)
	if err != nil {
		t.Fatalf("OpenFace: %v", err)
	}
	return f, s
}

// finalPeer opens a peer face and feeds its DeclareFinal(0), discarding what we sent it.
func finalPeer(t testing.TB, r *Router, id byte, decls ...string) (*Face, *fakeSender) {
	t.Helper()
	f, s := openFace(t, r, wire.Peer, id)
	handle(t, r, f, decls...)
	handle(t, r, f, "be 00 21 08 1a")
	s.take()
	return f, s
}

// putPush returns a Push of payload on key with default QoS.
func putPush(payload string) *wire.Push {
	return &wire.Push{QoS: wire.NetQoSDefault, Body: wire.PushBody{ID: wire.DataIDPut, Put: wire.Put{Payload: []byte(payload)}}}
}

// subRecorder records the samples a local subscriber receives.
type subRecorder struct {
	mu  sync.Mutex
	got []string // "key=payload" (or "key!del")
}

func (s *subRecorder) fn(smp Sample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if smp.Push.Body.ID == wire.DataIDDel {
		s.got = append(s.got, smp.Key.String()+"!del")
		return
	}
	s.got = append(s.got, smp.Key.String()+"="+string(smp.Push.Body.Put.Payload))
}

func (s *subRecorder) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.got
	s.got = nil
	return g
}

// eqStrings fails unless got equals want.
func eqStrings(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d items %q, want %d %q", what, len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s[%d]: got %q, want %q (all: %q)", what, i, got[i], want[i], got)
		}
	}
}

// hexes turns spaced hex strings into compact ones (see hx).
func hexes(s ...string) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = hx(s[i])
	}
	return out
}
