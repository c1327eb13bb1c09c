package routing

import (
	"encoding/hex"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// fuzzSeeds are real messages (Rust's bytes, docs/zenoh-wire-network.md and the captures of
// wire/network_golden_test.go), concatenated as a Frame body carries them.
var fuzzSeeds = []string{
	"9e 21 08 20 01 00 07 <cluster> 9e 21 08 62 01 01 03 </**> be 00 21 08 1a 3d 01 0b </mailbox/42> 01 02 68 69",
	"9e 21 08 20 04 00 09 <cap/tok/b> 9e 21 08 46 01 04 9e 21 08 87 01 5f 02 00 00",
	"fc 01 00 12 <cluster/mailbox/42> a1 0d 26 90 4e 23 03 9e 21 08 e4 02 02 03 </**> 21 01",
	"b9 05 79 00 08 <group/**> 21 08 f9 07 72 00 04 <x/**> 21 08 99 07 21 08",
	"9e 21 08 66 03 00 07 <group/a> be 05 21 08 66 00 00 07 <group/a> 7b 01 00 03 <k/x> 04 01 02 68 69 1a 01",
	"df 01 21 08 02 00 00 7d 00 12 <cluster/mailbox/42> 02",
}

// FuzzHandle feeds arbitrary message sequences from a peer and a client (the first byte picks
// which face sends each message) to a router with local entities: nothing may panic, and once
// both faces are closed no remote state may remain.
func FuzzHandle(f *testing.F) {
	for _, s := range fuzzSeeds {
		b, err := hex.DecodeString(hx(s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(append([]byte{1}, b...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := New(Config{Limits: Limits{MaxKeyExprs: 8, MaxDeclarations: 8, MaxTokens: 8, MaxInterests: 8, MaxPendingQueries: 8}})
		defer r.Close()
		_, _ = r.DeclareSubscriber(ke(t, "**"), func(Sample) {})
		_, _ = r.DeclareQueryable(ke(t, "cluster/**"), true, func(q *Query) {
			_ = q.Reply(replyPut(q.Key.String(), "v"))
			q.Finish()
		})
		_, _ = r.DeclareToken(ke(t, "group/me"))
		_, _ = r.DeclareLivelinessSubscriber(ke(t, "**"), true, (&liveRec{}).fn)
		faces := []*Face{}
		for i, w := range []wire.WhatAmI{wire.Peer, wire.Client} {
			fc, err := r.OpenFace(FaceInfo{ZID: zid(byte(i + 1)), WhatAmI: w}, &fakeSender{})
			if err != nil {
				t.Fatal(err)
			}
			faces = append(faces, fc)
		}
		var m wire.NetworkMessage
		for len(data) > 0 {
			fc := faces[int(data[0])%len(faces)]
			data = data[1:]
			n, err := m.Decode(data)
			if err != nil {
				break
			}
			data = data[n:]
			_ = r.Handle(fc, &m, wire.Reliable)
			_ = r.Get(ke(t, "cluster/x"), getReq(wire.QueryTargetAll, wire.ConsolidationLatest, ""), GetHandler{})
		}
		for _, fc := range faces {
			r.CloseFace(fc)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.subs.len() != 1 || r.qabls.len() != 1 || len(r.keys[kindToken]) != 1 {
			t.Fatalf("remote state left: %d subscribers, %d queryables, %d token keys",
				r.subs.len(), r.qabls.len(), len(r.keys[kindToken]))
		}
	})
}
