package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gozenoh/zenoh"
)

const livelinessUsage = `usage: gozenoh liveliness <subcommand> [flags]

subcommands:
  token -k KEY                       declare a liveliness token on KEY until CTRL-C (z_liveliness)
  sub -k KEYEXPR [--history]         print tokens appearing and disappearing (z_sub_liveliness)
  get -k KEYEXPR [--timeout D]       print the tokens alive now (z_get_liveliness)

Run gozenoh liveliness <subcommand> -h for the flags and output formats.
`

const livTokenUsage = `usage: gozenoh liveliness token [-k KEY] [--timeout D] [flags]

Declares a liveliness token on KEY (as Zenoh's z_liveliness) and keeps it alive until CTRL-C
or D (--timeout). Other nodes see it alive while this process runs: it disappears when the
process ends, killed or not. With --json, {"event":"ready","zid":"...","key":"KEY"} once the
token is declared.
`

const livSubUsage = `usage: gozenoh liveliness sub [-k KEYEXPR] [--history] [--count N] [--timeout D] [flags]

Subscribes to the liveliness tokens on KEYEXPR (as Zenoh's z_sub_liveliness) and prints each
change, until CTRL-C, N changes (--count) or D (--timeout; exit 1 if it passes before N):
  >> [LivelinessSubscriber] New alive token ('KEY')
  >> [LivelinessSubscriber] Dropped token ('KEY')
With --history, the tokens already alive are printed first. With --json,
{"event":"ready","zid":"...","key":"KEYEXPR"} once declared, then per change
{"event":"liveliness","kind":"put","key":"KEY"} ("delete" when the token went away).
`

const livGetUsage = `usage: gozenoh liveliness get [-k KEYEXPR] [--timeout D] [flags]

Asks for the liveliness tokens alive on KEYEXPR (as Zenoh's z_get_liveliness) and prints them:
  >> Alive token ('KEY')
  >> Received (ERROR: 'PAYLOAD')
With --json, {"event":"reply","ok":true,"kind":"put","key":"KEY",...} per token, then
{"event":"done","replies":N,"errors":M,"timeout":false}.
`

// runLiveliness dispatches the liveliness subcommands.
func runLiveliness(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, livelinessUsage)
		return errUsage
	}
	switch args[0] {
	case "token":
		return runLivToken(ctx, args[1:], stdout, stderr)
	case "sub":
		return runLivSub(ctx, args[1:], stdout, stderr)
	case "get":
		return runLivGet(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stderr, livelinessUsage)
		return nil
	}
	return zUsagef("unknown subcommand %q (want token, sub or get)", args[0])
}

// livArgs is a parsed liveliness command line.
type livArgs struct {
	common  zFlags
	key     string
	history bool
	count   int
	timeout time.Duration
}

// parseLiv parses the flags of liveliness sub (history true), token or get.
func parseLiv(name, usage string, args []string, stderr io.Writer) (*livArgs, error) {
	a := &livArgs{}
	fs := newZFlagSet("liveliness "+name, usage, stderr)
	a.common.register(fs.FlagSet)
	def := "group1/**"
	if name == "token" {
		def = "group1/gozenoh"
	}
	fs.StringVar(&a.key, "key", def, "the `KEY` (token) or key expression (sub, get)")
	fs.StringVar(&a.key, "k", def, "shorthand for --key")
	switch name {
	case "sub":
		fs.BoolVar(&a.history, "history", false, "first print the tokens already alive")
		fs.IntVar(&a.count, "count", 0, "exit after `N` changes (0: never)")
		fs.DurationVar(&a.timeout, "timeout", 0, "exit after `D` (0: never)")
	case "token":
		fs.DurationVar(&a.timeout, "timeout", 0, "withdraw the token and exit after `D` (0: never)")
	case "get":
		fs.DurationVar(&a.timeout, "timeout", 10*time.Second, "wait for replies at most `D`")
		fs.DurationVar(&a.timeout, "o", 10*time.Second, "shorthand for --timeout")
	}
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	if err := zCheckKey("--key", a.key); err != nil {
		return nil, err
	}
	if err := zCheckCountTimeout(a.count, a.timeout); err != nil {
		return nil, err
	}
	if name == "get" && a.timeout == 0 {
		return nil, zUsagef("--timeout 0s: must be positive")
	}
	return a, nil
}

func runLivToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := parseLiv("token", livTokenUsage, args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	ctx, cancel := zWithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer s.Close()
	p.note("Declaring LivelinessToken on '" + a.key + "'...")
	tok, err := s.Liveliness().DeclareToken(a.key)
	if err != nil {
		return fmt.Errorf("declaring the token %s: %w", a.key, err)
	}
	p.emitJSON(zReadyJSON(s, a.key))
	p.note("Press CTRL-C to undeclare LivelinessToken and quit...")
	<-ctx.Done()
	if err := tok.Close(); err != nil {
		return fmt.Errorf("undeclaring the token %s: %w", a.key, err)
	}
	return p.err()
}

// zLivText renders a liveliness change as z_sub_liveliness does.
func zLivText(s *zenoh.Sample) string {
	if s.Kind == zenoh.SampleKindDelete {
		return ">> [LivelinessSubscriber] Dropped token ('" + s.Key + "')"
	}
	return ">> [LivelinessSubscriber] New alive token ('" + s.Key + "')"
}

// zLivJSON renders a liveliness change for --json.
func zLivJSON(s *zenoh.Sample) zObj {
	return zObj{{"event", "liveliness"}, {"kind", s.Kind.String()}, {"key", s.Key}}
}

func runLivSub(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := parseLiv("sub", livSubUsage, args, stderr)
	if err != nil {
		return err
	}
	p := newZPrinter(stdout, stderr, a.common.json)
	ctx, cancel := zWithTimeout(ctx, a.timeout)
	defer cancel()
	s, err := a.common.openSession(ctx, p, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return zEndOfRun(ctx, "changes", 0, a.count, a.timeout)
		}
		return err
	}
	defer s.Close()
	p.note("Declaring Liveliness Subscriber on '" + a.key + "'...")
	sub, err := s.Liveliness().DeclareSubscriberChan(a.key, 0, zenoh.Block, zenoh.WithHistory(a.history))
	if err != nil {
		return fmt.Errorf("declaring the liveliness subscriber on %s: %w", a.key, err)
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
		p.emit(zLivText(&smp), zLivJSON(&smp))
		if err := p.err(); err != nil {
			return err
		}
	}
	return zEndOfRun(ctx, "changes", got, a.count, a.timeout)
}

// zAliveText renders a liveliness reply as z_get_liveliness does.
func zAliveText(s *zenoh.Sample) string { return ">> Alive token ('" + s.Key + "')" }

func runLivGet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := parseLiv("get", livGetUsage, args, stderr)
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
	p.note("Sending Liveliness Query '" + a.key + "'...")
	res, err := zPrintReplies(ctx, p, s.Liveliness().Get(ctx, a.key, zenoh.WithTimeout(a.timeout)), zAliveText)
	if err != nil {
		return fmt.Errorf("liveliness query %s: %w", a.key, err)
	}
	if res.timedOut {
		p.note(fmt.Sprintf("Query timed out after %v", a.timeout))
	}
	p.emitJSON(zDoneJSON(res.replies, res.errs, res.timedOut))
	return p.err()
}
