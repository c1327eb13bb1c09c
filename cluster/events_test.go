package cluster

import (
	"bytes"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"
)

// goldenEvents pins the body of every built-in kind.
var goldenEvents = []struct {
	ev  Event
	hex string
}{
	{StateChange{AccountID: 1, ChangeID: 300, Types: 9}, "01 ac02 09"},
	{EmailPush{AccountID: 2, EmailID: 3, ChangeID: 4}, "02 03 04"},
	{CalendarAlert{AccountID: 1, EventID: 2, RecurrenceID: -5, UID: "u", AlertID: "al"}, "01 02 09 0175 02616c"},
	{PushServerUpdate{AccountID: 128}, "8001"},
	{CacheInvalidate{Items: []CacheItem{{CacheAccount, 7}, {CacheDomain, 300}}}, "02 04 07 03 ac02"},
	{CacheInvalidate{}, "00"},
	{CacheInvalidateAll{}, "00"},
	{CacheInvalidateAll{NegativeOnly: true}, "01"},
	{SettingsReload{}, "00"},
	{SettingsReload{Section: "tls"}, "03 746c73"},
	{ObjectChanged{Op: ObjectDeleted, Type: "dkim", ID: 5}, "03 04646b696d 05"},
	{BlockedIP{Prefix: netip.MustParsePrefix("203.0.113.7/32"), Expires: time.Unix(1700000000, 0).UTC(), Reason: "spam"},
		"00 cb007107 20 81c49fd50c 047370616d"},
	{BlockedIP{Prefix: netip.MustParsePrefix("2001:db8::/32")}, "01 20010db8000000000000000000000000 20 00 00"},
	{CertificateRenewed{Names: []string{"a.example", "b"}, NotAfter: time.Unix(1767225600, 0).UTC()},
		"02 09612e6578616d706c65 0162 81e4ad950d"},
	{SpamModelReload{}, ""},
	{QueueStatus{Running: true}, "01"},
	{QueueStatus{}, "00"},
	{QueueRefresh{Queue: "local"}, "05 6c6f63616c"},
	{AppEvent{Tag: 0x1234, Data: []byte{0xde, 0xad}}, "dead"},
}

func TestEventBodiesGolden(t *testing.T) {
	for _, tc := range goldenEvents {
		want := unhex(t, tc.hex)
		got, err := tc.ev.AppendBinary([]byte{0xff})
		if err != nil || !bytes.Equal(got[1:], want) || got[0] != 0xff {
			t.Errorf("%#v: AppendBinary = % x, %v; want ff % x", tc.ev, got, err, want)
			continue
		}
		dec, err := defaultRegistry.Decode(tc.ev.Kind(), want)
		if err != nil || !reflect.DeepEqual(dec, tc.ev) {
			t.Errorf("%#v: Decode = %#v, %v", tc.ev, dec, err)
		}
		// Trailing bytes (fields of a later version) are ignored.
		if tc.ev.Kind() != 0x1234 {
			dec2, err := defaultRegistry.Decode(tc.ev.Kind(), append(want, 0x7f))
			if err != nil || !reflect.DeepEqual(dec2, tc.ev) {
				t.Errorf("%#v with a trailing byte: %#v, %v", tc.ev, dec2, err)
			}
		}
	}
}

func TestEventBodiesTruncated(t *testing.T) {
	for _, tc := range goldenEvents {
		full := unhex(t, tc.hex)
		if tc.ev.Kind().IsApp() {
			continue // application bytes have no structure here
		}
		for i := range full {
			ev, err := defaultRegistry.Decode(tc.ev.Kind(), full[:i])
			if err == nil {
				// A shorter prefix may be a complete, different body only where the last field is a
				// list or string that can end early; it must then differ from the original.
				if reflect.DeepEqual(ev, tc.ev) {
					t.Errorf("%#v: prefix %d decodes to the same event", tc.ev, i)
				}
				continue
			}
			if ev != nil || !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrMalformed) {
				t.Errorf("%#v: prefix %d: %v, %v", tc.ev, i, ev, err)
			}
		}
	}
}

func TestEventBodiesMalformed(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		hex  string
		want error
	}{
		{KindStateChange, "ffffffff10 01 01", ErrMalformed}, // account above 32 bits
		{KindCacheInvalidate, "01 00 01", ErrMalformed},     // cache kind 0
		{KindCacheInvalidate, "818004", ErrLimit},           // 65537 items
		{KindCacheInvalidate, "05 0401", ErrTruncated},      // count beyond the bytes
		{KindObjectChanged, "04 00 00", ErrMalformed},       // op 4
		{KindBlockedIP, "00 01020304 21 00 00", ErrMalformed},
		{KindQueueStatus, "02", ErrMalformed},
		{KindSettingsReload, "01 ff", ErrMalformed},       // not UTF-8
		{KindSettingsReload, "80808001", ErrTooLarge},     // string above the limit
		{KindCertificateRenewed, "03 0161", ErrTruncated}, // 3 names, one given
	} {
		ev, err := defaultRegistry.Decode(tc.kind, unhex(t, tc.hex))
		if ev != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s % s: %v, %v; want %v", tc.kind, tc.hex, ev, err, tc.want)
		}
	}
	for _, k := range []Kind{0, 14, 0xFF, KindResync, 0xFFFF} {
		if _, err := defaultRegistry.Decode(k, nil); !errors.Is(err, ErrUnknownKind) {
			t.Errorf("kind %d: %v, want ErrUnknownKind", k, err)
		}
	}
}

// ipEvent is an application event used to test the registry.
type ipEvent struct{ N byte }

func (ipEvent) Kind() Kind                              { return 0x200 }
func (e ipEvent) AppendBinary(b []byte) ([]byte, error) { return append(b, e.N), nil }

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	spec := KindSpec{Kind: 0x200, Name: "ip-event", Decode: func(b []byte) (Event, error) {
		if len(b) != 1 {
			return nil, ErrMalformed
		}
		if b[0] == 0xee {
			panic("decoder bug")
		}
		return ipEvent{N: b[0]}, nil
	}}
	if err := r.Register(spec); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []KindSpec{
		spec, // duplicate kind
		{Kind: 0x201, Name: "ip-event", Decode: spec.Decode}, // duplicate name
		{Kind: 0x202, Name: "blocked-ip", Decode: spec.Decode},
		{Kind: 5, Name: "x", Decode: spec.Decode},
		{Kind: KindResync, Name: "x", Decode: spec.Decode},
		{Kind: 0x203, Name: "Bad Name", Decode: spec.Decode},
		{Kind: 0x204, Name: "nodecoder"},
	} {
		if err := r.Register(bad); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("Register(%+v) = %v", bad, err)
		}
	}
	if ev, err := r.Decode(0x200, []byte{7}); err != nil || ev != (ipEvent{N: 7}) {
		t.Errorf("Decode = %v, %v", ev, err)
	}
	if _, err := r.Decode(0x200, []byte{0xee}); !errors.Is(err, ErrMalformed) {
		t.Errorf("panicking decoder: %v", err)
	}
	if ev, err := r.Decode(0x300, []byte{1, 2}); err != nil || !reflect.DeepEqual(ev, AppEvent{Tag: 0x300, Data: []byte{1, 2}}) {
		t.Errorf("unregistered app kind: %#v, %v", ev, err)
	}
	if ev, _ := defaultRegistry.Decode(0x200, []byte{7}); reflect.TypeOf(ev) != reflect.TypeOf(AppEvent{}) {
		t.Errorf("registration leaked into the default registry: %#v", ev)
	}
	if k, ok := r.Lookup("ip-event"); !ok || k != 0x200 || r.Name(0x200) != "ip-event" {
		t.Errorf("Lookup/Name: %v %v %q", k, ok, r.Name(0x200))
	}
	if k, ok := r.Lookup("blocked-ip"); !ok || k != KindBlockedIP {
		t.Errorf("Lookup built-in: %v %v", k, ok)
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range append(BuiltinKinds(), KindResync, KindMemberUp, KindMemberDown, KindCollision) {
		name := k.String()
		if back, ok := KindByName(name); !ok || back != k {
			t.Errorf("%d: name %q maps back to %d, %v", k, name, back, ok)
		}
	}
	if k, ok := KindByName("kind-4660"); !ok || k != 0x1234 {
		t.Errorf("kind-4660: %v %v", k, ok)
	}
	for _, bad := range []string{"", "nope", "kind-0", "kind-70000", "kind-x"} {
		if _, ok := KindByName(bad); ok {
			t.Errorf("KindByName(%q) succeeded", bad)
		}
	}
	if got := len(BuiltinKinds()); got != 13 {
		t.Errorf("%d built-in kinds", got)
	}
}
