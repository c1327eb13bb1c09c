package keyexpr

import "strings"

// IntersectsString reports whether some key belongs to both a and b, with Zenoh 1.x's meaning:
// "*" matches one chunk, "**" zero or more chunks, "$*" any run of bytes inside a chunk, and
// no wildcard matches a chunk that starts with '@' (such verbatim chunks match only themselves).
//
// a and b must be valid key expressions (as accepted by New); for other strings, including ""
// and strings longer than MaxKeyLen, the result is false or meaningless, but IntersectsString
// never panics and keeps its time bound. Time: linear in the keys' lengths when "**" occurs
// only at their ends; otherwise O(n·m/64) word operations plus at most n·m chunk comparisons
// for keys of n and m chunks (see the package documentation for measured bounds). It does not
// allocate unless both keys still have more than 128 chunks once their leading and trailing
// non-"**" chunks have been compared.
func IntersectsString(a, b string) bool {
	if a == b {
		return a != ""
	}
	if a == "" || b == "" || len(a) > MaxKeyLen || len(b) > MaxKeyLen {
		return false
	}
	if strings.IndexByte(a, '*') < 0 && strings.IndexByte(b, '*') < 0 {
		return false
	}
	// Leading chunks other than "**" must intersect pairwise, and so must trailing ones.
	for {
		ha, ra := head(a)
		hb, rb := head(b)
		if ha == "**" || hb == "**" {
			break
		}
		if !chunkIntersects(ha, hb) {
			return false
		}
		if a, b = ra, rb; a == "" || b == "" {
			return matchesEmpty(a) && matchesEmpty(b)
		}
	}
	for {
		ra, ta := tail(a)
		rb, tb := tail(b)
		if ta == "**" || tb == "**" {
			break
		}
		if !chunkIntersects(ta, tb) {
			return false
		}
		if a, b = ra, rb; a == "" || b == "" {
			return matchesEmpty(a) && matchesEmpty(b)
		}
	}
	switch {
	case a == "**":
		return !hasVerbatim(b)
	case b == "**":
		return !hasVerbatim(a)
	}
	return intersectDP(a, b)
}

// IncludesString reports whether l includes r: every key that r matches is matched by l (same
// meaning of wildcards as IntersectsString). The input contract, time bound and allocation behaviour are those of
// IntersectsString.
func IncludesString(l, r string) bool {
	if l == r {
		return l != ""
	}
	if l == "" || r == "" || len(l) > MaxKeyLen || len(r) > MaxKeyLen {
		return false
	}
	if strings.IndexByte(l, '*') < 0 {
		return false // a single key includes only itself
	}
	// Leading chunks of l other than "**" must each include r's chunk, and so must trailing ones.
	for {
		hl, rl := head(l)
		if hl == "**" {
			break
		}
		hr, rr := head(r)
		if hr == "**" || !chunkIncludes(hl, hr) {
			return false
		}
		if l, r = rl, rr; l == "" || r == "" {
			return r == "" && matchesEmpty(l)
		}
	}
	for {
		rl, tl := tail(l)
		if tl == "**" {
			break
		}
		rr, tr := tail(r)
		if tr == "**" || !chunkIncludes(tl, tr) {
			return false
		}
		if l, r = rl, rr; l == "" || r == "" {
			return r == "" && matchesEmpty(l)
		}
	}
	if l == "**" {
		return !hasVerbatim(r)
	}
	return includeDP(l, r)
}

// matchesEmpty reports whether the chunk list s ("" for none) matches zero chunks.
func matchesEmpty(s string) bool { return s == "" || s == "**" }
