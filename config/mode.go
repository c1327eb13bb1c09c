package config

import "strings"

// Mode is the kind of a Zenoh node (Zenoh's WhatAmI), with Zenoh's wire values.
type Mode uint8

// Node modes.
const (
	ModeRouter Mode = 1
	ModePeer   Mode = 2
	ModeClient Mode = 4
)

// modes lists the modes in Zenoh's order (router, peer, client).
var modes = [3]Mode{ModeRouter, ModePeer, ModeClient}

// String returns "router", "peer" or "client".
func (m Mode) String() string {
	switch m {
	case ModeRouter:
		return "router"
	case ModePeer:
		return "peer"
	case ModeClient:
		return "client"
	}
	return "mode(" + itoa(int(m)) + ")"
}

// index returns 0, 1, 2 for router, peer, client; a zero or invalid mode counts as peer, which
// is what Zenoh uses when mode is unset.
func (m Mode) index() int {
	switch m {
	case ModeRouter:
		return 0
	case ModeClient:
		return 2
	}
	return 1
}

// ParseMode returns the mode named s ("router", "peer" or "client", in lower case).
func ParseMode(s string) (Mode, error) {
	switch s {
	case "router":
		return ModeRouter, nil
	case "peer":
		return ModePeer, nil
	case "client":
		return ModeClient, nil
	}
	return 0, errStr("unknown mode " + quote(s) + ": expected one of router, peer, client")
}

func (m *Mode) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	v, err := ParseMode(s)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	*m = v
	return nil
}

func (m Mode) encodeNode() *node {
	if m == 0 {
		return nullNode()
	}
	return strNode(m.String())
}

// WhatAmIMatcher is a set of modes (Zenoh's WhatAmIMatcher), as a bit set of Mode values.
type WhatAmIMatcher uint8

// Matches reports whether w contains mode.
func (w WhatAmIMatcher) Matches(mode Mode) bool { return uint8(w)&uint8(mode) != 0 }

// String returns the modes joined by '|', as "router|peer".
func (w WhatAmIMatcher) String() string {
	var parts []string
	for _, m := range modes {
		if w.Matches(m) {
			parts = append(parts, m.String())
		}
	}
	return strings.Join(parts, "|")
}

// MatcherOf returns the set of the given modes.
func MatcherOf(ms ...Mode) WhatAmIMatcher {
	var w WhatAmIMatcher
	for _, m := range ms {
		w |= WhatAmIMatcher(m)
	}
	return w
}

// ParseWhatAmIMatcher reads the legacy "router|peer" form: names separated by '|'.
func ParseWhatAmIMatcher(s string) (WhatAmIMatcher, error) {
	var w WhatAmIMatcher
	for _, part := range strings.Split(s, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m, err := ParseMode(part)
		if err != nil {
			return 0, err
		}
		w |= WhatAmIMatcher(m)
	}
	return w, nil
}

func (w *WhatAmIMatcher) decodeNode(d *decoder, n *node, path string) error {
	switch n.kind {
	case kindArray:
		var v WhatAmIMatcher
		for i, e := range n.elems {
			ep := joinIndex(path, i)
			s, err := d.str(e, ep)
			if err != nil {
				return err
			}
			m, err := ParseMode(s)
			if err != nil {
				return errAt(ep, e, ErrValue, "%s", err)
			}
			v |= WhatAmIMatcher(m)
		}
		*w = v
		return nil
	case kindString:
		v, err := ParseWhatAmIMatcher(n.text)
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		d.warn(WarnLegacyForm, path, n, "the string form "+quote(n.text)+
			" is not accepted by Zenoh 1.x; write a list such as "+v.listForm())
		*w = v
		return nil
	}
	return errAt(path, n, ErrType, "%s where a list of modes is expected", n.describe())
}

// listForm returns w as a JSON5 list, for messages.
func (w WhatAmIMatcher) listForm() string {
	var parts []string
	for _, m := range modes {
		if w.Matches(m) {
			parts = append(parts, quote(m.String()))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (w WhatAmIMatcher) encodeNode() *node {
	a := arrNode()
	for _, m := range modes {
		if w.Matches(m) {
			a.elems = append(a.elems, strNode(m.String()))
		}
	}
	return a
}
