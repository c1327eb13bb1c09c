package config

import (
	"math"
	"sort"
	"strings"
)

// Raw is a free-form JSON value kept as written (metadata, plugins, and the sections this package
// does not model), in canonical compact JSON: object keys sorted, duplicate keys resolved to the
// last value, numbers as Zenoh reads them. The empty Raw means null. Set Raw fields through
// Config.Insert, which stores them in that form.
type Raw string

// rawKind is what a Raw field must hold.
type rawKind uint8

const (
	rawAny rawKind = iota
	rawObject
	rawArray
)

// decodeRaw checks n against k and returns its canonical JSON.
func (d *decoder) decodeRaw(n *node, path string, k rawKind) (Raw, error) {
	switch {
	case k == rawObject && n.kind != kindObject:
		return "", errAt(path, n, ErrType, "%s where an object is expected", n.describe())
	case k == rawArray && n.kind != kindArray:
		return "", errAt(path, n, ErrType, "%s where an array is expected", n.describe())
	}
	var b strings.Builder
	if err := d.canonical(&b, n, path); err != nil {
		return "", err
	}
	return Raw(b.String()), nil
}

// canonical writes n as canonical compact JSON.
func (d *decoder) canonical(b *strings.Builder, n *node, path string) error {
	switch n.kind {
	case kindNull:
		b.WriteString("null")
	case kindBool:
		if n.b {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case kindString:
		d.bareWarn(n, path)
		writeJSONString(b, n.text)
	case kindNumber:
		v, err := readAnyNumber(n.text)
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		switch {
		case v.isInt:
			b.WriteString(itoa64(v.i))
		case math.IsNaN(v.f) || math.IsInf(v.f, 0):
			b.WriteString("null") // as Zenoh stores them
		default:
			b.WriteString(formatFloat(v.f))
		}
	case kindArray:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := d.canonical(b, e, joinIndex(path, i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case kindObject:
		ms := lastWins(d, n, path)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].key < ms[j].key })
		b.WriteByte('{')
		for i, m := range ms {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, m.key)
			b.WriteByte(':')
			if err := d.canonical(b, m.val, joinPath(path, m.key)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}

// rawNode parses r back into a node whose objects accept new keys (Insert into plugins/…).
func (r Raw) rawNode() *node {
	if r == "" {
		return nullNode()
	}
	n, err := parseJSON5(string(r), false)
	if err != nil {
		return nullNode() // not JSON: only a Raw set by hand can be; MarshalJSON5 reports it
	}
	markRaw(n)
	return n
}

func markRaw(n *node) {
	n.line, n.col = 0, 0
	if n.kind == kindObject {
		n.raw = true
		for _, m := range n.members {
			markRaw(m.val)
		}
	}
	for _, e := range n.elems {
		markRaw(e)
	}
}

// String returns the JSON text of r ("null" when empty).
func (r Raw) String() string {
	if r == "" {
		return "null"
	}
	return string(r)
}
