package wire

import "strconv"

// WhatAmI is the role of a Zenoh node, as the bitmask value Zenoh uses internally.
// Mirrors commons/zenoh-protocol/src/core/whatami.rs.
type WhatAmI uint8

// The three roles.
const (
	Router WhatAmI = 0b001
	Peer   WhatAmI = 0b010
	Client WhatAmI = 0b100
)

// String returns "router", "peer" or "client".
func (w WhatAmI) String() string {
	switch w {
	case Router:
		return "router"
	case Peer:
		return "peer"
	case Client:
		return "client"
	}
	return "WhatAmI(" + strconv.Itoa(int(w)) + ")"
}

// Valid reports whether w is exactly one of the three roles.
func (w WhatAmI) Valid() bool { return w == Router || w == Peer || w == Client }

// code returns the 2-bit code Hello, InitSyn, InitAck and Join carry (router 0, peer 1, client 2).
func (w WhatAmI) code() byte {
	switch w {
	case Router:
		return 0
	case Client:
		return 2
	}
	return 1
}

// whatAmIFromCode decodes the 2-bit code; 3 is reserved and rejected.
func whatAmIFromCode(c byte) (WhatAmI, bool) {
	switch c & 0b11 {
	case 0:
		return Router, true
	case 1:
		return Peer, true
	case 2:
		return Client, true
	}
	return 0, false
}

// WhatAmIMatcher is a set of roles, as Scout messages carry it (any OR of Router, Peer, Client).
type WhatAmIMatcher uint8

// Matches reports whether the matcher includes role w.
func (m WhatAmIMatcher) Matches(w WhatAmI) bool { return uint8(m)&uint8(w) != 0 }

// String lists the roles joined by "|".
func (m WhatAmIMatcher) String() string {
	s := ""
	for _, w := range []WhatAmI{Router, Peer, Client} {
		if m.Matches(w) {
			if s != "" {
				s += "|"
			}
			s += w.String()
		}
	}
	if s == "" {
		return "none"
	}
	return s
}
