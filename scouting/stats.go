package scouting

import "sync/atomic"

// Stats is a snapshot of a Scouter's counters. Every dropped input is counted under its reason.
type Stats struct {
	// Scouts sent to the group (one per socket and round), and send failures of any datagram.
	ScoutsSent, SendErrors uint64

	// Datagrams on the listening socket: Scouts received and answered, and those dropped.
	ScoutsReceived    uint64
	ScoutsAnswered    uint64
	ScoutsFromSelf    uint64 // our own Scouts, looped back
	ScoutsNotForUs    uint64 // the matcher excludes our role
	ScoutsRateLimited uint64 // token bucket or per-source interval
	ScoutsNoLocators  uint64 // nothing reachable to advertise on that interface

	// Datagrams on the scout sockets: Hellos received and used, and those dropped.
	HellosReceived   uint64
	HellosAccepted   uint64
	HellosNoLocators uint64
	HellosNotWanted  uint64 // role outside the matcher
	HellosFromSelf   uint64

	// Input dropped before or while decoding, on any socket.
	Malformed    uint64 // does not decode (forged or truncated)
	Oversized    uint64 // longer than MaxScoutLen or MaxHelloLen
	WrongVersion uint64 // protocol version other than 0x09
	Unexpected   uint64 // a Hello on the listening socket or a Scout on a scout socket

	// Autoconnect.
	DialsStarted      uint64 // nodes dialled
	DialsSucceeded    uint64
	DialsFailed       uint64
	DialsDeferred     uint64 // MaxDials in flight or the dial rate exhausted; retried on the next news
	LocatorAttempts   uint64
	LocatorFailures   uint64
	SkippedConnected  uint64 // a transport to the node already exists
	SkippedInFlight   uint64 // a dial to the node is already running
	SkippedBackoff    uint64 // the node failed recently
	SkippedStrategy   uint64 // autoconnect matcher or strategy says no
	SkippedNoLocators uint64 // nothing dialable after filtering
	NodesEvicted      uint64 // table full: the stalest entry made room
	NodesExpired      uint64
	NodesRejected     uint64 // table full of entries being dialled
	Nodes             int    // entries in the table now

	// Gossip.
	GossipReceived  uint64 // link-state lists received
	GossipSent      uint64
	GossipMalformed uint64
	GossipDropped   uint64 // from unknown links, over limits, or send errors
	GossipStates    uint64 // states received
	GossipUnknownID uint64 // states with a psid never mapped to a ZenohID
	GossipLinks     int    // gossip links now
}

// counters are the live counters behind Stats.
type counters struct {
	scoutsSent, sendErrors                                                   atomic.Uint64
	scoutsReceived, scoutsAnswered, scoutsFromSelf, scoutsNotForUs           atomic.Uint64
	scoutsRateLimited, scoutsNoLocators                                      atomic.Uint64
	hellosReceived, hellosAccepted, hellosNoLocators, hellosNotWanted        atomic.Uint64
	hellosFromSelf                                                           atomic.Uint64
	malformed, oversized, wrongVersion, unexpected                           atomic.Uint64
	dialsStarted, dialsSucceeded, dialsFailed, dialsDeferred                 atomic.Uint64
	locatorAttempts, locatorFailures                                         atomic.Uint64
	skippedConnected, skippedInFlight, skippedBackoff, skippedStrategy       atomic.Uint64
	skippedNoLocators, nodesEvicted, nodesExpired, nodesRejected             atomic.Uint64
	gossipReceived, gossipSent, gossipMalformed, gossipDropped, gossipStates atomic.Uint64
	gossipUnknownID                                                          atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		ScoutsSent: c.scoutsSent.Load(), SendErrors: c.sendErrors.Load(),
		ScoutsReceived: c.scoutsReceived.Load(), ScoutsAnswered: c.scoutsAnswered.Load(),
		ScoutsFromSelf: c.scoutsFromSelf.Load(), ScoutsNotForUs: c.scoutsNotForUs.Load(),
		ScoutsRateLimited: c.scoutsRateLimited.Load(), ScoutsNoLocators: c.scoutsNoLocators.Load(),
		HellosReceived: c.hellosReceived.Load(), HellosAccepted: c.hellosAccepted.Load(),
		HellosNoLocators: c.hellosNoLocators.Load(), HellosNotWanted: c.hellosNotWanted.Load(),
		HellosFromSelf: c.hellosFromSelf.Load(),
		Malformed:      c.malformed.Load(), Oversized: c.oversized.Load(),
		WrongVersion: c.wrongVersion.Load(), Unexpected: c.unexpected.Load(),
		DialsStarted: c.dialsStarted.Load(), DialsSucceeded: c.dialsSucceeded.Load(),
		DialsFailed: c.dialsFailed.Load(), DialsDeferred: c.dialsDeferred.Load(),
		LocatorAttempts: c.locatorAttempts.Load(), LocatorFailures: c.locatorFailures.Load(),
		SkippedConnected: c.skippedConnected.Load(), SkippedInFlight: c.skippedInFlight.Load(),
		SkippedBackoff: c.skippedBackoff.Load(), SkippedStrategy: c.skippedStrategy.Load(),
		SkippedNoLocators: c.skippedNoLocators.Load(), NodesEvicted: c.nodesEvicted.Load(),
		NodesExpired: c.nodesExpired.Load(), NodesRejected: c.nodesRejected.Load(),
		GossipReceived: c.gossipReceived.Load(), GossipSent: c.gossipSent.Load(),
		GossipMalformed: c.gossipMalformed.Load(), GossipDropped: c.gossipDropped.Load(),
		GossipStates: c.gossipStates.Load(), GossipUnknownID: c.gossipUnknownID.Load(),
	}
}
