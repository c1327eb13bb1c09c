package session

import (
	"context"
	"errors"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// duplicateError aborts an outbound handshake whose link would lose to an existing transport.
type duplicateError struct{ t *Transport }

func (e *duplicateError) Error() string {
	return "session: already connected to " + e.t.ZID().String() + " by a preferred link"
}
func (e *duplicateError) Unwrap() error { return ErrDuplicate }

// quarantineError aborts an outbound handshake to a peer whose transport expired recently.
type quarantineError struct {
	zid   wire.ZenohID
	until time.Time
}

func (e *quarantineError) Error() string {
	return "session: peer " + e.zid.String() + " expired recently; not dialling it before " + e.until.Format(time.RFC3339Nano)
}
func (e *quarantineError) Unwrap() error { return ErrDuplicate }

// checkOutbound is asked about the peer of an outbound handshake once its InitAck names it.
func (m *Manager) checkOutbound(zid wire.ZenohID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t := m.table[zid]; t != nil && t.up() && !m.prefers(t, true) {
		return &duplicateError{t}
	}
	if until, ok := m.quarantine[zid]; ok {
		if time.Now().Before(until) {
			return &quarantineError{zid, until}
		}
		delete(m.quarantine, zid)
	}
	return nil
}

// prefers reports whether a new link to t's peer, opened by us (outbound) or by the peer,
// wins over t's active link.
func (m *Manager) prefers(t *Transport, outbound bool) bool {
	weOpenWinners := m.cfg.ZID.Compare(t.info.ZID) > 0
	act := t.active.Load()
	return outbound == weOpenWinners && (act == nil || act.outbound != weOpenWinners)
}

// admit turns a completed handshake into a transport: a new one, or a link of the existing
// one. For an inbound link it sends the OpenAck (after the transport exists, as Rust does) or
// refuses the link with a Close.
func (m *Manager) admit(ctx context.Context, r *hsResult) (*Transport, error) {
	reject := func(reason CloseReason, format string, args ...any) (*Transport, error) {
		m.stats.refused.Add(1)
		err := hsError(reason, format, args...)
		refuse(r.link, reason)
		return nil, err
	}
	for {
		m.mu.Lock()
		if m.closed {
			m.mu.Unlock()
			return reject(ReasonGeneric, "manager closed")
		}
		if r.ZID == m.cfg.ZID {
			m.mu.Unlock()
			return reject(ReasonConnectionToSelf, "peer has our own ZenohID")
		}
		t := m.table[r.ZID]
		if t != nil && !t.up() {
			// The previous transport is going down: its TransportDown comes first.
			m.mu.Unlock()
			select {
			case <-t.done:
				continue
			case <-ctx.Done():
				return reject(ReasonGeneric, "previous transport to the peer still closing")
			}
		}
		if t == nil {
			if len(m.table) >= m.cfg.MaxSessions {
				m.mu.Unlock()
				return reject(ReasonMaxSessions, "%d transports already", len(m.table))
			}
			t = newTransport(&m.cfg, m.log.With("peer", r.ZID.String()), r, m)
			m.table[r.ZID] = t
			m.mu.Unlock()
			return m.up(ctx, t, r)
		}
		if !t.info.compatible(&r.PeerInfo) {
			m.mu.Unlock()
			return reject(ReasonInvalid, "transport to %s exists with another configuration: %+v, new link %+v", r.ZID, t.info, r.PeerInfo)
		}
		winner := m.prefers(t, r.outbound)
		m.mu.Unlock()
		if t.linkCount() >= 2 {
			return reject(ReasonMaxLinks, "transport to %s already has two links", r.ZID)
		}
		var openAck func() error
		if !r.outbound {
			if !winner {
				return reject(ReasonMaxLinks, "transport to %s exists on a preferred link", r.ZID)
			}
			openAck = func() error { return sendOpenAck(&m.cfg, r, deadlineOf(ctx)) }
		}
		if err := t.attach(r, winner, r.outbound && winner, openAck); err != nil {
			r.link.Close()
			return nil, err
		}
		m.log.Debug("session: second link to peer", "peer", r.ZID, "winner", winner, "outbound", r.outbound)
		return t, nil
	}
}

// up completes a new transport: OpenAck for an inbound link, TransportUp, then start.
func (m *Manager) up(ctx context.Context, t *Transport, r *hsResult) (*Transport, error) {
	if !r.outbound {
		if err := sendOpenAck(&m.cfg, r, deadlineOf(ctx)); err != nil {
			r.link.Close()
			t.start(nopPeer{})
			t.down(err)
			return nil, err
		}
	}
	ph, err := m.h.TransportUp(t)
	if err != nil {
		t.start(nopPeer{})
		t.CloseWith(ReasonGeneric)
		return nil, err
	}
	t.start(ph)
	m.stats.opened.Add(1)
	m.log.Debug("session: transport up", "peer", t.info.ZID, "outbound", r.outbound, "qos", t.info.QoS,
		"batch", t.info.BatchSize, "resolution", t.info.Resolution.String(), "lease", t.info.Lease)
	return t, nil
}

func deadlineOf(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(refuseTimeout)
}

// nopPeer is the PeerHandler of a transport whose TransportUp failed.
type nopPeer struct{}

func (nopPeer) HandleNetwork(*wire.NetworkMessage, wire.Reliability) {}
func (nopPeer) TransportDown(error)                                  {}

// transportGone is called by a transport once it is down and its TransportDown has returned.
func (m *Manager) transportGone(t *Transport, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.table[t.info.ZID] == t {
		delete(m.table, t.info.ZID)
	}
	if errors.Is(err, ErrLeaseExpired) {
		m.quarantine[t.info.ZID] = time.Now().Add(m.cfg.Lease)
	}
}
