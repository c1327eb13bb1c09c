package wire

import (
	"errors"
	"strings"
	"testing"
)

// TestNetBadInput feeds malformed network messages to DecodeNetwork: each must fail with the
// given sentinel, naming the given field, without panicking.
func TestNetBadInput(t *testing.T) {
	cases := []struct {
		name, hex string
		want      error
		field     string
	}{
		{"empty", "", ErrTruncated, "header"},
		{"transport id", "05 01", ErrUnknownMessage, "header"},
		{"unused id", "18 00", ErrUnknownMessage, "header"},
		{"scope above u16", "1d 80 80 04 02", ErrOverflow, "scope"},
		{"suffix length above u16", "3d 00 80 80 04 61", ErrLimit, "suffix"},
		{"suffix longer than input", "3d 00 10 61 62", ErrTruncated, "suffix"},
		{"suffix not utf-8", "3d 00 02 c3 28 02", ErrInvalid, "suffix"},
		{"request id above u32", "1c 80 80 80 80 10 00 03", ErrOverflow, "request_id"},
		{"response id above u32", "1b ff ff ff ff 7f 00 05 00", ErrOverflow, "request_id"},
		{"final id above u32", "1a 80 80 80 80 20", ErrOverflow, "request_id"},
		{"interest id above u32", "19 80 80 80 80 10", ErrOverflow, "interest_id"},
		{"declare interest id above u32", "3e 80 80 80 80 10 1a", ErrOverflow, "interest_id"},
		{"expr id above u16", "1e 20 80 80 04 00 01 61", ErrOverflow, "expr_id"},
		{"entity id above u32", "1e 02 80 80 80 80 10 00", ErrOverflow, "entity_id"},
		{"oam id above u16", "1f 80 80 04", ErrOverflow, "id"},
		{"qos above a byte", "9d 00 21 80 02 02", ErrOverflow, "ext_qos"},
		{"node id above u16", "9d 00 33 80 80 04 02", ErrOverflow, "ext_nodeid"},
		{"unknown target", "9c 01 00 34 03 03", ErrInvalid, "ext_target"},
		{"budget above u32", "9c 01 00 25 80 80 80 80 10 03", ErrOverflow, "ext_budget"},
		{"queryable distance above u16", "1e 84 01 00 21 80 80 80 08", ErrOverflow, "ext_qbl_info"},
		{"unknown mandatory ext on push", "9d 00 11 02", ErrUnknownMandatory, "ext"},
		{"unknown mandatory ext on put", "1d 00 81 11 00", ErrUnknownMandatory, "ext"},
		{"unknown mandatory ext on declaration", "1e 9a 11", ErrUnknownMandatory, "ext"},
		{"node id ext on response final", "9a 01 33 01", ErrUnknownMandatory, "ext"},
		{"reserved ext encoding", "9d 00 61 02", ErrInvalid, "ext"},
		{"ext body longer than input", "9d 00 42 10 01", ErrTruncated, "ext"},
		{"timestamp ext with trailing bytes", "9d 00 42 04 05 01 07 00 02", ErrTrailing, "ext_timestamp"},
		{"timestamp ext too short", "9d 00 42 02 05 01 02", ErrTruncated, "id"},
		{"timestamp zero id", "3d 00 01 61 21 05 01 00 00", ErrInvalid, "id"},
		{"sourceinfo zid longer than body", "1d 00 81 41 03 f0 01 02 00", ErrTruncated, "zid"},
		{"responder id trailing", "9b 01 00 43 04 00 07 02 09 05 00", ErrTrailing, "ext_responder_id"},
		{"undeclare suffix without flag", "1e 83 05 5f 03 00 00 61", ErrTrailing, "ext_wire_expr.suffix"},
		{"undeclare suffix not utf-8", "1e 83 05 5f 03 01 00 ff", ErrInvalid, "ext_wire_expr.suffix"},
		{"undeclare scope above u16", "1e 83 05 5f 04 00 80 80 04", ErrOverflow, "ext_wire_expr.scope"},
		{"oam reserved encoding", "7f 01", ErrInvalid, "header"},
		{"push body not put/del", "1d 00 03", ErrUnknownMessage, "body"},
		{"request body not query", "1c 01 00 01 00", ErrUnknownMessage, "body"},
		{"response body not reply/err", "1b 01 00 01 00", ErrUnknownMessage, "body"},
		{"reply body not put/del", "1b 01 00 04 05 00", ErrUnknownMessage, "body"},
		{"unknown declaration", "1e 08 01", ErrUnknownMessage, "body"},
		{"payload longer than input", "1d 00 01 e8 07 68 69", ErrTruncated, "payload"},
		{"payload length above u32", "1d 00 01 80 80 80 80 10", ErrLimit, "payload"},
		{"put with shared-memory payload (captured from zenoh 1.10.2)", "3d 01 04 2f 73 68 6d 81 12 01 01 06 40 ff d3 02 00 00", ErrUnknownMandatory, "ext_shm"},
		{"err with shared-memory payload", "1b 01 00 85 12 00", ErrUnknownMandatory, "ext_shm"},
		{"query with shared-memory body", "1c 01 00 83 84 43 01 00", ErrInvalid, "ext_body_shm"},
		{"query body shorter than its encoding", "1c 01 00 83 43 01 81", ErrTruncated, "encoding.id"},
		{"query parameters not utf-8", "1c 01 00 43 01 ff", ErrInvalid, "parameters"},
		{"encoding schema above u8", "1d 00 41 01 80 02", ErrLimit, "encoding.schema"},
		{"zint longer than 9 bytes is cut at 9", "1d 00 01 ff ff ff ff ff ff ff ff ff", ErrLimit, "payload"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := netHex(t, c.hex)
			_, _, err := DecodeNetwork(b)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %T is not a *DecodeError", err)
			}
			if de.Field != c.field {
				t.Errorf("field = %q, want %q (%v)", de.Field, c.field, err)
			}
			if de.Offset < 0 || de.Offset > len(b) {
				t.Errorf("offset %d outside the input", de.Offset)
			}
		})
	}
}

// TestNetTooManyExtensions checks the MaxExtensions limit on kept unknown extensions.
func TestNetTooManyExtensions(t *testing.T) {
	b := []byte{0x9d, 0x00}
	for i := 0; i < MaxExtensions+1; i++ {
		b = append(b, 0x80|0x0f) // unit ext 0x0f, more follows
	}
	b[len(b)-1] &^= ExtMore
	b = append(b, 0x02)
	if _, _, err := DecodeNetwork(b); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	b = append(b[:2+MaxExtensions-1:2+MaxExtensions-1], 0x0f, 0x02)
	m, _, err := DecodeNetwork(b)
	if err != nil || len(m.Push.Exts) != MaxExtensions {
		t.Fatalf("%d exts, err %v; want %d, nil", len(m.Push.Exts), err, MaxExtensions)
	}
}

// TestNetLenient checks the non-canonical forms Rust accepts: they decode, and re-encode in the
// canonical form.
func TestNetLenient(t *testing.T) {
	cases := []struct{ name, in, out string }{
		{"N flag with empty suffix", "3d 00 00 02", "1d 00 02"},
		{"E flag with default encoding", "1d 00 41 00 00", "1d 00 01 00"},
		{"C flag with auto consolidation", "1c 01 00 23 00", "1c 01 00 03"},
		{"unknown consolidation reads as auto", "1c 01 00 23 09", "1c 01 00 03"},
		{"P flag with empty parameters", "1c 01 00 43 00", "1c 01 00 03"},
		{"Z flag on the message, explicit default QoS", "9d 00 21 05 02", "1d 00 02"},
		{"reserved flags ignored (ResponseFinal)", "7a 01", "1a 01"},
		{"reserved flags ignored (Del)", "1d 00 42", "1d 00 02"},
		{"entity flags low nibble ignored", "9b 01 00 43 03 0f 07 02 05 00", "9b 01 00 43 03 00 07 02 05 00"},
		{"zid with high zero bytes shrinks", "9b 01 00 43 04 10 07 00 02 05 00", "9b 01 00 43 03 00 07 02 05 00"},
		{"undeclare subscriber with null ext", "1e 83 05 5f 02 00 00", "1e 03 05"},
		{"undeclare queryable without ext", "1e 05 05", "1e 85 05 5f 02 00 00"},
		{"undeclare named flag with empty suffix", "1e 83 05 5f 02 01 00", "1e 03 05"},
		{"queryable info reserved flag bits", "1e 84 01 00 21 02", "1e 04 01 00"},
		{"duplicate known ext: last wins", "9d 00 a1 01 21 02 02", "9d 00 21 02 02"},
		{"zero budget means none", "9c 01 00 25 00 03", "1c 01 00 03"},
		{"interest final with options bits in header only", "99 05 21 08", "99 05 21 08"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, n, err := DecodeNetwork(netHex(t, c.in))
			if err != nil || n != len(netHex(t, c.in)) {
				t.Fatalf("decode: %d %v", n, err)
			}
			out, err := m.Append(nil)
			if err != nil || string(out) != string(netHex(t, c.out)) {
				t.Fatalf("re-encoded % x (%v), want %s", out, err, c.out)
			}
		})
	}
}

// TestNetEncodeErrors checks that what cannot be encoded is refused, leaving the buffer intact.
func TestNetEncodeErrors(t *testing.T) {
	long := make([]byte, MaxKeySuffixLen+1)
	for i := range long {
		long[i] = 'a'
	}
	cases := []struct {
		name string
		m    NetworkMessage
	}{
		{"unknown id", NetworkMessage{ID: 3}},
		{"suffix above u16", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, WireExpr: WireExpr{Suffix: long}, Body: PushBody{ID: DataIDDel}}}},
		{"suffix not utf-8", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, WireExpr: WireExpr{Suffix: []byte{0xff}}, Body: PushBody{ID: DataIDDel}}}},
		{"push body unset", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault}}},
		{"timestamp with zero id", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, HasTimestamp: true, Body: PushBody{ID: DataIDDel}}}},
		{"put timestamp with zero id", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, Body: PushBody{ID: DataIDPut, Put: Put{HasTimestamp: true}}}}},
		{"source info with zero id", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, Body: PushBody{ID: DataIDDel, Del: Del{HasSourceInfo: true}}}}},
		{"mandatory unknown ext", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, Exts: []Ext{{Header: 0x11}}, Body: PushBody{ID: DataIDDel}}}},
		{"ext the message defines", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, Exts: []Ext{{Header: netExtQoS, Value: 1}}, Body: PushBody{ID: DataIDDel}}}},
		{"request target", NetworkMessage{ID: NetIDRequest, Request: Request{QoS: NetQoSDefault, Target: 3}}},
		{"query consolidation", NetworkMessage{ID: NetIDRequest, Request: Request{QoS: NetQoSDefault, Query: Query{Consolidation: 4}}}},
		{"query parameters not utf-8", NetworkMessage{ID: NetIDRequest, Request: Request{QoS: NetQoSDefault, Query: Query{Parameters: []byte{0xc3}}}}},
		{"response body unset", NetworkMessage{ID: NetIDResponse, Response: Response{QoS: NetQoSDefault}}},
		{"responder with zero id", NetworkMessage{ID: NetIDResponse, Response: Response{QoS: NetQoSDefault, HasResponderID: true, Body: ResponseBody{ID: DataIDErr}}}},
		{"interest mode", NetworkMessage{ID: NetIDInterest, Interest: Interest{Mode: 4}}},
		{"declaration id", NetworkMessage{ID: NetIDDeclare, Declare: Declare{Body: DeclareBody{ID: 9}}}},
		{"expr id above u16", NetworkMessage{ID: NetIDDeclare, Declare: Declare{Body: DeclareBody{ID: DeclIDKeyExpr, EntityID: 1 << 16}}}},
		{"oam encoding", NetworkMessage{ID: NetIDOAM, OAM: NetworkOAM{Enc: 0x60}}},
		{"schema without HasSchema", NetworkMessage{ID: NetIDPush, Push: Push{QoS: NetQoSDefault, Body: PushBody{ID: DataIDPut, Put: Put{Encoding: Encoding{Schema: []byte("x")}}}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			buf := []byte{1, 2, 3}
			out, err := c.m.Append(buf)
			if !errors.Is(err, ErrEncode) {
				t.Fatalf("err = %v, want ErrEncode", err)
			}
			if string(out) != string(buf) {
				t.Fatalf("Append changed the buffer on error: % x", out)
			}
			if !strings.Contains(err.Error(), "cannot encode") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

// TestNetStrings checks the String methods of the typed protocol numbers.
func TestNetStrings(t *testing.T) {
	cases := []struct{ got, want string }{
		{NetIDPush.String(), "Push"},
		{NetIDOAM.String(), "OAM"},
		{NetworkID(2).String(), "NetworkID(2)"},
		{DataIDErr.String(), "Err"},
		{DataID(9).String(), "DataID(9)"},
		{DeclIDFinal.String(), "DeclareFinal"},
		{DeclIDUndeclToken.String(), "UndeclareToken"},
		{DeclareID(8).String(), "DeclareID(8)"},
		{MappingSender.String(), "sender"},
		{InterestCurrentFuture.String(), "current-future"},
		{(InterestKeyExprs | InterestSubscribers | InterestRestricted | InterestMapping).String(), "K|S|R|M"},
		{InterestOptions(0).String(), "none"},
		{QueryTargetAllComplete.String(), "all-complete"},
		{ConsolidationLatest.String(), "latest"},
		{ConsolidationMode(7).String(), "ConsolidationMode(7)"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for id := 0; id < 256; id++ {
		if IsNetworkID(byte(id)) != (id&0x1f >= 0x19) {
			t.Fatalf("IsNetworkID(%#x) = %v", id, IsNetworkID(byte(id)))
		}
	}
}
