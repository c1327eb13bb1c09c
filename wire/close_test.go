package wire

import (
	"testing"

	"pgregory.net/rapid"
)

var closeCodec = trCodec[Close]{DecodeClose, (*Close).Append, (*Close).Len}

func TestCloseGolden(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		want Close
	}{
		// Captured from zenoh 1.10.2: both closing peers sent a link Close, reason GENERIC (S=0).
		{"captured", capClose, Close{Reason: CloseGeneric}},
		// zenoh-wire-transport.md §6.4 and §10 step 9.
		{"doc session close", "23 00", Close{Reason: CloseGeneric, Session: true}},
		{"doc max links", "03 04", Close{Reason: CloseMaxLinks}},
		{"connection to self", "03 07", Close{Reason: CloseConnectionToSelf}},
		{"unknown reason, optional ext", "83 2A 21 05", Close{Reason: 42, Exts: []Ext{{Header: 0x21, Value: 5}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { closeCodec.golden(t, trHex(t, c.hex), c.want) })
	}
}

func TestCloseReasonString(t *testing.T) {
	want := map[CloseReason]string{CloseGeneric: "GENERIC", CloseUnsupported: "UNSUPPORTED", CloseInvalid: "INVALID",
		CloseMaxSessions: "MAX_SESSIONS", CloseMaxLinks: "MAX_LINKS", CloseExpired: "EXPIRED",
		CloseUnresponsive: "UNRESPONSIVE", CloseConnectionToSelf: "CONNECTION_TO_SELF", 8: "CloseReason(8)"}
	for r, s := range want {
		if r.String() != s {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), s)
		}
	}
}

func TestCloseBad(t *testing.T) {
	closeCodec.bad(t, trHex(t, "03"), ErrTruncated)
	closeCodec.bad(t, trHex(t, "04 00"), ErrUnknownMessage)
	closeCodec.bad(t, trHex(t, "83 00 10"), ErrUnknownMandatory)
	closeCodec.bad(t, trHex(t, "83 00 81"), ErrTruncated) // Z says another extension follows
}

func TestCloseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := Close{Reason: CloseReason(rapid.Byte().Draw(t, "reason")), Session: rapid.Bool().Draw(t, "s"), Exts: trGenExts(t, "exts", false)}
		closeCodec.roundTrip(t, m, true)
	})
}
