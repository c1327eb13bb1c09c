package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gozenoh/zenoh"
)

func zMarshal(t *testing.T, o zObj) string {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestObjKeepsOrderAndBytesSurvive(t *testing.T) {
	o := zObj{{"z", 1}, {"a", "x"}}.addBytes("text", []byte("héllo")).addBytes("bin", []byte{0xff, 0x00}).add("list", []string{"a"})
	want := `{"z":1,"a":"x","text":"héllo","bin_base64":"/wA=","list":["a"]}`
	if got := zMarshal(t, o); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	if got := zMarshal(t, zObj{}); got != `{}` {
		t.Fatalf("empty: %s", got)
	}
	if _, err := json.Marshal(zObj{{"f", func() {}}}); err == nil {
		t.Fatal("an unencodable member marshalled")
	}
}

func TestShowBytes(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "\xff\x01": "0xff01", "日本": "日本"} {
		if got := zShowBytes([]byte(in)); got != want {
			t.Errorf("zShowBytes(%q) = %q, want %q", in, got, want)
		}
	}
}

// zTestSample is a sample with everything set.
func zTestSample() zenoh.Sample {
	zid, _ := zenoh.ParseZenohID("a1")
	return zenoh.Sample{Key: "demo/a", Payload: []byte("x"), Kind: zenoh.SampleKindPut,
		Encoding: zenoh.EncodingTextPlain, Attachment: []byte("att"),
		Timestamp: zenoh.TimestampFromNTP64(42, zid), Priority: zenoh.PriorityRealTime,
		CongestionControl: zenoh.CongestionControlBlock, Express: true}
}

func TestSampleText(t *testing.T) {
	s := zTestSample()
	if got, want := zSampleText(&s), ">> [Subscriber] Received PUT ('demo/a': 'x') (att) [text/plain]"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Zenoh's exact line for a sample without attachment and with the default encoding.
	plain := zenoh.Sample{Key: "demo/a", Payload: []byte("x")}
	if got, want := zSampleText(&plain), ">> [Subscriber] Received PUT ('demo/a': 'x')"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	del := zenoh.Sample{Key: "demo/a", Kind: zenoh.SampleKindDelete, Attachment: []byte{}}
	if got, want := zSampleText(&del), ">> [Subscriber] Received DELETE ('demo/a': '') ()"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSampleJSON(t *testing.T) {
	s := zTestSample()
	got := zMarshal(t, zSampleFields(zObj{{"event", "sample"}}, &s))
	want := `{"event":"sample","kind":"put","key":"demo/a","payload":"x","encoding":"text/plain","attachment":"att",` +
		`"timestamp":"42/a1","priority":"real-time","congestion_control":"block","express":true}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	plain := zenoh.Sample{Key: "k", Payload: []byte{0xff}, Kind: zenoh.SampleKindDelete, Priority: zenoh.PriorityData}
	got = zMarshal(t, zSampleFields(zObj{{"event", "sample"}}, &plain))
	want = `{"event":"sample","kind":"delete","key":"k","payload_base64":"/w==","encoding":"zenoh/bytes",` +
		`"priority":"data","congestion_control":"drop","express":false}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// zFailWriter fails every write.
type zFailWriter struct{}

func (zFailWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestPrinterModes(t *testing.T) {
	var out, errb bytes.Buffer
	p := newZPrinter(&out, &errb, false)
	p.note("Opening session...")
	p.emit("text line", zObj{{"event", "x"}})
	p.emitJSON(zObj{{"event", "ready"}})
	if out.String() != "text line\n" || errb.String() != "Opening session...\n" {
		t.Fatalf("text mode: stdout %q stderr %q", out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	p = newZPrinter(&out, &errb, true)
	p.note("Opening session...")
	p.emit("text line", zObj{{"event", "x"}})
	p.emitJSON(zObj{{"event", "ready"}})
	if out.String() != "{\"event\":\"x\"}\n{\"event\":\"ready\"}\n" || errb.Len() != 0 {
		t.Fatalf("json mode: stdout %q stderr %q", out.String(), errb.String())
	}
	p = newZPrinter(zFailWriter{}, &errb, false)
	p.emit("a", nil)
	p.emit("b", nil)
	if err := p.err(); err == nil || err.Error() != "broken pipe" {
		t.Fatalf("write error: %v", err)
	}
}

func TestPrinterLinesDoNotInterleave(t *testing.T) {
	var out bytes.Buffer
	p := newZPrinter(&out, &out, true)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				p.emit("", zObj{{"g", g}, {"i", i}, {"pad", strings.Repeat("x", 100)}})
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
	}
}

func TestCountTimeoutEnd(t *testing.T) {
	// A --timeout that passes before --count items is an error; otherwise the end is normal.
	ctx, cancel := zWithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if err := zEndOfRun(ctx, "samples", 1, 3, time.Nanosecond); err == nil || !strings.Contains(err.Error(), "1 of 3 samples") {
		t.Errorf("timeout before count: %v", err)
	}
	if err := zEndOfRun(ctx, "samples", 3, 3, time.Nanosecond); err != nil {
		t.Errorf("count reached: %v", err)
	}
	if err := zEndOfRun(ctx, "samples", 1, 0, time.Nanosecond); err != nil {
		t.Errorf("timeout without count: %v", err)
	}
	ctx2, cancel2 := zWithTimeout(t.Context(), 0)
	cancel2() // an interruption (CTRL-C) is a normal end
	if err := zEndOfRun(ctx2, "samples", 0, 3, 0); err != nil {
		t.Errorf("interrupted: %v", err)
	}
}
