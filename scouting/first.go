package scouting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gozenoh/zenoh/wire"
)

// ConnectFirst is the start-up of a Zenoh client (orchestrator.rs connect_first): it scouts for
// the roles of cfg.Multicast.Autoconnect for at most cfg.Timeout and dials the nodes that answer,
// one at a time (their locators in parallel, as autoconnect does), each distinct Hello once,
// until one transport is up. It returns that node's ZenohID, or ErrNotFound (wrapped) with the
// dial errors.
func ConnectFirst(ctx context.Context, cfg Config, d Dialer) (wire.ZenohID, error) {
	return connectFirstOn(ctx, UDPNetwork{}, cfg, d)
}

func connectFirstOn(ctx context.Context, nw Network, cfg Config, d Dialer) (wire.ZenohID, error) {
	if d == nil {
		return wire.ZenohID{}, fmt.Errorf("%w: ConnectFirst needs a Dialer", ErrConfig)
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	var st counters
	c := newConnector(ctx, wire.ZenohID{}, cfg.Limits, d, &st, slog.New(slog.DiscardHandler))
	host := &hostView{}
	if all, err := nw.Interfaces(); err == nil {
		host.ifaces = all
	}
	var errs []error
	for h, err := range scoutOn(ctx, nw, cfg.Multicast.Autoconnect.Matcher, cfg) {
		if err != nil {
			return wire.ZenohID{}, err
		}
		if d.Connected(h.ZID) {
			return h.ZID, nil
		}
		var arrival *Interface
		for i := range host.ifaces {
			if host.ifaces[i].Name == h.Interface {
				arrival = &host.ifaces[i]
			}
		}
		cands := host.dialCandidates(h.Locators, h.Source.Addr(), arrival, cfg.Limits.MaxDialLocators)
		if len(cands) == 0 {
			continue
		}
		err = c.dialAll(h.ZID, cands)
		if err == nil || d.Connected(h.ZID) {
			return h.ZID, nil
		}
		errs = append(errs, fmt.Errorf("%v: %w", h.ZID, err))
	}
	return wire.ZenohID{}, fmt.Errorf("%w (%v): %w", ErrNotFound, cfg.Timeout, errors.Join(errs...))
}
