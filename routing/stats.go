package routing

import "sync/atomic"

// Stats is a snapshot of a Router's counters (totals since New, except Faces).
type Stats struct {
	Faces int // remote faces currently open

	PushesRouted    uint64 // Push messages received (remote or local) and routed
	PushesDelivered uint64 // deliveries to local subscriber callbacks
	PushesSent      uint64 // copies sent to remote faces
	PushesDropped   uint64 // Push messages dropped (unknown scope, invalid key)

	QueriesRouted   uint64 // Requests (remote or local Get) routed
	QueriesRefused  uint64 // Requests answered at once: unknown scope, invalid key, MaxPendingQueries
	QueriesTimedOut uint64 // queries finalised by their timeout
	RepliesRouted   uint64 // Responses forwarded to the querier (remote or local)
	RepliesDropped  uint64 // Responses dropped: unknown query, unknown scope, invalid key, late
	FinalsRouted    uint64 // ResponseFinals sent to queriers (remote) or local Get completions

	Declarations        uint64 // declarations and undeclarations received from remote faces
	DeclarationsDropped uint64 // declarations ignored: unknown scope, invalid key, unknown id, remapping
	DeclarationsSent    uint64 // Declare messages sent to remote faces
	Interests           uint64 // Interest messages received
	InterestsDropped    uint64 // Interests ignored (unknown scope)

	OAMIgnored     uint64 // OAM messages (gossip) ignored
	LimitErrors    uint64 // faces failed with a *LimitError
	SendErrors     uint64 // Sender.Send errors
	CallbackPanics uint64 // local callbacks that panicked (recovered)
}

// counters are the live counters behind Stats.
type counters struct {
	pushesRouted, pushesDelivered, pushesSent, pushesDropped                   atomic.Uint64
	queriesRouted, queriesRefused, queriesTimedOut                             atomic.Uint64
	repliesRouted, repliesDropped, finalsRouted                                atomic.Uint64
	declarations, declarationsDropped, declarationsSent, interests, intDropped atomic.Uint64
	oamIgnored, limitErrors, sendErrors, callbackPanics                        atomic.Uint64
	// putsSentOnce counts the local publications PublishPut sent to exactly one destination
	// without error, each one routed and one sent: one atomic addition instead of two on
	// the publisher's path (Stats adds them to both).
	putsSentOnce atomic.Uint64
}

// Stats returns a snapshot of the router's counters.
func (r *Router) Stats() Stats {
	c := &r.st
	once := c.putsSentOnce.Load()
	s := Stats{
		PushesRouted:        c.pushesRouted.Load() + once,
		PushesDelivered:     c.pushesDelivered.Load(),
		PushesSent:          c.pushesSent.Load() + once,
		PushesDropped:       c.pushesDropped.Load(),
		QueriesRouted:       c.queriesRouted.Load(),
		QueriesRefused:      c.queriesRefused.Load(),
		QueriesTimedOut:     c.queriesTimedOut.Load(),
		RepliesRouted:       c.repliesRouted.Load(),
		RepliesDropped:      c.repliesDropped.Load(),
		FinalsRouted:        c.finalsRouted.Load(),
		Declarations:        c.declarations.Load(),
		DeclarationsDropped: c.declarationsDropped.Load(),
		DeclarationsSent:    c.declarationsSent.Load(),
		Interests:           c.interests.Load(),
		InterestsDropped:    c.intDropped.Load(),
		OAMIgnored:          c.oamIgnored.Load(),
		LimitErrors:         c.limitErrors.Load(),
		SendErrors:          c.sendErrors.Load(),
		CallbackPanics:      c.callbackPanics.Load(),
	}
	s.Faces = len(r.snap.Load().remote)
	return s
}
