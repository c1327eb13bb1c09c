package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gozenoh/zenoh"
)

// openSession opens the Zenoh session the common flags describe. Configuration warnings go
// to stderr, one line each.
func (c *zFlags) openSession(ctx context.Context, p *zPrinter, stderr io.Writer) (*zenoh.Session, error) {
	cfg, warnings, err := c.zenohConfig()
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return nil, err
	}
	var opts []zenoh.OpenOption
	if log != nil {
		opts = append(opts, zenoh.WithLogger(log))
	}
	p.note("Opening session...")
	s, err := zenoh.Open(ctx, cfg, opts...)
	if err != nil {
		return nil, fmt.Errorf("opening the session: %w", err)
	}
	return s, nil
}
