package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gozenoh/zenoh"
)

// Limits of put.
const (
	// maxPutCount bounds --count.
	maxPutCount = 1 << 30
	// zMaxPayloadFile bounds the bytes read by --payload-file.
	zMaxPayloadFile = 64 << 20
)

const putUsage = `usage: gozenoh put [-k KEY] [-p PAYLOAD | --payload-file FILE] [flags]

Publishes PAYLOAD on KEY (as Zenoh's z_put), --count times, --interval apart; "{i}" in the
payload is replaced by the publication's index (0, 1, ...). With --delete it publishes
deletions instead. Prints one line per publication:
  Putting Data ('KEY': 'PAYLOAD')...
  Deleting resources matching 'KEY'...
or with --json: {"event":"put","index":0,"key":"KEY","payload":"PAYLOAD"} ("delete" events
have no payload; a payload that is not UTF-8 is given as "payload_base64").
`

// zQoSFlags are the QoS flags of publications and queries.
type zQoSFlags struct {
	priority zenoh.Priority
	cc       zenoh.CongestionControl
	express  bool
}

// register adds --priority, --congestion-control and --express; def is the default congestion
// control (drop for publications, block for queries, as in Zenoh).
func (q *zQoSFlags) register(fs *flag.FlagSet, def zenoh.CongestionControl) {
	fs.Var(newZEnum(&q.priority, zenoh.PriorityData,
		"real-time", zenoh.PriorityRealTime, "interactive-high", zenoh.PriorityInteractiveHigh,
		"interactive-low", zenoh.PriorityInteractiveLow, "data-high", zenoh.PriorityDataHigh,
		"data", zenoh.PriorityData, "data-low", zenoh.PriorityDataLow, "background", zenoh.PriorityBackground,
		"1", zenoh.PriorityRealTime, "2", zenoh.PriorityInteractiveHigh, "3", zenoh.PriorityInteractiveLow,
		"4", zenoh.PriorityDataHigh, "5", zenoh.PriorityData, "6", zenoh.PriorityDataLow, "7", zenoh.PriorityBackground),
		"priority", "`PRIORITY`: real-time, interactive-high, interactive-low, data-high, data, data-low, background (or 1..7)")
	fs.Var(newZEnum(&q.cc, def, "drop", zenoh.CongestionControlDrop, "block", zenoh.CongestionControlBlock,
		"block-first", zenoh.CongestionControlBlockFirst),
		"congestion-control", "`MODE` when a queue is full: drop, block or block-first")
	fs.BoolVar(&q.express, "express", false, "send at once, without batching")
}

// putArgs is a parsed put command line.
type putArgs struct {
	common     zFlags
	qos        zQoSFlags
	key        string
	payload    []byte
	encoding   zenoh.Encoding
	attachment []byte // nil: none
	count      int
	interval   time.Duration
	delete     bool
}

func parsePut(args []string, stdin io.Reader, stderr io.Writer) (*putArgs, error) {
	a := &putArgs{}
	fs := newZFlagSet("put", putUsage, stderr)
	a.common.register(fs.FlagSet)
	a.qos.register(fs.FlagSet, zenoh.CongestionControlDrop)
	fs.StringVar(&a.key, "key", "demo/example/gozenoh-put", "the `KEY` to publish on")
	fs.StringVar(&a.key, "k", "demo/example/gozenoh-put", "shorthand for --key")
	payload := "Put from Go!"
	fs.StringVar(&payload, "payload", payload, "the `PAYLOAD` (text)")
	fs.StringVar(&payload, "p", payload, "shorthand for --payload")
	var payloadFile, encoding string
	fs.StringVar(&payloadFile, "payload-file", "", "read the payload from `FILE` (- for stdin), as bytes")
	fs.StringVar(&encoding, "encoding", "", "the payload's `ENCODING`, e.g. text/plain or application/json;schema (default zenoh/bytes)")
	var attach zOptString
	fs.Var(&attach, "attach", "an `ATTACHMENT` (text) sent with each publication")
	fs.Var(&attach, "a", "shorthand for --attach")
	fs.IntVar(&a.count, "count", 1, "publish `N` times")
	fs.DurationVar(&a.interval, "interval", 0, "wait `D` between publications (e.g. 500ms, 1s)")
	fs.BoolVar(&a.delete, "delete", false, "publish deletions of KEY instead of values")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := zCheckKey("--key", a.key); err != nil {
		return nil, err
	}
	if a.count < 1 || a.count > maxPutCount {
		return nil, zUsagef("--count %d: want 1..%d", a.count, maxPutCount)
	}
	if a.interval < 0 {
		return nil, zUsagef("--interval %v: must not be negative", a.interval)
	}
	if len(payload) > zMaxFlagValue {
		return nil, zUsagef("--payload: longer than %d bytes", zMaxFlagValue)
	}
	a.payload = []byte(payload)
	a.encoding = zenoh.NewEncoding(encoding)
	if len(a.encoding.Schema()) > zenoh.MaxEncodingSchemaLen {
		return nil, zUsagef("--encoding: schema longer than %d bytes", zenoh.MaxEncodingSchemaLen)
	}
	if attach.set {
		a.attachment = []byte(attach.v)
	}
	if payloadFile != "" {
		if zFlagGiven(fs.FlagSet, "payload") || zFlagGiven(fs.FlagSet, "p") {
			return nil, zUsagef("--payload and --payload-file are exclusive")
		}
		b, err := zReadPayloadFile(payloadFile, stdin)
		if err != nil {
			return nil, err
		}
		a.payload = b
	}
	return a, nil
}

// zOptString is a string flag that records whether it was given (an empty attachment is not
// the same as none).
type zOptString struct {
	v   string
	set bool
}

// String returns the value.
func (o *zOptString) String() string { return o.v }

// Set records the value.
func (o *zOptString) Set(v string) error {
	if len(v) > zMaxFlagValue {
		return fmt.Errorf("value longer than %d bytes", zMaxFlagValue)
	}
	o.v, o.set = v, true
	return nil
}

// zFlagGiven reports whether the flag name was given on the command line.
func zFlagGiven(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// zCheckKey validates a key expression given in flag name.
func zCheckKey(name, key string) error {
	if _, err := zenoh.NewKeyExpr(key); err != nil {
		return zUsagef("%s %q: %v", name, key, err)
	}
	return nil
}

// zReadPayloadFile reads a payload from path ("-" is stdin), at most zMaxPayloadFile
// bytes.
func zReadPayloadFile(path string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--payload-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, zMaxPayloadFile+1))
	if err != nil {
		return nil, fmt.Errorf("--payload-file %s: %w", path, err)
	}
	if len(b) > zMaxPayloadFile {
		return nil, fmt.Errorf("--payload-file %s: larger than %d bytes", path, zMaxPayloadFile)
	}
	return b, nil
}

// payloadAt returns the payload of publication i: "{i}" replaced by i.
func (a *putArgs) payloadAt(i int) []byte {
	if !strings.Contains(string(a.payload), "{i}") {
		return a.payload
	}
	return []byte(strings.ReplaceAll(string(a.payload), "{i}", strconv.Itoa(i)))
}

// putText renders a publication as z_put and z_delete do.
func putText(key string, payload []byte, del bool) string {
	if del {
		return "Deleting resources matching '" + key + "'..."
	}
	return "Putting Data ('" + key + "': '" + zShowBytes(payload) + "')..."
}

// putJSON renders a publication for --json.
func putJSON(i int, key string, payload []byte, del bool) zObj {
	if del {
		return zObj{{"event", "delete"}, {"index", i}, {"key", key}}
	}
	return zObj{{"event", "put"}, {"index", i}, {"key", key}}.addBytes("payload", payload)
}

// options returns the publication options the flags ask for.
func (a *putArgs) options() []zenoh.PutOption {
	opts := []zenoh.PutOption{zenoh.WithPriority(a.qos.priority), zenoh.WithCongestionControl(a.qos.cc), zenoh.WithExpress(a.qos.express)}
	if a.encoding != zenoh.EncodingZenohBytes && !a.delete {
		opts = append(opts, zenoh.WithEncoding(a.encoding))
	}
	if a.attachment != nil {
		opts = append(opts, zenoh.WithAttachment(a.attachment))
	}
	return opts
}

func runPut(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	a, err := parsePut(args, stdin, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	opts := a.options()
	for i := range a.count {
		if i > 0 && a.interval > 0 {
			if err := zSleep(ctx, a.interval); err != nil {
				return nil // interrupted: a normal end
			}
		}
		payload := a.payloadAt(i)
		p.emit(putText(a.key, payload, a.delete), putJSON(i, a.key, payload, a.delete))
		if a.delete {
			err = s.Delete(ctx, a.key, opts...)
		} else {
			err = s.Put(ctx, a.key, payload, opts...)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("publication %d on %s: %w", i, a.key, err)
		}
	}
	return p.err()
}

// zSleep waits d or until ctx is done (then it returns ctx's error).
func zSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
