package keyexpr

import "strings"

// A second, independent decision procedure for the tests: Zenoh's recursive definitions of
// intersection and inclusion (see /work/shared/docs/zenoh-wire-network.md §7.3–7.4) written
// as plain recursion over chunk and byte positions, memoised so that it stays polynomial. It
// shares no code with the bit-parallel matcher.

// refIntersects is Zenoh's chunk-list intersection, memoised on (i, j).
func refIntersects(a, b string) bool {
	if a == b {
		return true
	}
	A, B := strings.Split(a, "/"), strings.Split(b, "/")
	memo := map[[2]int]bool{}
	var f func(i, j int) bool
	f = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch {
		case i == len(A) || j == len(B):
			r = refEmpty(A[i:]) && refEmpty(B[j:])
		case A[i] == "**" && i == len(A)-1:
			r = !refAnyVerbatim(B[j:])
		case A[i] == "**":
			r = (!isVerbatim(B[j]) && f(i, j+1)) || f(i+1, j)
		case B[j] == "**" && j == len(B)-1:
			r = !refAnyVerbatim(A[i:])
		case B[j] == "**":
			r = (!isVerbatim(A[i]) && f(i+1, j)) || f(i, j+1)
		default:
			r = refChunkIntersects(A[i], B[j]) && f(i+1, j+1)
		}
		memo[key] = r
		return r
	}
	return f(0, 0)
}

// refIncludes is Zenoh's left-to-right inclusion, memoised on (i, j).
func refIncludes(l, r string) bool {
	if l == r {
		return true
	}
	L, R := strings.Split(l, "/"), strings.Split(r, "/")
	memo := map[[2]int]bool{}
	var g func(i, j int) bool
	g = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch {
		case L[i] == "**":
			last := i == len(L)-1
			switch {
			case last && !refAnyVerbatim(R[j:]), !last && g(i+1, j):
				res = true
			case j < len(R) && isVerbatim(R[j]), j+1 >= len(R):
				res = false
			default:
				res = g(i, j+1)
			}
		case j == len(R) || R[j] == "**" || !refChunkIncludes(L[i], R[j]):
			res = false
		case i == len(L)-1:
			res = j == len(R)-1
		default:
			res = g(i+1, j+1)
		}
		memo[key] = res
		return res
	}
	return g(0, 0)
}

func refEmpty(cs []string) bool {
	return len(cs) == 0 || (len(cs) == 1 && cs[0] == "**")
}

func refAnyVerbatim(cs []string) bool {
	for _, c := range cs {
		if isVerbatim(c) {
			return true
		}
	}
	return false
}

func refChunkIntersects(a, b string) bool {
	switch {
	case a == b:
		return true
	case isVerbatim(a) || isVerbatim(b):
		return false
	case a == "*" || b == "*":
		return true
	}
	return refStarDSL(a, b)
}

// refStarDSL walks both chunks byte by byte; at a "$*" it tries "matches nothing more" and
// "swallows one byte of the other side", memoised on (p, q).
func refStarDSL(x, y string) bool {
	memo := map[[2]int]bool{}
	var sd func(p, q int) bool
	sd = func(p, q int) bool {
		key := [2]int{p, q}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch {
		case p == len(x) || q == len(y):
			r = (p == len(x) && q == len(y)) || x[p:] == "$*" || y[q:] == "$*"
		case x[p] == '$' && y[q] == '$':
			r = len(x)-p == 2 || len(y)-q == 2 || sd(p+2, q) || sd(p, q+2)
		case x[p] == '$':
			r = len(x)-p == 2 || sd(p+2, q) || sd(p, q+1)
		case y[q] == '$':
			r = len(y)-q == 2 || sd(p, q+2) || sd(p+1, q)
		default:
			r = x[p] == y[q] && sd(p+1, q+1)
		}
		memo[key] = r
		return r
	}
	return sd(0, 0)
}

func refChunkIncludes(l, r string) bool {
	switch {
	case l == r:
		return true
	case isVerbatim(l) || isVerbatim(r):
		return false
	case l == "*":
		return true
	case !strings.Contains(l, "$*"):
		return false
	}
	parts := strings.Split(l, "$*")
	rest, ok := strings.CutPrefix(r, parts[0])
	if !ok {
		return false
	}
	if rest, ok = strings.CutSuffix(rest, parts[len(parts)-1]); !ok {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}
