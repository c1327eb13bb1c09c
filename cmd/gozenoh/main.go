// Command gozenoh is the command-line tool of gozenoh, a pure-Go implementation of the Zenoh
// 1.x protocol.
//
// Usage:
//
//	gozenoh peer [flags]                  run a Zenoh peer until CTRL-C
//	gozenoh put -k KEY -p PAYLOAD         publish
//	gozenoh sub -k KEYEXPR                print the samples published on KEYEXPR
//	gozenoh get -s SELECTOR               query and print the replies
//	gozenoh queryable -k KEYEXPR -p VALUE answer queries
//	gozenoh liveliness token|sub|get      liveliness tokens
//	gozenoh scout                         find Zenoh nodes by multicast scouting
//	gozenoh decode [-layer L] [HEX ...]   decode and pretty-print Zenoh messages
//	gozenoh cluster check -c FILE         check a cluster TOML file
//
// The Zenoh subcommands take the flags of Zenoh's examples (-c FILE, -m MODE, -e ENDPOINT,
// -l ENDPOINT, --no-multicast-scouting, --cfg KEY:VALUE) and --json, which prints one JSON
// object per line. Exit codes: 0 done, 1 runtime error, 2 bad command line.
//
// Run `gozenoh help` for the list of subcommands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand of the tool.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{
	{"peer", "run a Zenoh peer until CTRL-C, printing its transports", zWithSignals(runPeer)},
	{"put", "publish a value (or a deletion) on a key", zWithSignals(runPut)},
	{"sub", "subscribe to a key expression and print the samples", zWithSignals(runSub)},
	{"get", "query a selector and print the replies", zWithSignals(runGet)},
	{"queryable", "answer the queries on a key expression", zWithSignals(runQueryable)},
	{"liveliness", "liveliness tokens: token, sub, get", zWithSignals(runLiveliness)},
	{"scout", "find Zenoh nodes by multicast scouting", zWithSignals(runScout)},
	{"decode", "decode and pretty-print Zenoh messages given in hex", runDecode},
	{"cluster", "cluster nodes: run a node, publish events, check a cluster TOML file", runCluster},
}

// errUsage reports a command line that cannot be run (exit 2). Returned as is, the usage was
// already printed; a *zUsageError matches it and carries the one line that run prints.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(args[1:], stdin, stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				if err != errUsage { // a usage error with its own message; flag errors were printed
					fmt.Fprintf(stderr, "gozenoh %s: %v\n", c.name, err)
				}
				return 2
			default:
				fmt.Fprintf(stderr, "gozenoh %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "gozenoh: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gozenoh <command> [arguments]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
}
