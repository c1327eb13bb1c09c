package session

import (
	"context"
	"errors"
	"time"
)

// Listen binds an endpoint now and accepts links on it until Close.
func (m *Manager) Listen(endpoint string) (Listener, error) {
	ep, p, err := m.endpoint(endpoint)
	if err != nil {
		return nil, err
	}
	return m.listen(ep, p)
}

func (m *Manager) listen(ep Endpoint, p Protocol) (Listener, error) {
	ln, err := p.Listen(ep)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		ln.Close()
		return nil, ErrClosed
	}
	m.listeners = append(m.listeners, ln)
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		m.acceptLoop(ln)
	}()
	m.log.Debug("session: listening", "endpoint", ln.Endpoint().String(), "locators", ln.Locators())
	return ln, nil
}

// listenLoop retries a listener that failed to bind.
func (m *Manager) listenLoop(ep Endpoint, p Protocol) {
	r, err := retryFor(ep, m.cfg.ListenRetry)
	if err != nil {
		return
	}
	_ = retryUntil(m.ctx, newBackoff(r), func(context.Context) error {
		_, err := m.listen(ep, p)
		if errors.Is(err, ErrClosed) {
			return nil
		}
		return err
	}, func(err error, d time.Duration) {
		m.log.Debug("session: listen retry", "endpoint", ep.String(), "err", err, "in", d)
	})
}

// Locators returns the locators peers can dial to reach the listeners.
func (m *Manager) Locators() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, ln := range m.listeners {
		out = append(out, ln.Locators()...)
	}
	return out
}

// acceptLoop accepts links until the listener is closed.
func (m *Manager) acceptLoop(ln Listener) {
	t := time.NewTimer(time.Hour)
	t.Stop()
	defer t.Stop()
	for {
		l, err := ln.Accept()
		if err != nil {
			if m.ctx.Err() != nil || errors.Is(err, ErrClosed) || isClosedErr(err) {
				return
			}
			m.log.Debug("session: accept failed", "err", err)
			t.Reset(acceptThrottle)
			select {
			case <-t.C:
			case <-m.ctx.Done():
				return
			}
			continue
		}
		m.mu.Lock()
		ok := !m.closed && m.pending < m.cfg.AcceptPending
		if ok {
			m.pending++
			m.wg.Add(1)
		}
		m.mu.Unlock()
		if !ok {
			l.Close() // like Rust: too many pending handshakes, closed without a word
			m.stats.acceptsDropped.Add(1)
			continue
		}
		go func() {
			defer m.wg.Done()
			m.inbound(l)
			m.mu.Lock()
			m.pending--
			m.mu.Unlock()
		}()
	}
}

// inbound runs the acceptor's handshake on a new link and admits it.
func (m *Manager) inbound(l Link) {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.AcceptTimeout)
	defer cancel()
	r, err := acceptLink(ctx, &m.cfg, &m.key, l)
	if err != nil {
		m.stats.hsFailed.Add(1)
		m.log.Debug("session: accept handshake failed", "link", l.RemoteLocator(), "err", err)
		return
	}
	if _, err := m.admit(ctx, r); err != nil {
		m.log.Debug("session: inbound link refused", "peer", r.ZID, "err", err)
	}
}
