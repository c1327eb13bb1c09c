package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gozenoh/zenoh/config"
)

// Limits of the command line: a flag repeated more often, or a value longer, is a usage error.
const (
	// zMaxRepeat bounds how often a repeatable flag (-e, -l, --cfg) may be given.
	zMaxRepeat = 256
	// zMaxFlagValue bounds the length of one flag value (payloads, attachments, JSON5 values).
	zMaxFlagValue = 16 << 20
)

// zUsageError is a command line that cannot be run; run prints it on one line and exits 2.
type zUsageError struct{ msg string }

// Error returns the message.
func (e *zUsageError) Error() string { return e.msg }

// Is makes a zUsageError match errUsage.
func (e *zUsageError) Is(target error) bool { return target == errUsage }

// zUsagef returns a *zUsageError with the formatted message.
func zUsagef(format string, a ...any) error { return &zUsageError{fmt.Sprintf(format, a...)} }

// zList is a repeatable string flag.
type zList []string

// String returns the values joined by commas.
func (l *zList) String() string { return strings.Join(*l, ",") }

// Set appends one value.
func (l *zList) Set(v string) error {
	if len(*l) >= zMaxRepeat {
		return fmt.Errorf("given more than %d times", zMaxRepeat)
	}
	if len(v) > zMaxFlagValue {
		return fmt.Errorf("value longer than %d bytes", zMaxFlagValue)
	}
	*l = append(*l, v)
	return nil
}

// zEnum is a flag whose value is one of a few names (case-insensitive; '_' and '-' are the
// same), e.g. --target all-complete or --target ALL_COMPLETE.
type zEnum[T comparable] struct {
	v     *T
	names []string
	vals  []T
}

func newZEnum[T comparable](v *T, def T, pairs ...any) *zEnum[T] {
	e := &zEnum[T]{v: v}
	for i := 0; i+1 < len(pairs); i += 2 {
		e.names = append(e.names, pairs[i].(string))
		e.vals = append(e.vals, pairs[i+1].(T))
	}
	*v = def
	return e
}

// String returns the name of the current value.
func (e *zEnum[T]) String() string {
	if e == nil || e.v == nil {
		return ""
	}
	for i, v := range e.vals {
		if v == *e.v {
			return e.names[i]
		}
	}
	return ""
}

// Set parses a name.
func (e *zEnum[T]) Set(s string) error {
	n := strings.ReplaceAll(strings.ToLower(s), "_", "-")
	for i, name := range e.names {
		if name == n {
			*e.v = e.vals[i]
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(e.names, ", "))
}

// zFlags are the flags every Zenoh subcommand takes, shaped like the CommonArgs of
// Zenoh's examples.
type zFlags struct {
	configPath  string
	mode        string
	connect     zList
	listen      zList
	cfg         zList
	noMulticast bool
	json        bool
	verbose     bool
	logLevel    string
}

// register adds the common flags to fs, with both short and long names.
func (c *zFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.configPath, "config", "", "Zenoh configuration `FILE` (JSON5)")
	fs.StringVar(&c.configPath, "c", "", "shorthand for --config")
	fs.StringVar(&c.mode, "mode", "", "session `MODE`: peer or client (default: the configuration's, peer)")
	fs.StringVar(&c.mode, "m", "", "shorthand for --mode")
	fs.Var(&c.connect, "connect", "`ENDPOINT` to connect to, e.g. tcp/127.0.0.1:7447 (repeatable)")
	fs.Var(&c.connect, "e", "shorthand for --connect")
	fs.Var(&c.listen, "listen", "`ENDPOINT` to listen on, e.g. tcp/0.0.0.0:7447 (repeatable)")
	fs.Var(&c.listen, "l", "shorthand for --listen")
	fs.Var(&c.cfg, "cfg", "configuration change `KEY:VALUE`, VALUE in JSON5, e.g. 'scouting/multicast/interface:\"lo\"' (repeatable, applied last)")
	fs.BoolVar(&c.noMulticast, "no-multicast-scouting", false, "disable multicast scouting")
	fs.BoolVar(&c.json, "json", false, "print one JSON object per line instead of text")
	fs.BoolVar(&c.verbose, "v", false, "log to stderr, from level debug (see --log-level)")
	fs.StringVar(&c.logLevel, "log-level", "", "log to stderr from `LEVEL`: debug, info, warn or error")
}

// zenohConfig builds the Zenoh configuration as Zenoh's examples do: the file (or the default
// configuration), then --mode, --connect, --listen, --no-multicast-scouting and --cfg applied
// with Insert. Errors name the flag.
func (c *zFlags) zenohConfig() (config.Config, config.Warnings, error) {
	cfg := config.DefaultConfig()
	var warnings config.Warnings
	if c.configPath != "" {
		var err error
		if cfg, warnings, err = config.Load(c.configPath); err != nil {
			return config.Config{}, nil, fmt.Errorf("--config %s: %w", c.configPath, err)
		}
	}
	if c.mode != "" {
		switch c.mode {
		case "peer", "client":
		default:
			return config.Config{}, nil, zUsagef("--mode %q: want peer or client", c.mode)
		}
		if err := zInsertJSON(&cfg, "mode", c.mode); err != nil {
			return config.Config{}, nil, fmt.Errorf("--mode: %w", err)
		}
	}
	if len(c.connect) > 0 {
		if err := zInsertJSON(&cfg, "connect/endpoints", []string(c.connect)); err != nil {
			return config.Config{}, nil, fmt.Errorf("--connect: %w", err)
		}
	}
	if len(c.listen) > 0 {
		if err := zInsertJSON(&cfg, "listen/endpoints", []string(c.listen)); err != nil {
			return config.Config{}, nil, fmt.Errorf("--listen: %w", err)
		}
	}
	if c.noMulticast {
		if err := zInsertJSON(&cfg, "scouting/multicast/enabled", false); err != nil {
			return config.Config{}, nil, fmt.Errorf("--no-multicast-scouting: %w", err)
		}
	}
	for _, kv := range c.cfg {
		key, value, ok := strings.Cut(kv, ":")
		if !ok || key == "" {
			return config.Config{}, nil, zUsagef("--cfg %q: want KEY:VALUE", kv)
		}
		if err := cfg.Insert(key, value); err != nil {
			return config.Config{}, nil, fmt.Errorf("--cfg %s: %w", key, err)
		}
	}
	return cfg, warnings, nil
}

// zInsertJSON sets path to v written as JSON (which is JSON5), as Zenoh's examples do with
// serde_json.
func zInsertJSON(cfg *config.Config, path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return cfg.Insert(path, string(b))
}

// logger returns the logger -v and --log-level ask for, writing text to w, or nil.
func (c *zFlags) logger(w io.Writer) (*slog.Logger, error) {
	level := c.logLevel
	if level == "" {
		if !c.verbose {
			return nil, nil
		}
		level = "debug"
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, zUsagef("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// zFlagSet is the flag set of a subcommand: -h prints its usage text and flags to stderr; a
// bad flag is a one-line usage error.
type zFlagSet struct {
	*flag.FlagSet
	name, text string
	stderr     io.Writer
}

// newZFlagSet returns the flag set of subcommand name, whose usage starts with text.
func newZFlagSet(name, text string, stderr io.Writer) *zFlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, on one line; usage only on -h
	fs.Usage = func() {}
	return &zFlagSet{FlagSet: fs, name: name, text: text, stderr: stderr}
}

// parse parses args: flag.ErrHelp after printing the usage for -h, a usage error for a bad
// flag or for positional arguments.
func (z *zFlagSet) parse(args []string) error {
	if err := z.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(z.stderr, z.text)
			fmt.Fprintln(z.stderr, "\nflags:")
			zPrintFlags(z.FlagSet, z.stderr)
			return err
		}
		return zUsagef("%v (see gozenoh %s -h)", err, z.name)
	}
	if z.NArg() > 0 {
		return zUsagef("unexpected argument %q (see gozenoh %s -h)", z.Arg(0), z.name)
	}
	return nil
}

// zShorthand is the usage text of a flag that is the short name of another.
const zShorthand = "shorthand for --"

// zPrintFlags lists the flags of fs as "-k, --key KEY", with their usage and default, the
// short names beside the long ones.
func zPrintFlags(fs *flag.FlagSet, w io.Writer) {
	short := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if long, ok := strings.CutPrefix(f.Usage, zShorthand); ok {
			short[long] = f.Name
		}
	})
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, zShorthand) {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		names := "--" + f.Name
		if len(f.Name) == 1 {
			names = "-" + f.Name
		}
		if s, ok := short[f.Name]; ok {
			names = "-" + s + ", " + names
		}
		if arg != "" {
			names += " " + arg
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" {
			usage += " (default " + d + ")"
		}
		fmt.Fprintf(w, "  %s\n    \t%s\n", names, usage)
	})
}

// zCommand is a subcommand that runs until its work is done or ctx is cancelled.
type zCommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// zWithSignals adapts c to the commands table: SIGINT and SIGTERM cancel its context, and the
// command then ends normally (exit 0), as Zenoh's examples do on CTRL-C.
func zWithSignals(c zCommand) func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return c(ctx, args, stdin, stdout, stderr)
	}
}
