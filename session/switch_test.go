package session

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// frameSNs returns the payload bytes and the SNs of the Frames of a batch, and whether it
// holds a Close (with its reason).
func frameSNs(t *testing.T, b []byte) (payloads []byte, sns []uint32, closed bool, reason CloseReason) {
	t.Helper()
	it := wire.NewBatchIter(b)
	for k := it.Next(); k != wire.BatchDone; k = it.Next() {
		switch k {
		case wire.BatchFrame:
			sns = append(sns, it.FrameHeader().SN)
		case wire.BatchNetwork:
			payloads = append(payloads, it.Network().Push.Body.Put.Payload[0])
		case wire.BatchTransport:
			if m := it.Transport(); m.ID == wire.TransportIDClose {
				closed, reason = true, m.Close.Reason
			}
		}
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	return payloads, sns, closed, reason
}

// pending reports how many batches wait in a raw peer's end of a pipe.
func (p rawPeer) pending() int { return len(p.l.(*memLink).in.ch) }

// TestLinkSwitchOrder: when a winning link is attached, our frames stay on the old link until
// it is retired; the Close goes after the last of them; the frames sent meanwhile wait until
// the peer closed the old link (it has read all of it), then go on the winner with the next
// SNs. A receiver that reads both links in parallel (Rust) therefore never sees a frame of
// the winner before an older one of the old link.
func TestLinkSwitchOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "f1"), testConfig(t, "a2")
		tr, _, ar, old := pipeTransport(t, oc, ac, tcpMTU)
		msg := func(i byte) { tr.Send(push("k", []byte{i}, wire.NetQoSDefault), wire.Reliable) }
		msg(0)
		o, a := handshakePair(t, oc, ac, tcpMTU)
		if o.err != nil || a.err != nil {
			t.Fatalf("second handshake: %v / %v", o.err, a.err)
		}
		win := rawPeer{t, a.r.link}
		// We opened the winner but the peer has not used it yet: no retirement so far.
		if err := tr.attach(o.r, true, false, nil); err != nil {
			t.Fatal(err)
		}
		msg(1)
		time.Sleep(time.Millisecond)
		msg(2)
		synctest.Wait()
		var got []byte
		var sns []uint32
		for len(got) < 3 {
			p, s, _, _ := frameSNs(t, old.recvSkipKA())
			got, sns = append(got, p...), append(sns, s...)
		}
		if fmt.Sprint(got) != "[0 1 2]" || win.pending() != 0 {
			t.Fatalf("old link carried %v, the winner %d batches", got, win.pending())
		}
		// The peer uses the winner: the old link is retired.
		qos := wire.NewTransportQoS(wire.PriorityData)
		win.sendRaw(frame(t, wire.Reliable, ar.ourSN, qos, push("peer", nil, wire.NetQoSDefault)))
		synctest.Wait()
		if _, _, closed, reason := frameSNs(t, old.recvSkipKA()); !closed || reason != ReasonMaxLinks {
			t.Fatal("old link not retired with Close(MAX_LINKS)")
		}
		// Until the peer closed the old link, nothing goes on the winner.
		msg(3)
		time.Sleep(time.Millisecond)
		msg(4)
		synctest.Wait()
		if win.pending() != 0 {
			t.Fatalf("%d batches on the winner before the old link is gone", win.pending())
		}
		if l := tr.Links(); len(l) != 2 || l[0].Active || !l[1].Active {
			t.Fatalf("links %+v", l)
		}
		old.l.Close()
		for len(got) < 5 {
			p, s, _, _ := frameSNs(t, win.recvSkipKA())
			got, sns = append(got, p...), append(sns, s...)
		}
		if fmt.Sprint(got) != "[0 1 2 3 4]" {
			t.Fatalf("got %v", got)
		}
		for i := range sns {
			if sns[i] != (sns[0]+uint32(i))&tr.mask {
				t.Fatalf("SNs %v", sns)
			}
		}
		// From now on the winner carries everything, inline writes included.
		time.Sleep(time.Millisecond)
		msg(5)
		if p, _, _, _ := frameSNs(t, win.recvSkipKA()); len(p) != 1 || p[0] != 5 {
			t.Fatalf("after the switch: %v", p)
		}
		if l := tr.Links(); len(l) != 1 || !l[0].Active {
			t.Fatalf("links %+v", l)
		}
		if s := tr.Stats(); s.LinksRetired != 1 || s.TxDropped != 0 {
			t.Fatalf("stats %+v", s)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestLinkSwitchHoldBounded: a peer that never closes the retired link holds our frames back
// for closeLinger at most; they then go on the winner.
func TestLinkSwitchHoldBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, _, _, old, win := twoLinkTransport(t) // we opened the winner: the old link is retired at once
		if _, _, closed, _ := frameSNs(t, old.recvSkipKA()); !closed {
			t.Fatal("old link not retired")
		}
		start := time.Now()
		tr.Send(push("k", []byte{7}, wire.NetQoSDefault), wire.Reliable)
		p, _, _, _ := frameSNs(t, win.recvSkipKA())
		if len(p) != 1 || p[0] != 7 || time.Since(start) != closeLinger {
			t.Fatalf("got %v on the winner after %v", p, time.Since(start))
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestLinkSwitchNoLoss: two managers stream numbered messages to each other while the peer
// with the greater ZenohID dials a second link that wins: every message arrives once and in
// order on both sides, and both end on the winner.
func TestLinkSwitchNoLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		a := newNode(t, net, "a1", func(c *Config) { c.Listen = []string{"mem/a"} })
		b := newNode(t, net, "b2", func(c *Config) { c.Listen = []string{"mem/b"} })
		for _, n := range []*node{a, b} {
			if err := n.m.Start(); err != nil {
				t.Fatal(err)
			}
		}
		ta, err := a.m.Open(t.Context(), "mem/b") // the link b's rule makes lose
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := <-a.recs, <-b.recs
		tb := pb.t
		const n = 300
		stream := func(tr *Transport) {
			for i := range n {
				if err := tr.Send(push("s", []byte{byte(i)}, wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)), wire.Reliable); err != nil {
					t.Errorf("send %d: %v", i, err)
				}
				if i%10 == 0 {
					time.Sleep(100 * time.Microsecond)
				}
			}
		}
		done := make(chan struct{}, 2)
		go func() { stream(ta); done <- struct{}{} }()
		go func() { stream(tb); done <- struct{}{} }()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if tr, err := b.m.Open(ctx, "mem/a"); err != nil || tr != tb {
			t.Fatalf("second link: %v", err)
		}
		<-done
		<-done
		pa.wait(t, n, 10*time.Second)
		pb.wait(t, n, 10*time.Second)
		for _, p := range []*nodePeer{pa, pb} {
			ms := p.messages()
			if len(ms) != n {
				t.Fatalf("%d messages", len(ms))
			}
			for i, m := range ms {
				if m.payload[0] != byte(i) {
					t.Fatalf("message %d is %d", i, m.payload[0])
				}
			}
		}
		time.Sleep(5 * time.Second) // the retired link is gone on both sides
		for _, tr := range []*Transport{ta, tb} {
			l := tr.Links()
			if len(l) != 1 || l[0].Outbound != (tr == tb) {
				t.Fatalf("links %+v", l)
			}
			if s := tr.Stats(); s.RxDuplicates != 0 || s.TxDropped != 0 || s.LinksAttached != 2 {
				t.Fatalf("stats %+v", s)
			}
		}
		if a.down.Load() != 0 || b.down.Load() != 0 {
			t.Fatal("a transport went down")
		}
		a.m.Close()
		b.m.Close()
	})
}

// TestAttachRacesClose attaches a second link while the transport is being closed (Abort,
// CloseWith, or its only link failing), many times: whichever wins, no reader starts after
// the close began (run with -race: the writer's wait for the readers never races a new
// reader), the transport ends, and the second link is closed.
func TestAttachRacesClose(t *testing.T) {
	for i := range 60 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				oc, ac := testConfig(t, "f1"), testConfig(t, "a2")
				tr, rec, _, old := pipeTransport(t, oc, ac, tcpMTU)
				o, a := handshakePair(t, oc, ac, tcpMTU)
				if o.err != nil || a.err != nil {
					t.Fatalf("second handshake: %v / %v", o.err, a.err)
				}
				errc := make(chan error, 1)
				go func() { errc <- tr.attach(o.r, i%2 == 0, i%4 < 2, nil) }()
				switch i % 3 {
				case 0:
					tr.Abort()
				case 1:
					tr.CloseWith(ReasonGeneric)
				case 2:
					old.l.Close()
				}
				if err := <-errc; err != nil {
					o.r.link.Close() // as admit does
				}
				<-rec.downs
				<-tr.Done()
				// The second link is closed: its peer end reads the end of the stream.
				for {
					if _, err := a.r.link.ReadBatch(); err != nil {
						break
					}
				}
				tr.mu.Lock()
				n := tr.readers
				tr.mu.Unlock()
				if n != 0 {
					t.Fatalf("%d readers left", n)
				}
			})
		})
	}
}

// gatedLink holds writes at gates the test opens: gate1 the first WriteBatch, gateN the
// first WriteBatches (several batches in one call, as tcpLink does), to keep a write in
// progress while something else happens.
type gatedLink struct {
	Link
	gate1, gateN chan struct{}
	inN          chan struct{} // closed when a WriteBatches reaches gateN
	once1, onceN sync.Once
}

func (l *gatedLink) WriteBatch(buf []byte) error {
	l.once1.Do(func() { <-l.gate1 })
	return l.Link.WriteBatch(buf)
}

func (l *gatedLink) WriteBatches(bufs [][]byte) error {
	l.onceN.Do(func() { close(l.inN); <-l.gateN })
	for _, b := range bufs {
		if err := l.Link.WriteBatch(b); err != nil {
			return err
		}
	}
	return nil
}

// TestPeerRetiresLinkMidWrite: the peer retires the link we send on (Close MAX_LINKS, after
// a winner was attached) while our writer is in the middle of writing several batches on it.
// The peer reads that link until we close it, so the write finishes there before we close
// it: nothing is dropped (closing under the write lost those batches, and with them the
// declarations a simultaneous dial's loser carried). Not under synctest: with the fix, the
// reader that got the Close waits on a mutex, which synctest does not count as blocked.
func TestPeerRetiresLinkMidWrite(t *testing.T) {
	oc, ac := testConfig(t, "f1"), testConfig(t, "a2")
	oc.QueueSize = 8 // room for every fragment of the big message while the first batch is held
	o, a := handshakePair(t, oc, ac, tcpMTU)
	if o.err != nil || a.err != nil {
		t.Fatalf("handshake: %v / %v", o.err, a.err)
	}
	gl := &gatedLink{Link: o.r.link, gate1: make(chan struct{}), gateN: make(chan struct{}), inN: make(chan struct{})}
	o.r.link = gl
	tr := newTransport(oc, discardLog(), o.r, gone{})
	tr.start(newRecorder())
	defer func() { tr.Abort(); <-tr.Done() }()
	old := rawPeer{t, a.r.link}
	o2, a2 := handshakePair(t, oc, ac, tcpMTU)
	if o2.err != nil || a2.err != nil {
		t.Fatalf("second handshake: %v / %v", o2.err, a2.err)
	}
	// A winner the peer opened: our frames stay on the old link until it goes.
	if err := tr.attach(o2.r, true, false, nil); err != nil {
		t.Fatal(err)
	}
	qos := wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)
	if err := tr.Send(push("a", []byte{1}, qos), wire.Reliable); err != nil {
		t.Fatal(err)
	}
	// The writer holds that batch at gate1 while the fragments of a big message queue up.
	if err := tr.Send(push("b", pattern(3*tcpMTU, 9), qos), wire.Reliable); err != nil {
		t.Fatal(err)
	}
	close(gl.gate1)
	select {
	case <-gl.inN: // the fragments are being written, in one call
	case <-time.After(10 * time.Second):
		t.Fatal("no write of several batches")
	}
	old.send(wire.TransportMessage{ID: wire.TransportIDClose, Close: wire.Close{Reason: ReasonMaxLinks}})
	// Our reader takes the Close; give it time to act on it (closing the link, before the fix).
	ours := gl.Link.(*memLink)
	for deadline := time.Now().Add(10 * time.Second); len(ours.in.ch) > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(gl.gateN)
	var frames, frags int
	for {
		b, err := old.l.ReadBatch()
		if err != nil {
			break
		}
		it := wire.NewBatchIter(b)
		for k := it.Next(); k != wire.BatchDone; k = it.Next() {
			switch {
			case k == wire.BatchFrame:
				frames++
			case k == wire.BatchTransport && it.Transport().ID == wire.TransportIDFragment:
				frags++
			}
		}
	}
	if frames != 1 || frags < 4 {
		t.Errorf("the old link carried %d frames and %d fragments, want 1 and at least 4", frames, frags)
	}
	if s := tr.Stats(); s.TxDropped != 0 {
		t.Errorf("%d batches dropped", s.TxDropped)
	}
	// The link is closed before it leaves the list: wait for that.
	l := tr.Links()
	for deadline := time.Now().Add(10 * time.Second); len(l) != 1 && time.Now().Before(deadline); l = tr.Links() {
		time.Sleep(time.Millisecond)
	}
	if len(l) != 1 || !l[0].Active {
		t.Errorf("links %+v", l)
	}
}

// TestLinkSwitchNoLossTCP is TestLinkSwitchNoLoss over loopback TCP (whose links write several
// batches in one system call and write inline without blocking), repeated: every message
// arrives once and in order on both sides while the second link takes over. Before the fix of
// retiredByPeer, a write in progress on the link the peer retired was lost now and then.
func TestLinkSwitchNoLossTCP(t *testing.T) {
	for round := range 8 {
		a := newNode(t, nil, "a1", nil)
		b := newNode(t, nil, "b2", nil)
		la, err := a.m.Listen("tcp/127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lb, err := b.m.Listen("tcp/127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		ta, err := a.m.Open(ctx, lb.Locators()[0]) // the link b's rule makes lose
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := <-a.recs, <-b.recs
		const n = 20000
		qos := wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)
		var wg sync.WaitGroup
		for _, tr := range []*Transport{ta, pb.t} {
			wg.Go(func() {
				for i := range n {
					if err := tr.Send(push("s", []byte{byte(i), byte(i >> 8)}, qos), wire.Reliable); err != nil {
						t.Errorf("round %d: send %d: %v", round, i, err)
						return
					}
					if i%100 == 0 {
						time.Sleep(50 * time.Microsecond)
					}
				}
			})
		}
		time.Sleep(2 * time.Millisecond) // in the middle of the streams
		if tr, err := b.m.Open(ctx, la.Locators()[0]); err != nil || tr != pb.t {
			t.Fatalf("round %d: second link: %v", round, err)
		}
		wg.Wait()
		for _, p := range []*nodePeer{pa, pb} {
			p.wait(t, n, 10*time.Second)
			for i, m := range p.messages() {
				if got := int(m.payload[0]) | int(m.payload[1])<<8; got != i {
					t.Fatalf("round %d: message %d is %d", round, i, got)
				}
			}
		}
		for _, tr := range []*Transport{ta, pb.t} {
			if s := tr.Stats(); s.TxDropped != 0 || s.RxDuplicates != 0 || s.LinksAttached != 2 {
				t.Fatalf("round %d: stats %+v", round, s)
			}
		}
		cancel()
		a.m.Close()
		b.m.Close()
	}
}
