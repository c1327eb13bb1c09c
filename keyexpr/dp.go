package keyexpr

import (
	"math/bits"
	"strings"
)

// The general matcher is a dynamic programme over pairs (i, j): "the first i chunks of the row
// key and the first j chunks of the column key can be matched against each other". Reachable
// pairs form a monotone path through an (n+1)×(m+1) grid, from (0, 0) to (n, m):
//
//   - a "**" may absorb one more non-verbatim chunk of the other key: a move along its own axis
//     stays on the "**" while the other key advances;
//   - a "**" may stop: a move to the next chunk of its own key;
//   - two other chunks that intersect (or include) move diagonally.
//
// For inclusion, as in Zenoh, only the includer's "**" absorb and stop; a "**" of the included
// key is an ordinary chunk that only an includer's "**" can absorb. (This makes Zenoh's
// inclusion syntactic: "*/**" does not include "**/a".) The moves are those of Zenoh's
// recursive definitions, so the answers are Zenoh's; only the evaluation order differs.
//
// Row i's reachable columns are a bitset; moves within a row are a carry-propagating addition
// and moves between rows are shifts and masks, so a whole row costs O(m/64) word operations
// plus one chunk comparison per reachable non-"**" column. Total: O(n·m/64) words and at most
// n·m chunk comparisons, whatever the number of "**" (Zenoh's backtracking is exponential).

// stackCols is the number of column chunks handled without heap allocation.
const stackCols = 128

// stackWords is the bitset size, in words, of a grid of stackCols columns.
const stackWords = (stackCols + 64) / 64

// relation selects the chunk test of a diagonal move.
type relation uint8

const (
	relIntersects     relation = iota // row chunk and column chunk intersect
	relRowIncludesCol                 // row chunk includes column chunk; rows belong to the includer
	relColIncludesRow                 // column chunk includes row chunk; columns belong to the includer
)

// grid holds the column key of the programme and its precomputed column masks. Every column
// chunk other than "**" is in exactly one of star, lit, dsl and verbatim (^nv).
type grid struct {
	cols string
	off  []uint16 // off[j] is where chunk j starts; off[m] = len(cols)+1
	m    int      // number of column chunks; bit m means "all columns consumed"
	nv   []uint64 // bit j: column chunk j is not verbatim
	dw   []uint64 // bit j: column chunk j is "**"
	star []uint64 // bit j: column chunk j is "*"
	lit  []uint64 // bit j: column chunk j has no wildcard and is not verbatim
	dsl  []uint64 // bit j: column chunk j is a non-verbatim "$*" pattern
}

// gridMasks is the number of masks of a grid.
const gridMasks = 5

// makeGrid returns the grid of column key s (at most MaxKeyLen bytes), storing offsets in off
// and the masks in masks when they are large enough, and allocating otherwise. (It returns a
// value rather than filling a *grid so that stack buffers passed in stay on the stack.)
func makeGrid(s string, off []uint16, masks []uint64) grid {
	m := strings.Count(s, "/") + 1
	words := (m + 64) / 64
	if m+1 > len(off) {
		off = make([]uint16, m+1)
	}
	if gridMasks*words > len(masks) {
		masks = make([]uint64, gridMasks*words)
	}
	masks = masks[:gridMasks*words]
	clear(masks)
	mask := func(i int) []uint64 { return masks[i*words : (i+1)*words] }
	g := grid{cols: s, m: m, off: off[:m+1], nv: mask(0), dw: mask(1), star: mask(2), lit: mask(3), dsl: mask(4)}
	start := 0
	for j := 0; j < m; j++ {
		end := strings.IndexByte(s[start:], '/')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		g.off[j] = uint16(start)
		bit := uint64(1) << (j & 63)
		switch c := s[start:end]; {
		case isVerbatim(c):
		case c == "**":
			g.dw[j>>6] |= bit
		case c == "*":
			g.star[j>>6] |= bit
		case strings.IndexByte(c, '$') >= 0:
			g.dsl[j>>6] |= bit
		default:
			g.lit[j>>6] |= bit
		}
		if !isVerbatim(s[start:end]) {
			g.nv[j>>6] |= bit
		}
		start = end + 1
	}
	g.off[m] = uint16(len(s) + 1)
	return g
}

// words returns the bitset size of g, in words.
func (g *grid) words() int { return len(g.nv) }

// chunk returns column chunk j.
func (g *grid) chunk(j int) string { return g.cols[g.off[j] : g.off[j+1]-1] }

// closure extends s with every column reachable by moving right through columns of mask m: a
// set bit j with m_j = 1 reaches j+1, then j+2 while m stays 1. Adding s&m to m carries through
// each run of ones, and the bits that the carry changed are exactly those reached.
func closure(s, m []uint64) {
	var carry uint64
	for w := range s {
		var sum uint64
		sum, carry = bits.Add64(s[w]&m[w], m[w], carry)
		s[w] |= sum ^ m[w]
	}
}

// advance sets dst to the columns of the next row reached from the closed columns src of the
// current row, whose chunk is c: down through the column "**" (when the relation allows it and
// c is not verbatim) and diagonally where rel holds. It reports whether dst is non-empty.
func (g *grid) advance(dst, src []uint64, c string, rel relation) bool {
	down := rel != relRowIncludesCol && !isVerbatim(c)
	free, check := g.diagonalClasses(c, rel)
	var carry uint64 // the diagonal shifts free columns by one
	for w := range dst {
		dst[w] = 0
		if down {
			dst[w] = src[w] & g.dw[w]
		}
		x := src[w] & g.pick(free, w)
		dst[w] |= x<<1 | carry
		carry = x >> 63
	}
	if check != 0 {
		for w, x := range src {
			for x &= g.pick(check, w); x != 0; x &= x - 1 {
				j := w<<6 | bits.TrailingZeros64(x)
				if g.diagonal(c, j, rel) {
					dst[(j+1)>>6] |= 1 << ((j + 1) & 63)
				}
			}
		}
	}
	return nonEmpty(dst)
}

// Column classes, as bit sets for diagonalClasses.
const (
	clsStar uint8 = 1 << iota
	clsLit
	clsDSL
	clsVerbatim
)

// pick returns word w of the union of the column classes in cls.
func (g *grid) pick(cls uint8, w int) uint64 {
	var x uint64
	if cls&clsStar != 0 {
		x |= g.star[w]
	}
	if cls&clsLit != 0 {
		x |= g.lit[w]
	}
	if cls&clsDSL != 0 {
		x |= g.dsl[w]
	}
	if cls&clsVerbatim != 0 {
		x |= ^g.nv[w] &^ g.dw[w]
		if w == len(g.nv)-1 { // no column at or after m
			x &= 1<<(g.m&63) - 1
		}
	}
	return x
}

// diagonalClasses returns, for row chunk c ("**" excluded), the column classes where a
// diagonal move always exists (free) and those where it needs a chunk comparison (check);
// every other column never allows one.
func (g *grid) diagonalClasses(c string, rel relation) (free, check uint8) {
	if c == "**" {
		return 0, 0
	}
	all := clsStar | clsLit | clsDSL
	switch {
	case isVerbatim(c):
		return 0, clsVerbatim
	case c == "*" && rel == relColIncludesRow:
		return clsStar, clsDSL
	case c == "*":
		return all, 0
	case rel == relRowIncludesCol && strings.IndexByte(c, '$') >= 0:
		return 0, all
	case rel == relRowIncludesCol:
		return 0, clsLit
	}
	return clsStar, clsLit | clsDSL
}

// diagonal reports whether row chunk c and column chunk j allow a diagonal move.
func (g *grid) diagonal(c string, j int, rel relation) bool {
	switch rel {
	case relRowIncludesCol:
		return chunkIncludes(c, g.chunk(j))
	case relColIncludesRow:
		return chunkIncludes(g.chunk(j), c)
	}
	return chunkIntersects(c, g.chunk(j))
}

// has reports whether bit j of s is set.
func has(s []uint64, j int) bool { return s[j>>6]&(1<<(j&63)) != 0 }

// nonEmpty reports whether some bit of s is set.
func nonEmpty(s []uint64) bool {
	for _, x := range s {
		if x != 0 {
			return true
		}
	}
	return false
}

// run executes the programme for row key rows against g's columns and reports whether (n, m)
// is reachable. Rows belong to the includer for relRowIncludesCol.
func (g *grid) run(rows string, rel relation, cur, next []uint64) bool {
	clear(cur)
	cur[0] = 1
	for rest := rows; ; {
		c, r := head(rest)
		switch {
		case c == "**" && rel != relColIncludesRow:
			closure(cur, g.nv) // the row "**" absorbs columns, then stops: next row = cur
		default:
			if rel != relRowIncludesCol {
				closure(cur, g.dw) // a column "**" may stop before this row chunk
			}
			if !g.advance(next, cur, c, rel) {
				return false
			}
			cur, next = next, cur
		}
		if r == "" {
			break
		}
		rest = r
	}
	if rel != relRowIncludesCol {
		closure(cur, g.dw) // trailing column "**" match nothing
	}
	return has(cur, g.m)
}

// intersectDP decides IntersectsString for valid keys without shortcuts; the key with fewer
// chunks becomes the columns.
func intersectDP(a, b string) bool {
	if strings.Count(a, "/") < strings.Count(b, "/") {
		a, b = b, a
	}
	var off [stackCols + 1]uint16
	var buf [(gridMasks + 2) * stackWords]uint64
	g := makeGrid(b, off[:], buf[:gridMasks*stackWords])
	cur, next := rowBuffers(buf[gridMasks*stackWords:], g.words())
	return g.run(a, relIntersects, cur, next)
}

// includeDP decides IncludesString for valid keys without shortcuts; the key with fewer chunks
// becomes the columns.
func includeDP(l, r string) bool {
	var off [stackCols + 1]uint16
	var buf [(gridMasks + 2) * stackWords]uint64
	rows, rel, cols := r, relColIncludesRow, l
	if strings.Count(l, "/") > strings.Count(r, "/") {
		rows, rel, cols = l, relRowIncludesCol, r
	}
	g := makeGrid(cols, off[:], buf[:gridMasks*stackWords])
	cur, next := rowBuffers(buf[gridMasks*stackWords:], g.words())
	return g.run(rows, rel, cur, next)
}

// rowBuffers returns two bitsets of the given size, carved from buf when it is large enough.
func rowBuffers(buf []uint64, words int) (cur, next []uint64) {
	if 2*words > len(buf) {
		buf = make([]uint64, 2*words)
	}
	return buf[:words], buf[words : 2*words]
}

// head splits s into its first chunk and the rest after the '/' ("" when none).
func head(s string) (string, string) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// tail splits s into everything before its last '/' ("" when none) and its last chunk.
func tail(s string) (string, string) {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

// hasVerbatim reports whether some chunk of s starts with '@'.
func hasVerbatim(s string) bool { return isVerbatim(s) || strings.Contains(s, "/@") }
