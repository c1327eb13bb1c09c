package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gozenoh/zenoh"
)

// zField is one member of a JSON output object.
type zField struct {
	k string
	v any
}

// zObj is a JSON object whose members keep their order, so that the output is stable.
type zObj []zField

// MarshalJSON writes the members in order.
func (o zObj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// add appends a member.
func (o zObj) add(k string, v any) zObj { return append(o, zField{k, v}) }

// addBytes appends b as member k when it is valid UTF-8 text, else as k+"_base64" in standard
// base64, so that every byte string survives the trip through JSON.
func (o zObj) addBytes(k string, b []byte) zObj {
	if utf8.Valid(b) {
		return append(o, zField{k, string(b)})
	}
	return append(o, zField{k + "_base64", base64.StdEncoding.EncodeToString(b)})
}

// zShowBytes renders a payload for a text line as Zenoh's examples do with try_to_string: the
// text itself when it is valid UTF-8, else "0x" and its bytes in hex.
func zShowBytes(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return "0x" + hex.EncodeToString(b)
}

// zPrinter writes the tool's results to stdout: text lines shaped like Zenoh's examples, or one
// JSON object per line with --json. Progress notes ("Opening session...") go to stderr in text
// mode and are left out in JSON mode, so that stdout holds results only. It is safe for
// concurrent use: callbacks print from their own goroutines.
type zPrinter struct {
	mu     sync.Mutex
	out    io.Writer
	errw   io.Writer
	json   bool
	failed error // first write error
}

func newZPrinter(stdout, stderr io.Writer, jsonOut bool) *zPrinter {
	return &zPrinter{out: stdout, errw: stderr, json: jsonOut}
}

// emit writes one result: text in text mode, obj in JSON mode.
func (p *zPrinter) emit(text string, obj zObj) {
	var line []byte
	if p.json {
		b, err := json.Marshal(obj)
		if err != nil {
			b, _ = json.Marshal(zObj{{"event", "error"}, {"error", err.Error()}})
		}
		line = append(b, '\n')
	} else {
		line = []byte(text + "\n")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failed != nil {
		return
	}
	if _, err := p.out.Write(line); err != nil {
		p.failed = err
	}
}

// emitJSON writes obj in JSON mode only (readiness and summary lines that text mode leaves out).
func (p *zPrinter) emitJSON(obj zObj) {
	if p.json {
		p.emit("", obj)
	}
}

// note writes a progress note to stderr in text mode.
func (p *zPrinter) note(text string) {
	if p.json {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.errw, text+"\n")
}

// err returns the first error writing stdout (a closed pipe, for instance).
func (p *zPrinter) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed
}

// zQuoteList renders strings as a bracketed list: [a, b].
func zQuoteList(ss []string) string { return "[" + strings.Join(ss, ", ") + "]" }

// zKindText returns "PUT" or "DELETE", as Zenoh's examples print a SampleKind.
func zKindText(k zenoh.SampleKind) string {
	if k == zenoh.SampleKindDelete {
		return "DELETE"
	}
	return "PUT"
}

// zSampleText renders a sample as z_sub does — ">> [Subscriber] Received PUT ('demo/a': 'x')",
// then " (ATTACHMENT)" when it has one — followed by " [ENCODING]" when the encoding is not
// the default zenoh/bytes.
func zSampleText(s *zenoh.Sample) string {
	var b strings.Builder
	b.WriteString(">> [Subscriber] Received ")
	b.WriteString(zKindText(s.Kind))
	b.WriteString(" ('")
	b.WriteString(s.Key)
	b.WriteString("': '")
	b.WriteString(zShowBytes(s.Payload))
	b.WriteString("')")
	if s.Attachment != nil {
		b.WriteString(" (")
		b.WriteString(zShowBytes(s.Attachment))
		b.WriteString(")")
	}
	if s.Encoding != zenoh.EncodingZenohBytes {
		b.WriteString(" [")
		b.WriteString(s.Encoding.String())
		b.WriteString("]")
	}
	return b.String()
}

// zSampleFields appends what a sample carries: kind, key, payload, encoding, then attachment
// and timestamp when present, then its QoS.
func zSampleFields(o zObj, s *zenoh.Sample) zObj {
	o = o.add("kind", s.Kind.String()).add("key", s.Key).addBytes("payload", s.Payload).add("encoding", s.Encoding.String())
	if s.Attachment != nil {
		o = o.addBytes("attachment", s.Attachment)
	}
	if !s.Timestamp.IsZero() {
		o = o.add("timestamp", s.Timestamp.String())
	}
	return o.add("priority", s.Priority.String()).add("congestion_control", s.CongestionControl.String()).add("express", s.Express)
}
