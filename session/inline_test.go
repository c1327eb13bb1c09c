package session

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// tryCounter is a pipe end that counts the non-blocking writes: only senders writing inline
// make them (the writer uses WriteBatch).
type tryCounter struct {
	*memLink
	tries atomic.Int32
}

func (c *tryCounter) tryWriteBatch(buf []byte) (int, error) {
	c.tries.Add(1)
	return c.memLink.tryWriteBatch(buf)
}

// TestInlineWriteWhenIdle: on an idle transport a message is written by Send itself: it is on
// the link when Send returns. In a burst only the first message is written so; the writer
// takes the others, in order.
func TestInlineWriteWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc := testConfig(t, "a1")
		o, a := handshakePair(t, oc, testConfig(t, "b2"), tcpMTU)
		if o.err != nil || a.err != nil {
			t.Fatalf("handshake: %v / %v", o.err, a.err)
		}
		link := &tryCounter{memLink: o.r.link.(*memLink)}
		o.r.link = link
		tr := newTransport(oc, discardLog(), o.r, gone{})
		tr.start(newRecorder())
		raw := rawPeer{t, a.r.link}
		in := a.r.link.(*memLink).in
		for i := range 3 {
			time.Sleep(time.Millisecond)
			tr.Send(push("k", []byte{byte(i)}, wire.NetQoSDefault), wire.Reliable)
			if len(in.ch) != 1 || link.tries.Load() != int32(i+1) {
				t.Fatalf("message %d: %d batches in the pipe when Send returned, %d inline writes", i, len(in.ch), link.tries.Load())
			}
			if got := batchMessages(t, raw.recvSkipKA()); len(got) != 1 || got[0][0] != byte(i) {
				t.Fatalf("message %d: %v", i, got)
			}
		}
		// A burst (no time passes in the bubble).
		time.Sleep(time.Millisecond)
		const n = 100
		for i := range n {
			tr.Send(push("k", []byte{byte(i)}, wire.NetQoSDefault), wire.Reliable)
		}
		for i := 0; i < n; {
			for _, m := range batchMessages(t, raw.recvSkipKA()) {
				if m[0] != byte(i) {
					t.Fatalf("got message %d, want %d", m[0], i)
				}
				i++
			}
		}
		if k := link.tries.Load(); k != 4 {
			t.Fatalf("%d messages of the burst written inline", k-3)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestInlineNeverBlocks: when the link cannot take a batch at once, a Send on an idle
// transport hands it to the writer and returns at once, even for a droppable message; the
// batches after it wait behind it, and every message arrives in order once the peer reads.
func TestInlineNeverBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr, _, _, raw := pipeTransport(t, testConfig(t, "a1"), testConfig(t, "b2"), tcpMTU)
		drop := wire.NewNetQoS(wire.PriorityData, wire.CongestionDrop, false)
		const n = memQueueLen + 5
		for i := range n {
			time.Sleep(time.Millisecond) // idle before each: every Send tries inline
			start := time.Now()
			if err := tr.Send(push("k", []byte{byte(i)}, drop), wire.Reliable); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if d := time.Since(start); d != 0 {
				t.Fatalf("message %d: Send took %v", i, d)
			}
		}
		for i := 0; i < n; {
			for _, m := range batchMessages(t, raw.recvSkipKA()) {
				if m[0] != byte(i) {
					t.Fatalf("got message %d, want %d", m[0], i)
				}
				i++
			}
		}
		if s := tr.Stats(); s.TxDropped != 0 || s.Errors != 0 {
			t.Fatalf("stats %+v", s)
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestTCPTryWrite: a non-blocking write takes what the socket has room for and the rest
// follows with writeRest, so the peer reads the batch whole.
func TestTCPTryWrite(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(32768)
		}
		acc <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).SetWriteBuffer(32768)
	l := newTCPLink(c.(*net.TCPConn))
	defer l.Close()
	srv := <-acc
	if srv == nil {
		t.Fatal("accept failed")
	}
	defer srv.Close()
	var tw any = l
	w, ok := tw.(tryWriter)
	if !ok {
		t.Skip("no non-blocking TCP write on this platform")
	}
	// Batches go out whole until the socket is full; the one that does not fit goes out in
	// part (or not at all), without blocking.
	var bufs [][]byte
	n := 0
	for n == 0 || n == len(bufs[len(bufs)-1]) {
		if len(bufs) == 100 {
			t.Fatal("100 batches written into a socket nobody reads")
		}
		buf := append(make([]byte, LinkHeadroom), pattern(10_000, byte(len(bufs)))...)
		bufs = append(bufs, buf)
		var err error
		if n, err = w.tryWriteBatch(buf); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	got := make(chan error, 1)
	go func() {
		rd := newStreamReader(srv)
		for i, buf := range bufs {
			b, err := rd.next()
			if err == nil && !bytes.Equal(b, buf[LinkHeadroom:]) {
				err = fmt.Errorf("batch %d: %d bytes differ", i, len(b))
			}
			if err != nil {
				got <- err
				return
			}
		}
		got <- nil
	}()
	if err := w.writeRest(bufs[len(bufs)-1], n); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d batches whole, %d of %d bytes of the last", len(bufs)-1, n, len(bufs[0]))
}

// TestInlinePartialWriteTCP: over TCP with small socket buffers and a peer that stops
// reading, Sends on an idle transport return at once although their batches do not fit in
// the socket; what a Send could not write is finished by the writer, before any later batch,
// and the peer gets every message whole and in order.
func TestInlinePartialWriteTCP(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	var got [][]byte
	recv := HandlerFuncs{Network: func(_ *Transport, m *wire.NetworkMessage, _ wire.Reliability) {
		mu.Lock()
		got = append(got, bytes.Clone(m.Push.Body.Put.Payload))
		first := len(got) == 1
		mu.Unlock()
		if first {
			<-gate // the reader stops: the socket buffers fill
		}
	}}
	ca := DefaultConfig()
	a, err := NewManager(ca, recv)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := a.Listen("tcp/127.0.0.1:0#so_rcvbuf=32768")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewManager(DefaultConfig(), HandlerFuncs{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, err := b.Open(ctx, ln.Locators()[0]+"#so_sndbuf=32768")
	if err != nil {
		t.Fatal(err)
	}
	qos := wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, false)
	const n = 4
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = pattern(60_000, byte(i))
	}
	msgs[0] = msgs[0][:10] // it stops the peer's reader with the socket buffers empty
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			time.Sleep(time.Millisecond) // idle before each
			if err := tr.Send(push("k", msgs[i], qos), wire.Reliable); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	select {
	case err := <-sent:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		close(gate)
		t.Fatal("Send blocked on a full socket")
	}
	if s := tr.Stats(); s.TxBytes >= uint64((n-1)*60_000) {
		t.Fatalf("all %d bytes written while the peer does not read", s.TxBytes)
	}
	close(gate)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		k := len(got)
		mu.Unlock()
		if k == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %d of %d", k, n)
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range got {
		if !bytes.Equal(got[i], msgs[i]) {
			t.Fatalf("message %d differs", i)
		}
	}
	if s := tr.Stats(); s.Errors != 0 || s.TxDropped != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// handlerFunc is a PeerHandler calling a function.
type handlerFunc func(m *wire.NetworkMessage, rel wire.Reliability)

func (f handlerFunc) HandleNetwork(m *wire.NetworkMessage, rel wire.Reliability) { f(m, rel) }
func (f handlerFunc) TransportDown(error)                                        {}

// readerTransport starts, in a synctest bubble, a transport whose peer handler is h, on a link
// that counts inline writes; the raw peer has sent it a first batch (a keep-alive: the
// writer's link set-up is done) and the transport is idle. It returns the raw peer, the pipe
// of batches to it, and the SN of the peer's first frame.
func readerTransport(t *testing.T, h func(tr *Transport, m *wire.NetworkMessage)) (*Transport, *tryCounter, rawPeer, *memDir, uint32) {
	t.Helper()
	oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
	o, a := handshakePair(t, oc, ac, tcpMTU)
	if o.err != nil || a.err != nil {
		t.Fatalf("handshake: %v / %v", o.err, a.err)
	}
	link := &tryCounter{memLink: o.r.link.(*memLink)}
	o.r.link = link
	tr := newTransport(oc, discardLog(), o.r, gone{})
	tr.start(handlerFunc(func(m *wire.NetworkMessage, _ wire.Reliability) { h(tr, m) }))
	raw := rawPeer{t, a.r.link}
	raw.sendRaw([]byte{0x04})
	time.Sleep(time.Millisecond) // idle: sends may go inline
	return tr, link, raw, a.r.link.(*memLink).in, a.r.ourSN
}

// TestReaderSendsAtBatchEnd: what the reader sends while it handles a batch (a reply from its
// handler) waits for the end of that batch and goes out in one inline write with the batch's
// other replies; a message that another goroutine sends meanwhile is written at once, with
// the waiting replies before it.
func TestReaderSendsAtBatchEnd(t *testing.T) {
	if getg() == 0 {
		t.Skip("getg is not read on this platform: the reader's sends are not deferred")
	}
	synctest.Test(t, func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		tr, link, raw, in, sn := readerTransport(t, func(tr *Transport, m *wire.NetworkMessage) {
			p := m.Push.Body.Put.Payload
			tr.Send(push("reply", []byte{p[0] + 100}, wire.NetQoSDefault), wire.Reliable)
			if p[0] == 0 {
				entered <- struct{}{}
				<-release
			}
		})
		qos := wire.NewTransportQoS(wire.PriorityData)
		raw.sendRaw(frame(t, wire.Reliable, sn, qos,
			push("k", []byte{0}, wire.NetQoSDefault), push("k", []byte{1}, wire.NetQoSDefault)))
		<-entered
		synctest.Wait()
		if len(in.ch) != 0 || link.tries.Load() != 0 {
			t.Fatalf("the reader's reply went out during its batch: %d batches, %d inline writes", len(in.ch), link.tries.Load())
		}
		close(release)
		got := batchMessages(t, raw.recvSkipKA())
		if fmt.Sprint(got) != "[[100] [101]]" || link.tries.Load() != 1 {
			t.Fatalf("after the batch: %v in one batch, %d inline writes; want both replies in one inline write", got, link.tries.Load())
		}

		// Another goroutine's message during the reader's batch goes out at once, after the
		// reply the reader is holding.
		entered, release = make(chan struct{}), make(chan struct{})
		time.Sleep(time.Millisecond)
		raw.sendRaw(frame(t, wire.Reliable, sn+1, qos, push("k", []byte{0}, wire.NetQoSDefault)))
		<-entered
		tr.Send(push("other", []byte{7}, wire.NetQoSDefault), wire.Reliable)
		if got := batchMessages(t, raw.recvSkipKA()); fmt.Sprint(got) != "[[100] [7]]" {
			t.Fatalf("another goroutine's send during the batch: %v, want the held reply and it", got)
		}
		close(release)
		synctest.Wait()
		if len(in.ch) != 0 {
			t.Fatalf("%d batches left after the second batch, want none", len(in.ch))
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestReaderFlushClock: the reader's deferred reply is written inline with the batch's
// arrival standing for the time of the write, even when handling the batch took a while; the
// estimate of how long inline writes take (txCost) is not stretched by that while, and the
// time of the last write (txAt) does not go back.
func TestReaderFlushClock(t *testing.T) {
	if getg() == 0 {
		t.Skip("getg is not read on this platform: the reader's sends are not deferred")
	}
	synctest.Test(t, func(t *testing.T) {
		tr, link, raw, _, sn := readerTransport(t, func(tr *Transport, m *wire.NetworkMessage) {
			tr.Send(push("reply", []byte{1}, wire.NetQoSDefault), wire.Reliable)
			time.Sleep(5 * time.Millisecond) // a slow handler
		})
		tr.txCost.Store(1000)
		before := tr.txAt.Load()
		arrival := tr.now() // nothing else runs in the bubble until the frame is read
		raw.sendRaw(frame(t, wire.Reliable, sn, wire.NewTransportQoS(wire.PriorityData), push("k", []byte{0}, wire.NetQoSDefault)))
		if got := batchMessages(t, raw.recvSkipKA()); fmt.Sprint(got) != "[[1]]" || link.tries.Load() != 1 {
			t.Fatalf("got %v, %d inline writes; want the reply in one inline write", got, link.tries.Load())
		}
		synctest.Wait()
		if c := tr.txCost.Load(); c != 1000 {
			t.Fatalf("txCost %d after the reader's write, want it unchanged (1000)", c)
		}
		if at := tr.txAt.Load(); at != arrival || at < before {
			t.Fatalf("txAt %d, want the batch's arrival %d (it was %d)", at, arrival, before)
		}
		tr.Abort()
		<-tr.Done()
	})
}
