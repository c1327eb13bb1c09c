package keyexpr

import "math/bits"

// Match returns the values of the entries whose key expression intersects q, in unspecified
// order. It allocates the result; AppendMatch and MatchFunc do not allocate.
func (x *Index[T]) Match(q KeyExpr) []T { return x.AppendMatch(nil, q) }

// AppendMatch appends to dst the values of the entries whose key expression intersects q and
// returns the extended slice. It allocates only to grow dst (and, on first use or when the
// Index grew deeper, the pooled scratch area).
func (x *Index[T]) AppendMatch(dst []T, q KeyExpr) []T {
	m := x.matcher(q)
	if m == nil {
		return dst
	}
	m.out = dst
	m.visit(&x.root, 0, nil)
	dst = m.out
	m.out = nil
	x.pool.Put(m)
	return dst
}

// MatchFunc calls yield for each entry whose key expression intersects q, in unspecified order,
// until yield returns false. yield must not call Insert or Remove on x.
func (x *Index[T]) MatchFunc(q KeyExpr, yield func(*Entry[T]) bool) {
	m := x.matcher(q)
	if m == nil {
		return
	}
	m.visit(&x.root, 0, yield)
	x.pool.Put(m)
}

// matcher is the scratch area of one Match: the query's grid, levelSets bitsets per trie depth
// (the positions reached on entering a node, their closure under the query's "**", and the
// lookups done), and per query chunk whether it is a wildcard and which chunk first spells the
// same text.
type matcher[T any] struct {
	g     grid
	off   []uint16
	masks []uint64
	lv    []uint64 // levelSets·words per level
	words int
	wild  []uint64 // bit j: query chunk j is "*", "**" or a "$*" pattern
	rep   []int32  // rep[j]: the first query chunk with the text of chunk j, once repReady
	seen  map[string]int32
	// repReady tells whether rep is computed for this query (only needed when several
	// positions are reachable at once).
	repReady bool
	out      []T
}

// matcher returns scratch set up for query q, or nil when there is nothing to match.
func (x *Index[T]) matcher(q KeyExpr) *matcher[T] {
	if q.IsZero() || x.n == 0 {
		return nil
	}
	m, _ := x.pool.Get().(*matcher[T])
	if m == nil {
		m = new(matcher[T])
	}
	m.setup(q.s, x.depth)
	return m
}

// setup prepares m for query s and trie depth depth, growing its buffers when needed.
func (m *matcher[T]) setup(s string, depth int) {
	k := 1
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			k++
		}
	}
	words := (k + 64) / 64
	m.off = grow(m.off, k+1)
	m.masks = grow(m.masks, gridMasks*words)
	m.g = makeGrid(s, m.off, m.masks)
	m.words = words
	m.lv = grow(m.lv, levelSets*words*(depth+2))
	m.wild = grow(m.wild, words)
	clear(m.wild)
	m.repReady = false
	for j := range k {
		if c := m.g.chunk(j); c == "*" || c == "**" || containsByte(c, '$') {
			m.wild[j>>6] |= 1 << (j & 63)
		}
	}
	clear(m.lv[:m.words])
	m.lv[0] = 1 // the root: no query chunk consumed yet
}

// representatives fills rep: for each literal query chunk, the first chunk with equal text.
func (m *matcher[T]) representatives() {
	k := m.g.m
	m.rep = grow(m.rep, k)
	if k > 16 && m.seen == nil {
		m.seen = make(map[string]int32)
	}
	clear(m.seen)
	for j := range k {
		m.rep[j] = int32(j)
		c := m.g.chunk(j)
		if has(m.wild, j) {
			continue
		}
		if k > 16 {
			if r, ok := m.seen[c]; ok {
				m.rep[j] = r
			} else {
				m.seen[c] = int32(j)
			}
			continue
		}
		for i := range j {
			if m.g.chunk(i) == c {
				m.rep[j] = int32(i)
				break
			}
		}
	}
	m.repReady = true
}

// grow returns s with length n, reallocated only when its capacity is too small.
func grow[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// containsByte reports whether s contains b.
func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// level returns the entry set and the closed set of trie depth d.
func (m *matcher[T]) level(d int) (in, closed []uint64) {
	base := levelSets * m.words * d
	return m.lv[base : base+m.words], m.lv[base+m.words : base+2*m.words]
}

// done returns the scratch set of representatives looked up at trie depth d.
func (m *matcher[T]) done(d int) []uint64 {
	base := levelSets*m.words*d + 2*m.words
	return m.lv[base : base+m.words]
}

// levelSets is the number of bitsets per trie depth: in, closed and done.
const levelSets = 3

// reach returns the number of positions in s.
func reach(s []uint64) int {
	n := 0
	for _, x := range s {
		n += bits.OnesCount64(x)
	}
	return n
}

// visit reports the entries of n and of its matching descendants; n is at depth d and its
// entry set is level d's. It returns false once yield has asked to stop.
func (m *matcher[T]) visit(n *node[T], d int, yield func(*Entry[T]) bool) bool {
	in, closed := m.level(d)
	copy(closed, in)
	closure(closed, m.g.dw)
	if len(n.entries) > 0 && has(closed, m.g.m) {
		for _, e := range n.entries {
			if yield == nil {
				m.out = append(m.out, e.value)
			} else if !yield(e) {
				return false
			}
		}
	}
	next, _ := m.level(d + 1)
	if n.dstar != nil {
		copy(next, in)
		closure(next, m.g.nv)
		if !m.visit(n.dstar, d+1, yield) {
			return false
		}
	}
	if n.star != nil && m.g.advance(next, closed, "*", relIntersects) && !m.visit(n.star, d+1, yield) {
		return false
	}
	for label, ch := range n.pat {
		if m.g.advance(next, closed, label, relIntersects) && !m.visit(ch, d+1, yield) {
			return false
		}
	}
	if len(n.lit) == 0 {
		return true
	}
	if m.mustScan(closed, len(n.lit)) {
		for label, ch := range n.lit {
			if m.g.advance(next, closed, label, relIntersects) && !m.visit(ch, d+1, yield) {
				return false
			}
		}
		return true
	}
	// Only literal children equal to a reachable query chunk can match: look them up, once
	// per distinct chunk text (positions with equal text share a representative; done marks
	// the representatives looked up at this node).
	multi := reach(closed) > 1
	done := m.done(d)
	if multi {
		if !m.repReady {
			m.representatives()
		}
		clear(done)
	}
	for w, x := range closed {
		for ; x != 0; x &= x - 1 {
			j := w<<6 | bits.TrailingZeros64(x)
			if j >= m.g.m {
				break
			}
			if multi {
				r := int(m.rep[j])
				if has(done, r) {
					continue
				}
				done[r>>6] |= 1 << (r & 63)
			}
			ch := n.lit[m.g.chunk(j)]
			if ch != nil && m.g.advance(next, closed, ch.label, relIntersects) && !m.visit(ch, d+1, yield) {
				return false
			}
		}
	}
	return true
}

// mustScan reports whether the literal children of a node must all be tried for the closed set
// closed: when a reachable query chunk is a wildcard, or when reachable positions far outnumber
// the children (a lookup per position would cost more than a walk of the children).
func (m *matcher[T]) mustScan(closed []uint64, children int) bool {
	for w, x := range closed {
		if x&m.wild[w] != 0 {
			return true
		}
	}
	return 8*children < reach(closed)
}
