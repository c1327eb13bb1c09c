package wire

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"
)

var (
	fragmentCodec       = trCodec[Fragment]{DecodeFragment, (*Fragment).Append, (*Fragment).Len}
	fragmentHeaderCodec = trCodec[FragmentHeader]{DecodeFragmentHeader, (*FragmentHeader).Append, (*FragmentHeader).Len}
)

func TestFragmentGolden(t *testing.T) {
	ab := func(n int) []byte { return bytes.Repeat([]byte{0xab}, n) }
	cases := []struct {
		name    string
		head    string
		payload []byte
		want    FragmentHeader
	}{
		// Captured from zenoh 1.10.2: a 100000-byte put cut into fragments filling 49152-byte
		// batches (49150 bytes after the TCP prefix). The first carries the First marker; the
		// SN advances by one per fragment.
		{"captured first", capDefaultFragFirstHead, append(trHex(t, "3d01022f7801a08d06"), ab(49150-15)...), FragmentHeader{Reliability: Reliable, More: true, SN: 0x0ef602a9, First: true}},
		{"captured middle", capDefaultFragMidHead, ab(49150 - 5), FragmentHeader{Reliability: Reliable, More: true, SN: 0x0ef602aa}},
		{"captured last", capDefaultFragLastHead, ab(1725 - 5), FragmentHeader{Reliability: Reliable, SN: 0x0ef602ab}},
		// zenoh-wire-transport.md §6.2.
		{"doc first of several", "E6 E8 07 02", []byte{1, 2, 3}, FragmentHeader{Reliability: Reliable, More: true, SN: 1000, First: true}},
		{"doc last", "26 EB 07", []byte{4}, FragmentHeader{Reliability: Reliable, SN: 1003}},
		{"doc first priority 6", "E6 E8 07 B1 06 02", []byte{9}, FragmentHeader{Reliability: Reliable, More: true, SN: 1000, QoS: NewTransportQoS(PriorityDataLow), First: true}},
		{"doc drop marker", "A6 EA 07 03", nil, FragmentHeader{Reliability: Reliable, SN: 1002, Drop: true}},
		{"best effort, all exts", "C6 05 B1 00 82 83 0A", []byte{7, 7}, FragmentHeader{More: true, SN: 5, QoS: NewTransportQoS(PriorityControl), First: true, Drop: true, Exts: []Ext{{Header: 0x0a}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			head := trHex(t, c.head)
			in := append(append([]byte(nil), head...), c.payload...)
			fragmentHeaderCodec.golden(t, head, c.want)
			fragmentCodec.golden(t, in, Fragment{FragmentHeader: c.want, Payload: in[len(head):]})
		})
	}
}

func TestFragmentBad(t *testing.T) {
	fragmentCodec.bad(t, trHex(t, "26"), ErrTruncated)
	fragmentCodec.bad(t, trHex(t, "25 00"), ErrUnknownMessage)
	fragmentCodec.bad(t, trHex(t, "a6 00 12"), ErrUnknownMandatory) // First with M set is unknown
	fragmentCodec.bad(t, trHex(t, "a6 00 82"), ErrTruncated)
	if _, err := (&FragmentHeader{Exts: []Ext{{Header: trExtFragmentFirst}}}).Append(nil); err == nil {
		t.Fatal("Append accepted First among the unknown extensions")
	}
}

func TestFragmentRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := FragmentHeader{
			Reliability: Reliability(rapid.IntRange(0, 1).Draw(t, "rel")), More: rapid.Bool().Draw(t, "more"),
			SN: rapid.Uint32().Draw(t, "sn"), QoS: TransportQoS(rapid.Byte().Draw(t, "qos")),
			First: rapid.Bool().Draw(t, "first"), Drop: rapid.Bool().Draw(t, "drop"),
			Exts: trGenExts(t, "exts", false, trExtQoS, trExtFragmentFirst, trExtFragmentDrop),
		}
		fragmentHeaderCodec.roundTrip(t, h, true)
		f := Fragment{FragmentHeader: h, Payload: rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "payload")}
		b := fragmentCodec.roundTrip(t, f, false)
		// A prefix longer than the header is a Fragment with a shorter payload.
		for i := 0; i < len(b); i++ {
			g, n, err := DecodeFragment(b[:i])
			if i < h.Len() {
				if err == nil {
					t.Fatalf("prefix %x decoded", b[:i])
				}
			} else if err != nil || n != i || !bytes.Equal(g.Payload, b[h.Len():i]) {
				t.Fatalf("prefix %d: %v %d", i, err, n)
			}
		}
	})
}
