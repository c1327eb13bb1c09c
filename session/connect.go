package session

import (
	"errors"
	"net"
	"time"
)

// Connect keeps endpoint dialled until Close: it dials now, retries on the ConnectRetry
// schedule (or the endpoint's retry_period_* config) while it fails, and dials again as soon
// as the transport it reached goes down. It returns an error only for an invalid endpoint.
func (m *Manager) Connect(endpoint string) error {
	ep, p, err := m.endpoint(endpoint)
	if err != nil {
		return err
	}
	return m.connect(ep, p)
}

func (m *Manager) connect(ep Endpoint, p Protocol) error {
	r, err := retryFor(ep, m.cfg.ConnectRetry)
	if err != nil {
		return err
	}
	if !m.spawn(func() { m.connectLoop(ep, p, r) }) {
		return ErrClosed
	}
	return nil
}

// connectLoop is the life of one Connect endpoint.
func (m *Manager) connectLoop(ep Endpoint, p Protocol, r Retry) {
	b := newBackoff(r)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	sleep := func(d time.Duration) bool {
		timer.Reset(d)
		select {
		case <-timer.C:
			return true
		case <-m.ctx.Done():
			return false
		}
	}
	for m.ctx.Err() == nil {
		t, err := m.open(m.ctx, ep, p)
		if m.ctx.Err() != nil {
			return
		}
		if t != nil {
			b.Reset()
			select {
			case <-t.Done():
			case <-m.ctx.Done():
				return
			}
			continue
		}
		var q *quarantineError
		if errors.As(err, &q) {
			m.log.Debug("session: peer in quarantine", "endpoint", ep.String(), "until", q.until)
			if !sleep(time.Until(q.until)) {
				return
			}
			continue
		}
		d := b.Next()
		m.log.Debug("session: connect failed", "endpoint", ep.String(), "err", err, "retry_in", d)
		if !sleep(d) {
			return
		}
	}
}

// isClosedErr reports a listener or connection closed locally.
func isClosedErr(err error) bool { return errors.Is(err, net.ErrClosed) }
