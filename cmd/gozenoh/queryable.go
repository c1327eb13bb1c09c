package main

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh"
)

const queryableUsage = `usage: gozenoh queryable [-k KEYEXPR] [-p PAYLOAD] [--complete] [flags]

Declares a queryable on KEYEXPR (as Zenoh's z_queryable) and answers every query with
PAYLOAD on KEYEXPR (with --err, with an error reply carrying PAYLOAD), until CTRL-C, N
queries (--count) or D (--timeout; exit 1 if it passes before N queries). Per query:
  >> [Queryable ] Received Query 'SELECTOR'
  >> [Queryable ] Received Query 'SELECTOR' with payload 'PAYLOAD'
  >> [Queryable ] Responding ('KEYEXPR': 'PAYLOAD')
With --json, {"event":"ready","zid":"...","key":"KEYEXPR"} once declared, then per query:
  {"event":"query","selector":"...","key":"...","parameters":"...","payload":"...",
   "attachment":"...","reply_key":"KEYEXPR","reply":"PAYLOAD","error":"..."}
("payload" and "attachment" only when the query has them; "error" only if replying failed;
"reply_error" instead of "reply_key" with --err).
`

// queryableArgs is a parsed queryable command line.
type queryableArgs struct {
	common     zFlags
	key        string
	payload    string
	encoding   zenoh.Encoding
	attachment zOptString
	complete   bool
	replyErr   bool
	count      int
	timeout    time.Duration
}

func parseQueryable(args []string, stderr io.Writer) (*queryableArgs, error) {
	a := &queryableArgs{}
	fs := newZFlagSet("queryable", queryableUsage, stderr)
	a.common.register(fs.FlagSet)
	fs.StringVar(&a.key, "key", "demo/example/gozenoh-queryable", "the `KEYEXPR` to answer for (and to reply on)")
	fs.StringVar(&a.key, "k", "demo/example/gozenoh-queryable", "shorthand for --key")
	fs.StringVar(&a.payload, "payload", "Queryable from Go!", "the reply's `PAYLOAD` (text)")
	fs.StringVar(&a.payload, "p", "Queryable from Go!", "shorthand for --payload")
	var encoding string
	fs.StringVar(&encoding, "encoding", "", "the reply's `ENCODING`")
	fs.Var(&a.attachment, "attach", "an `ATTACHMENT` (text) sent with each reply")
	fs.Var(&a.attachment, "a", "shorthand for --attach")
	fs.BoolVar(&a.complete, "complete", false, "declare the queryable complete for KEYEXPR")
	fs.BoolVar(&a.replyErr, "err", false, "answer with an error reply carrying PAYLOAD")
	fs.IntVar(&a.count, "count", 0, "exit after answering `N` queries (0: never)")
	fs.DurationVar(&a.timeout, "timeout", 0, "exit after `D` (0: never)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := zCheckKey("--key", a.key); err != nil {
		return nil, err
	}
	if len(a.payload) > zMaxFlagValue {
		return nil, zUsagef("--payload: longer than %d bytes", zMaxFlagValue)
	}
	a.encoding = zenoh.NewEncoding(encoding)
	if len(a.encoding.Schema()) > zenoh.MaxEncodingSchemaLen {
		return nil, zUsagef("--encoding: schema longer than %d bytes", zenoh.MaxEncodingSchemaLen)
	}
	if err := zCheckCountTimeout(a.count, a.timeout); err != nil {
		return nil, err
	}
	return a, nil
}

// zQueryText renders a received query as z_queryable does.
func zQueryText(q *zenoh.Query) string {
	if pl, ok := q.Payload(); ok {
		return ">> [Queryable ] Received Query '" + q.Selector() + "' with payload '" + zShowBytes(pl) + "'"
	}
	return ">> [Queryable ] Received Query '" + q.Selector() + "'"
}

// zRespondText renders a reply as z_queryable does.
func zRespondText(key, payload string, isErr bool) string {
	if isErr {
		return ">> [Queryable ] Responding (ERROR: '" + payload + "')"
	}
	return ">> [Queryable ] Responding ('" + key + "': '" + payload + "')"
}

// zQueryJSON renders a query and its answer for --json.
func zQueryJSON(q *zenoh.Query, key, payload string, isErr bool, replyErr error) zObj {
	o := zObj{{"event", "query"}, {"selector", q.Selector()}, {"key", q.Key()}, {"parameters", q.Parameters()}}
	if pl, ok := q.Payload(); ok {
		o = o.addBytes("payload", pl).add("encoding", q.Encoding().String())
	}
	if att := q.Attachment(); att != nil {
		o = o.addBytes("attachment", att)
	}
	if isErr {
		o = o.add("reply_error", payload)
	} else {
		o = o.add("reply_key", key).add("reply", payload)
	}
	if replyErr != nil {
		o = o.add("error", replyErr.Error())
	}
	return o
}

// answer replies to q as the flags say.
func (a *queryableArgs) answer(q *zenoh.Query) error {
	var opts []zenoh.PutOption
	if a.encoding != zenoh.EncodingZenohBytes {
		opts = append(opts, zenoh.WithEncoding(a.encoding))
	}
	if a.replyErr {
		return q.ReplyErr([]byte(a.payload), opts...)
	}
	if a.attachment.set {
		opts = append(opts, zenoh.WithAttachment([]byte(a.attachment.v)))
	}
	return q.Reply(a.key, []byte(a.payload), opts...)
}

func runQueryable(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	a, err := parseQueryable(args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	ctx, cancel := zWithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return zEndOfRun(ctx, "queries", 0, a.count, a.timeout)
		}
		return err
	}
	defer s.Close()
	p.note("Declaring Queryable on '" + a.key + "'...")
	var answered atomic.Int64
	wake := make(chan struct{}, 1)
	qabl, err := s.DeclareQueryable(a.key, func(q *zenoh.Query) {
		if !p.json {
			p.emit(zQueryText(q), nil)
			p.emit(zRespondText(a.key, a.payload, a.replyErr), nil)
		}
		err := a.answer(q)
		q.Finish() // before --count may end the run
		if p.json {
			p.emit("", zQueryJSON(q, a.key, a.payload, a.replyErr, err))
		} else if err != nil {
			p.emit(">> [Queryable ] Error sending reply: "+err.Error(), nil)
		}
		answered.Add(1)
		select { // never blocks: the callback must return for Close to
		case wake <- struct{}{}:
		default:
		}
	}, zenoh.WithComplete(a.complete))
	if err != nil {
		return fmt.Errorf("declaring the queryable on %s: %w", a.key, err)
	}
	defer qabl.Close()
	p.emitJSON(zReadyJSON(s, a.key))
	p.note("Press CTRL-C to quit...")
loop:
	for a.count == 0 || answered.Load() < int64(a.count) {
		select {
		case <-wake:
		case <-ctx.Done():
			break loop
		}
	}
	got := int(answered.Load())
	if err := p.err(); err != nil {
		return err
	}
	return zEndOfRun(ctx, "queries", got, a.count, a.timeout)
}
