package routing

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gozenoh/zenoh/wire"
)

// TestDualIndexReadersSeeStableEntries runs matches concurrently with a writer that keeps
// inserting and removing entries: an entry present throughout must always be matched, and
// no reader may see a half-made change (the race detector checks the rest).
func TestDualIndexReadersSeeStableEntries(t *testing.T) {
	var d dualIndex[int]
	if _, err := d.insert(ke(t, "a/**"), -1); err != nil {
		t.Fatal(err)
	}
	d.commit()
	q := ke(t, "a/b")
	var stop atomic.Bool
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]int, 0, 16)
			for !stop.Load() {
				buf = d.appendMatch(buf[:0], q)
				found := false
				for _, v := range buf {
					found = found || v == -1
				}
				if !found {
					bad.Add(1)
				}
			}
		}()
	}
	var keep []*dualEntry[int]
	for i := range 1000 {
		e, err := d.insert(ke(t, fmt.Sprintf("a/%d", i%7)), i)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 0:
			d.remove(e) // in the same transaction
		case 1:
			keep = append(keep, e)
		case 2:
			d.remove(keep[len(keep)-1]) // inserted by an earlier transaction
			keep[len(keep)-1] = e
		}
		if i%5 == 0 {
			d.commit()
		}
	}
	d.commit()
	if _, err := d.insert(ke(t, "b"), 0); err != nil {
		t.Fatal(err)
	}
	d.commit()
	stop.Store(true)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d matches missed the permanent entry", bad.Load())
	}
	d.begin() // the lagging copy catches up
	defer d.commit()
	if want := 2 + len(keep); d.ix[0].Len() != want || d.ix[1].Len() != want {
		t.Fatalf("copies have %d and %d entries, want %d", d.ix[0].Len(), d.ix[1].Len(), want)
	}
}

// countSender checks that messages encode and counts them; safe for concurrent use.
type countSender struct{ n atomic.Int64 }

func (s *countSender) Send(m *wire.NetworkMessage, rel wire.Reliability) error {
	if _, err := m.Append(nil); err != nil {
		panic(err)
	}
	s.n.Add(1)
	return nil
}

// TestConcurrentTraffic pushes, queries and declares from several goroutines while faces open
// and close; run with -race. Every goroutine is bounded in iterations.
func TestConcurrentTraffic(t *testing.T) {
	r := New(Config{})
	defer r.Close()
	var delivered atomic.Int64
	_, _ = r.DeclareSubscriber(ke(t, "k/**"), func(Sample) { delivered.Add(1) })
	_, _ = r.DeclareQueryable(ke(t, "k/**"), false, func(q *Query) {
		_ = q.Reply(replyPut(q.Key.String(), "v"))
		q.Finish()
	})
	faces := make([]*Face, 4)
	for i := range faces {
		w := wire.Peer
		if i%2 == 1 {
			w = wire.Client
		}
		f, err := r.OpenFace(FaceInfo{ZID: zid(byte(i + 1)), WhatAmI: w}, &countSender{})
		if err != nil {
			t.Fatal(err)
		}
		faces[i] = f
	}
	var wg sync.WaitGroup
	for _, f := range faces {
		push := msg(t, "7d 00 05 <k/a/b> 01 01 78")
		req := msg(t, "7c 01 00 03 <k/x> 23 01")
		decl := msg(t, "9e 21 08 62 01 00 03 <k/*>")
		undecl := msg(t, "9e 21 08 03 01")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 500 {
				_ = r.Handle(f, push, wire.Reliable)
				if j%10 == 0 {
					req.Request.RequestID = uint32(j)
					_ = r.Handle(f, req, wire.Reliable)
					_ = r.Handle(f, decl, wire.Reliable)
				}
				if j%10 == 5 {
					_ = r.Handle(f, undecl, wire.Reliable)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range 200 {
			s, _ := r.DeclareSubscriber(ke(t, fmt.Sprintf("k/%d", j%5)), func(Sample) {})
			_ = r.Publish(ke(t, "k/1"), putPush("y"), wire.Reliable)
			_ = r.Get(ke(t, "k/1"), getReq(wire.QueryTargetAll, wire.ConsolidationNone, ""), GetHandler{})
			_ = s.Undeclare()
			tok, _ := r.DeclareToken(ke(t, "k/t"))
			_ = tok.Undeclare()
		}
	}()
	decl := msg(t, "9e 21 08 62 01 00 03 <k/*>")
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range 50 {
			f, _ := r.OpenFace(FaceInfo{ZID: zid(byte(100 + j)), WhatAmI: wire.Peer}, &countSender{})
			_ = r.Handle(f, decl, wire.Reliable)
			r.CloseFace(f)
		}
	}()
	wg.Wait()
	if delivered.Load() < 4*500 {
		t.Fatalf("delivered %d", delivered.Load())
	}
}
