package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// batchBuf lays out a batch after LinkHeadroom bytes, as the transport does.
func batchBuf(p []byte) []byte { return append(make([]byte, LinkHeadroom), p...) }

func TestStreamReader(t *testing.T) {
	// Batches of 0, 1, 300 and 65535 bytes, then a clean end.
	var stream []byte
	sizes := []int{0, 1, 300, 65535, 7}
	for _, n := range sizes {
		b := batchBuf(bytes.Repeat([]byte{byte(n)}, n))
		if err := putStreamPrefix(b); err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b...)
	}
	// Deliver the stream in awkward pieces.
	r := newStreamReader(&chunkReader{b: stream, n: 333})
	for i, n := range sizes {
		b, err := r.next()
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if len(b) != n || (n > 0 && (b[0] != byte(n) || b[n-1] != byte(n))) {
			t.Fatalf("batch %d: %d bytes, want %d", i, len(b), n)
		}
	}
	if _, err := r.next(); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
	// A stream cut inside a batch is an unexpected EOF.
	r = newStreamReader(bytes.NewReader([]byte{5, 0, 1, 2}))
	if _, err := r.next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut: %v", err)
	}
	r = newStreamReader(bytes.NewReader([]byte{5}))
	if _, err := r.next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut prefix: %v", err)
	}
	if err := putStreamPrefix(make([]byte, 2+65536)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized prefix: %v", err)
	}
}

// TestStreamReaderReusesFront: a stream of small batches read one at a time (request and
// response) is read at the front of the buffer each time, not through the whole buffer.
func TestStreamReaderReusesFront(t *testing.T) {
	var stream []byte
	for i := range 5000 {
		b := batchBuf(bytes.Repeat([]byte{byte(i)}, 70))
		if err := putStreamPrefix(b); err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b...)
	}
	r := newStreamReader(&chunkReader{b: stream, n: 72}) // one batch per read
	for i := range 5000 {
		b, err := r.next()
		if err != nil || len(b) != 70 || b[0] != byte(i) {
			t.Fatalf("batch %d: %d bytes, %v", i, len(b), err)
		}
		if r.tail > 72 {
			t.Fatalf("batch %d read at offset %d, want the front", i, r.tail-72)
		}
	}
}

type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.n, len(c.b))
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

func TestTCPLinkLoopback(t *testing.T) {
	for _, addr := range []string{"tcp/127.0.0.1:0", "tcp/[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, err := TCP{}.Listen(MustParseEndpoint(addr))
			if err != nil {
				if strings.Contains(addr, "::1") {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				t.Fatal(err)
			}
			defer ln.Close()
			locs := ln.Locators()
			if len(locs) != 1 || !strings.HasPrefix(locs[0], "tcp/") || strings.HasSuffix(locs[0], ":0") {
				t.Fatalf("Locators() = %v", locs)
			}
			acc := make(chan Link, 1)
			go func() {
				l, err := ln.Accept()
				if err != nil {
					t.Error(err)
				}
				acc <- l
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := TCP{}.Dial(ctx, MustParseEndpoint(locs[0]))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s := <-acc
			defer s.Close()
			if c.RemoteLocator() != locs[0] || s.LocalLocator() != locs[0] || s.RemoteLocator() != c.LocalLocator() {
				t.Fatalf("locators: c %s→%s, s %s→%s", c.LocalLocator(), c.RemoteLocator(), s.LocalLocator(), s.RemoteLocator())
			}
			big := bytes.Repeat([]byte("z"), 65535)
			for _, p := range [][]byte{[]byte("hello"), {}, big} {
				if err := c.WriteBatch(batchBuf(p)); err != nil {
					t.Fatal(err)
				}
				got, err := s.ReadBatch()
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(p))
				}
			}
			if err := c.WriteBatch(batchBuf(append(big, 0))); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("oversized write: %v", err)
			}
			// Half-close: the peer reads the last batch, then EOF.
			if err := c.WriteBatch(batchBuf([]byte("bye"))); err != nil {
				t.Fatal(err)
			}
			c.CloseWrite()
			if got, err := s.ReadBatch(); err != nil || string(got) != "bye" {
				t.Fatalf("last batch %q, %v", got, err)
			}
			if _, err := s.ReadBatch(); err != io.EOF {
				t.Fatalf("after CloseWrite: %v", err)
			}
			// Deadlines surface as timeouts.
			c.SetReadDeadline(time.Now().Add(-time.Second))
			if _, err := c.ReadBatch(); !isTimeout(err) {
				t.Fatalf("read past deadline: %v", err)
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func TestTCPListenUnspecified(t *testing.T) {
	ln, err := TCP{}.Listen(MustParseEndpoint("tcp/[::]:0"))
	if err != nil {
		ln, err = TCP{}.Listen(MustParseEndpoint("tcp/0.0.0.0:0"))
		if err != nil {
			t.Fatal(err)
		}
	}
	defer ln.Close()
	locs := ln.Locators()
	if len(locs) == 0 {
		t.Fatal("no locators advertised")
	}
	sawLoopback := false
	for _, l := range locs {
		ep, err := ParseEndpoint(l)
		if err != nil {
			t.Fatalf("locator %q: %v", l, err)
		}
		host, port, _ := splitHostPort(ep.Address)
		ip := net.ParseIP(host)
		if ip == nil || ip.IsUnspecified() || port == 0 {
			t.Fatalf("advertised %q", l)
		}
		if ip.Equal(net.IPv4(127, 0, 0, 1)) {
			sawLoopback = true
			// The advertised loopback address is reachable.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			c, err := TCP{}.Dial(ctx, ep)
			cancel()
			if err != nil {
				t.Fatalf("dial advertised %q: %v", l, err)
			}
			c.Close()
		}
	}
	if !sawLoopback {
		t.Fatalf("127.0.0.1 not advertised: %v", locs)
	}
	if ep := ln.Endpoint(); strings.HasSuffix(ep.Address, ":0") {
		t.Fatalf("Endpoint() kept port 0: %v", ep)
	}
}

func TestMemPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := MemPipe("mem/a", "mem/b", 100)
		if err := a.WriteBatch(batchBuf([]byte("x"))); err != nil {
			t.Fatal(err)
		}
		if got, err := b.ReadBatch(); err != nil || string(got) != "x" {
			t.Fatalf("%q %v", got, err)
		}
		if err := a.WriteBatch(batchBuf(make([]byte, 101))); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("oversized: %v", err)
		}
		// A read deadline fires exactly on time.
		start := time.Now()
		b.SetReadDeadline(start.Add(3 * time.Second))
		if _, err := b.ReadBatch(); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("deadline: %v", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Fatalf("deadline after %v", d)
		}
		// Moving the deadline while a read waits applies to it.
		b.SetReadDeadline(time.Time{})
		done := make(chan error)
		go func() { _, err := b.ReadBatch(); done <- err }()
		synctest.Wait()
		start = time.Now()
		b.SetReadDeadline(start.Add(time.Second))
		if err := <-done; !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) != time.Second {
			t.Fatalf("moved deadline: %v after %v", err, time.Since(start))
		}
		b.SetReadDeadline(time.Time{})
		// Batches written before Close are read before EOF.
		a.WriteBatch(batchBuf([]byte("1")))
		a.WriteBatch(batchBuf([]byte("2")))
		a.Close()
		for _, w := range []string{"1", "2"} {
			if got, err := b.ReadBatch(); err != nil || string(got) != w {
				t.Fatalf("%q %v", got, err)
			}
		}
		if _, err := b.ReadBatch(); err != io.EOF {
			t.Fatalf("after close: %v", err)
		}
		if err := b.WriteBatch(batchBuf(nil)); !errors.Is(err, ErrClosed) {
			t.Fatalf("write to closed peer: %v", err)
		}
	})
}

func TestMemNetwork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := NewMemNetwork()
		ln, err := n.Listen(MustParseEndpoint("mem/a"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Listen(MustParseEndpoint("mem/a")); err == nil {
			t.Fatal("second listener on the same address")
		}
		go func() {
			l, err := ln.Accept()
			if err == nil {
				l.WriteBatch(batchBuf([]byte("hi")))
			}
		}()
		c, err := n.Dial(context.Background(), MustParseEndpoint("mem/a"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.ReadBatch(); err != nil || string(got) != "hi" {
			t.Fatalf("%q %v", got, err)
		}
		ln.Close()
		if _, err := n.Dial(context.Background(), MustParseEndpoint("mem/a")); err == nil {
			t.Fatal("dial to closed listener")
		}
	})
}
