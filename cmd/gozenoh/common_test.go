package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gozenoh/zenoh/config"
)

// zParseCommon parses args with only the common flags.
func zParseCommon(t *testing.T, args ...string) (*zFlags, error) {
	t.Helper()
	var c zFlags
	fs := newZFlagSet("test", "usage: test\n", io.Discard)
	c.register(fs.FlagSet)
	if err := fs.parse(args); err != nil {
		return nil, err
	}
	return &c, nil
}

func zGetJSON(t *testing.T, cfg *config.Config, path string) string {
	t.Helper()
	v, err := cfg.Get(path)
	if err != nil {
		t.Fatalf("Get(%s): %v", path, err)
	}
	return v
}

func TestCommonFlagsBuildTheConfigLikeZenohExamples(t *testing.T) {
	c, err := zParseCommon(t, "-m", "client", "-e", "tcp/127.0.0.1:7447", "--connect", "tcp/127.0.0.1:7448",
		"-l", "tcp/127.0.0.1:0", "--no-multicast-scouting", "--cfg", "transport/unicast/max_links:2", "--json", "-v")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := c.zenohConfig()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"mode":                        `"client"`,
		"connect/endpoints":           `["tcp/127.0.0.1:7447","tcp/127.0.0.1:7448"]`,
		"listen/endpoints":            `["tcp/127.0.0.1:0"]`,
		"scouting/multicast/enabled":  `false`,
		"transport/unicast/max_links": `2`,
	} {
		if got := zGetJSON(t, &cfg, path); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	if !c.json || !c.verbose {
		t.Errorf("--json %v -v %v", c.json, c.verbose)
	}
	// Without flags the configuration is Zenoh's default.
	c, _ = zParseCommon(t)
	cfg, _, err = c.zenohConfig()
	if err != nil || !cfg.Equal(config.DefaultConfig()) {
		t.Fatalf("no flags: %v, config differs from the default", err)
	}
}

func TestCommonFlagsConfigFileThenFlags(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "z.json5")
	doc := `{ mode: "client", connect: { endpoints: ["tcp/127.0.0.1:1"] }, scouting: { multicast: { enabled: false } }, unknownkey: 1 }`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := zParseCommon(t, "-c", path, "-m", "peer")
	if err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := c.zenohConfig()
	if err != nil {
		t.Fatal(err)
	}
	if got := zGetJSON(t, &cfg, "mode"); got != `"peer"` {
		t.Errorf("-m peer after the file: mode %s", got)
	}
	if got := zGetJSON(t, &cfg, "connect/endpoints"); got != `["tcp/127.0.0.1:1"]` {
		t.Errorf("connect from the file: %s", got)
	}
	if len(warnings) == 0 || !strings.Contains(warnings.String(), "unknownkey") {
		t.Errorf("warnings %v lack the unknown key", warnings)
	}
}

func TestCommonFlagsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json5")
	if err := os.WriteFile(bad, []byte(`{ mode: `), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		usage bool   // a usage error (exit 2)
		want  string // in the message
	}{
		{[]string{"-m", "router"}, true, `--mode "router"`},
		{[]string{"--cfg", "novalue"}, true, "want KEY:VALUE"},
		{[]string{"--cfg", "no/such/key:1"}, false, "--cfg no/such/key"},
		{[]string{"--cfg", "transport/unicast/max_links:\"x\""}, false, "max_links"},
		{[]string{"-e", "nota locator"}, false, "--connect"},
		{[]string{"-c", filepath.Join(dir, "missing.json5")}, false, "missing.json5"},
		{[]string{"-c", bad}, false, "bad.json5"},
		{[]string{"--log-level", "loud"}, true, "--log-level"},
	} {
		f, err := zParseCommon(t, c.args...)
		if err == nil {
			_, _, err = f.zenohConfig()
		}
		if err == nil {
			_, err = f.logger(io.Discard)
		}
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if errors.Is(err, errUsage) != c.usage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v (usage %v), want usage %v and %q", c.args, err, errors.Is(err, errUsage), c.usage, c.want)
		}
	}
}

func TestCommonFlagsRepeatLimit(t *testing.T) {
	var l zList
	for i := range zMaxRepeat {
		if err := l.Set("x"); err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
	}
	if err := l.Set("x"); err == nil {
		t.Fatalf("%d values accepted", zMaxRepeat+1)
	}
	if err := new(zList).Set(strings.Repeat("x", zMaxFlagValue+1)); err == nil {
		t.Fatal("an over-long value accepted")
	}
}

func TestLoggerLevels(t *testing.T) {
	var c zFlags
	if l, err := c.logger(io.Discard); l != nil || err != nil {
		t.Fatalf("no -v: %v %v", l, err)
	}
	var b strings.Builder
	c.verbose = true
	l, err := c.logger(&b)
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("shown", "k", 1)
	if out := b.String(); !strings.Contains(out, "level=DEBUG msg=shown k=1") {
		t.Fatalf("-v logs %q", out)
	}
	c.logLevel = "warn"
	b.Reset()
	l, _ = c.logger(&b)
	l.Info("hidden")
	l.Warn("warned")
	if out := b.String(); strings.Contains(out, "hidden") || !strings.Contains(out, "warned") {
		t.Fatalf("--log-level warn logs %q", out)
	}
}

func TestEnumFlag(t *testing.T) {
	var v int
	e := newZEnum(&v, 1, "one", 1, "two-words", 2)
	if v != 1 || e.String() != "one" {
		t.Fatalf("default %d %q", v, e.String())
	}
	for _, s := range []string{"two-words", "TWO_WORDS", "Two-Words"} {
		v = 1
		if err := e.Set(s); err != nil || v != 2 {
			t.Errorf("Set(%q): %v, %d", s, err, v)
		}
	}
	if err := e.Set("three"); err == nil || !strings.Contains(err.Error(), "one, two-words") {
		t.Errorf("Set(three): %v", err)
	}
}

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"put", "-k", "a//b"}, "gozenoh put: --key \"a//b\""},
		{[]string{"put", "--count", "0"}, "gozenoh put: --count 0"},
		{[]string{"sub", "extra"}, "gozenoh sub: unexpected argument \"extra\""},
		{[]string{"get", "-s", "a/**/**?x"}, "gozenoh get: --selector"},
		{[]string{"get", "--target", "some"}, "invalid value \"some\" for flag -target"},
		{[]string{"queryable", "--count", "-1"}, "gozenoh queryable: --count -1"},
		{[]string{"liveliness", "nosuch"}, "gozenoh liveliness: unknown subcommand \"nosuch\""},
		{[]string{"liveliness", "get", "--timeout", "0s"}, "--timeout 0s"},
		{[]string{"scout", "--what", "dog"}, "gozenoh scout: --what \"dog\""},
		{[]string{"peer", "--stats", "-1s"}, "gozenoh peer: --stats -1s"},
		{[]string{"peer", "-m", "router"}, "gozenoh peer: --mode \"router\""},
		{[]string{"put", "--nosuch"}, "gozenoh put: flag provided but not defined: -nosuch (see gozenoh put -h)"},
		{[]string{"liveliness", "sub", "--count", "x"}, "gozenoh liveliness: invalid value \"x\" for flag -count: parse error (see gozenoh liveliness sub -h)"},
	} {
		code, out, errs := runCmd(t, "", c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, errs, c.want)
		}
	}
	// A subcommand group without its subcommand prints its usage.
	if code, _, errs := runCmd(t, "", "liveliness"); code != 2 || !strings.Contains(errs, "subcommands:\n  token") {
		t.Errorf("liveliness: exit %d, stderr %q", code, errs)
	}
}

func TestHelpExitsZeroAndListsShortAndLongNames(t *testing.T) {
	code, _, errs := runCmd(t, "", "get", "-h")
	if code != 0 {
		t.Fatalf("get -h: exit %d", code)
	}
	for _, want := range []string{"usage: gozenoh get", "-s, --selector SELECTOR", "-e, --connect ENDPOINT",
		"-o, --timeout D", "(default 10s)", "--no-multicast-scouting", "--json"} {
		if !strings.Contains(errs, want) {
			t.Errorf("get -h lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "shorthand for") {
		t.Errorf("shorthands listed on their own:\n%s", errs)
	}
	code, _, errs = runCmd(t, "", "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	for _, name := range []string{"peer", "put", "sub", "get", "queryable", "liveliness", "scout", "decode", "cluster"} {
		if !strings.Contains(errs, "\n  "+name+" ") {
			t.Errorf("help lacks %s:\n%s", name, errs)
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	var b strings.Builder
	fs := newZFlagSet("x", "usage: x\n", &b)
	fs.Bool("opt", false, "an option")
	if err := fs.parse([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	if want := "usage: x\n\nflags:\n  --opt\n    \tan option\n"; b.String() != want {
		t.Fatalf("-h printed %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := fs.parse([]string{"--nope"}); !errors.Is(err, errUsage) || err.Error() != "flag provided but not defined: -nope (see gozenoh x -h)" || b.Len() != 0 {
		t.Fatalf("bad flag: %v, printed %q", err, b.String())
	}
}
