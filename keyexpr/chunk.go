package keyexpr

import "strings"

// Chunk-level relations. A chunk is a '/'-free piece of a key expression. Here chunks are never
// "**" (callers handle it); "*" matches any one non-verbatim chunk; "$*" inside a chunk matches
// any, possibly empty, run of bytes; a chunk starting with '@' is verbatim and matches only
// itself. Every function here runs in time linear in its arguments' lengths (plus the cost of
// strings.Index) and never panics, whatever the input.

// isVerbatim reports whether chunk c starts with '@'.
func isVerbatim(c string) bool { return len(c) > 0 && c[0] == '@' }

// chunkIntersects reports whether some concrete chunk is matched by both a and b.
func chunkIntersects(a, b string) bool {
	if a == b {
		return true
	}
	if isVerbatim(a) || isVerbatim(b) {
		return false
	}
	if a == "*" || b == "*" {
		return true
	}
	aw, bw := strings.IndexByte(a, '$') >= 0, strings.IndexByte(b, '$') >= 0
	switch {
	case aw && bw:
		return globsIntersect(a, b)
	case aw:
		return globMatch(a, b)
	case bw:
		return globMatch(b, a)
	}
	return false
}

// chunkIncludes reports whether every concrete chunk matched by r is matched by l.
func chunkIncludes(l, r string) bool {
	switch {
	case l == r:
		return true
	case isVerbatim(l) || isVerbatim(r):
		return false
	case l == "*":
		return true
	case strings.IndexByte(l, '$') >= 0:
		// r's own "$*" are read as two plain bytes that only a "$*" of l can cover: as l's
		// literal parts never hold '$', this decides inclusion.
		return globMatch(l, r)
	}
	return false
}

// globsIntersect reports whether two patterns that both contain "$*" match a common string:
// exactly when the literal prefixes before their first "$*" are prefixes of one another and the
// literal suffixes after their last "$*" are suffixes of one another (the middle parts can then
// all be placed between the longer prefix and the longer suffix).
func globsIntersect(a, b string) bool {
	pa, sa := globEnds(a)
	pb, sb := globEnds(b)
	return (strings.HasPrefix(pa, pb) || strings.HasPrefix(pb, pa)) &&
		(strings.HasSuffix(sa, sb) || strings.HasSuffix(sb, sa))
}

// globEnds returns the literal text of pattern p before its first "$*" and after its last one.
func globEnds(p string) (prefix, suffix string) {
	i, j := strings.Index(p, "$*"), strings.LastIndex(p, "$*")
	if i < 0 {
		return p, p
	}
	return p[:i], p[j+2:]
}

// globMatch reports whether pattern p, where "$*" matches any run of bytes, matches all of s.
// It anchors p's literal prefix and suffix, then finds the middle parts leftmost and in order.
func globMatch(p, s string) bool {
	i := strings.Index(p, "$*")
	if i < 0 {
		return p == s
	}
	if !strings.HasPrefix(s, p[:i]) {
		return false
	}
	s, p = s[i:], p[i+2:]
	last := p
	if j := strings.LastIndex(p, "$*"); j >= 0 {
		last, p = p[j+2:], p[:j]
	} else {
		p = ""
	}
	if !strings.HasSuffix(s, last) {
		return false
	}
	s = s[:len(s)-len(last)]
	for p != "" {
		part := p
		if k := strings.Index(p, "$*"); k >= 0 {
			part, p = p[:k], p[k+2:]
		} else {
			p = ""
		}
		k := strings.Index(s, part)
		if k < 0 {
			return false
		}
		s = s[k+len(part):]
	}
	return true
}
