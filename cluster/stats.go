package cluster

import "sync/atomic"

// Stats are a Bus's counters since New.
type Stats struct {
	Published       uint64 // events accepted into the publish queue
	Dropped         uint64 // events dropped because the publish queue was full
	EnvelopesSent   uint64 // envelopes handed to the transport (heartbeats included)
	HeartbeatsSent  uint64 // empty envelopes sent when idle (and the leave envelope)
	BytesSent       uint64 // envelope bytes handed to the transport
	PublishErrors   uint64 // envelopes the transport failed to send
	Received        uint64 // envelopes received (own echoes included)
	SelfSkipped     uint64 // own envelopes echoed back by the transport, skipped
	EventsReceived  uint64 // events accepted from other nodes
	Duplicates      uint64 // events received again or out of order, skipped
	Delivered       uint64 // handler calls that returned
	DeliveryDropped uint64 // deliveries dropped because a subscription's queue was full
	HandlerPanics   uint64 // handler calls that panicked (recovered)
	DecodeErrors    uint64 // envelopes or events that could not be decoded (BadVersion included)
	BadVersion      uint64 // envelopes of an unknown version
	UnknownKinds    uint64 // events of a built-in kind this node does not know, skipped
	Collisions      uint64 // node-id collisions detected
	// Resyncs counts the resyncs by reason: one per sender-level cause (delivered to every
	// subscription), plus one per subscription overflow.
	Resyncs map[ResyncReason]uint64
}

type counters struct {
	published, dropped, envelopesSent, heartbeatsSent, bytesSent, publishErrors   atomic.Uint64
	received, selfSkipped, eventsReceived, duplicates, delivered, deliveryDropped atomic.Uint64
	handlerPanics, decodeErrors, badVersion, unknownKinds, collisions             atomic.Uint64
	resyncs                                                                       [numReasons]atomic.Uint64
}

func (c *counters) snapshot() Stats {
	s := Stats{
		Published: c.published.Load(), Dropped: c.dropped.Load(),
		EnvelopesSent: c.envelopesSent.Load(), HeartbeatsSent: c.heartbeatsSent.Load(),
		BytesSent: c.bytesSent.Load(), PublishErrors: c.publishErrors.Load(),
		Received: c.received.Load(), SelfSkipped: c.selfSkipped.Load(),
		EventsReceived: c.eventsReceived.Load(), Duplicates: c.duplicates.Load(),
		Delivered: c.delivered.Load(), DeliveryDropped: c.deliveryDropped.Load(),
		HandlerPanics: c.handlerPanics.Load(), DecodeErrors: c.decodeErrors.Load(),
		BadVersion: c.badVersion.Load(), UnknownKinds: c.unknownKinds.Load(),
		Collisions: c.collisions.Load(),
		Resyncs:    map[ResyncReason]uint64{},
	}
	for r := ReasonGap; r < numReasons; r++ {
		if n := c.resyncs[r].Load(); n > 0 {
			s.Resyncs[r] = n
		}
	}
	return s
}

// TotalResyncs returns the sum of Resyncs.
func (s Stats) TotalResyncs() uint64 {
	var n uint64
	for _, v := range s.Resyncs {
		n += v
	}
	return n
}
