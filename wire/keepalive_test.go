package wire

import (
	"testing"

	"pgregory.net/rapid"
)

var keepAliveCodec = trCodec[KeepAlive]{DecodeKeepAlive, (*KeepAlive).Append, (*KeepAlive).Len}

func TestKeepAliveGolden(t *testing.T) {
	// Captured from zenoh 1.10.2 (both directions, alone in a batch), as in zenoh-wire-transport.md §6.3.
	keepAliveCodec.golden(t, trHex(t, capKeepAlive), KeepAlive{})
	keepAliveCodec.golden(t, trHex(t, "84 42 01 07"), KeepAlive{Exts: []Ext{{Header: 0x42, Body: []byte{7}}}})
}

func TestKeepAliveBad(t *testing.T) {
	keepAliveCodec.bad(t, nil, ErrTruncated)
	keepAliveCodec.bad(t, trHex(t, "05"), ErrUnknownMessage)
	keepAliveCodec.bad(t, trHex(t, "84 5F 00"), ErrUnknownMandatory)
	keepAliveCodec.bad(t, trHex(t, "84 E1"), ErrInvalid)
}

func TestKeepAliveRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keepAliveCodec.roundTrip(t, KeepAlive{Exts: trGenExts(t, "exts", false)}, true)
	})
}
