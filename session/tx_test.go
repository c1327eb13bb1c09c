package session

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// batchMessages returns the payloads of the Push messages in a batch.
func batchMessages(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	it := wire.NewBatchIter(b)
	for k := it.Next(); k != wire.BatchDone; k = it.Next() {
		if k == wire.BatchNetwork {
			out = append(out, append([]byte(nil), it.Network().Push.Body.Put.Payload...))
		}
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	return out
}

// jam fills the pipe and the queue of priority Data so that the writer is stuck in a write.
func jam(t *testing.T, tr *Transport) {
	t.Helper()
	big := make([]byte, 60_000)
	for range memQueueLen + 2 { // the pipe, the batch in the writer's hands, the other of the queue
		if err := tr.Send(push("jam", big, wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)), wire.Reliable); err != nil {
			t.Fatal(err)
		}
	}
	synctest.Wait()
}

// drain reads and discards n batches.
func drain(t *testing.T, raw rawPeer, n int) {
	t.Helper()
	for range n {
		raw.recvSkipKA()
	}
}

func TestNoAddedLatencyWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, _, _, raw := pipeTransport(t, testConfig(t, "a1"), testConfig(t, "b2"), tcpMTU)
		for i := range 3 {
			start := time.Now()
			tr.Send(push("k", []byte{byte(i)}, wire.NetQoSDefault), wire.Reliable)
			got := batchMessages(t, raw.recvSkipKA())
			if len(got) != 1 || got[0][0] != byte(i) || time.Since(start) != 0 {
				t.Fatalf("message %d: %v after %v", i, got, time.Since(start))
			}
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestBatchingUnderLoad: while the writer is busy, messages accumulate in one batch, and an
// express message closes its batch.
func TestBatchingUnderLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, _, _, raw := pipeTransport(t, testConfig(t, "a1"), testConfig(t, "b2"), tcpMTU)
		q := wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, false)
		// Jam the link with Data messages, then queue DataLow ones.
		jam(t, tr)
		for i := range 100 {
			tr.Send(push("k", []byte{byte(i)}, q), wire.Reliable)
		}
		tr.Send(push("k", []byte{100}, wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, true)), wire.Reliable)
		tr.Send(push("k", []byte{101}, q), wire.Reliable)
		drain(t, raw, memQueueLen+2)
		b1 := batchMessages(t, raw.recvSkipKA())
		b2 := batchMessages(t, raw.recvSkipKA())
		if len(b1) != 101 || b1[0][0] != 0 || b1[100][0] != 100 || len(b2) != 1 || b2[0][0] != 101 {
			t.Fatalf("batches of %d and %d messages", len(b1), len(b2))
		}
		if s := tr.Stats(); s.TxMessages != memQueueLen+2+102 {
			t.Fatalf("stats %+v", s)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestCongestion: with the queue full, a droppable message gives up after exactly
// WaitBeforeDrop and a blocking one after exactly WaitBeforeClose; the transport stays up and
// works again once the peer reads.
func TestCongestion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc := testConfig(t, "a1")
		oc.WaitBeforeClose = 3 * time.Second
		tr, _, _, raw := pipeTransport(t, oc, testConfig(t, "b2"), tcpMTU)
		jam(t, tr)
		big := make([]byte, 60_000) // does not fit in the current batch
		start := time.Now()
		err := tr.Send(push("d", big, wire.NewNetQoS(wire.PriorityData, wire.CongestionDrop, false)), wire.Reliable)
		if !errors.Is(err, ErrCongested) || time.Since(start) != time.Millisecond {
			t.Fatalf("drop: %v after %v", err, time.Since(start))
		}
		start = time.Now()
		err = tr.Send(push("b", big, wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)), wire.Reliable)
		if !errors.Is(err, ErrCongested) || time.Since(start) != 3*time.Second {
			t.Fatalf("block: %v after %v", err, time.Since(start))
		}
		// Another priority has its own queue.
		if err := tr.Send(push("rt", nil, wire.NewNetQoS(wire.PriorityRealTime, wire.CongestionDrop, false)), wire.Reliable); err != nil {
			t.Fatalf("other priority: %v", err)
		}
		// A fragmented droppable message gives up after WaitBeforeDropFragments in all.
		start = time.Now()
		err = tr.Send(push("f", make([]byte, 200_000), wire.NewNetQoS(wire.PriorityData, wire.CongestionDrop, false)), wire.Reliable)
		if !errors.Is(err, ErrCongested) || time.Since(start) != oc.WaitBeforeDropFragments {
			t.Fatalf("fragments: %v after %v", err, time.Since(start))
		}
		if !tr.up() {
			t.Fatal("transport down after congestion")
		}
		if s := tr.Stats(); s.TxDropped != 2 || s.TxCongested != 1 {
			t.Fatalf("stats %+v", s)
		}
		// The blocked writer gets going when the peer reads, and messages flow again.
		go drain(t, raw, memQueueLen+3)
		synctest.Wait()
		if err := tr.Send(push("after", []byte("x"), wire.NetQoSDefault), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		if got := batchMessages(t, raw.recvSkipKA()); len(got) != 1 || string(got[0]) != "x" {
			t.Fatalf("after: %q", got)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestAttachBeforeStart: a link attached while TransportUp still runs gets its reader only
// once the transport starts, so nothing is delivered before the handler exists.
func TestAttachBeforeStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		o1, a1 := handshakePair(t, oc, ac, tcpMTU)
		o2, a2 := handshakePair(t, oc, ac, tcpMTU)
		if o1.err != nil || o2.err != nil || a1.err != nil || a2.err != nil {
			t.Fatal("handshakes")
		}
		tr := newTransport(oc, discardLog(), o1.r, gone{})
		if err := tr.attach(o2.r, false, true, nil); err != nil {
			t.Fatal(err)
		}
		raw2 := rawPeer{t, a2.r.link}
		raw2.sendRaw(frame(t, wire.Reliable, a2.r.ourSN, 0, push("early", nil, wire.NetQoSDefault)))
		synctest.Wait()
		rec := newRecorder()
		tr.start(rec)
		rec.wait(t, 1, time.Second)
		if got := rec.messages(); got[0].key != "early" {
			t.Fatalf("got %+v", got)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestListenRetry: a listener whose address is taken is retried on the ListenRetry schedule.
func TestListenRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		squatter, _ := net.Listen(MustParseEndpoint("mem/a"))
		a := newNode(t, net, "a1", func(c *Config) {
			c.Listen = []string{"mem/a"}
			c.ListenRetry = Retry{PeriodInit: time.Second, PeriodMax: time.Second, Factor: 1}
		})
		if err := a.m.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond)
		if len(a.m.Locators()) != 0 {
			t.Fatal("listening on a taken address")
		}
		squatter.Close()
		time.Sleep(time.Second) // the retry at 3 s binds
		if locs := a.m.Locators(); len(locs) != 1 {
			t.Fatalf("locators %v", locs)
		}
		b := newNode(t, net, "b2", nil)
		if _, err := b.m.Open(t.Context(), "mem/a"); err != nil {
			t.Fatal(err)
		}
		a.m.Close()
		b.m.Close()
	})
}

// TestEncodeForFragments: head+tail is exactly the message's encoding, for Puts with every
// optional part, whether or not the payload is split off.
func TestEncodeForFragments(t *testing.T) {
	var q txQueue
	ts := wire.Timestamp{Time: 1 << 40, ID: testZID(t, "a1")}
	for _, n := range []int{0, 100, fragCopyMin, 100_000} {
		for _, full := range []bool{false, true} {
			m := push("a/b/c", pattern(n, 1), wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, true))
			if full {
				m.Push.HasTimestamp, m.Push.Timestamp = true, ts
				m.Push.NodeID = 3
				m.Push.WireExpr.Scope = 7
				put := &m.Push.Body.Put
				put.HasTimestamp, put.Timestamp = true, ts
				put.Encoding = wire.Encoding{ID: 8, HasSchema: true, Schema: []byte("utf-8")}
				put.HasAttachment, put.Attachment = true, []byte("att")
			}
			want, err := m.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			ph, err := wire.AppendPutHead(nil, &m.Push)
			if err != nil {
				t.Fatal(err)
			}
			// The same message given as a head and payload (SendPut) has the same encoding,
			// its payload as the tail.
			head, tail, err := q.encodeForFragments(&txMsg{head: ph, payload: m.Push.Body.Put.Payload})
			if got := append(append([]byte(nil), head...), tail...); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("size %d full %v: head and payload: encodings differ (%v)", n, full, err)
			}
			if len(tail) != n {
				t.Fatalf("size %d: head and payload: tail of %d bytes", n, len(tail))
			}
			head, tail, err = q.encodeForFragments(&txMsg{m: m})
			if err != nil {
				t.Fatal(err)
			}
			if got := append(append([]byte(nil), head...), tail...); !bytes.Equal(got, want) {
				t.Fatalf("size %d full %v: encodings differ", n, full)
			}
			if (n >= fragCopyMin) != (len(tail) == n && n > 0) {
				t.Fatalf("size %d: tail of %d bytes", n, len(tail))
			}
			for _, r := range [][2]int{{0, len(want)}, {0, 1}, {len(head) - 1, 2}, {len(want) - 1, 1}, {len(head), len(tail)}} {
				if r[0] < 0 || r[0]+r[1] > len(want) {
					continue
				}
				if got := appendRange(nil, head, tail, r[0], r[1]); !bytes.Equal(got, want[r[0]:r[0]+r[1]]) {
					t.Fatalf("range %v differs", r)
				}
			}
		}
	}
}

// TestBatchLinger: with BatchLinger, a message of an idle link still goes at once; a partial
// batch that filled while the writer was busy (a stream) waits for the linger to fill more,
// and an express message ends the wait.
func TestBatchLinger(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc := testConfig(t, "a1")
		oc.BatchLinger = time.Millisecond
		tr, _, _, raw := pipeTransport(t, oc, testConfig(t, "b2"), tcpMTU)
		start := time.Now()
		tr.Send(push("k", []byte{1}, wire.NetQoSDefault), wire.Reliable)
		if got := batchMessages(t, raw.recvSkipKA()); len(got) != 1 || time.Since(start) != 0 {
			t.Fatalf("idle: %d messages after %v", len(got), time.Since(start))
		}
		// A stream: messages queue (on their own priority) while the writer is busy with the jam.
		low := wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, false)
		jam(t, tr)
		for i := range 3 {
			tr.Send(push("k", []byte{byte(10 + i)}, low), wire.Reliable)
		}
		drain(t, raw, memQueueLen+2)
		start = time.Now()
		got := batchMessages(t, raw.recvSkipKA())
		if len(got) != 3 || time.Since(start) != time.Millisecond {
			t.Fatalf("stream: %d messages after %v, want 3 after the 1ms linger", len(got), time.Since(start))
		}
		// The same, ended by an express message.
		jam(t, tr)
		tr.Send(push("k", []byte{20}, low), wire.Reliable)
		drain(t, raw, memQueueLen+2)
		synctest.Wait() // the writer lingers over the partial batch
		start = time.Now()
		tr.Send(push("k", []byte{21}, wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, true)), wire.Reliable)
		got = batchMessages(t, raw.recvSkipKA())
		if len(got) != 2 || got[1][0] != 21 || time.Since(start) != 0 {
			t.Fatalf("express: %d messages after %v", len(got), time.Since(start))
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestSendPut: messages given as a head and payload (SendPut) go out as the same bytes as the
// same messages sent whole, batched with them in order, and fragmented when too large.
func TestSendPut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, _, _, raw := pipeTransport(t, testConfig(t, "a1"), testConfig(t, "b2"), tcpMTU)
		jam(t, tr)
		var want [][]byte
		var sends []func() error
		for i, n := range []int{0, 1, 8, 300, 2000, 70_000, 8, 5} {
			qos := wire.NewNetQoS(wire.PriorityDataLow, wire.CongestionBlock, false)
			m := push("put/head", pattern(n, byte(i)), qos)
			if i%3 == 1 {
				m.Push.Body.Put.Encoding.ID = 7
				m.Push.Body.Put.HasAttachment, m.Push.Body.Put.Attachment = true, []byte("att")
			}
			enc, err := m.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, enc)
			if i%2 == 0 {
				sends = append(sends, func() error { return tr.Send(m, wire.Reliable) })
				continue
			}
			head, err := wire.AppendPutHead(nil, &m.Push)
			if err != nil {
				t.Fatal(err)
			}
			sends = append(sends, func() error { return tr.SendPut(head, m.Push.Body.Put.Payload, qos, wire.Reliable) })
		}
		errs := make(chan error, 1)
		go func() { // the fragments need the pipe drained
			for _, send := range sends {
				if err := send(); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		drain(t, raw, memQueueLen+2)
		var got [][]byte
		var frag []byte
		for len(got) < len(want) {
			it := wire.NewBatchIter(raw.recvSkipKA())
			for k := it.Next(); k != wire.BatchDone; k = it.Next() {
				switch {
				case k == wire.BatchNetwork:
					got = append(got, bytes.Clone(it.Raw()))
				case k == wire.BatchTransport && it.Transport().ID == wire.TransportIDFragment:
					f := &it.Transport().Fragment
					frag = append(frag, f.Payload...)
					if !f.More {
						got, frag = append(got, frag), nil
					}
				}
			}
			if it.Err() != nil {
				t.Fatal(it.Err())
			}
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("message %d: got %d bytes, want %d", i, len(got[i]), len(want[i]))
			}
		}
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// batchRecorder is a recorder that is also a BatchEnder: the end of a batch is recorded as a
// message with key "|".
type batchRecorder struct{ *recorder }

func (r batchRecorder) EndBatch() {
	r.mu.Lock()
	r.msgs = append(r.msgs, recvMsg{key: "|"})
	r.mu.Unlock()
}

// TestEndBatch: a BatchEnder hears of the end of every received batch, after the messages of
// that batch (a reassembled one included) and before those of the next.
func TestEndBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		o, a := handshakePair(t, oc, ac, tcpMTU)
		if o.err != nil || a.err != nil {
			t.Fatalf("handshake: %v / %v", o.err, a.err)
		}
		rec := batchRecorder{newRecorder()}
		tr := newTransport(oc, discardLog(), o.r, gone{})
		tr.start(rec)
		raw := rawPeer{t, a.r.link}
		sn := a.r.ourSN
		q := wire.NetQoSDefault
		raw.sendRaw(frame(t, wire.Reliable, sn, 0, push("k/1", nil, q), push("k/2", nil, q)))
		raw.sendRaw(frame(t, wire.Reliable, sn+1, 0, push("k/3", nil, q)))
		big, err := push("k/4", pattern(100, 4), q).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		raw.sendRaw(fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: sn + 2, First: true}, big[:50]))
		raw.sendRaw(fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, SN: sn + 3}, big[50:]))
		synctest.Wait()
		var keys []string
		for _, m := range rec.messages() {
			keys = append(keys, m.key)
		}
		if got, want := strings.Join(keys, " "), "k/1 k/2 | k/3 | | k/4 |"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestPutFreeWaiter: a batch given back while a sender waits for one always reaches it,
// whether the sender finds it as the spare or through the channel; a batch given back with
// no one waiting stays the spare.
func TestPutFreeWaiter(t *testing.T) {
	q := &txQueue{free: make(chan *txBatch, 2)}
	b1, b2 := &txBatch{}, &txBatch{}
	q.putFree(b1)
	if q.spare.Load() != b1 || len(q.free) != 0 {
		t.Fatal("a batch given back with no waiter is not the spare")
	}
	q.putFree(b2)
	if len(q.free) != 1 {
		t.Fatal("a second batch did not go to the channel")
	}
	<-q.free
	q.spare.Store(nil)

	// A sender and a giver race, 20,000 times.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20000 {
			q.putFree(b1)
			for q.spare.Load() != nil || len(q.free) != 0 { // until the sender took it
				runtime.Gosched()
			}
		}
	}()
	for i := range 20000 {
		q.waiters.Add(1)
		b := q.spare.Swap(nil)
		if b == nil {
			select {
			case b = <-q.free:
			case <-time.After(10 * time.Second):
				t.Fatalf("round %d: the batch given back never reached the waiting sender", i)
			}
		}
		q.waiters.Add(-1)
		if b != b1 {
			t.Fatalf("round %d: got %p", i, b)
		}
	}
	<-done
}
