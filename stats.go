package zenoh

import (
	"sync/atomic"

	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/session"
)

// RoutingStats are the routing counters (see routing.Stats).
type RoutingStats = routing.Stats

// TransportManagerStats are the transport manager's counters (see session.ManagerStats).
type TransportManagerStats = session.ManagerStats

// TransportStats are one transport's counters (see session.Stats).
type TransportStats = session.Stats

// ScoutingStats are the scouting counters (see scouting.Stats).
type ScoutingStats = scouting.Stats

// Stats is a snapshot of a session's counters: the public API's own, and those of the layers
// below. Counters are totals since Open.
type Stats struct {
	// SamplesDelivered counts subscriber callback calls and channel deliveries; SamplesDropped
	// the samples a full subscriber queue or channel dropped (see OverflowPolicy).
	SamplesDelivered uint64
	SamplesDropped   uint64
	// CallbackPanics counts user callbacks (subscribers, queryables, listeners) that panicked;
	// the panic was recovered and the session went on.
	CallbackPanics uint64
	// QueriesDelivered counts queries given to queryable callbacks; QueriesDropped those that
	// found a queryable's queue full (finished at once without reply).
	QueriesDelivered uint64
	QueriesDropped   uint64
	// RepliesDropped counts replies a Get could not keep (MaxGetReplies reached, or the caller
	// stopped iterating).
	RepliesDropped uint64
	// FacesClosed counts remote nodes disconnected for exceeding a routing limit (LimitError).
	FacesClosed uint64
	// GossipErrors counts gossip messages that were malformed or came from unknown links.
	GossipErrors uint64
	// TransportEventsDropped counts the transport events that a transport listener whose
	// callback fell behind never delivered (the Opened and Closed pairs of transports that came
	// and went while its queue was full; see TransportListener).
	TransportEventsDropped uint64

	// Routing, Transport and Scouting are the counters of the layers below; Transports has one
	// entry per open transport.
	Routing    RoutingStats
	Transport  TransportManagerStats
	Scouting   ScoutingStats
	Transports []TransportInfo
}

// TransportInfo describes one transport of the session.
type TransportInfo struct {
	ZID     ZenohID
	WhatAmI WhatAmI
	QoS     bool       // the transport has the eight priorities' channels
	Links   []LinkInfo // the active link first
	Stats   TransportStats
}

// transportInfoOf describes t.
func transportInfoOf(t *session.Transport) TransportInfo {
	info := t.Info()
	return TransportInfo{ZID: info.ZID, WhatAmI: info.WhatAmI, QoS: info.QoS, Links: t.Links(), Stats: t.Stats()}
}

// LinkInfo describes one link of a transport.
type LinkInfo = session.LinkInfo

// apiCounters are the live counters of the public API.
type apiCounters struct {
	samplesDelivered, samplesDropped, callbackPanics atomic.Uint64
	queriesDelivered, queriesDropped, repliesDropped atomic.Uint64
	facesClosed, gossipErrors                        atomic.Uint64

	transportEventsDropped atomic.Uint64
}

// Stats returns a snapshot of the session's counters.
func (s *Session) Stats() Stats {
	c := &s.st
	st := Stats{
		SamplesDelivered: c.samplesDelivered.Load(),
		SamplesDropped:   c.samplesDropped.Load(),
		CallbackPanics:   c.callbackPanics.Load(),
		QueriesDelivered: c.queriesDelivered.Load(),
		QueriesDropped:   c.queriesDropped.Load(),
		RepliesDropped:   c.repliesDropped.Load(),
		FacesClosed:      c.facesClosed.Load(),
		GossipErrors:     c.gossipErrors.Load(),
		Routing:          s.rt.Stats(),
		Transport:        s.mgr.Stats(),
	}
	st.TransportEventsDropped = c.transportEventsDropped.Load()
	if s.sc != nil {
		st.Scouting = s.sc.Stats()
	}
	for _, t := range s.mgr.Transports() {
		st.Transports = append(st.Transports, transportInfoOf(t))
	}
	return st
}
