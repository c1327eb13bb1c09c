package config

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// writeJSONString writes s as a JSON string that JSON5 readers (Zenoh's included) read back as s.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xf])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}

// writeJSON writes n as compact JSON.
func writeJSON(b *strings.Builder, n *node) {
	switch n.kind {
	case kindNull:
		b.WriteString("null")
	case kindBool:
		if n.b {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case kindNumber:
		b.WriteString(n.text)
	case kindString:
		writeJSONString(b, n.text)
	case kindArray:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case kindObject:
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, m.key)
			b.WriteByte(':')
			writeJSON(b, m.val)
		}
		b.WriteByte('}')
	}
}

// isPlainKey reports a key JSON5 allows unquoted in every reader.
func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// writeJSON5 writes n as indented JSON5 with unquoted keys.
func writeJSON5(b *strings.Builder, n *node, indent int) {
	pad := func(d int) {
		b.WriteByte('\n')
		for i := 0; i < d; i++ {
			b.WriteString("  ")
		}
	}
	switch n.kind {
	case kindArray:
		if len(n.elems) == 0 {
			b.WriteString("[]")
			return
		}
		flat := true
		for _, e := range n.elems {
			if e.kind == kindArray || e.kind == kindObject {
				flat = false
			}
		}
		b.WriteByte('[')
		for i, e := range n.elems {
			if flat {
				if i > 0 {
					b.WriteString(", ")
				}
			} else {
				pad(indent + 1)
			}
			writeJSON5(b, e, indent+1)
			if !flat {
				b.WriteByte(',')
			}
		}
		if !flat {
			pad(indent)
		}
		b.WriteByte(']')
	case kindObject:
		if len(n.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for _, m := range n.members {
			pad(indent + 1)
			if isPlainKey(m.key) {
				b.WriteString(m.key)
			} else {
				writeJSONString(b, m.key)
			}
			b.WriteString(": ")
			writeJSON5(b, m.val, indent+1)
			b.WriteByte(',')
		}
		pad(indent)
		b.WriteByte('}')
	default:
		writeJSON(b, n)
	}
}
