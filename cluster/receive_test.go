package cluster

import (
	"context"
	"reflect"
	"testing"
	"testing/synctest"
)

// injector publishes hand-made envelopes as node 9.
type injector struct {
	t  *testing.T
	tr *MemTransport
}

func newInjector(t *testing.T, h *Hub) *injector {
	tr, err := h.Join("raw")
	if err != nil {
		t.Fatal(err)
	}
	return &injector{t: t, tr: tr}
}

func (in *injector) send(h Header, evs ...Event) {
	in.t.Helper()
	var raw []RawEvent
	for _, ev := range evs {
		body, err := ev.AppendBinary(nil)
		if err != nil {
			in.t.Fatal(err)
		}
		raw = append(raw, RawEvent{Kind: ev.Kind(), Body: body})
	}
	b, err := AppendEnvelope(nil, h, raw)
	if err != nil {
		in.t.Fatal(err)
	}
	in.raw(b)
}

func (in *injector) raw(b []byte) {
	in.t.Helper()
	if err := in.tr.Publish(context.Background(), EventKey(DefaultKeyPrefix), b); err != nil {
		in.t.Fatal(err)
	}
	synctest.Wait()
}

// rawEvent is an event with arbitrary kind and body bytes.
type rawEvent struct {
	K    Kind
	Body []byte
}

func (r rawEvent) Kind() Kind                            { return r.K }
func (r rawEvent) AppendBinary(b []byte) ([]byte, error) { return append(b, r.Body...), nil }

func hdr(seq uint64) Header { return Header{From: 9, Incarnation: 1, Seq: seq} }

// summary lists what a recorder got: event names with sequence numbers, and resyncs with reasons.
func summary(r *recorder) []string {
	var out []string
	for _, d := range r.all() {
		switch e := d.Event.(type) {
		case Resync:
			out = append(out, "resync:"+e.Reason.String())
		case MemberUp, MemberDown:
		default:
			out = append(out, FormatEvent(e))
		}
	}
	return out
}

func TestReceiveDecodeProblems(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		b := newTestNode(t, h, "b", testConfig(2))
		in := newInjector(t, h)
		in.send(hdr(1), QueueRefresh{Queue: "one"})
		// A corrupt body of a known kind: that event is lost (resync), the others arrive.
		in.send(hdr(2), QueueRefresh{Queue: "two"}, rawEvent{K: KindQueueStatus, Body: []byte{7}}, QueueRefresh{Queue: "four"})
		// A built-in kind this node does not know (a newer version): skipped, no resync.
		in.send(hdr(5), rawEvent{K: 100, Body: []byte{1, 2}}, QueueRefresh{Queue: "six"})
		// An unknown envelope version: rejected and counted; nothing is known of its sender.
		in.raw(unhex(t, "53 02 00 09 0100000000000000 07 00"))
		// Broken framing after a readable header: the sender is known, so resync.
		in.raw(unhex(t, "53 01 00 09 0100000000000000 07 01 0d 05 00"))
		// Foreign traffic on the key.
		in.raw([]byte("hello"))
		got := summary(b.rec)
		want := []string{"queue-refresh one", "queue-refresh two", "queue-refresh four", "resync:decode", "queue-refresh six", "resync:decode"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
		st := b.bus.Stats()
		if st.DecodeErrors != 4 || st.BadVersion != 1 || st.UnknownKinds != 1 || st.Resyncs[ReasonDecode] != 2 {
			t.Errorf("stats %+v", st)
		}
		b.close()
		h.Close()
	})
}

func TestReceiveDuplicatesAndReordering(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		b := newTestNode(t, h, "b", testConfig(2))
		in := newInjector(t, h)
		in.send(hdr(1), QueueRefresh{Queue: "1"}, QueueRefresh{Queue: "2"})
		in.send(hdr(1), QueueRefresh{Queue: "1"}, QueueRefresh{Queue: "2"}) // replayed
		in.send(hdr(2), QueueRefresh{Queue: "2"}, QueueRefresh{Queue: "3"}) // overlaps
		in.send(hdr(6), QueueRefresh{Queue: "6"})                           // 4 and 5 late
		in.send(hdr(4), QueueRefresh{Queue: "4"}, QueueRefresh{Queue: "5"}) // arrives after 6: dropped
		in.send(hdr(7), QueueRefresh{Queue: "7"})
		in.send(hdr(8)) // heartbeat, in step
		in.send(hdr(3)) // stale heartbeat
		got := summary(b.rec)
		want := []string{"queue-refresh 1", "queue-refresh 2", "queue-refresh 3", "resync:gap", "queue-refresh 6", "queue-refresh 7"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
		if st := b.bus.Stats(); st.Duplicates != 5 || st.Resyncs[ReasonGap] != 1 {
			t.Errorf("stats %+v", st)
		}
		b.close()
		h.Close()
	})
}

func TestFirstContactMidStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{})
		b := newTestNode(t, h, "b", testConfig(2))
		in := newInjector(t, h)
		in.send(Header{From: 9, Incarnation: 1, Seq: 40}, SpamModelReload{})
		in.send(Header{From: 8, Incarnation: 1, Seq: 1}, SpamModelReload{}) // from its start: fine
		got := summary(b.rec)
		want := []string{"resync:first-contact", "spam-model-reload", "spam-model-reload"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		b.close()
		h.Close()
	})
}

func TestRegistryOption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := NewRegistry()
		if err := reg.Register(KindSpec{Kind: 0x200, Name: "ip-event", Decode: func(b []byte) (Event, error) {
			return ipEvent{N: b[0]}, nil
		}}); err != nil {
			t.Fatal(err)
		}
		h := NewHub(HubOptions{})
		a := newTestNode(t, h, "a", testConfig(1))
		b := newTestNode(t, h, "b", testConfig(2), WithRegistry(reg))
		c := newTestNode(t, h, "c", testConfig(3))
		a.bus.Publish(ipEvent{N: 4})
		a.bus.Publish(AppEvent{Tag: 0x201, Data: []byte("x")})
		synctest.Wait()
		a.close() // flushes
		synctest.Wait()
		if got := b.rec.wire(); len(got) != 2 || got[0].Event != (ipEvent{N: 4}) || !reflect.DeepEqual(got[1].Event, AppEvent{Tag: 0x201, Data: []byte("x")}) {
			t.Errorf("b (with the registry) got %+v", got)
		}
		if got := c.rec.wire(); len(got) != 2 || !reflect.DeepEqual(got[0].Event, AppEvent{Tag: 0x200, Data: []byte{4}}) {
			t.Errorf("c (without) got %+v", got)
		}
		b.close()
		c.close()
	})
}
