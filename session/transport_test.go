package session

import (
	"bytes"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

func TestTransportDeliversFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		tr, rec, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
		sn := ar.ourSN // the raw side's SNs start at the initial SN it announced
		m1 := push("a/b", []byte("one"), wire.NetQoSDefault)
		m2 := push("a/c", []byte("two"), wire.NetQoSDefault)
		raw.sendRaw(append(frame(t, wire.Reliable, sn, wire.NewTransportQoS(wire.PriorityData), m1, m2),
			frame(t, wire.BestEffort, sn, wire.NewTransportQoS(wire.PriorityRealTime), push("rt", []byte("x"), wire.NewNetQoS(wire.PriorityRealTime, wire.CongestionDrop, false)))...))
		rec.wait(t, 3, time.Second)
		got := rec.messages()
		if got[0].key != "a/b" || string(got[0].payload) != "one" || got[0].rel != wire.Reliable ||
			got[1].key != "a/c" || got[2].key != "rt" || got[2].rel != wire.BestEffort || got[2].prio != wire.PriorityRealTime {
			t.Fatalf("got %+v", got)
		}
		// A duplicate and an old SN are dropped silently; the next one is delivered.
		raw.sendRaw(frame(t, wire.Reliable, sn, 0, m1))
		raw.sendRaw(frame(t, wire.Reliable, (sn-5)&0x0fffffff, 0, m1))
		raw.sendRaw(frame(t, wire.Reliable, sn+3, 0, m2)) // a gap is fine
		rec.wait(t, 1, time.Second)
		if got := rec.messages(); len(got) != 4 || got[3].key != "a/c" {
			t.Fatalf("got %+v", got)
		}
		if s := tr.Stats(); s.RxDuplicates != 2 || s.RxMessages != 4 {
			t.Fatalf("stats %+v", s)
		}
		tr.Abort()
		<-tr.Done()
	})
}

func TestTransportSendPriorities(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		tr, _, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
		for p := wire.Priority(0); p < 8; p++ {
			if err := tr.Send(push("k", []byte{byte(p)}, wire.NewNetQoS(p, wire.CongestionBlock, true)), wire.Reliable); err != nil {
				t.Fatal(err)
			}
		}
		// Each priority is its own channel: every Frame starts at our initial SN, carries its
		// priority (no extension for Data) and holds the message.
		seen := map[wire.Priority]bool{}
		for len(seen) < 8 {
			b := raw.recvSkipKA()
			it := wire.NewBatchIter(b)
			for k := it.Next(); k != wire.BatchDone; k = it.Next() {
				if k != wire.BatchNetwork {
					continue
				}
				fh := it.FrameHeader()
				p := fh.QoS.Priority()
				if fh.SN != ar.peerSN || fh.Reliability != wire.Reliable || it.Network().Push.Body.Put.Payload[0] != byte(p) {
					t.Fatalf("frame %+v payload %v", fh, it.Network().Push.Body.Put.Payload)
				}
				seen[p] = true
			}
			if it.Err() != nil {
				t.Fatal(it.Err())
			}
		}
		tr.Abort()
		<-tr.Done()
	})
}

func TestTransportFragmentation(t *testing.T) {
	for _, qos := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
			oc.QoS = qos
			oc.BatchSize = 1000
			// Two of our transports facing each other, to run both sides of fragmentation.
			o, a := handshakePair(t, oc, ac, tcpMTU)
			if o.err != nil || a.err != nil {
				t.Fatal(o.err, a.err)
			}
			recA, recB := newRecorder(), newRecorder()
			ta := newTransport(oc, discardLog(), o.r, gone{})
			tb := newTransport(ac, discardLog(), a.r, gone{})
			ta.start(recA)
			tb.start(recB)
			big := pattern(100_000, 3)
			for i := range 3 {
				q := wire.NewNetQoS(wire.Priority(5+i), wire.CongestionBlock, false)
				if err := ta.Send(push("big", big, q), wire.Reliable); err != nil {
					t.Fatal(err)
				}
				if err := ta.Send(push("small", []byte("s"), q), wire.BestEffort); err != nil {
					t.Fatal(err)
				}
			}
			recB.wait(t, 6, 5*time.Second)
			got := recB.messages()
			for i := 0; i < 6; i += 2 {
				if !bytes.Equal(got[i].payload, big) || got[i+1].key != "small" {
					t.Fatalf("msg %d: %d bytes %q", i, len(got[i].payload), got[i+1].key)
				}
			}
			if s := ta.Stats(); s.TxFragments < 3*101 {
				t.Fatalf("tx fragments %d", s.TxFragments)
			}
			if s := tb.Stats(); s.RxReassembly != 0 || s.RxFragments != ta.Stats().TxFragments {
				t.Fatalf("rx stats %+v", s)
			}
			ta.Close()
			if err := <-recB.downs; err == nil {
				t.Fatal("no down error")
			} else if r, ok := ReasonOf(err); !ok || r != ReasonGeneric {
				t.Fatalf("down: %v", err)
			}
			<-tb.Done()
		})
	}
}

// TestKeepAlivePacing checks that an idle transport sends a KeepAlive exactly every
// lease/keep_alive, counted from its last batch.
func TestKeepAlivePacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		oc.Lease = 4 * time.Second // keep-alive every second
		start := time.Now()
		tr, _, _, raw := pipeTransport(t, oc, ac, tcpMTU)
		for i := 1; i <= 5; i++ {
			b, err := raw.l.ReadBatch()
			if err != nil || !bytes.Equal(b, []byte{0x04}) {
				t.Fatalf("batch %x, %v", b, err)
			}
			if d := time.Since(start); d != time.Duration(i)*time.Second {
				t.Fatalf("keep-alive %d after %v", i, d)
			}
		}
		// A message 500 ms after the last keep-alive postpones the next one to 1 s after it.
		time.Sleep(500 * time.Millisecond)
		tr.Send(push("k", nil, wire.NetQoSDefault), wire.Reliable)
		if b, _ := raw.l.ReadBatch(); b[0]&0x1f != byte(wire.TransportIDFrame) {
			t.Fatalf("got %x", b)
		}
		sent := time.Now()
		if b, _ := raw.l.ReadBatch(); !bytes.Equal(b, []byte{0x04}) || time.Since(sent) != time.Second {
			t.Fatalf("keep-alive %x after %v", b, time.Since(sent))
		}
		if s := tr.Stats(); s.TxKeepAlives != 6 {
			t.Fatalf("keep-alives %d", s.TxKeepAlives)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestLeaseExpiry checks that a silent peer's link expires exactly at the peer's lease, and
// that keep-alives from the peer keep it up.
func TestLeaseExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		ac.Lease = 3 * time.Second // the raw peer's lease: our RX timeout
		start := time.Now()
		tr, rec, _, raw := pipeTransport(t, oc, ac, tcpMTU)
		// Keep-alives every 2 s for 10 s keep it up.
		for range 5 {
			time.Sleep(2 * time.Second)
			raw.sendRaw([]byte{0x04})
		}
		synctest.Wait()
		if !tr.up() {
			t.Fatal("down despite keep-alives")
		}
		last := time.Now()
		err := <-rec.downs
		if !errors.Is(err, ErrLeaseExpired) {
			t.Fatalf("down: %v", err)
		}
		if d := time.Since(last); d != 3*time.Second {
			t.Fatalf("expired %v after the last batch, want 3s", d)
		}
		<-tr.Done()
		if s := tr.Stats(); s.RxKeepAlives != 5 {
			t.Fatalf("stats %+v", s)
		}
		_ = start
	})
}

func TestTransportCloseReceived(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		tr, rec, _, raw := pipeTransport(t, oc, ac, tcpMTU)
		raw.send(wire.TransportMessage{ID: wire.TransportIDClose, Close: wire.Close{Reason: ReasonExpired, Session: true}})
		err := <-rec.downs
		var ce *CloseError
		if !errors.As(err, &ce) || !ce.Remote || ce.Reason != ReasonExpired || !ce.Session {
			t.Fatalf("down: %v", err)
		}
		<-tr.Done()
		if err := tr.Send(push("k", nil, wire.NetQoSDefault), wire.Reliable); !errors.Is(err, ErrClosed) {
			t.Fatalf("send after down: %v", err)
		}
	})
}

// TestGracefulClose checks that Close flushes queued messages before the Close message and
// waits for the peer, bounded by closeLinger.
func TestGracefulClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		tr, rec, _, raw := pipeTransport(t, oc, ac, tcpMTU)
		for i := range 10 {
			tr.Send(push("k", []byte{byte(i)}, wire.NetQoSDefault), wire.Reliable)
		}
		start := time.Now()
		done := make(chan struct{})
		go func() { tr.Close(); close(done) }()
		n := 0
		for {
			b := raw.recvSkipKA()
			it := wire.NewBatchIter(b)
			closed := false
			for k := it.Next(); k != wire.BatchDone; k = it.Next() {
				switch k {
				case wire.BatchNetwork:
					if it.Network().Push.Body.Put.Payload[0] != byte(n) {
						t.Fatalf("message %d out of order", n)
					}
					n++
				case wire.BatchTransport:
					if m := it.Transport(); m.ID == wire.TransportIDClose {
						if m.Close.Reason != ReasonGeneric || !m.Close.Session || n != 10 {
							t.Fatalf("close %+v after %d messages", m.Close, n)
						}
						closed = true
					}
				}
			}
			if closed {
				break
			}
		}
		// The raw peer does not close its end: our side gives up after closeLinger.
		<-done
		if d := time.Since(start); d != closeLinger {
			t.Fatalf("Close took %v", d)
		}
		if r, ok := ReasonOf(<-rec.downs); !ok || r != ReasonGeneric {
			t.Fatal("down reason")
		}
		if _, err := raw.l.ReadBatch(); err == nil {
			t.Fatal("link still open")
		}
	})
}
