package cluster

import "time"

// Hard limits on everything a peer controls. Decoding checks each of them before allocating.
const (
	// MaxEnvelopeBytes is the largest envelope accepted or sent.
	MaxEnvelopeBytes = 1 << 20
	// MaxEnvelopeEvents is the largest number of events in one envelope.
	MaxEnvelopeEvents = 4096
	// MaxEventBytes is the largest encoded event body.
	MaxEventBytes = 512 << 10
	// MaxStringBytes is the largest string inside an event body.
	MaxStringBytes = 64 << 10
	// MaxListItems is the largest number of items in a list inside an event body (cache
	// invalidations, certificate names).
	MaxListItems = 1 << 16
	// MaxIncarnationsPerNode is how many incarnations of one node id the receive side tracks
	// at once; older ones are forgotten.
	MaxIncarnationsPerNode = 4
	// MaxTrackedPeers is how many (node id, incarnation) pairs the receive side tracks at once.
	// A new pair beyond it evicts the least recently heard one.
	MaxTrackedPeers = 4096
)

// Defaults of the tunables in ClusterConfig.
const (
	// DefaultKeyPrefix is the key-expression prefix: events go to <prefix>/events and liveliness
	// tokens to <prefix>/node/<id>/<incarnation>. (Stalwart uses the single key "stwt.agora".)
	DefaultKeyPrefix = "mail/cluster"
	// DefaultQueueSize is the capacity of the publish queue (Stalwart: 1024).
	DefaultQueueSize = 1024
	// DefaultMaxBatchEvents is the largest number of events per envelope (Stalwart: 100).
	DefaultMaxBatchEvents = 100
	// DefaultMaxBatchBytes is the envelope size at which a batch is cut. A single event larger
	// than this travels alone.
	DefaultMaxBatchBytes = 64 << 10
	// DefaultLingerMS is how long, in milliseconds, the batcher waits after the first event of a
	// batch for more events.
	DefaultLingerMS = 2
	// DefaultDeliveryQueue is the capacity of each subscription's delivery queue.
	DefaultDeliveryQueue = 4096
	// DefaultHeartbeatMS is the idle time, in milliseconds, after which a node sends an empty
	// envelope carrying its next sequence number, so that a lost last envelope is detected.
	DefaultHeartbeatMS = 2000
	// DefaultTokenGrace is how long the Bus waits for a member's leave envelope after the
	// member's liveliness token went away, before it reports the member down and resyncs it
	// (ClusterConfig.TokenGrace).
	DefaultTokenGrace = 250 * time.Millisecond
)
