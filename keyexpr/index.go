package keyexpr

import (
	"errors"
	"strings"
	"sync"
)

// ErrZeroKeyExpr is returned by Index.Insert for the zero KeyExpr.
var ErrZeroKeyExpr = errors.New("keyexpr: zero KeyExpr")

// Index is a set of key expressions with values, such as the subscriptions of a router, that
// answers "which entries intersect this key expression" (Match). Both the stored key
// expressions and the query may hold wildcards; an entry matches when its key expression
// intersects the query, exactly as KeyExpr.Intersects decides.
//
// Entries live in a trie with one edge per chunk: literal and verbatim chunks are found by map
// lookup, and each node has at most one "*" and one "**" child plus its "$*"-pattern children.
// A match walks the trie carrying, per node, the set of query chunk positions still possible
// (the dynamic programme of IntersectsString, one row per trie edge), and prunes a branch as
// soon as that set is empty. For a query without wildcards, each node visited costs a map
// lookup per possible position plus one step per "*", "**" or pattern child, so a match costs
// O(key length × wildcard branches) plus the number of entries reported, independent of the
// number of literal entries. A query chunk that is a wildcard must try every literal child of
// the nodes it meets, so wildcard queries cost up to the size of the subtrees they cover.
//
// A key may be inserted several times, with equal or different values: each Insert adds a
// distinct entry, and Remove takes the *Entry that Insert returned. The order in which Match
// reports entries is unspecified.
//
// Concurrency: Insert and Remove need exclusive access; any number of Match calls (and Len) may
// run concurrently with each other but not with Insert or Remove (guard the Index with a
// sync.RWMutex, or copy on write). An Index must not be copied after first use.
//
// Memory: one node per distinct key prefix (chunk list) plus one *Entry per entry; the Index
// does not cap its size, so callers bound the declarations they accept. A Match
// borrows a pooled scratch area of about 3·(D+2)·⌈(k+1)/64⌉ words for a query of k chunks and
// a deepest key of D chunks (at most about 1.6 MiB for two MaxKeyLen keys of 2,049 chunks).
type Index[T any] struct {
	root  node[T]
	n     int
	depth int // most chunks of any key inserted so far
	pool  sync.Pool
}

// Entry is one key expression and value stored in an Index.
type Entry[T any] struct {
	key   KeyExpr
	value T
	owner *Index[T]
	node  *node[T] // nil once removed
	pos   int      // index in node.entries
}

// Key returns the entry's key expression.
func (e *Entry[T]) Key() KeyExpr { return e.key }

// Value returns the entry's value.
func (e *Entry[T]) Value() T { return e.value }

// node is a trie node; the path from the root spells a chunk list.
type node[T any] struct {
	parent  *node[T]
	label   string              // the chunk of the edge from parent
	lit     map[string]*node[T] // children by literal (or verbatim) chunk
	pat     map[string]*node[T] // children by chunk containing "$*"
	star    *node[T]            // child "*"
	dstar   *node[T]            // child "**"
	entries []*Entry[T]         // entries whose key ends here
}

// Len returns the number of entries.
func (x *Index[T]) Len() int { return x.n }

// Insert adds an entry for key k with value v and returns it; pass it to Remove to delete it.
// Insert returns ErrZeroKeyExpr for the zero KeyExpr.
func (x *Index[T]) Insert(k KeyExpr, v T) (*Entry[T], error) {
	if k.IsZero() {
		return nil, ErrZeroKeyExpr
	}
	n, chunks := &x.root, 0
	for rest := k.s; rest != ""; chunks++ {
		var c string
		c, rest = head(rest)
		n = n.child(c, true)
	}
	e := &Entry[T]{key: k, value: v, owner: x, node: n, pos: len(n.entries)}
	n.entries = append(n.entries, e)
	x.n++
	x.depth = max(x.depth, chunks)
	return e, nil
}

// Remove deletes entry e and reports whether it was in x; it returns false for nil, for an
// entry already removed and for an entry of another Index.
func (x *Index[T]) Remove(e *Entry[T]) bool {
	if e == nil || e.owner != x || e.node == nil {
		return false
	}
	n := e.node
	last := len(n.entries) - 1
	moved := n.entries[last]
	n.entries[e.pos], moved.pos = moved, e.pos
	n.entries[last] = nil
	n.entries = n.entries[:last]
	e.node = nil
	x.n--
	for n.parent != nil && n.empty() {
		n.parent.detach(n)
		n = n.parent
	}
	return true
}

// child returns n's child for chunk c, creating it when create is set (else nil if missing).
func (n *node[T]) child(c string, create bool) *node[T] {
	var slot **node[T]
	var m *map[string]*node[T]
	switch {
	case c == "**":
		slot = &n.dstar
	case c == "*":
		slot = &n.star
	case strings.IndexByte(c, '$') >= 0:
		m = &n.pat
	default:
		m = &n.lit
	}
	if slot != nil {
		if *slot == nil && create {
			*slot = &node[T]{parent: n, label: c}
		}
		return *slot
	}
	if ch := (*m)[c]; ch != nil || !create {
		return ch
	}
	if *m == nil {
		*m = make(map[string]*node[T])
	}
	ch := &node[T]{parent: n, label: c}
	(*m)[c] = ch
	return ch
}

// detach removes child ch from n.
func (n *node[T]) detach(ch *node[T]) {
	switch {
	case n.dstar == ch:
		n.dstar = nil
	case n.star == ch:
		n.star = nil
	default:
		for _, m := range []*map[string]*node[T]{&n.lit, &n.pat} {
			if (*m)[ch.label] == ch {
				delete(*m, ch.label)
				if len(*m) == 0 {
					*m = nil
				}
			}
		}
	}
}

// empty reports whether n has neither entries nor children.
func (n *node[T]) empty() bool {
	return len(n.entries) == 0 && len(n.lit) == 0 && len(n.pat) == 0 && n.star == nil && n.dstar == nil
}
