package zenoh

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// node adapts the session's transports to routing and gossip: it is the session.Handler of the
// transport manager.
type node struct{ s *Session }

// TransportUp opens a routing face for a new transport and, with gossip, a gossip link.
func (n node) TransportUp(t *session.Transport) (session.PeerHandler, error) {
	s := n.s
	info := t.Info()
	f, err := s.rt.OpenFace(routing.FaceInfo{ZID: info.ZID, WhatAmI: info.WhatAmI}, t)
	if err != nil {
		return nil, err
	}
	p := &peer{s: s, t: t, f: f}
	f.SetData(p)
	f.DeferCounts() // EndBatch adds them up
	if s.sc != nil && info.WhatAmI != wire.Client {
		if err := s.sc.Gossip().LinkUp(info.ZID, info.WhatAmI, remoteAddr(t), p.sendGossip); err != nil {
			s.log.Debug("zenoh: gossip link refused", "peer", info.ZID, "err", err)
		}
	}
	s.log.Debug("zenoh: transport up", "peer", info.ZID, "whatami", info.WhatAmI)
	s.tev.opened(t)
	return p, nil
}

// peer is the handler of one transport's messages.
type peer struct {
	s *Session
	t *session.Transport
	f *routing.Face
	// failed is set by the first message that made routing fail the face: that one disconnects
	// and is counted; the messages still in flight behind it are dropped.
	failed atomic.Bool
	// ends holds what waits for the end of the batch being handled: deferred consumer
	// wake-ups (see sampleQueue.commit) and direct subscribers' counts (see directSink);
	// the transport's readers use it in turn.
	ends batchEnd
}

// EndBatch adds up the counters the batch's messages deferred and wakes the consumers whose
// wake-up they deferred.
func (p *peer) EndBatch() {
	p.f.EndBatch()
	p.ends.flush()
}

// HandleNetwork routes one message; a face that exceeds a routing limit is disconnected.
func (p *peer) HandleNetwork(m *wire.NetworkMessage, rel wire.Reliability) {
	if m.ID == wire.NetIDOAM {
		if m.OAM.OAMID == wire.OAMIDLinkState && m.OAM.Enc == wire.ExtZBuf && p.s.sc != nil {
			if err := p.s.sc.Gossip().Handle(p.t.ZID(), m.OAM.Body); err != nil {
				p.s.st.gossipErrors.Add(1)
				p.s.log.Debug("zenoh: gossip message dropped", "peer", p.t.ZID(), "err", err)
			}
		}
		return
	}
	if p.failed.Load() {
		return
	}
	if err := p.s.rt.Handle(p.f, m, rel); err != nil {
		if !p.failed.CompareAndSwap(false, true) {
			return
		}
		if p.f.Err() != nil && !p.s.isClosed() {
			p.s.st.facesClosed.Add(1)
		}
		p.s.log.Warn("zenoh: disconnecting a node that exceeded a limit", "peer", p.t.ZID(), "err", err)
		p.t.CloseWith(session.ReasonInvalid)
		p.s.rt.CloseFace(p.f)
	}
}

// TransportDown removes the face and tells scouting and the transport listeners.
func (p *peer) TransportDown(err error) {
	p.s.rt.CloseFace(p.f)
	p.s.tev.closed(p.t, err)
	if p.s.sc != nil {
		p.s.sc.TransportDown(p.t.ZID())
	}
	p.s.log.Debug("zenoh: transport down", "peer", p.t.ZID(), "err", err)
}

// sendGossip sends a link-state list to the peer in a network OAM, as Zenoh does.
func (p *peer) sendGossip(body []byte) error {
	m := wire.NetworkMessage{ID: wire.NetIDOAM, OAM: wire.NetworkOAM{
		OAMID: wire.OAMIDLinkState, QoS: wire.NewNetQoS(wire.PriorityControl, wire.CongestionBlock, false),
		Enc: wire.ExtZBuf, Body: body}}
	return p.t.Send(&m, wire.Reliable)
}

// remoteAddr returns the remote address of a transport's active link (zero when unknown).
func remoteAddr(t *session.Transport) netip.Addr {
	ls := t.Links()
	if len(ls) == 0 {
		return netip.Addr{}
	}
	_, a, ok := strings.Cut(ls[0].Remote, "/")
	if !ok {
		return netip.Addr{}
	}
	if i := strings.IndexAny(a, "?#"); i >= 0 {
		a = a[:i]
	}
	ap, err := netip.ParseAddrPort(a)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// dialer opens transports for scouting's autoconnect and client start-up.
type dialer struct{ m *session.Manager }

// Connected reports whether a transport to zid exists.
func (d dialer) Connected(zid wire.ZenohID) bool { return d.m.Transport(zid) != nil }

// Dial opens a transport to zid through locator.
func (d dialer) Dial(ctx context.Context, zid wire.ZenohID, l wire.Locator) error {
	t, err := d.m.Open(ctx, string(l))
	if err != nil {
		if d.m.Transport(zid) != nil {
			return nil // the other side's dial won
		}
		return err
	}
	if t.ZID() != zid {
		return fmt.Errorf("zenoh: %s leads to %v, not %v", l, t.ZID(), zid)
	}
	return nil
}
