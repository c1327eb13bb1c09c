package zenoh

import (
	"slices"

	"github.com/gozenoh/zenoh/wire"
)

// SessionInfo describes a session and the nodes it is connected to.
type SessionInfo struct {
	ZID      ZenohID
	WhatAmI  WhatAmI
	Peers    []ZenohID // connected peers
	Routers  []ZenohID // connected routers
	Clients  []ZenohID // connected clients
	Locators []string  // where the session can be reached
}

// Info returns a snapshot of the session's identity and connections.
func (s *Session) Info() SessionInfo {
	in := SessionInfo{ZID: s.zid, WhatAmI: s.mode, Locators: s.mgr.Locators()}
	for _, t := range s.mgr.Transports() {
		switch t.Info().WhatAmI {
		case wire.Router:
			in.Routers = append(in.Routers, t.ZID())
		case wire.Client:
			in.Clients = append(in.Clients, t.ZID())
		default:
			in.Peers = append(in.Peers, t.ZID())
		}
	}
	cmp := func(a, b ZenohID) int { return a.Compare(b) }
	slices.SortFunc(in.Peers, cmp)
	slices.SortFunc(in.Routers, cmp)
	slices.SortFunc(in.Clients, cmp)
	return in
}

// Transports describes the session's open transports, in ZID order: those reported Opened,
// and not yet Closed, to transport listeners (see DeclareTransportListener), each with its
// links and counters now.
func (s *Session) Transports() []TransportInfo { return s.tev.transports() }
