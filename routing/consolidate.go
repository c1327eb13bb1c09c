package routing

import (
	"bytes"
	"strings"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Consolidation is done where Zenoh does it: in the querying session, i.e. here only for
// queries of the local session (Router.Get). Queries routed for remote faces are never
// consolidated: every reply is forwarded, and the remote querier consolidates.

// resolveConsolidation returns the mode a querier applies (and sends) for the requested one:
// Auto becomes Latest, or None when the parameters hold a time range ("_time"), as the Rust
// session does.
func resolveConsolidation(m wire.ConsolidationMode, params []byte) wire.ConsolidationMode {
	if m != wire.ConsolidationAuto {
		return m
	}
	if hasParam(params, "_time") {
		return wire.ConsolidationNone
	}
	return wire.ConsolidationLatest
}

// hasParam reports whether selector parameters ("k=v;k2=v2") hold key name.
func hasParam(params []byte, name string) bool {
	for len(params) > 0 {
		item := params
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			item, params = params[:i], params[i+1:]
		} else {
			params = nil
		}
		if i := bytes.IndexByte(item, '='); i >= 0 {
			item = item[:i]
		}
		if string(item) == name {
			return true
		}
	}
	return false
}

// optTS is an optional timestamp, ordered as Rust's Option<Timestamp>: none before any.
type optTS struct {
	has bool
	ts  wire.Timestamp
}

// cmpTS compares two optional timestamps: time first, then the clock id as a number.
func cmpTS(a, b optTS) int {
	switch {
	case !a.has && !b.has:
		return 0
	case !a.has:
		return -1
	case !b.has:
		return 1
	case a.ts.Time != b.ts.Time:
		if a.ts.Time < b.ts.Time {
			return -1
		}
		return 1
	}
	for i := len(a.ts.ID) - 1; i >= 0; i-- { // little-endian bytes: most significant last
		if a.ts.ID[i] != b.ts.ID[i] {
			if a.ts.ID[i] < b.ts.ID[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// replyTS returns the timestamp of a reply's data.
func replyTS(m *wire.Response) optTS {
	b := &m.Body.Reply.Body
	switch b.ID {
	case wire.DataIDPut:
		return optTS{b.Put.HasTimestamp, b.Put.Timestamp}
	case wire.DataIDDel:
		return optTS{b.Del.HasTimestamp, b.Del.Timestamp}
	}
	return optTS{}
}

// heldReply is a reply kept by Latest consolidation until the query ends.
type heldReply struct {
	key    keyexpr.KeyExpr
	ts     optTS
	resp   *wire.Response // a deep copy (decoded from its own encoding)
	source *Face
}

// consolidator applies a consolidation mode to the replies of one local query.
type consolidator struct {
	mode  wire.ConsolidationMode // None, Monotonic or Latest (resolved)
	mono  map[string]optTS       // Monotonic: timestamp of the last reply delivered, by key
	held  map[string]*heldReply  // Latest: the newest reply, by key
	order []string               // Latest: keys in first-reply order, for a stable delivery
}

// offer applies the mode to a data reply on key. It returns deliver=true when the reply must
// be delivered now (None, Monotonic), or keeps a copy (Latest).
func (c *consolidator) offer(key keyexpr.KeyExpr, m *wire.Response, source *Face) (deliver bool) {
	switch c.mode {
	case wire.ConsolidationNone:
		return true
	case wire.ConsolidationMonotonic:
		ts := replyTS(m)
		if last, ok := c.mono[key.String()]; ok && cmpTS(ts, last) < 0 {
			return false
		}
		if c.mono == nil {
			c.mono = make(map[string]optTS)
		}
		c.mono[strings.Clone(key.String())] = ts
		return true
	}
	ts := replyTS(m)
	h := c.held[key.String()]
	if h != nil && cmpTS(ts, h.ts) < 0 {
		return false
	}
	cp, err := copyResponse(m)
	if err != nil {
		return false
	}
	if c.held == nil {
		c.held = make(map[string]*heldReply)
	}
	key = ownKey(key)
	if h == nil {
		c.order = append(c.order, key.String())
	}
	c.held[key.String()] = &heldReply{key: key, ts: ts, resp: cp, source: source}
	return false
}

// flush returns the held replies (Latest) in first-reply key order and forgets them.
func (c *consolidator) flush() []*heldReply {
	out := make([]*heldReply, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, c.held[k])
	}
	c.held, c.order = nil, nil
	return out
}

// copyResponse returns a deep copy of m (its own encoding, decoded: slices alias the copy).
func copyResponse(m *wire.Response) (*wire.Response, error) {
	b, err := m.Append(nil)
	if err != nil {
		return nil, err
	}
	c := new(wire.Response)
	if _, err := c.Decode(b); err != nil {
		return nil, err
	}
	return c, nil
}
