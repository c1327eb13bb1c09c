package session

import (
	"fmt"
	"slices"
	"strings"
)

// Endpoint is a parsed Zenoh endpoint: <protocol>/<address>[?<metadata>][#<config>].
//
// Metadata travels in locators (it describes the link to the other side, e.g. prio=1-3);
// config is local only (socket options, retry periods). Both are lists of key=value pairs joined
// by ';' and kept sorted by key, as Zenoh does (commons/zenoh-protocol/src/core/endpoint.rs).
type Endpoint struct {
	Protocol string
	Address  string
	Metadata []Param // sorted by key
	Config   []Param // sorted by key
}

// Param is one key=value pair of an endpoint's metadata or config.
type Param struct {
	Key, Value string
}

// MaxLocatorLen is the longest locator (protocol, address and metadata) Zenoh accepts.
const MaxLocatorLen = 255

// ParseEndpoint parses and canonicalises an endpoint. It rejects an empty protocol or address,
// a '#' before a '?', empty or key-less metadata or config, duplicate keys, and locators longer
// than MaxLocatorLen. It does not check that the protocol is supported; dialling and listening do.
func ParseEndpoint(s string) (Endpoint, error) {
	var ep Endpoint
	fail := func(why string) (Endpoint, error) {
		return Endpoint{}, fmt.Errorf("%w %q: %s", ErrEndpoint, s, why)
	}
	p := strings.IndexByte(s, '/')
	if p <= 0 || p == len(s)-1 {
		return fail("want <protocol>/<address>[?<metadata>][#<config>]")
	}
	rest := s[p+1:]
	ep.Protocol = s[:p]
	addrEnd := len(rest)
	m := strings.IndexByte(rest, '?')
	c := strings.IndexByte(rest, '#')
	if c >= 0 {
		addrEnd = c
	}
	if m >= 0 && (c < 0 || m < c) {
		addrEnd = m
	}
	if m >= 0 && c >= 0 && m > c {
		return fail("'?' after '#'")
	}
	ep.Address = rest[:addrEnd]
	if ep.Address == "" {
		return fail("empty address")
	}
	var err error
	if m >= 0 {
		end := len(rest)
		if c >= 0 {
			end = c
		}
		if ep.Metadata, err = parseParams(rest[m+1 : end]); err != nil {
			return fail("metadata: " + err.Error())
		}
	}
	if c >= 0 {
		if ep.Config, err = parseParams(rest[c+1:]); err != nil {
			return fail("config: " + err.Error())
		}
	}
	if strings.ContainsAny(ep.Protocol, "?#") {
		return fail("bad protocol")
	}
	if n := len(ep.Locator()); n > MaxLocatorLen {
		return fail(fmt.Sprintf("locator is %d bytes, more than %d", n, MaxLocatorLen))
	}
	return ep, nil
}

// parseParams parses "k=v;k2=v2" (empty entries skipped), sorted by key; it needs at least one
// entry, no empty key and no duplicate key.
func parseParams(s string) ([]Param, error) {
	var ps []Param
	for e := range strings.SplitSeq(s, ";") {
		if e == "" {
			continue
		}
		k, v, _ := strings.Cut(e, "=")
		if k == "" {
			return nil, fmt.Errorf("empty key in %q", e)
		}
		ps = append(ps, Param{k, v})
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("no parameter")
	}
	slices.SortStableFunc(ps, func(a, b Param) int { return strings.Compare(a.Key, b.Key) })
	for i := 1; i < len(ps); i++ {
		if ps[i].Key == ps[i-1].Key {
			return nil, fmt.Errorf("duplicate key %q", ps[i].Key)
		}
	}
	return ps, nil
}

// MustParseEndpoint is ParseEndpoint for constants; it panics on error.
func MustParseEndpoint(s string) Endpoint {
	ep, err := ParseEndpoint(s)
	if err != nil {
		panic(err)
	}
	return ep
}

// Locator returns the canonical locator: protocol/address[?metadata], config left out.
func (ep Endpoint) Locator() string {
	var b strings.Builder
	b.WriteString(ep.Protocol)
	b.WriteByte('/')
	b.WriteString(ep.Address)
	writeParams(&b, '?', ep.Metadata)
	return b.String()
}

// String returns the canonical endpoint, config included.
func (ep Endpoint) String() string {
	var b strings.Builder
	b.WriteString(ep.Locator())
	writeParams(&b, '#', ep.Config)
	return b.String()
}

func writeParams(b *strings.Builder, sep byte, ps []Param) {
	for i, p := range ps {
		if i == 0 {
			b.WriteByte(sep)
		} else {
			b.WriteByte(';')
		}
		b.WriteString(p.Key)
		if p.Value != "" {
			b.WriteByte('=')
			b.WriteString(p.Value)
		}
	}
}

// ConfigValue returns the value of a config key.
func (ep Endpoint) ConfigValue(key string) (string, bool) { return lookup(ep.Config, key) }

// MetadataValue returns the value of a metadata key.
func (ep Endpoint) MetadataValue(key string) (string, bool) { return lookup(ep.Metadata, key) }

func lookup(ps []Param, key string) (string, bool) {
	for _, p := range ps {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}
