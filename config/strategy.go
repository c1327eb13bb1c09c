package config

// Strategy decides whether a node connects to a node it discovered.
type Strategy string

// Autoconnect strategies.
const (
	// StrategyAlways always connects; redundant links are closed afterwards.
	StrategyAlways Strategy = "always"
	// StrategyGreaterZid connects only if the own Zenoh ID is greater than the other's.
	StrategyGreaterZid Strategy = "greater-zid"
)

func parseStrategy(s string) (Strategy, error) {
	if s == string(StrategyAlways) || s == string(StrategyGreaterZid) {
		return Strategy(s), nil
	}
	return "", errStr("unknown strategy " + quote(s) + ": expected always or greater-zid")
}

func (s *Strategy) decodeNode(d *decoder, n *node, path string) error {
	str, err := d.str(n, path)
	if err != nil {
		return err
	}
	v, err := parseStrategy(str)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	*s = v
	return nil
}

func (s Strategy) encodeNode() *node { return strNode(string(s)) }

// TargetStrategy is a Strategy that may depend on the mode of the discovered node: one value, or
// {to_router: …, to_peer: …, to_client: …}.
type TargetStrategy struct {
	ModeValue[Strategy]
}

func (t *TargetStrategy) decodeNode(d *decoder, n *node, path string) error {
	if n.kind == kindObject {
		v, err := d.targetStrategy(n, path)
		if err == nil {
			*t = v
		}
		return err
	}
	var s Strategy
	if err := s.decodeNode(d, n, path); err != nil {
		return err
	}
	*t = TargetStrategy{Unique(s)}
	return nil
}

func (t TargetStrategy) encodeNode() *node {
	if t.unique {
		return strNode(string(t.vals[0]))
	}
	o := objNode()
	for i, k := range modeKeys {
		if t.has[i] {
			o.members = append(o.members, field("to_"+k, strNode(string(t.vals[i]))))
		}
	}
	return o
}

// AutoconnectStrategy is scouting/*/autoconnect_strategy: a Strategy per own mode and per mode
// of the discovered node. Its forms are those Zenoh accepts: "always", {to_router: …},
// {peer: "always"}, {peer: {to_router: …, to_peer: …}}.
type AutoconnectStrategy struct {
	ByMode ModeValue[TargetStrategy]
}

// Get returns the strategy of a node of mode self towards a node of mode target (Zenoh's default
// is always).
func (a AutoconnectStrategy) Get(self, target Mode) Strategy {
	t, ok := a.ByMode.Get(self)
	if !ok {
		return StrategyAlways
	}
	return t.GetOr(target, StrategyAlways)
}

// UniqueStrategy returns the strategy s for every pair of modes.
func UniqueStrategy(s Strategy) AutoconnectStrategy {
	return AutoconnectStrategy{ByMode: Unique(TargetStrategy{Unique(s)})}
}

func (a AutoconnectStrategy) encodeNode() *node { return a.ByMode.encodeNode() }

// decodeNode follows Zenoh: a string is one strategy; an object is first read as a per-mode map
// (whose values are strategies or per-target maps) and, if that fails, as a per-target map
// whose keys other than to_router, to_peer and to_client are ignored.
func (a *AutoconnectStrategy) decodeNode(d *decoder, n *node, path string) error {
	switch n.kind {
	case kindString:
		s, err := parseStrategy(n.text)
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		d.bareWarn(n, path)
		*a = UniqueStrategy(s)
		return nil
	case kindObject:
	default:
		return errAt(path, n, ErrType, "%s where a strategy or a map of strategies is expected", n.describe())
	}
	try := &decoder{strict: true}
	if v, err := try.perModeStrategy(n, path); err == nil {
		d.adopt(try)
		*a = AutoconnectStrategy{ByMode: v}
		return nil
	}
	t, err := d.targetStrategy(n, path)
	if err != nil {
		return err
	}
	if t.has == [3]bool{} {
		// No target given: the same as no mode given, which is how it is written back.
		*a = AutoconnectStrategy{ByMode: PerMode[TargetStrategy]()}
		return nil
	}
	*a = AutoconnectStrategy{ByMode: Unique(t)}
	return nil
}

// perModeStrategy reads {router|peer|client: strategy | {to_…: strategy}}; every problem,
// unknown keys included, is an error.
func (d *decoder) perModeStrategy(n *node, path string) (ModeValue[TargetStrategy], error) {
	var out ModeValue[TargetStrategy]
	for _, m := range lastWins(d, n, path) {
		p := joinPath(path, m.key)
		i := modeIndex(m.key)
		if i < 0 {
			return out, errAt(p, m.val, ErrUnknownKey, "expected router, peer or client")
		}
		out.vals[i], out.has[i] = TargetStrategy{}, false
		switch m.val.kind {
		case kindNull:
			continue
		case kindString:
			s, err := parseStrategy(m.val.text)
			if err != nil {
				return out, errAt(p, m.val, ErrValue, "%s", err)
			}
			d.bareWarn(m.val, p)
			out.vals[i] = TargetStrategy{Unique(s)}
		case kindObject:
			t, err := d.targetStrategy(m.val, p)
			if err != nil {
				return out, err
			}
			out.vals[i] = t
		default:
			return out, errAt(p, m.val, ErrType, "%s where a strategy is expected", m.val.describe())
		}
		out.has[i] = true
	}
	return out, nil
}

// targetStrategy reads {to_router|to_peer|to_client: strategy}; keys without the to_ prefix are
// ignored (with a warning), as Zenoh ignores them.
func (d *decoder) targetStrategy(n *node, path string) (TargetStrategy, error) {
	var out ModeValue[Strategy]
	for _, m := range lastWins(d, n, path) {
		p := joinPath(path, m.key)
		name, ok := cutPrefix(m.key, "to_")
		if !ok {
			d.warn(WarnUnknownKey, p, m.val, "ignored: expected to_router, to_peer or to_client")
			continue
		}
		i := modeIndex(name)
		if i < 0 {
			return TargetStrategy{}, errAt(p, m.val, ErrValue, "unknown target %q: expected to_router, to_peer or to_client", m.key)
		}
		out.vals[i], out.has[i] = "", false
		if m.val.kind == kindNull {
			continue
		}
		if m.val.kind != kindString {
			return TargetStrategy{}, errAt(p, m.val, ErrType, "%s where a strategy is expected", m.val.describe())
		}
		s, err := parseStrategy(m.val.text)
		if err != nil {
			return TargetStrategy{}, errAt(p, m.val, ErrValue, "%s", err)
		}
		d.bareWarn(m.val, p)
		out.vals[i], out.has[i] = s, true
	}
	return TargetStrategy{out}, nil
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

// lastWins returns the members of n with duplicate keys removed, keeping the last value at the
// place of the first, as Zenoh does where it reads an object as free-form JSON first.
func lastWins(d *decoder, n *node, path string) []member {
	out := make([]member, 0, len(n.members))
	index := make(map[string]int, len(n.members))
	for _, m := range n.members {
		if j, dup := index[m.key]; dup {
			out[j].val = m.val
			d.warn(WarnDuplicateKey, joinPath(path, m.key), m.val, "given twice; the last value is used")
			continue
		}
		index[m.key] = len(out)
		out = append(out, m)
	}
	return out
}
