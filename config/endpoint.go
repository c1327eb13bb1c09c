package config

import (
	"sort"
	"strings"
)

// EndPoint is a Zenoh endpoint, `<protocol>/<address>[?<metadata>][#<config>]`, in Zenoh's normal
// form: the metadata and config parameters (`k=v` separated by ';') sorted by key.
type EndPoint string

// ParseEndPoint checks s as Zenoh does and returns it in normal form.
func ParseEndPoint(s string) (EndPoint, error) {
	const form = "endpoints must be of the form <protocol>/<address>[?<metadata>][#<config>]: "
	if len(s) > MaxEndpointLength {
		return "", errStr("endpoint longer than MaxEndpointLength (" + itoa(MaxEndpointLength) + " bytes)")
	}
	pidx := strings.IndexByte(s, '/')
	if pidx <= 0 || pidx+1 == len(s) {
		return "", errStr(form + quote(s))
	}
	midx, cidx := strings.IndexByte(s, '?'), strings.IndexByte(s, '#')
	bad := errStr(form + quote(s))
	badParams := errStr("endpoint metadata and config must contain at least one parameter with a non-empty key: " + quote(s))
	switch {
	case midx < 0 && cidx < 0:
		return EndPoint(s), nil
	case cidx < 0:
		if midx < pidx || midx+1 == len(s) {
			return "", bad
		}
		m, ok := normalParams(s[midx+1:])
		if !ok {
			return "", badParams
		}
		return EndPoint(s[:midx+1] + m), nil
	case midx < 0:
		if cidx < pidx || cidx+1 == len(s) {
			return "", bad
		}
		c, ok := normalParams(s[cidx+1:])
		if !ok {
			return "", badParams
		}
		return EndPoint(s[:cidx+1] + c), nil
	}
	if midx < pidx || cidx < midx || cidx == midx+1 || cidx+1 == len(s) {
		return "", bad
	}
	m, ok1 := normalParams(s[midx+1 : cidx])
	c, ok2 := normalParams(s[cidx+1:])
	if !ok1 || !ok2 {
		return "", badParams
	}
	return EndPoint(s[:midx+1] + m + "#" + c), nil
}

// normalParams checks that ps has at least one non-empty `k[=v]` and no empty key, and returns
// it sorted by key (stably), without empty entries, as Zenoh stores it.
func normalParams(ps string) (string, bool) {
	type kv struct{ k, v string }
	var list []kv
	for _, p := range strings.Split(ps, ";") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if k == "" {
			return "", false
		}
		list = append(list, kv{k, v})
	}
	if len(list) == 0 {
		return "", false
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].k < list[j].k })
	var b strings.Builder
	for i, e := range list {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(e.k)
		if e.v != "" {
			b.WriteByte('=')
			b.WriteString(e.v)
		}
	}
	return b.String(), true
}

// Protocol returns the part before the first '/'.
func (e EndPoint) Protocol() string {
	p, _, _ := strings.Cut(string(e), "/")
	return p
}

// Address returns the part between the first '/' and the metadata or config.
func (e EndPoint) Address() string {
	_, rest, _ := strings.Cut(string(e), "/")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// Metadata returns the parameters after '?' (without the config), or "".
func (e EndPoint) Metadata() string {
	s := string(e)
	i := strings.IndexByte(s, '?')
	if i < 0 {
		return ""
	}
	s = s[i+1:]
	if j := strings.IndexByte(s, '#'); j >= 0 {
		s = s[:j]
	}
	return s
}

// Config returns the parameters after '#', or "".
func (e EndPoint) Config() string {
	_, c, _ := strings.Cut(string(e), "#")
	return c
}

// Param returns the value of key in the metadata or config parameters of e.
func (e EndPoint) Param(key string) (string, bool) {
	for _, ps := range []string{e.Metadata(), e.Config()} {
		for _, p := range strings.Split(ps, ";") {
			k, v, _ := strings.Cut(p, "=")
			if k == key && p != "" {
				return v, true
			}
		}
	}
	return "", false
}

func (e *EndPoint) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	v, err := ParseEndPoint(s)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	*e = v
	return nil
}

func (e EndPoint) encodeNode() *node { return strNode(string(e)) }

// Strategies of an EndPointGroup.
const (
	LocatorsAllOf = "allOf" // open links to all the locators
	LocatorsOneOf = "oneOf" // reserved by Zenoh; it currently behaves as allOf
)

// EndPointGroup is one entry of connect/endpoints: a single endpoint (written as a string), or a
// group written {strategy: "allOf"|"oneOf", locators: […]}.
type EndPointGroup struct {
	Strategy string     // "" for a single endpoint, else LocatorsAllOf or LocatorsOneOf
	Locators []EndPoint // exactly one for a single endpoint
}

// Single returns the group of the one endpoint e.
func Single(e EndPoint) EndPointGroup { return EndPointGroup{Locators: []EndPoint{e}} }

func (g *EndPointGroup) decodeNode(d *decoder, n *node, path string) error {
	if n.kind != kindObject {
		var e EndPoint
		if err := e.decodeNode(d, n, path); err != nil {
			return err
		}
		*g = Single(e)
		return nil
	}
	var out EndPointGroup
	var seenS, seenL bool
	for _, m := range n.members {
		p := joinPath(path, m.key)
		switch m.key {
		case "strategy":
			if seenS {
				return errAt(p, m.val, ErrDuplicateKey, "key %q given twice", m.key)
			}
			seenS = true
			s, err := d.str(m.val, p)
			if err != nil {
				return err
			}
			if s != LocatorsAllOf && s != LocatorsOneOf {
				return errAt(p, m.val, ErrValue, "unknown strategy %s: expected allOf or oneOf", quote(s))
			}
			out.Strategy = s
		case "locators":
			if seenL {
				return errAt(p, m.val, ErrDuplicateKey, "key %q given twice", m.key)
			}
			seenL = true
			if m.val.kind != kindArray {
				return errAt(p, m.val, ErrType, "%s where a list of endpoints is expected", m.val.describe())
			}
			if len(m.val.elems) > MaxEndpoints {
				return errAt(p, m.val, ErrLimit, "more than MaxEndpoints (%d) endpoints", MaxEndpoints)
			}
			out.Locators = nil
			if len(m.val.elems) > 0 {
				out.Locators = make([]EndPoint, len(m.val.elems))
			}
			for i, e := range m.val.elems {
				if err := out.Locators[i].decodeNode(d, e, joinIndex(p, i)); err != nil {
					return err
				}
			}
		default:
			if err := d.unknownKey(p, &m, "expected strategy and locators"); err != nil {
				return err
			}
		}
	}
	if !seenS || !seenL {
		missing := "strategy"
		if seenS {
			missing = "locators"
		}
		return errAt(path, n, ErrValue, "missing key %q in endpoint group", missing)
	}
	if out.Strategy == "" {
		out.Strategy = LocatorsAllOf
	}
	*g = out
	return nil
}

func (g EndPointGroup) encodeNode() *node {
	if g.Strategy == "" && len(g.Locators) == 1 {
		return strNode(string(g.Locators[0]))
	}
	a := arrNode()
	for _, l := range g.Locators {
		a.elems = append(a.elems, strNode(string(l)))
	}
	s := g.Strategy
	if s == "" {
		s = LocatorsAllOf
	}
	return objNode(field("strategy", strNode(s)), field("locators", a))
}
