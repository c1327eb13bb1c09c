package session

import "sync/atomic"

// Stats is a snapshot of a transport's counters.
type Stats struct {
	TxBytes       uint64 // bytes written to links, stream prefixes included
	TxBatches     uint64 // batches written (keep-alives included)
	TxMessages    uint64 // network messages queued
	TxFragments   uint64 // fragments written
	TxKeepAlives  uint64 // keep-alives written
	TxDropped     uint64 // messages dropped by congestion control (Drop)
	TxCongested   uint64 // blocking messages that gave up waiting (Block)
	RxBytes       uint64 // bytes of batches read, stream prefixes included
	RxBatches     uint64 // batches read
	RxMessages    uint64 // network messages delivered
	RxFragments   uint64 // fragments accepted
	RxKeepAlives  uint64 // keep-alives read
	RxDuplicates  uint64 // frames and fragments dropped for an old or repeated SN
	RxReassembly  uint64 // partial messages dropped (gap, missing First, timeout, bad decode)
	RxIgnored     uint64 // transport messages ignored on an established link (Init, Open, Join, OAM)
	Errors        uint64 // links closed for an error
	LinksAttached uint64 // links attached to the transport, the first included
	LinksRetired  uint64 // duplicate links closed in favour of another
}

// ManagerStats is a snapshot of a Manager's counters.
type ManagerStats struct {
	Transports       int    // transports now
	TransportsOpened uint64 // transports that came up
	HandshakesFailed uint64 // handshakes that failed (timeouts, bad input, refusals by the peer)
	LinksRefused     uint64 // completed handshakes we refused (MAX_LINKS, MAX_SESSIONS, ...)
	AcceptsDropped   uint64 // links closed at once because AcceptPending handshakes were running
	DialsFailed      uint64 // dials that did not reach the peer
}

type managerCounters struct {
	opened, hsFailed, refused, acceptsDropped, dialsFailed atomic.Uint64
}

// counters are the live, atomic counters behind Stats.
type counters struct {
	txBytes, txBatches, txMessages, txFragments, txKeepAlives, txDropped, txCongested atomic.Uint64
	rxBytes, rxBatches, rxMessages, rxFragments, rxKeepAlives, rxDuplicates           atomic.Uint64
	rxReassembly, rxIgnored, errors, linksAttached, linksRetired                      atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		TxBytes: c.txBytes.Load(), TxBatches: c.txBatches.Load(), TxMessages: c.txMessages.Load(),
		TxFragments: c.txFragments.Load(), TxKeepAlives: c.txKeepAlives.Load(),
		TxDropped: c.txDropped.Load(), TxCongested: c.txCongested.Load(),
		RxBytes: c.rxBytes.Load(), RxBatches: c.rxBatches.Load(), RxMessages: c.rxMessages.Load(),
		RxFragments: c.rxFragments.Load(), RxKeepAlives: c.rxKeepAlives.Load(),
		RxDuplicates: c.rxDuplicates.Load(), RxReassembly: c.rxReassembly.Load(),
		RxIgnored: c.rxIgnored.Load(), Errors: c.errors.Load(),
		LinksAttached: c.linksAttached.Load(), LinksRetired: c.linksRetired.Load(),
	}
}
