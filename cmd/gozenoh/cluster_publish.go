package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gozenoh/zenoh/cluster"
)

// maxClusterPublishCount bounds --count.
const maxClusterPublishCount = 1 << 20

// runClusterPublish publishes events and leaves; SIGINT or SIGTERM cut the wait short.
func runClusterPublish(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return clusterPublish(ctx, args, stdin, stdout, stderr)
}

// clusterPublish joins the cluster, waits until the members it can see are connected, publishes
// the event of the command line (or those of stdin), flushes, and leaves.
func clusterPublish(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluster publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gozenoh cluster publish --config FILE [flags] EVENT [ARGS...]\n       gozenoh cluster publish --config FILE [flags] --stdin\n\nflags (before the event):")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nevents:")
		fmt.Fprint(stderr, clusterEventForms)
	}
	var cf clusterFlags
	cf.register(fs)
	timeout := fs.Duration("timeout", 5*time.Second, "the longest wait for the members before publishing")
	want := fs.Int("members", 0, "wait until this many other members are up; fail if they are not within --timeout")
	settle := fs.Duration("settle", 500*time.Millisecond, "publish once the membership has not changed for this long")
	count := fs.Int("count", 1, "publish the event this many times")
	fromStdin := fs.Bool("stdin", false, "publish the events read from standard input, one per line, instead")
	verbose := fs.Bool("v", false, "log the bus's activity to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var ev cluster.Event
	switch {
	case *fromStdin && fs.NArg() > 0:
		fmt.Fprintln(stderr, "gozenoh cluster publish: --stdin takes no event on the command line")
		return errUsage
	case !*fromStdin && fs.NArg() == 0:
		fs.Usage()
		return errUsage
	case !*fromStdin:
		var err error
		if ev, err = cluster.ParseEventArgs(fs.Args()); err != nil {
			return err
		}
	}
	if *count < 1 || *count > maxClusterPublishCount {
		return fmt.Errorf("--count %d is out of range 1..%d", *count, maxClusterPublishCount)
	}
	if *want < 0 || *want > 0xFFFF || *timeout <= 0 || *settle < 0 {
		return errors.New("--members must be in 0..65535, --timeout positive and --settle not negative")
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if ev != nil && *count > cfg.QueueSize {
		cfg.QueueSize = *count // so that a burst is not dropped by the publish queue
	}
	bus, err := openBus(ctx, cfg, cluster.WithLogger(clusterLogger(stderr, *verbose)))
	if err != nil {
		return err
	}
	defer bus.Close()
	out := newClusterPrinter(stdout, cf.json)
	out.setSelf(bus.Self())
	ch, sub := bus.SubscribeChan(cluster.Kinds(cluster.KindMemberUp, cluster.KindMemberDown))
	others, err := waitClusterMembers(ctx, bus, ch, *want, *settle, *timeout)
	_ = sub.Close()
	if err != nil {
		return err
	}
	out.membersNow(bus.Members())
	if others == 0 {
		fmt.Fprintln(stderr, "gozenoh cluster publish: warning: no other member is up; the events reach nobody")
	}
	dropped := 0
	if ev != nil {
		for range *count {
			d, _ := clusterPublishOne(bus, ev, out)
			dropped += d
		}
	} else if dropped, err = clusterPublishFrom(ctx, bus, stdin, out); err != nil {
		return err
	}
	out.leave()
	_ = bus.Close() // sends what is queued, then the leave envelope
	if err := out.Err(); err != nil {
		return err
	}
	if dropped > 0 {
		return fmt.Errorf("%d events dropped: the publish queue was full (raise [cluster] queue-size)", dropped)
	}
	return nil
}

// errClusterMembersTimeout reports that --members were not all up within --timeout.
var errClusterMembersTimeout = errors.New("timed out waiting for the members")

// waitClusterMembers waits until at least want other members are up and the membership has been
// stable for settle, or until timeout (an error only when want is not reached). It returns the
// number of other members up.
func waitClusterMembers(ctx context.Context, bus *cluster.Bus, ch <-chan cluster.Delivery, want int, settle, timeout time.Duration) (int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	quiet := time.NewTimer(settle)
	defer quiet.Stop()
	for {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case _, ok := <-ch:
			if !ok {
				return 0, cluster.ErrClosed
			}
			quiet.Reset(settle)
		case <-quiet.C:
			if n := otherClusterMembers(bus); n >= want {
				return n, nil
			}
		case <-deadline.C:
			n := otherClusterMembers(bus)
			if n < want {
				return n, fmt.Errorf("%w: %d of %d other members up after %v", errClusterMembersTimeout, n, want, timeout)
			}
			return n, nil
		}
	}
}

// otherClusterMembers counts the distinct node ids up, this node's excluded.
func otherClusterMembers(bus *cluster.Bus) int {
	self, _ := bus.Self()
	ids := map[cluster.NodeID]bool{}
	for _, m := range bus.Members() {
		if m.ID != self {
			ids[m.ID] = true
		}
	}
	return len(ids)
}

// clusterEventForms lists the command-line forms of the events.
const clusterEventForms = `  state-change <account> <change-id> [--types=<bitmap>]
  email-push <account> <email> <change-id>
  calendar-alert <account> <event> [--recurrence=<id>] [--uid=<uid>] [--alert=<id>]
  push-server-update <account>
  cache-invalidate <cache>:<id>...        (cache: account, domain, access-token, ... or a number)
  cache-invalidate-all [--negative]
  settings-reload [<section>]
  object-changed insert|update|delete <type> <id>
  blocked-ip <address or prefix> [--expires=<RFC 3339>] [--reason=<text>]
  certificate-renewed <name>... [--not-after=<RFC 3339>]
  spam-model-reload
  queue-status running|paused
  queue-refresh [<queue>]
`
