package session

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// expectInvalid checks that the raw peer gets Close(INVALID) and then the end of the link, and
// that the transport went down with that local reason.
func expectInvalid(t *testing.T, tr *Transport, rec *recorder, raw rawPeer) {
	t.Helper()
	for {
		b, err := raw.l.ReadBatch()
		if err != nil {
			t.Fatalf("link ended without Close: %v", err)
		}
		if len(b) == 1 && b[0] == byte(wire.TransportIDKeepAlive) {
			continue
		}
		m, _, err := wire.DecodeTransport(b)
		if err != nil || m.ID != wire.TransportIDClose || m.Close.Reason != ReasonInvalid {
			t.Fatalf("got %x (%v), want Close(INVALID)", b, err)
		}
		break
	}
	if _, err := raw.l.ReadBatch(); err == nil {
		t.Fatal("link open after Close")
	}
	err := <-rec.downs
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Remote || ce.Reason != ReasonInvalid || !errors.Is(err, ErrProtocol) {
		t.Fatalf("down: %v", err)
	}
	<-tr.Done()
}

func TestBadInputClosesLink(t *testing.T) {
	mandatoryExtFrame := func(t testing.TB, sn uint32) []byte {
		// Frame R, SN, Z; extension 0x5f (zbuf, mandatory, unknown id 15) with one byte.
		return append([]byte{0xa5}, append(wire.AppendZint(nil, uint64(sn)), 0x5f, 0x01, 0x00)...)
	}
	tests := []struct {
		name  string
		mod   func(oc, ac *Config)
		batch func(t testing.TB, sn uint32) []byte
	}{
		{"garbage", nil, func(testing.TB, uint32) []byte { return []byte{0xff, 0x13, 0x00, 0x42} }},
		{"unknown transport id", nil, func(testing.TB, uint32) []byte { return []byte{0x08} }},
		{"truncated frame", nil, func(testing.TB, uint32) []byte { return []byte{0x25, 0x80} }},
		{"bad network message", nil, func(t testing.TB, sn uint32) []byte {
			return append(frame(t, wire.Reliable, sn, 0), 0x1d, 0x00) // Push cut short
		}},
		{"sn above mask", nil, func(t testing.TB, sn uint32) []byte {
			return frame(t, wire.Reliable, 0x10000000, 0, push("k", nil, wire.NetQoSDefault))
		}},
		{"mandatory unknown extension", nil, mandatoryExtFrame},
		{"priority without qos", func(oc, ac *Config) { oc.QoS = false }, func(t testing.TB, sn uint32) []byte {
			return frame(t, wire.Reliable, sn, wire.NewTransportQoS(wire.PriorityControl), push("k", nil, wire.NetQoSDefault))
		}},
		{"batch above negotiated size", func(oc, ac *Config) { oc.BatchSize = 1000 }, func(t testing.TB, sn uint32) []byte {
			return frame(t, wire.Reliable, sn, 0, push("k", make([]byte, 1000), wire.NetQoSDefault))
		}},
		{"fragmented message above RxMaxMessageSize", func(oc, ac *Config) { oc.RxMaxMessageSize = 1000 }, func(t testing.TB, sn uint32) []byte {
			return fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: sn, First: true}, make([]byte, 1001))
		}},
		{"fragment sn above mask", nil, func(t testing.TB, sn uint32) []byte {
			return fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: 0x10000000, First: true}, []byte{1})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
				if tt.mod != nil {
					tt.mod(oc, ac)
				}
				tr, rec, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
				raw.sendRaw(tt.batch(t, ar.ourSN))
				expectInvalid(t, tr, rec, raw)
			})
		})
	}
}

// TestEndlessFragmentChain sends fragments forever: the transport closes the link once the
// partial message passes RxMaxMessageSize, having held at most that much.
func TestEndlessFragmentChain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		oc.RxMaxMessageSize = 64 << 10
		tr, rec, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
		sn := ar.ourSN
		piece := make([]byte, 1000)
		sent := 0
		go func() {
			for i := 0; ; i++ {
				b := fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: sn, First: i == 0}, piece)
				if raw.l.WriteBatch(append(make([]byte, LinkHeadroom), b...)) != nil {
					return
				}
				sn = (sn + 1) & 0x0fffffff
				sent++
			}
		}()
		expectInvalid(t, tr, rec, raw)
		if s := tr.Stats(); s.RxFragments != 66 {
			t.Fatalf("accepted %d fragments before closing", s.RxFragments)
		}
	})
}

func TestReassemblyPerPeerLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		oc.RxMaxReassembly = 15000
		tr, rec, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
		for p := wire.Priority(0); p < 2; p++ {
			raw.sendRaw(fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: true, SN: ar.ourSN, First: true,
				QoS: wire.NewTransportQoS(p)}, make([]byte, 8000)))
		}
		expectInvalid(t, tr, rec, raw)
	})
}

// TestReassemblyDrops checks the cases where Rust drops a partial message and keeps the link:
// a fragment without First, a gap, a Drop marker, and (ours) a partial message left idle past
// the reassembly timeout. A complete message afterwards is delivered.
func TestReassemblyDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		oc, ac := testConfig(t, "a1"), testConfig(t, "b2")
		oc.ReassemblyTimeout = 2 * time.Second
		tr, rec, ar, raw := pipeTransport(t, oc, ac, tcpMTU)
		msg, err := push("frag", pattern(3000, 1), wire.NetQoSDefault).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		sn := ar.ourSN
		next := func() uint32 { s := sn; sn = (sn + 1) & 0x0fffffff; return s }
		frag := func(first, more bool, p []byte) {
			raw.sendRaw(fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, More: more, SN: next(), First: first}, p))
		}
		// 1. No First marker: dropped.
		frag(false, true, msg[:1000])
		frag(false, false, msg[1000:])
		// 2. A gap in the chain: dropped.
		frag(true, true, msg[:1000])
		next()
		frag(false, false, msg[1000:])
		// 3. A Drop marker: dropped.
		frag(true, true, msg[:1000])
		raw.sendRaw(fragmentBatch(t, wire.FragmentHeader{Reliability: wire.Reliable, SN: next(), Drop: true}, nil))
		frag(false, false, msg[1000:])
		// 4. Idle exactly the timeout: still fine; a second longer: dropped.
		frag(true, true, msg[:1000])
		time.Sleep(2 * time.Second)
		frag(false, true, msg[1000:2000])
		time.Sleep(2*time.Second + time.Nanosecond)
		frag(false, false, msg[2000:])
		// 5. A complete message.
		frag(true, true, msg[:1500])
		frag(false, false, msg[1500:])
		rec.wait(t, 1, time.Second)
		synctest.Wait()
		got := rec.messages()
		if len(got) != 1 || got[0].key != "frag" || len(got[0].payload) != 3000 {
			t.Fatalf("got %+v", got)
		}
		// Drops: the fragment without First (1) and its orphan end (1), the gap (1), the Drop
		// marker (1) and the orphan after it (1), the timeout (1) and its orphan end (1).
		if s := tr.Stats(); s.RxReassembly != 7 || !tr.up() {
			t.Fatalf("reassembly drops %d, up %v", s.RxReassembly, tr.up())
		}
		tr.Abort()
		<-tr.Done()
	})
}

// TestOtherTransportsUnaffected has a peer send garbage to a Manager that also serves a
// second, well-behaved peer: only the first transport goes.
func TestOtherTransportsUnaffected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := NewMemNetwork()
		a := newNode(t, net, "a1", nil)
		a.m.Listen("mem/a")
		good := newNode(t, net, "c3", nil)
		tg, err := good.m.Open(t.Context(), "mem/a")
		if err != nil {
			t.Fatal(err)
		}
		// The bad peer runs our handshake on a raw link, then sends garbage.
		l, err := net.Dial(t.Context(), MustParseEndpoint("mem/a"))
		if err != nil {
			t.Fatal(err)
		}
		bc := testConfig(t, "b2")
		if _, err := openLink(context.Background(), bc, l, nil); err != nil {
			t.Fatal(err)
		}
		if len(a.m.Transports()) != 2 {
			t.Fatalf("%d transports", len(a.m.Transports()))
		}
		l.WriteBatch(append(make([]byte, LinkHeadroom), 0xff, 0xff, 0xff))
		raw := rawPeer{t, l}
		raw.expectClose(ReasonInvalid)
		synctest.Wait()
		if ts := a.m.Transports(); len(ts) != 1 || ts[0].ZID() != good.m.ZID() {
			t.Fatalf("transports after the bad peer: %v", ts)
		}
		pa := (<-a.recs)
		_ = pa
		if err := tg.Send(push("still", nil, wire.NetQoSDefault), wire.Reliable); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		a.m.Close()
		good.m.Close()
	})
}
