package cluster

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenEnvelope is node 300, incarnation 0x1122334455667788, first sequence 5, carrying
// QueueStatus{Running: true} and SpamModelReload{}.
const goldenEnvelope = "53 01 00 ac02 8877665544332211 05 02 0c01 01 0b00"

func TestEnvelopeGolden(t *testing.T) {
	h := Header{From: 300, Incarnation: 0x1122334455667788, Seq: 5}
	evs := []RawEvent{{Kind: KindQueueStatus, Body: []byte{1}}, {Kind: KindSpamModelReload, Body: []byte{}}}
	got, err := AppendEnvelope(nil, h, evs)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, goldenEnvelope)
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendEnvelope = % x\nwant            % x", got, want)
	}
	if n := HeaderSize(h, 2) + EventOverhead(KindQueueStatus, 1) + 1 + EventOverhead(KindSpamModelReload, 0); n != len(want) {
		t.Errorf("HeaderSize+EventOverhead = %d, want %d", n, len(want))
	}
	var env Envelope
	if err := ParseEnvelope(want, &env); err != nil {
		t.Fatal(err)
	}
	if env.Header != h || len(env.Events) != 2 || env.Events[0].Kind != KindQueueStatus || !bytes.Equal(env.Events[0].Body, []byte{1}) {
		t.Errorf("ParseEnvelope = %+v", env)
	}
	// A heartbeat with the leave flag.
	hb, err := AppendEnvelope(nil, Header{Flags: FlagLeave, From: 1, Incarnation: 1, Seq: 1}, nil)
	if err != nil || !bytes.Equal(hb, unhex(t, "53 01 01 01 0100000000000000 01 00")) {
		t.Errorf("leave heartbeat = % x, %v", hb, err)
	}
}

func TestEnvelopeTruncation(t *testing.T) {
	full := unhex(t, goldenEnvelope)
	var env Envelope
	for i := range full {
		err := ParseEnvelope(full[:i], &env)
		if err == nil {
			t.Fatalf("prefix of %d bytes parsed", i)
		}
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("prefix %d: %v is not a *DecodeError", i, err)
		}
		if len(env.Events) != 0 {
			t.Fatalf("prefix %d: events kept after an error", i)
		}
	}
}

func TestEnvelopeRejects(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		want      error
		token     string
	}{
		{"magic", "54 01 00 01 0100000000000000 01 00", ErrMalformed, "magic"},
		{"version 2", "53 02 00 01 0100000000000000 01 00", ErrVersion, "version"},
		{"version 0", "53 00 00", ErrVersion, "version"},
		{"from 0", "53 01 00 00 0100000000000000 01 00", ErrNodeID, "header"},
		{"from 65536", "53 01 00 808004 0100000000000000 01 00", ErrNodeID, "header"},
		{"incarnation 0", "53 01 00 01 0000000000000000 01 00", ErrMalformed, "header"},
		{"seq 0", "53 01 00 01 0100000000000000 00 00", ErrMalformed, "header"},
		{"seq overflow", "53 01 00 01 0100000000000000 ffffffffffffffffff01 01 0100", ErrMalformed, "header"},
		{"non-minimal from", "53 01 00 8100 0100000000000000 01 00", ErrMalformed, "header"},
		{"varint overflow", "53 01 00 01 0100000000000000 ffffffffffffffffffff01 00", ErrMalformed, "header"},
		{"too many events", "53 01 00 01 0100000000000000 01 812000", ErrLimit, "header"},
		{"count beyond bytes", "53 01 00 01 0100000000000000 01 05 0100", ErrTruncated, "header"},
		{"kind 0", "53 01 00 01 0100000000000000 01 01 0000", ErrMalformed, "events"},
		{"local kind", "53 01 00 01 0100000000000000 01 01 80e003 00", ErrMalformed, "events"},
		{"body too long", "53 01 00 01 0100000000000000 01 01 01 05 00", ErrTruncated, "events"},
		{"body above limit", "53 01 00 01 0100000000000000 01 01 01 818020", ErrTooLarge, "events"},
		{"trailing", "53 01 00 01 0100000000000000 01 01 0b00 00", ErrMalformed, "events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env Envelope
			err := ParseEnvelope(unhex(t, tc.hex), &env)
			var de *DecodeError
			if !errors.Is(err, tc.want) || !errors.As(err, &de) || de.Token != tc.token {
				t.Fatalf("err = %v, want %v with token %q", err, tc.want, tc.token)
			}
			if tc.token == "events" && env.From != 1 {
				t.Errorf("header not kept with an events error: %+v", env.Header)
			}
		})
	}
	big := make([]byte, MaxEnvelopeBytes+1)
	if err := ParseEnvelope(big, &Envelope{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized envelope: %v", err)
	}
}

func TestAppendEnvelopeRejects(t *testing.T) {
	ok := Header{From: 1, Incarnation: 1, Seq: 1}
	for _, tc := range []struct {
		name string
		h    Header
		evs  []RawEvent
		want error
	}{
		{"from 0", Header{Incarnation: 1, Seq: 1}, nil, ErrNodeID},
		{"incarnation 0", Header{From: 1, Seq: 1}, nil, ErrMalformed},
		{"seq 0", Header{From: 1, Incarnation: 1}, nil, ErrMalformed},
		{"kind 0", ok, []RawEvent{{}}, ErrInvalidEvent},
		{"local kind", ok, []RawEvent{{Kind: KindResync}}, ErrInvalidEvent},
		{"too many", ok, make([]RawEvent, MaxEnvelopeEvents+1), ErrLimit},
		{"body", ok, []RawEvent{{Kind: KindAppMin, Body: make([]byte, MaxEventBytes+1)}}, ErrTooLarge},
		{"envelope", ok, []RawEvent{{Kind: KindAppMin, Body: make([]byte, MaxEventBytes)}, {Kind: KindAppMin, Body: make([]byte, MaxEventBytes)}}, ErrTooLarge},
	} {
		b, err := AppendEnvelope([]byte("x"), tc.h, tc.evs)
		if !errors.Is(err, tc.want) || string(b) != "x" {
			t.Errorf("%s: %q, %v; want %v and the input unchanged", tc.name, b, err, tc.want)
		}
	}
}

// genEvent draws any built-in event, or an application event, with values that survive the
// encoding unchanged (times in UTC whole seconds, nil for empty lists).
func genEvent() *rapid.Generator[Event] {
	u32 := rapid.Uint32()
	u64 := rapid.Uint64()
	str := rapid.StringN(0, 40, -1)
	when := rapid.Custom(func(t *rapid.T) time.Time {
		if rapid.Bool().Draw(t, "zero") {
			return time.Time{}
		}
		return time.Unix(rapid.Int64Range(-1<<40, 1<<40).Draw(t, "unix"), 0).UTC()
	})
	return rapid.OneOf(
		rapid.Custom(func(t *rapid.T) Event {
			return StateChange{AccountID: u32.Draw(t, "a"), ChangeID: u64.Draw(t, "c"), Types: u64.Draw(t, "t")}
		}),
		rapid.Custom(func(t *rapid.T) Event {
			return EmailPush{AccountID: u32.Draw(t, "a"), EmailID: u32.Draw(t, "e"), ChangeID: u64.Draw(t, "c")}
		}),
		rapid.Custom(func(t *rapid.T) Event {
			return CalendarAlert{AccountID: u32.Draw(t, "a"), EventID: u32.Draw(t, "e"), RecurrenceID: rapid.Int64().Draw(t, "r"),
				UID: str.Draw(t, "uid"), AlertID: str.Draw(t, "alert")}
		}),
		rapid.Custom(func(t *rapid.T) Event { return PushServerUpdate{AccountID: u32.Draw(t, "a")} }),
		rapid.Custom(func(t *rapid.T) Event {
			n := rapid.IntRange(0, 5).Draw(t, "n")
			var e CacheInvalidate
			for range n {
				e.Items = append(e.Items, CacheItem{Kind: CacheKind(rapid.IntRange(1, 255).Draw(t, "k")), ID: u64.Draw(t, "id")})
			}
			return e
		}),
		rapid.Custom(func(t *rapid.T) Event { return CacheInvalidateAll{NegativeOnly: rapid.Bool().Draw(t, "neg")} }),
		rapid.Custom(func(t *rapid.T) Event { return SettingsReload{Section: str.Draw(t, "s")} }),
		rapid.Custom(func(t *rapid.T) Event {
			return ObjectChanged{Op: ObjectOp(rapid.IntRange(1, 3).Draw(t, "op")), Type: str.Draw(t, "type"), ID: u64.Draw(t, "id")}
		}),
		rapid.Custom(func(t *rapid.T) Event {
			var a netip.Addr
			if rapid.Bool().Draw(t, "v6") {
				a = netip.AddrFrom16([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "a16")))
			} else {
				a = netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "a4")))
			}
			p := netip.PrefixFrom(a, rapid.IntRange(0, a.BitLen()).Draw(t, "bits"))
			return BlockedIP{Prefix: p, Expires: when.Draw(t, "exp"), Reason: str.Draw(t, "why")}
		}),
		rapid.Custom(func(t *rapid.T) Event {
			var names []string
			for range rapid.IntRange(0, 4).Draw(t, "n") {
				names = append(names, str.Draw(t, "name"))
			}
			return CertificateRenewed{Names: names, NotAfter: when.Draw(t, "na")}
		}),
		rapid.Just[Event](SpamModelReload{}),
		rapid.Custom(func(t *rapid.T) Event { return QueueStatus{Running: rapid.Bool().Draw(t, "run")} }),
		rapid.Custom(func(t *rapid.T) Event { return QueueRefresh{Queue: str.Draw(t, "q")} }),
		rapid.Custom(func(t *rapid.T) Event {
			e := AppEvent{Tag: Kind(rapid.IntRange(int(KindAppMin), int(KindAppMax)).Draw(t, "tag")),
				Data: rapid.SliceOfN(rapid.Byte(), 0, 32).Draw(t, "data")}
			if len(e.Data) == 0 {
				e.Data = nil
			}
			return e
		}),
	)
}

func TestEnvelopeRoundTripRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := rapid.SliceOfN(genEvent(), 0, 20).Draw(t, "events")
		h := Header{
			Flags:       rapid.Byte().Draw(t, "flags"),
			From:        NodeID(rapid.IntRange(1, 0xFFFF).Draw(t, "from")),
			Incarnation: rapid.Uint64Min(1).Draw(t, "inc"),
			Seq:         rapid.Uint64Range(1, 1<<62).Draw(t, "seq"),
		}
		raw := make([]RawEvent, len(evs))
		for i, ev := range evs {
			body, err := ev.AppendBinary(nil)
			if err != nil {
				t.Fatalf("%#v: %v", ev, err)
			}
			raw[i] = RawEvent{Kind: ev.Kind(), Body: body}
		}
		b, err := AppendEnvelope(nil, h, raw)
		if err != nil {
			t.Fatal(err)
		}
		var env Envelope
		if err := ParseEnvelope(b, &env); err != nil {
			t.Fatal(err)
		}
		if env.Header != h || len(env.Events) != len(evs) {
			t.Fatalf("header %+v with %d events, want %+v with %d", env.Header, len(env.Events), h, len(evs))
		}
		for i, re := range env.Events {
			got, err := defaultRegistry.Decode(re.Kind, re.Body)
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			if !reflect.DeepEqual(got, evs[i]) {
				t.Fatalf("event %d = %#v, want %#v", i, got, evs[i])
			}
		}
	})
}

func TestParseEnvelopeAllocs(t *testing.T) {
	b := unhex(t, goldenEnvelope)
	env := Envelope{Events: make([]RawEvent, 0, 8)}
	if n := testing.AllocsPerRun(100, func() {
		if err := ParseEnvelope(b, &env); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("ParseEnvelope allocs = %v, want 0", n)
	}
	buf := make([]byte, 0, 256)
	raw := env.Events
	if n := testing.AllocsPerRun(100, func() {
		if _, err := AppendEnvelope(buf[:0], env.Header, raw); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendEnvelope allocs = %v, want 0", n)
	}
	ev := StateChange{AccountID: 1, ChangeID: 2, Types: 3}
	if n := testing.AllocsPerRun(100, func() { _, _ = ev.AppendBinary(buf[:0]) }); n != 0 {
		t.Errorf("StateChange.AppendBinary allocs = %v, want 0", n)
	}
}
