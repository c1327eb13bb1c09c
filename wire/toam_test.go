package wire

import (
	"testing"

	"pgregory.net/rapid"
)

var transportOAMCodec = trCodec[TransportOAM]{DecodeTransportOAM, (*TransportOAM).Append, (*TransportOAM).Len}

func TestTransportOAMGolden(t *testing.T) {
	// Rust logs and ignores transport OAM on unicast and never sends one, so there is no
	// capture; these follow commons/zenoh-codec/src/transport/oam.rs.
	cases := []struct {
		name string
		hex  string
		want TransportOAM
	}{
		{"unit", "00 01", TransportOAM{ID: 1, Enc: ExtUnit}},
		{"z64", "20 80 01 2A", TransportOAM{ID: 128, Enc: ExtZ64, Value: 42}},
		{"zbuf", "40 FF FF 03 02 AA BB", TransportOAM{ID: 0xffff, Enc: ExtZBuf, Body: []byte{0xaa, 0xbb}}},
		{"priority control, unknown ext", "C0 02 B1 00 08 00", TransportOAM{ID: 2, Enc: ExtZBuf, QoS: NewTransportQoS(PriorityControl), Exts: []Ext{{Header: 0x08}}, Body: []byte{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { transportOAMCodec.golden(t, trHex(t, c.hex), c.want) })
	}
	// The id is read as a u16: wider values are truncated, as in Zenoh.
	m, _, err := DecodeTransportOAM(trHex(t, "00 81 80 04"))
	if err != nil || m.ID != 1 {
		t.Fatalf("id 0x10001: %+v %v", m, err)
	}
}

func TestTransportOAMBad(t *testing.T) {
	transportOAMCodec.bad(t, trHex(t, "60 01"), ErrInvalid) // reserved body encoding
	transportOAMCodec.bad(t, trHex(t, "20 01"), ErrTruncated)
	transportOAMCodec.bad(t, trHex(t, "40 01 05 00"), ErrTruncated)
	transportOAMCodec.bad(t, trHex(t, "80 01 11"), ErrUnknownMandatory)
	transportOAMCodec.bad(t, trHex(t, "01 01"), ErrUnknownMessage)
	for _, m := range []TransportOAM{{Enc: 0x60}, {Enc: ExtZ64, Body: []byte{1}}} {
		if _, err := m.Append(nil); err == nil {
			t.Errorf("Append accepted %+v", m)
		}
	}
}

func TestTransportOAMRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := TransportOAM{
			ID: rapid.Uint16().Draw(t, "id"), Enc: rapid.SampledFrom([]ExtEnc{ExtUnit, ExtZ64, ExtZBuf}).Draw(t, "enc"),
			QoS: TransportQoS(rapid.Byte().Draw(t, "qos")), Exts: trGenExts(t, "exts", false, trExtQoS),
		}
		switch m.Enc {
		case ExtZ64:
			m.Value = rapid.Uint64().Draw(t, "v")
		case ExtZBuf:
			m.Body = rapid.SliceOfN(rapid.Byte(), 0, 50).Draw(t, "body")
		}
		transportOAMCodec.roundTrip(t, m, true)
	})
}
