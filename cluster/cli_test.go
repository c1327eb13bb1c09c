package cluster

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestParseEventArgsExamples(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Event
	}{
		{"blocked-ip 203.0.113.7/32 --reason spam", BlockedIP{Prefix: netip.MustParsePrefix("203.0.113.7/32"), Reason: "spam"}},
		{"blocked-ip 2001:db8::1 --expires 2026-01-02T03:04:05Z", BlockedIP{Prefix: netip.MustParsePrefix("2001:db8::1/128"),
			Expires: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{"state-change 42 1000 --types=0x9", StateChange{AccountID: 42, ChangeID: 1000, Types: 9}},
		{"email-push 1 2 3", EmailPush{AccountID: 1, EmailID: 2, ChangeID: 3}},
		{"calendar-alert 1 2 --uid abc --alert a1 --recurrence -7", CalendarAlert{AccountID: 1, EventID: 2, UID: "abc", AlertID: "a1", RecurrenceID: -7}},
		{"push-server-update 9", PushServerUpdate{AccountID: 9}},
		{"cache-invalidate account:7 domain:3 200:1", CacheInvalidate{Items: []CacheItem{{CacheAccount, 7}, {CacheDomain, 3}, {200, 1}}}},
		{"cache-invalidate-all --negative", CacheInvalidateAll{NegativeOnly: true}},
		{"settings-reload", SettingsReload{}},
		{"settings-reload certificate", SettingsReload{Section: "certificate"}},
		{"object-changed delete dkim 5", ObjectChanged{Op: ObjectDeleted, Type: "dkim", ID: 5}},
		{"certificate-renewed mail.example.org imap.example.org --not-after 2026-03-01T00:00:00Z",
			CertificateRenewed{Names: []string{"mail.example.org", "imap.example.org"}, NotAfter: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}},
		{"spam-model-reload", SpamModelReload{}},
		{"queue-status paused", QueueStatus{}},
		{"queue-status running", QueueStatus{Running: true}},
		{"queue-refresh", QueueRefresh{}},
		{"kind-4660 hello", AppEvent{Tag: 0x1234, Data: []byte("hello")}},
		{"kind-4660 --hex=00ff", AppEvent{Tag: 0x1234, Data: []byte{0, 0xff}}},
	} {
		got, err := ParseEventArgs(strings.Fields(tc.line))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %#v, %v; want %#v", tc.line, got, err, tc.want)
		}
	}
	if got := FormatEvent(BlockedIP{Prefix: netip.MustParsePrefix("203.0.113.7/32"), Reason: "known spammer"}); got != `blocked-ip "--reason=known spammer" 203.0.113.7/32` {
		t.Errorf("FormatEvent = %s", got)
	}
	if got := FormatEvent(Resync{From: 3, Reason: ReasonGap, Missed: 2}); got != "resync --missed=2 3 gap" {
		t.Errorf("FormatEvent(Resync) = %s", got)
	}
}

func TestParseEventArgsErrors(t *testing.T) {
	for _, line := range []string{
		"", "nope", "resync 1 gap", "blocked-ip", "blocked-ip 300.1.1.1", "blocked-ip 1.2.3.4 --reason",
		"blocked-ip 1.2.3.4 --expires tomorrow", "blocked-ip 1.2.3.4 --color red", "state-change 1",
		"state-change x 1", "email-push 1 99999999999 3", "queue-status maybe", "object-changed upsert t 1",
		"cache-invalidate account", "cache-invalidate galaxy:1", "cache-invalidate 0:1", "spam-model-reload now",
		"cache-invalidate-all --negative=yes", "kind-4660 a b", "kind-4660 --hex zz",
	} {
		if ev, err := ParseEventArgs(strings.Fields(line)); err == nil {
			t.Errorf("%q parsed as %#v", line, ev)
		} else if !errors.Is(err, ErrInvalidEvent) && !errors.Is(err, ErrUnknownKind) {
			t.Errorf("%q: %v", line, err)
		}
	}
}

func TestEventArgsRoundTripRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ev := genEvent().Draw(t, "event")
		// RFC 3339 covers years 0..9999 only.
		for _, tm := range []time.Time{timeOf(ev)} {
			if !tm.IsZero() && (tm.Year() < 1 || tm.Year() > 9999) {
				t.Skip("time outside RFC 3339")
			}
		}
		words := EventArgs(ev)
		got, err := ParseEventArgs(words)
		if err != nil {
			t.Fatalf("%q: %v", words, err)
		}
		if !reflect.DeepEqual(got, ev) {
			t.Fatalf("%q parsed as %#v, want %#v", words, got, ev)
		}
	})
}

func timeOf(ev Event) time.Time {
	switch e := ev.(type) {
	case BlockedIP:
		return e.Expires
	case CertificateRenewed:
		return e.NotAfter
	}
	return time.Time{}
}
