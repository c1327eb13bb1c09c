package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gozenoh/zenoh"
)

const getUsage = `usage: gozenoh get [-s SELECTOR] [-p PAYLOAD] [--timeout D] [--target T] [--consolidation C] [flags]

Sends a query (as Zenoh's z_get) and prints every reply, until all queryables have answered
or D has passed. One line per reply:
  >> Received ('KEY': 'PAYLOAD') (ATTACHMENT) [ENCODING]
  >> Received (ERROR: 'PAYLOAD')
(" (ATTACHMENT)" and " [ENCODING]" as for sub; deletions say "Received DELETE ('KEY')").
With --json, one object per reply:
  {"event":"reply","ok":true,"kind":"put","key":"...","payload":"...","encoding":"...",...,"replier":"ZID"}
  {"event":"reply","ok":false,"payload":"...","encoding":"..."}
and a last line {"event":"done","replies":N,"errors":M,"timeout":false}.
The exit code is 0 even when nothing answered; a timeout is reported, not an error.
`

// getArgs is a parsed get command line.
type getArgs struct {
	common        zFlags
	qos           zQoSFlags
	selector      string
	payload       zOptString
	encoding      zenoh.Encoding
	attachment    zOptString
	target        zenoh.QueryTarget
	consolidation zenoh.ConsolidationMode
	timeout       time.Duration
}

func parseGet(args []string, stderr io.Writer) (*getArgs, error) {
	a := &getArgs{}
	fs := newZFlagSet("get", getUsage, stderr)
	a.common.register(fs.FlagSet)
	a.qos.register(fs.FlagSet, zenoh.CongestionControlBlock)
	fs.StringVar(&a.selector, "selector", "demo/example/**", "the `SELECTOR`: a key expression, then optionally ?k=v;k2=v2")
	fs.StringVar(&a.selector, "s", "demo/example/**", "shorthand for --selector")
	fs.Var(&a.payload, "payload", "a `PAYLOAD` (text) sent with the query")
	fs.Var(&a.payload, "p", "shorthand for --payload")
	var encoding string
	fs.StringVar(&encoding, "encoding", "", "the query payload's `ENCODING`")
	fs.Var(&a.attachment, "attach", "an `ATTACHMENT` (text) sent with the query")
	fs.Var(&a.attachment, "a", "shorthand for --attach")
	target := newZEnum(&a.target, zenoh.QueryTargetBestMatching, "best-matching", zenoh.QueryTargetBestMatching,
		"all", zenoh.QueryTargetAll, "all-complete", zenoh.QueryTargetAllComplete)
	fs.Var(target, "target", "`TARGET` queryables: best-matching, all or all-complete")
	fs.Var(target, "t", "shorthand for --target")
	fs.Var(newZEnum(&a.consolidation, zenoh.ConsolidationAuto, "auto", zenoh.ConsolidationAuto,
		"none", zenoh.ConsolidationNone, "monotonic", zenoh.ConsolidationMonotonic, "latest", zenoh.ConsolidationLatest),
		"consolidation", "reply `CONSOLIDATION`: auto, none, monotonic or latest")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Second, "wait for replies at most `D`")
	fs.DurationVar(&a.timeout, "o", 10*time.Second, "shorthand for --timeout")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := zCheckSelector("--selector", a.selector); err != nil {
		return nil, err
	}
	if a.timeout <= 0 {
		return nil, zUsagef("--timeout %v: must be positive", a.timeout)
	}
	a.encoding = zenoh.NewEncoding(encoding)
	if len(a.encoding.Schema()) > zenoh.MaxEncodingSchemaLen {
		return nil, zUsagef("--encoding: schema longer than %d bytes", zenoh.MaxEncodingSchemaLen)
	}
	return a, nil
}

// zCheckSelector validates the key expression of a selector given in flag name.
func zCheckSelector(name, selector string) error {
	key, _, _ := strings.Cut(selector, "?")
	if _, err := zenoh.NewKeyExpr(key); err != nil {
		return zUsagef("%s %q: %v", name, selector, err)
	}
	return nil
}

// options returns the query options the flags ask for.
func (a *getArgs) options() []zenoh.GetOption {
	opts := []zenoh.GetOption{zenoh.WithTarget(a.target), zenoh.WithConsolidation(a.consolidation),
		zenoh.WithTimeout(a.timeout), zenoh.WithPriority(a.qos.priority),
		zenoh.WithCongestionControl(a.qos.cc), zenoh.WithExpress(a.qos.express)}
	if a.payload.set {
		opts = append(opts, zenoh.WithPayload([]byte(a.payload.v)))
	}
	if a.encoding != zenoh.EncodingZenohBytes {
		opts = append(opts, zenoh.WithEncoding(a.encoding))
	}
	if a.attachment.set {
		opts = append(opts, zenoh.WithAttachment([]byte(a.attachment.v)))
	}
	return opts
}

// zReplyText renders a data reply as z_get does, with sub's suffixes.
func zReplyText(s *zenoh.Sample) string {
	var b strings.Builder
	b.WriteString(">> Received ")
	if s.Kind == zenoh.SampleKindDelete {
		b.WriteString("DELETE ('")
		b.WriteString(s.Key)
		b.WriteString("')")
	} else {
		b.WriteString("('")
		b.WriteString(s.Key)
		b.WriteString("': '")
		b.WriteString(zShowBytes(s.Payload))
		b.WriteString("')")
	}
	if s.Attachment != nil {
		b.WriteString(" (" + zShowBytes(s.Attachment) + ")")
	}
	if s.Encoding != zenoh.EncodingZenohBytes {
		b.WriteString(" [" + s.Encoding.String() + "]")
	}
	return b.String()
}

// zReplyJSON renders a data reply for --json.
func zReplyJSON(r *zenoh.Reply) zObj {
	o := zSampleFields(zObj{{"event", "reply"}, {"ok", true}}, &r.Sample)
	if !r.Replier.IsZero() {
		o = o.add("replier", r.Replier.String())
	}
	return o
}

// zErrReplyText renders an error reply as z_get does.
func zErrReplyText(e *zenoh.ReplyError) string {
	return ">> Received (ERROR: '" + zShowBytes(e.Payload) + "')"
}

// zErrReplyJSON renders an error reply for --json.
func zErrReplyJSON(e *zenoh.ReplyError) zObj {
	o := zObj{{"event", "reply"}, {"ok", false}}.addBytes("payload", e.Payload).add("encoding", e.Encoding.String())
	if !e.Replier.IsZero() {
		o = o.add("replier", e.Replier.String())
	}
	return o
}

// zDoneJSON is the last --json line of a query.
func zDoneJSON(replies, errs int, timedOut bool) zObj {
	return zObj{{"event", "done"}, {"replies", replies}, {"errors", errs}, {"timeout", timedOut}}
}

// zQueryResult is what the replies to one query came to.
type zQueryResult struct {
	replies, errs int
	timedOut      bool
}

// zPrintReplies prints the replies of a query. text renders a data reply in text mode.
// A timeout ends the replies normally; any other failure of the query is returned.
func zPrintReplies(ctx context.Context, p *zPrinter, replies func(yield func(zenoh.Reply, error) bool), text func(*zenoh.Sample) string) (zQueryResult, error) {
	var res zQueryResult
	for r, err := range replies {
		var re *zenoh.ReplyError
		switch {
		case err == nil:
			res.replies++
			p.emit(text(&r.Sample), zReplyJSON(&r))
		case errors.As(err, &re):
			res.errs++
			p.emit(zErrReplyText(re), zErrReplyJSON(re))
		case errors.Is(err, zenoh.ErrTimeout):
			res.timedOut = true
		case ctx.Err() != nil:
			return res, nil // interrupted
		default:
			return res, err
		}
		if err := p.err(); err != nil {
			return res, err
		}
	}
	return res, nil
}

func runGet(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	a, err := parseGet(args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer s.Close()
	p.note("Sending Query '" + a.selector + "'...")
	res, err := zPrintReplies(ctx, p, s.Get(ctx, a.selector, a.options()...), zReplyText)
	if err != nil {
		return fmt.Errorf("query %s: %w", a.selector, err)
	}
	if res.timedOut {
		p.note(fmt.Sprintf("Query timed out after %v", a.timeout))
	}
	p.emitJSON(zDoneJSON(res.replies, res.errs, res.timedOut))
	return p.err()
}
