package cluster

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzEnvelope checks that any input decodes without panicking, that an envelope that decodes
// re-encodes to the same bytes (the encoding is canonical), and that every event body that
// decodes re-encodes to a body decoding to the same event.
func FuzzEnvelope(f *testing.F) {
	f.Add(unhex(f, goldenEnvelope))
	f.Add(unhex(f, "53 01 01 01 0100000000000000 01 00"))
	h := Header{From: 7, Incarnation: 0xfeedface, Seq: 1 << 40}
	var all []RawEvent
	for _, tc := range goldenEvents {
		body := unhex(f, tc.hex)
		ev := RawEvent{Kind: tc.ev.Kind(), Body: body}
		all = append(all, ev)
		b, err := AppendEnvelope(nil, h, []RawEvent{ev})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, err := AppendEnvelope(nil, h, all)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(unhex(f, "53 02 00 01 0100000000000000 01 00"))
	f.Add(unhex(f, "53 01 00 01 0100000000000000 01 01 80e003 00"))

	f.Fuzz(func(t *testing.T, data []byte) {
		var env Envelope
		if err := ParseEnvelope(data, &env); err != nil {
			return
		}
		again, err := AppendEnvelope(nil, env.Header, env.Events)
		if err != nil {
			t.Fatalf("decoded envelope does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("re-encoded % x\nfrom        % x", again, data)
		}
		for i, re := range env.Events {
			ev, err := defaultRegistry.Decode(re.Kind, re.Body)
			if err != nil {
				continue
			}
			body, err := ev.AppendBinary(nil)
			if err != nil {
				t.Fatalf("event %d %#v decodes but does not encode: %v", i, ev, err)
			}
			ev2, err := defaultRegistry.Decode(re.Kind, body)
			if err != nil || !reflect.DeepEqual(ev, ev2) {
				t.Fatalf("event %d: %#v re-decodes to %#v, %v", i, ev, ev2, err)
			}
		}
	})
}
