package interop

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// apiRealPeer starts a real Zenoh peer listening on loopback, with multicast scouting off.
// With timestamping, its publications carry timestamps (and so do the ones it receives
// without: a Zenoh node with a clock stamps the data it routes).
func apiRealPeer(t *testing.T, timestamping bool) *Peer {
	t.Helper()
	var cfg []string
	if timestamping {
		cfg = append(cfg, "timestamping/enabled=true")
	}
	return StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, Config: cfg})
}

// TestAPIPutGoToRust: a Go session publishes, real Zenoh subscribes with *, ** and $*
// subscriptions; keys, kinds, payloads, encodings, attachments, timestamps and QoS arrive
// as sent.
func TestAPIPutGoToRust(t *testing.T) {
	r := apiRealPeer(t, false)
	for _, k := range []string{"demo/*", "demo/**", "demo/x$*"} {
		apiMust(t, r.Sub(k))
	}
	s := apiOpen(t, apiConfig(t, "peer", r.Locator()))
	for _, k := range []string{"demo/a", "demo/xyz/deep", "demo/xy"} {
		apiWaitMatching(t, s, k)
	}
	ctx := context.Background()
	ts := s.NewTimestamp()
	apiMust(t, s.Put(ctx, "demo/a", []byte("hello"), zenoh.WithEncoding(zenoh.EncodingTextPlain.WithSchema("utf-8")),
		zenoh.WithAttachment([]byte("att")), zenoh.WithTimestamp(ts), zenoh.WithPriority(zenoh.PriorityInteractiveHigh),
		zenoh.WithCongestionControl(zenoh.CongestionControlBlock), zenoh.WithExpress(true)))
	apiMust(t, s.Put(ctx, "demo/xyz/deep", []byte{0, 1, 2, 255}, zenoh.WithEncoding(zenoh.NewEncoding("my/custom;v1"))))
	apiMust(t, s.Put(ctx, "demo/xy", nil, zenoh.WithEncoding(zenoh.EncodingApplicationJSON)))
	apiMust(t, s.Delete(ctx, "demo/a", zenoh.WithAttachment([]byte("bye"))))

	evs, err := r.Collect(DefaultTimeout, 8, IsSample(""))
	if err != nil {
		t.Fatalf("%v (got %v)", err, evs)
	}
	bySub := map[string][]Event{}
	for _, e := range evs {
		bySub[e.Sub] = append(bySub[e.Sub], e)
	}
	keys := func(es []Event) string {
		var ks []string
		for _, e := range es {
			ks = append(ks, e.Key+":"+e.Kind)
		}
		sort.Strings(ks)
		return fmt.Sprint(ks)
	}
	if k := keys(bySub["demo/*"]); k != "[demo/a:delete demo/a:put demo/xy:put]" {
		t.Errorf("demo/*: %s", k)
	}
	if k := keys(bySub["demo/**"]); k != "[demo/a:delete demo/a:put demo/xy:put demo/xyz/deep:put]" {
		t.Errorf("demo/**: %s", k)
	}
	if k := keys(bySub["demo/x$*"]); k != "[demo/xy:put]" {
		t.Errorf("demo/x$*: %s", k)
	}
	for _, e := range bySub["demo/**"] {
		switch {
		case e.Key == "demo/a" && e.Kind == "put":
			if e.Text != "hello" || e.Encoding != "text/plain;utf-8" || e.AttachmentText != "att" ||
				e.Timestamp != ts.String() || e.Priority != "interactive_high" ||
				e.CongestionControl != "block" || !e.Express {
				t.Errorf("put demo/a: %v", e)
			}
		case e.Key == "demo/a":
			if e.AttachmentText != "bye" || e.Size != 0 {
				t.Errorf("delete demo/a: %v", e)
			}
		case e.Key == "demo/xyz/deep":
			if !slices.Equal(e.Payload, []byte{0, 1, 2, 255}) || e.Encoding != "my/custom;v1" || e.Attachment != nil ||
				e.Timestamp != "" || e.Priority != "data" || e.CongestionControl != "drop" || e.Express {
				t.Errorf("put demo/xyz/deep: %v", e)
			}
		case e.Key == "demo/xy":
			if e.Size != 0 || e.Encoding != "application/json" {
				t.Errorf("put demo/xy: %v", e)
			}
		}
	}
}

// TestAPIPutRustToGo: real Zenoh publishes, Go subscribes with *, ** and $* subscriptions.
func TestAPIPutRustToGo(t *testing.T) {
	r := apiRealPeer(t, true)
	s := apiOpen(t, apiConfig(t, "peer", r.Locator()))
	subs := map[string]*apiSamples{}
	for _, k := range []string{"demo2/*", "demo2/**", "demo2/x$*"} {
		c := newAPISamples()
		sub, err := s.DeclareSubscriber(k, c.add)
		apiMust(t, err)
		defer sub.Close()
		subs[k] = c
	}
	ch, err := s.DeclareSubscriberChan("demo2/a", 16, zenoh.Block)
	apiMust(t, err)
	defer ch.Close()
	for _, k := range []string{"demo2/a", "demo2/xyz/deep", "demo2/xy"} {
		apiMust(t, r.WaitMatching(k, "sub"))
	}
	before := time.Now()
	apiMust(t, r.Put("demo2/a", []byte("hi"), Opts{"encoding": "application/json", "attachment_text": "ratt",
		"priority": "data_high", "congestion_control": "block", "express": true}))
	apiMust(t, r.Put("demo2/xyz/deep", []byte{9, 8, 7}, Opts{"encoding": "text/plain;utf-8"}))
	apiMust(t, r.Put("demo2/xy", nil, nil))
	apiMust(t, r.Delete("demo2/a", Opts{"attachment_text": "rbye"}))

	rz, err := zenoh.ParseZenohID(r.ZID())
	apiMust(t, err)
	all := subs["demo2/**"].wait(t, 4)
	var got []string
	for _, smp := range all {
		got = append(got, smp.Key+":"+smp.Kind.String())
		if smp.Timestamp.IsZero() || smp.Timestamp.ID() != rz || smp.Timestamp.Time().Before(before.Add(-time.Second)) {
			t.Errorf("%s: timestamp %v (want one by %v, after %v)", smp.Key, smp.Timestamp, rz, before)
		}
	}
	if fmt.Sprint(got) != "[demo2/a:put demo2/xyz/deep:put demo2/xy:put demo2/a:delete]" {
		t.Fatalf("demo2/**: %v", got)
	}
	a := all[0]
	if string(a.Payload) != "hi" || a.Encoding != zenoh.EncodingApplicationJSON || string(a.Attachment) != "ratt" ||
		a.Priority != zenoh.PriorityDataHigh || a.CongestionControl != zenoh.CongestionControlBlock || !a.Express {
		t.Errorf("demo2/a: %+v", a)
	}
	if d := all[1]; !slices.Equal(d.Payload, []byte{9, 8, 7}) || d.Encoding.String() != "text/plain;utf-8" || d.Attachment != nil {
		t.Errorf("demo2/xyz/deep: %+v", d)
	}
	if e := all[2]; len(e.Payload) != 0 || e.Encoding != zenoh.EncodingZenohBytes {
		t.Errorf("demo2/xy: %+v", e)
	}
	if d := all[3]; d.Kind != zenoh.SampleKindDelete || string(d.Attachment) != "rbye" {
		t.Errorf("delete: %+v", d)
	}
	if k := fmt.Sprint(keysOfSamples(subs["demo2/*"].wait(t, 3))); k != "[demo2/a demo2/xy demo2/a]" {
		t.Errorf("demo2/*: %s", k)
	}
	if k := fmt.Sprint(keysOfSamples(subs["demo2/x$*"].wait(t, 1))); k != "[demo2/xy]" {
		t.Errorf("demo2/x$*: %s", k)
	}
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	for _, want := range []string{"put", "delete"} {
		smp, err := ch.Recv(ctx)
		apiMust(t, err)
		if smp.Key != "demo2/a" || smp.Kind.String() != want {
			t.Errorf("channel subscriber: %+v", smp)
		}
	}
}

func keysOfSamples(ss []zenoh.Sample) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key)
	}
	return out
}
