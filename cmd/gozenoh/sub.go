package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gozenoh/zenoh"
)

// zMaxCount bounds the --count of the commands that stop after N items.
const zMaxCount = 1 << 30

const subUsage = `usage: gozenoh sub [-k KEYEXPR] [--count N] [--timeout D] [flags]

Subscribes to KEYEXPR (as Zenoh's z_sub) and prints every sample received, until CTRL-C, or
until N samples were printed (--count), or D has passed (--timeout; exit 1 if it passes
before N samples). One line per sample:
  >> [Subscriber] Received PUT ('KEY': 'PAYLOAD') (ATTACHMENT) [ENCODING]
where " (ATTACHMENT)" is there only when the sample has one, " [ENCODING]" only when it is not
zenoh/bytes, and a payload that is not UTF-8 is shown as 0x and hex. With --json, first
  {"event":"ready","zid":"...","key":"KEYEXPR"}
once the subscriber is declared, then one object per sample:
  {"event":"sample","kind":"put","key":"...","payload":"...","encoding":"...",
   "attachment":"...","timestamp":"...","priority":"data","congestion_control":"drop","express":false}
("attachment" and "timestamp" only when present; "payload_base64"/"attachment_base64" for
bytes that are not UTF-8).
`

// subArgs is a parsed sub command line.
type subArgs struct {
	common  zFlags
	key     string
	count   int
	timeout time.Duration
}

func parseSub(args []string, stderr io.Writer) (*subArgs, error) {
	a := &subArgs{}
	fs := newZFlagSet("sub", subUsage, stderr)
	a.common.register(fs.FlagSet)
	fs.StringVar(&a.key, "key", "demo/example/**", "the `KEYEXPR` to subscribe to")
	fs.StringVar(&a.key, "k", "demo/example/**", "shorthand for --key")
	fs.IntVar(&a.count, "count", 0, "exit after `N` samples (0: never)")
	fs.DurationVar(&a.timeout, "timeout", 0, "exit after `D` (e.g. 10s; 0: never)")
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := zCheckKey("--key", a.key); err != nil {
		return nil, err
	}
	if err := zCheckCountTimeout(a.count, a.timeout); err != nil {
		return nil, err
	}
	return a, nil
}

// zCheckCountTimeout validates --count and --timeout.
func zCheckCountTimeout(count int, timeout time.Duration) error {
	if count < 0 || count > zMaxCount {
		return zUsagef("--count %d: want 0..%d", count, zMaxCount)
	}
	if timeout < 0 {
		return zUsagef("--timeout %v: must not be negative", timeout)
	}
	return nil
}

// zReadyJSON is the --json line printed once a command's entity is declared.
func zReadyJSON(s *zenoh.Session, key string) zObj {
	return zObj{{"event", "ready"}, {"zid", s.ZID().String()}, {"key", key}}
}

// zErrCountTimeout reports a --timeout that passed before --count items arrived.
var zErrCountTimeout = errors.New("timed out")

// zWithTimeout returns ctx bounded by timeout (when positive).
func zWithTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout > 0 {
		return context.WithTimeoutCause(ctx, timeout, zErrCountTimeout)
	}
	return context.WithCancel(ctx)
}

// zEndOfRun turns the end of a run bounded by --count and --timeout into the command's result:
// an interruption, or a timeout without --count, is a normal end; a timeout before count items
// were seen is an error.
func zEndOfRun(ctx context.Context, what string, got, count int, timeout time.Duration) error {
	if count > 0 && got < count && errors.Is(context.Cause(ctx), zErrCountTimeout) {
		return fmt.Errorf("timed out after %v: %d of %d %s", timeout, got, count, what)
	}
	return nil
}

func runSub(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	a, err := parseSub(args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	ctx, cancel := zWithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return zEndOfRun(ctx, "samples", 0, a.count, a.timeout)
		}
		return err
	}
	defer s.Close()
	p.note("Declaring Subscriber on '" + a.key + "'...")
	sub, err := s.DeclareSubscriberChan(a.key, 0, zenoh.Block)
	if err != nil {
		return fmt.Errorf("declaring the subscriber on %s: %w", a.key, err)
	}
	defer sub.Close()
	p.emitJSON(zReadyJSON(s, a.key))
	p.note("Press CTRL-C to quit...")
	got := 0
	for a.count == 0 || got < a.count {
		smp, err := sub.Recv(ctx)
		if err != nil {
			break
		}
		got++
		p.emit(zSampleText(&smp), zSampleFields(zObj{{"event", "sample"}}, &smp))
		if err := p.err(); err != nil {
			return err
		}
	}
	return zEndOfRun(ctx, "samples", got, a.count, a.timeout)
}
