package wire

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"
)

var (
	frameCodec       = trCodec[Frame]{DecodeFrame, (*Frame).Append, (*Frame).Len}
	frameHeaderCodec = trCodec[FrameHeader]{DecodeFrameHeader, (*FrameHeader).Append, (*FrameHeader).Len}
)

func TestFrameGolden(t *testing.T) {
	cases := []struct {
		name   string
		hex    string
		header FrameHeader
		hdrLen int
	}{
		// Captured from zenoh 1.10.2 (see transport_capture_test.go). With QoS negotiated, the
		// declarations go at priority Control: QoS extension 31 00.
		{"captured declares, priority control", capDefaultFrameA, FrameHeader{Reliability: Reliable, SN: 0x06edde63, QoS: NewTransportQoS(PriorityControl)}, 7},
		{"captured declare final", capDefaultFrameB, FrameHeader{Reliability: Reliable, SN: 0x0ef602a6, QoS: NewTransportQoS(PriorityControl)}, 7},
		{"captured push/put 8B", capDefaultPut8, FrameHeader{Reliability: Reliable, SN: 0x0ef602a6}, 5},
		// Without QoS the same declarations travel at the default priority: no extension.
		{"captured no qos, 16-bit sn", capTunedFrameA, FrameHeader{Reliability: Reliable, SN: 0x1e63}, 3},
		{"captured put, 16-bit sn", capTunedPut8, FrameHeader{Reliability: Reliable, SN: 0x02a7}, 3},
		{"captured multicast put", capMulticastPut, FrameHeader{Reliability: Reliable, SN: 15660830}, 5},
		// zenoh-wire-transport.md §6.1 (no network messages).
		{"doc reliable default priority", "25 E3 BC B7 37", FrameHeader{Reliability: Reliable, SN: 0x06edde63}, 5},
		{"doc best effort sn 5", "05 05", FrameHeader{Reliability: BestEffort, SN: 5}, 2},
		{"doc reliable control", "A5 A6 85 D8 77 31 00", FrameHeader{Reliability: Reliable, SN: 0x0ef602a6, QoS: NewTransportQoS(PriorityControl)}, 7},
		{"priority background, unknown ext", "85 00 B1 07 4A 01 FF", FrameHeader{SN: 0, QoS: NewTransportQoS(PriorityBackground), Exts: []Ext{{Header: 0x4a, Body: []byte{0xff}}}}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := trHex(t, c.hex)
			frameHeaderCodec.golden(t, in[:c.hdrLen], c.header)
			frameCodec.golden(t, in, Frame{FrameHeader: c.header, Payload: in[c.hdrLen:]})
		})
	}
}

func TestFrameEndsAtTransportHeader(t *testing.T) {
	// A Frame runs until a byte that is not a network message: here the next Frame, then a
	// KeepAlive. Each Frame holds one captured Push.
	put := trHex(t, capDefaultPut8)[5:]
	batch := append(trHex(t, "25 01"), put...)
	batch = append(batch, trHex(t, "05 07")...)
	batch = append(batch, put...)
	batch = append(batch, 0x04)
	m, n, err := DecodeTransport(batch)
	if err != nil || m.ID != TransportIDFrame || n != 2+len(put) || !bytes.Equal(m.Frame.Payload, put) {
		t.Fatalf("first frame: %+v, %d, %v", m.Frame, n, err)
	}
	m, n2, err := DecodeTransport(batch[n:])
	if err != nil || m.ID != TransportIDFrame || m.Frame.Reliability != BestEffort || n2 != 2+len(put) {
		t.Fatalf("second frame: %+v, %d, %v", m.Frame, n2, err)
	}
	m, n3, err := DecodeTransport(batch[n+n2:])
	if err != nil || m.ID != TransportIDKeepAlive || n3 != 1 {
		t.Fatalf("keepalive: %+v, %d, %v", m, n3, err)
	}
	// A malformed network message ends the Frame where it starts, as in Rust's Frame decoder.
	bad := append(append(trHex(t, "25 01"), put...), 0x1d)
	f, n, err := DecodeFrame(bad)
	if err != nil || n != 2+len(put) || !bytes.Equal(f.Payload, put) {
		t.Fatalf("frame before a truncated push: %+v, %d, %v", f, n, err)
	}
}

func TestFrameQoSByte(t *testing.T) {
	// Only the low three bits are the priority; Rust keeps and re-emits the whole byte, and
	// leaves the extension out exactly when the byte is 5.
	h, _, err := DecodeFrameHeader(trHex(t, "a5 00 31 0b"))
	if err != nil || h.QoS.Priority() != PriorityInteractiveLow || h.QoS.Byte() != 0x0b || h.QoS.String() != "interactive-low(0xb)" {
		t.Fatalf("qos 0x0b: %+v %v", h, err)
	}
	h, _, err = DecodeFrameHeader(trHex(t, "a5 00 31 05"))
	if err != nil || !h.QoS.IsDefault() {
		t.Fatalf("qos 0x05: %+v %v", h, err)
	}
	if out, _ := h.Append(nil); !bytes.Equal(out, trHex(t, "25 00")) {
		t.Fatalf("re-encoded %x", out)
	}
	if (FrameHeader{}).QoS.Priority() != PriorityData {
		t.Fatal("zero FrameHeader is not priority Data")
	}
}

func TestFrameBad(t *testing.T) {
	frameCodec.bad(t, trHex(t, "25"), ErrTruncated)
	frameCodec.bad(t, trHex(t, "26 00"), ErrUnknownMessage)
	frameCodec.bad(t, trHex(t, "a5 00 11"), ErrUnknownMandatory) // QoS unit form is unknown and mandatory
	frameCodec.bad(t, trHex(t, "a5 00 31"), ErrTruncated)
	frameCodec.bad(t, trHex(t, "a5 00 b1 00"), ErrTruncated)
	if _, err := (&FrameHeader{Reliability: 2}).Append(nil); err == nil {
		t.Fatal("Append accepted reliability 2")
	}
	if _, err := (&FrameHeader{Exts: []Ext{{Header: trExtQoS}}}).Append(nil); err == nil {
		t.Fatal("Append accepted QoS among the unknown extensions")
	}
}

func trGenFrameHeader(t *rapid.T) FrameHeader {
	return FrameHeader{
		Reliability: Reliability(rapid.IntRange(0, 1).Draw(t, "rel")),
		SN:          rapid.Uint32().Draw(t, "sn"),
		QoS:         TransportQoS(rapid.Byte().Draw(t, "qos")),
		Exts:        trGenExts(t, "exts", false, trExtQoS),
	}
}

func TestFrameRoundTrip(t *testing.T) {
	put := trHex(t, capDefaultPut8)[5:]
	rapid.Check(t, func(t *rapid.T) {
		h := trGenFrameHeader(t)
		frameHeaderCodec.roundTrip(t, h, true)
		f := Frame{FrameHeader: h, Payload: bytes.Repeat(put, rapid.IntRange(0, 3).Draw(t, "n"))}
		b := frameCodec.roundTrip(t, f, false)
		// Strict prefixes fail inside the header, and end the Frame early after it.
		hl := h.Len()
		for i := 0; i < len(b); i++ {
			g, n, err := DecodeFrame(b[:i])
			if i < hl {
				if err == nil {
					t.Fatalf("prefix %x decoded", b[:i])
				}
				continue
			}
			if err != nil || n > i || (n-hl)%len(put) != 0 || !bytes.Equal(g.Payload, b[hl:n]) {
				t.Fatalf("prefix %d of %x: n %d err %v", i, b, n, err)
			}
		}
	})
}
