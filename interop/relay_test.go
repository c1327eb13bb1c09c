package interop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// echoServer accepts connections on 127.0.0.1 and echoes them until EOF, then closes.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(DefaultTimeout))
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestRelayForwardsUnchanged(t *testing.T) {
	r := StartRelay(t, "tcp/"+echoServer(t))
	var hooked [2]atomic.Int64
	r.OnData(func(_ *RelayConn, dir Direction, chunk []byte) { hooked[dir].Add(int64(len(chunk))) })

	const conns = 3
	sent := make([][]byte, conns)
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		sent[i] = make([]byte, 100_000+i*7919)
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		for j := range sent[i] {
			sent[i][j] = byte(rng.Uint32())
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp4", r.Addr())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(DefaultTimeout))
			go func() {
				c.Write(sent[i])
				c.(*net.TCPConn).CloseWrite() // the half-close must reach the echo server
			}()
			got, err := io.ReadAll(c) // ends only if the server's close is passed back
			if err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(got, sent[i]) {
				errs <- errors.New("echo through relay differs")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var total int64
	seen := map[int]bool{}
	for i := range conns {
		c, err := r.WaitConn(i, 0)
		if err != nil {
			t.Fatal(err)
		}
		to, from := c.Bytes(ToTarget), c.Bytes(FromTarget)
		if !bytes.Equal(to, from) || c.Forwarded(ToTarget) != int64(len(to)) {
			t.Fatalf("conn %d: recorded %d/%d bytes", i, len(to), len(from))
		}
		for k := range sent {
			if bytes.Equal(to, sent[k]) {
				seen[k] = true
			}
		}
		total += int64(len(to))
		// A reader of a finished direction reads the whole record, then io.EOF.
		all, err := io.ReadAll(c.Reader(FromTarget))
		if err != nil || !bytes.Equal(all, from) {
			t.Fatalf("reader: %d bytes, err %v", len(all), err)
		}
	}
	if len(seen) != conns {
		t.Fatalf("recorded streams match %d of %d sent streams", len(seen), conns)
	}
	if hooked[ToTarget].Load() != total || hooked[FromTarget].Load() != total {
		t.Fatalf("hook saw %d/%d bytes, want %d", hooked[ToTarget].Load(), hooked[FromTarget].Load(), total)
	}
	if _, err := r.WaitConn(conns, 50*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("WaitConn past the last connection: %v", err)
	}
}

func TestRelayNextBatch(t *testing.T) {
	r := StartRelay(t, echoServer(t))
	c, err := net.Dial("tcp4", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rc, err := r.WaitConn(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	rd := rc.Reader(ToTarget)
	if _, err := rd.NextBatch(50 * time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("NextBatch with nothing sent: %v", err)
	}
	batches := [][]byte{{0x01, 0x09}, {}, bytes.Repeat([]byte{7}, 65535)}
	var stream []byte
	for _, b := range batches {
		stream = binary.LittleEndian.AppendUint16(stream, uint16(len(b)))
		stream = append(stream, b...)
	}
	stream = append(stream, 5, 0, 1, 2) // a frame cut short by the end of the stream
	// Write in small pieces so that frames straddle chunks.
	for off := 0; off < len(stream); off += 1000 {
		if _, err := c.Write(stream[off:min(off+1000, len(stream))]); err != nil {
			t.Fatal(err)
		}
	}
	c.(*net.TCPConn).CloseWrite()
	for i, want := range batches {
		got, err := rd.NextBatch(0)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("batch %d: %d bytes, err %v", i, len(got), err)
		}
	}
	if _, err := rd.NextBatch(0); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated frame: %v", err)
	}
	if rd.Offset() != len(stream) {
		t.Fatalf("offset %d, want %d", rd.Offset(), len(stream))
	}
}

func TestRelayDialFailure(t *testing.T) {
	r := StartRelay(t, Endpoint(FreeTCPPort(t))) // nothing listens there
	c, err := net.Dial("tcp4", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(DefaultTimeout))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("read from a relay without target: %d %v", n, err)
	}
	rc, err := r.WaitConn(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Err == nil || !rc.Done(ToTarget) || !rc.Done(FromTarget) {
		t.Fatalf("dial failure not recorded: %v", rc.Err)
	}
	r.Close()
	if _, err := net.DialTimeout("tcp4", r.Addr(), time.Second); err == nil {
		t.Fatal("closed relay still accepts")
	}
}

// TestRelayZenohWiretap puts a relay between two real Zenoh peers and checks that traffic
// passes and that both directions of the stream are well-framed Zenoh batches starting with
// the INIT handshake.
func TestRelayZenohWiretap(t *testing.T) {
	Python(t)
	noGossip := "scouting/gossip/enabled=false"
	a := StartPeer(t, PeerOptions{Listen: []string{"tcp/127.0.0.1:0"}, Config: []string{noGossip}})
	r := StartRelay(t, a.Locator())
	var hooked [2]atomic.Int64
	r.OnData(func(_ *RelayConn, dir Direction, chunk []byte) { hooked[dir].Add(int64(len(chunk))) })
	b := StartPeer(t, PeerOptions{Connect: []string{r.Endpoint()}, Config: []string{noGossip}})
	if _, err := b.WaitPeers(1, DefaultTimeout); err != nil {
		t.Fatal(err)
	}
	if err := a.Sub("wire/x"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitMatching("wire/x", "sub"); err != nil {
		t.Fatal(err)
	}
	msg := []byte("through the relay \x00\xff")
	if err := b.Put("wire/x", msg, nil); err != nil {
		t.Fatal(err)
	}
	if s, err := a.WaitSample("wire/x", 0); err != nil || !bytes.Equal(s.Payload, msg) {
		t.Fatalf("sample through relay: %v %v", s, err)
	}

	c, err := r.WaitConn(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for dir, ack := range map[Direction]bool{ToTarget: false, FromTarget: true} {
		batch, err := c.Reader(dir).NextBatch(0)
		if err != nil {
			t.Fatalf("%v: first batch: %v", dir, err)
		}
		if len(batch) < 2 || batch[0]&0x1f != 0x01 || (batch[0]&0x20 != 0) != ack || batch[1] != 0x09 {
			t.Fatalf("%v: first batch % x, want INIT (A=%v) version 0x09", dir, batch[:min(len(batch), 8)], ack)
		}
	}

	// A graceful close ends both directions; each must then be a whole number of frames.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []Direction{ToTarget, FromTarget} {
		rd := c.Reader(dir)
		frames := 0
		for {
			_, err := rd.NextBatch(0)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%v: frame %d: %v", dir, frames, err)
			}
			frames++
		}
		recorded := c.Bytes(dir)
		if rd.Offset() != len(recorded) || int64(len(recorded)) != c.Forwarded(dir) || hooked[dir].Load() != c.Forwarded(dir) {
			t.Fatalf("%v: parsed %d, recorded %d, forwarded %d, hooked %d bytes", dir,
				rd.Offset(), len(recorded), c.Forwarded(dir), hooked[dir].Load())
		}
		if frames < 3 {
			t.Fatalf("%v: only %d frames", dir, frames)
		}
		t.Logf("%v: %d frames, %d bytes", dir, frames, len(recorded))
	}
	if !bytes.Contains(c.Bytes(ToTarget), msg) {
		t.Fatal("the published payload is not in the recorded stream")
	}
}
