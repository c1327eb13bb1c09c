package zenoh

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gozenoh/zenoh/config"
	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// start brings the session up: scouting state, listeners, connections, multicast scouting.
func (s *Session) start(ctx context.Context) error {
	scfg := scoutingConfig(&s.cfg, s.mode)
	if s.mode == wire.Peer {
		sc, err := scouting.New(scfg, scouting.Options{
			ZID: s.zid, WhatAmI: s.mode, Dialer: dialer{s.mgr}, Logger: s.userLog,
			Locators: s.wireLocators,
		})
		if err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
		s.sc = sc
	}
	if err := s.listen(); err != nil {
		return err
	}
	if err := s.mgr.Start(); err != nil { // nothing configured in it: starts no goroutine
		return err
	}
	eps := s.cfg.ConnectEndpoints()
	if s.mode == wire.Client {
		if len(eps) == 0 {
			if !scfg.Multicast.Enabled {
				return fmt.Errorf("%w: client mode needs connect endpoints or multicast scouting", ErrConfig)
			}
			if _, err := scouting.ConnectFirst(ctx, scfg, dialer{s.mgr}); err != nil {
				return fmt.Errorf("%w: %w", ErrConnect, err)
			}
			return nil
		}
		return s.connectFirst(ctx, eps)
	}
	// As Zenoh's start_peer: with open/return_conditions/connect_scouted (the default), Open
	// waits, for scouting/delay at most, for its connections and, with
	// open/return_conditions/declares (the default), for the initial declarations of the peers
	// they reached; without connect_scouted it waits for nothing.
	rc := s.cfg.Open.ReturnConditions
	deadline := time.Now().Add(scfg.Delay)
	if len(eps) > 0 {
		wait := scfg.Delay
		if !rc.ConnectScouted {
			wait = 0
		}
		s.connectPeers(ctx, eps, wait)
	}
	if err := s.sc.Start(); err != nil {
		s.log.Warn("zenoh: multicast scouting unavailable", "err", err)
	} else if scfg.Multicast.Enabled && scfg.Multicast.Autoconnect.Enabled() && rc.ConnectScouted {
		if err := s.sc.WaitStartup(ctx); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if rc.ConnectScouted && rc.Declares && (scfg.Multicast.Enabled || len(eps) > 0) {
		return s.waitDeclares(ctx, deadline)
	}
	return nil
}

// waitDeclares waits until every peer connected now has sent its initial declarations
// (DeclareFinal(0)), until deadline at most, as Zenoh's open does with
// open/return_conditions/declares: from then on its publications and queries reach those peers
// only where they have subscribers and queryables, and their liveliness tokens are known. A
// deadline that passes is not an error (Zenoh logs it and opens); ctx ending is.
func (s *Session) waitDeclares(ctx context.Context, deadline time.Time) error {
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := s.rt.WaitDeclares(wctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.Debug("zenoh: scouting delay elapsed before the peers' initial declarations arrived", "err", err)
	}
	return nil
}

// wireLocators returns the locators of the session's listeners, for scouting.
func (s *Session) wireLocators() []wire.Locator {
	ls := s.mgr.Locators()
	out := make([]wire.Locator, len(ls))
	for i, l := range ls {
		out[i] = wire.Locator(l)
	}
	return out
}

// listen binds the configured listen endpoints. A failure fails Open unless
// listen/exit_on_failure is false.
func (s *Session) listen() error {
	exit := s.cfg.ListenRetry().ExitOnFailure
	for _, ep := range s.cfg.ListenEndpoints() {
		if _, err := s.mgr.Listen(string(ep)); err != nil {
			if exit {
				return fmt.Errorf("zenoh: listening on %s: %w", ep, err)
			}
			s.log.Warn("zenoh: cannot listen", "endpoint", string(ep), "err", err)
		}
	}
	return nil
}

// connectFirst is a client's start: the endpoints are tried in order, once each, until one
// connects; that one is kept connected afterwards.
func (s *Session) connectFirst(ctx context.Context, eps []config.EndPoint) error {
	var errs []error
	for _, ep := range eps {
		t, err := s.mgr.Open(ctx, string(ep))
		if err == nil {
			s.keepConnected(string(ep), t)
			return nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("%w: %w", ErrConnect, errors.Join(errs...))
}

// connectPeers is a peer's start: every endpoint is dialled at once, in the background, and
// kept connected afterwards; Open waits for these first dials for at most delay
// (scouting/delay; 0 without open/return_conditions/connect_scouted), as Zenoh's open waits
// for its start conditions.
func (s *Session) connectPeers(ctx context.Context, eps []config.EndPoint, delay time.Duration) {
	first := make(chan struct{}, len(eps))
	for _, ep := range eps {
		ep := string(ep)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			t, err := s.mgr.Open(s.bg, ep)
			first <- struct{}{}
			if err != nil {
				s.log.Debug("zenoh: first connect failed, retrying in the background", "endpoint", ep, "err", err)
				s.redial(ep)
				return
			}
			s.waitThenRedial(ep, t)
		}()
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for range eps {
		select {
		case <-first:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// keepConnected redials ep whenever the transport t it reached goes down.
func (s *Session) keepConnected(ep string, t *session.Transport) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.waitThenRedial(ep, t)
	}()
}

// waitThenRedial waits for t to go down and hands ep to the manager's connect loop (dial with
// retry, forever).
func (s *Session) waitThenRedial(ep string, t *session.Transport) {
	select {
	case <-t.Done():
		s.redial(ep)
	case <-s.closing:
	}
}

// redial keeps ep connected with the manager's retry schedule.
func (s *Session) redial(ep string) {
	if err := s.mgr.Connect(ep); err != nil && !errors.Is(err, session.ErrClosed) {
		s.log.Warn("zenoh: cannot keep endpoint connected", "endpoint", ep, "err", err)
	}
}
