package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gozenoh/zenoh/cluster"
)

// runClusterRun runs a node until SIGINT or SIGTERM.
func runClusterRun(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return clusterRun(ctx, args, stdin, stdout, stderr)
}

// clusterRun joins the cluster, prints the membership and every delivery, publishes the events
// read from stdin (with --stdin), and leaves when ctx is done.
func clusterRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluster run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gozenoh cluster run --config FILE [--node-id N] [--json] [--stdin] [-v]")
		fs.PrintDefaults()
	}
	var cf clusterFlags
	cf.register(fs)
	fromStdin := fs.Bool("stdin", false, "also publish the events read from standard input, one per line (\"blocked-ip 203.0.113.7/32 --reason=spam\")")
	verbose := fs.Bool("v", false, "log the bus's activity to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gozenoh cluster run: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	bus, err := openBus(ctx, cfg, cluster.WithLogger(clusterLogger(stderr, *verbose)))
	if err != nil {
		return err
	}
	out := newClusterPrinter(stdout, cf.json)
	out.setSelf(bus.Self())
	// The join line is stamped once the subscription is active (every later event reaches it)
	// and printed before any delivery.
	ready := make(chan struct{})
	bus.Subscribe(func(d cluster.Delivery) {
		<-ready
		out.delivery(d)
	})
	out.join(stampNow(), cluster.EventKey(bus.Config().KeyPrefix), bus.Members())
	close(ready)
	if *fromStdin {
		go func() {
			if _, err := clusterPublishFrom(ctx, bus, stdin, out); err != nil {
				out.inputError("", err)
			}
		}()
	}
	<-ctx.Done()
	out.leave()
	_ = bus.Close()
	out.stats(bus.Stats())
	return out.Err()
}

// clusterPublishFrom publishes the events read from r, one per line, until EOF or until the Bus is
// closed. Blank lines and lines starting with '#' are skipped; "!stats" prints the counters.
// It returns the number of events the publish queue dropped.
func clusterPublishFrom(ctx context.Context, bus *cluster.Bus, r io.Reader, out *clusterPrinter) (dropped int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEventLine)
	for sc.Scan() {
		if ctx.Err() != nil {
			return dropped, nil
		}
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#':
			continue
		case line == "!stats":
			out.stats(bus.Stats())
			continue
		}
		words, err := splitEventWords(line)
		if err != nil {
			out.inputError(line, err)
			continue
		}
		ev, err := cluster.ParseEventArgs(words)
		if err != nil {
			out.inputError(line, err)
			continue
		}
		d, closed := clusterPublishOne(bus, ev, out)
		if closed {
			return dropped, nil
		}
		dropped += d
	}
	return dropped, sc.Err()
}

// clusterPublishOne publishes ev and prints it. It returns 1 when the publish queue dropped the
// event, and closed when the Bus is closed.
func clusterPublishOne(bus *cluster.Bus, ev cluster.Event, out *clusterPrinter) (dropped int, closed bool) {
	t := stampNow() // before Publish: the event exists from this instant on
	seq, err := bus.Publish(ev)
	switch {
	case errors.Is(err, cluster.ErrClosed):
		return 0, true
	case errors.Is(err, cluster.ErrQueueFull):
		out.published(t, ev, seq, err)
		return 1, false
	case err != nil:
		out.inputError(cluster.FormatEvent(ev), err)
		return 0, false
	}
	out.published(t, ev, seq, nil)
	return 0, false
}

// clusterLogger logs warnings (and, verbose, everything) to w.
func clusterLogger(w io.Writer, verbose bool) *slog.Logger {
	lvl := slog.LevelWarn
	if verbose {
		lvl = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl}))
}
