package keyexpr

import (
	"errors"
	"testing"
)

// The regression corpus: hard cases with the answers real Zenoh (eclipse-zenoh 1.10.2) gave,
// hard-coded in corpus_zenoh_test.go by interop/oracle/keyexpr_corpus.py, so that these tests
// run without Python. interop/keyexpr_diff_test.go checks tens of thousands more against Zenoh.

type zenohString struct {
	in       string
	newKind  string // "ok" or the error kind (see kindOf)
	canon    string // Autocanonize result when canonErr is ""
	canonErr string
}

type zenohPair struct {
	a, b                     string
	intersects, aIncl, bIncl bool
}

type zenohJoin struct {
	a, b    string
	want    string
	errKind string
}

// kindOf names an error as the oracle names Zenoh's (Zenoh reports a lone "$*" chunk with the
// message of an empty chunk, and panics where ErrNotCanonizable is returned).
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	for _, k := range []struct {
		err  error
		name string
	}{
		{ErrEmptyChunk, "empty"},
		{ErrLoneDollarStar, "empty"},
		{ErrStarAfterDoubleStar, "star_after_dstar"},
		{ErrDoubleStarAfterDoubleStar, "dstar_after_dstar"},
		{ErrStarInChunk, "star_in_chunk"},
		{ErrDollarAfterDollar, "dollar_after_dollar"},
		{ErrForbiddenChar, "forbidden_char"},
		{ErrUnboundDollar, "unbound_dollar"},
		{ErrInvalidUTF8, "utf8"},
		{ErrNotCanonizable, "panic"},
		{ErrTooLong, "too_long"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "unknown: " + err.Error()
}

func TestKeyExprZenohCorpusStrings(t *testing.T) {
	for _, c := range zenohStrings {
		_, err := New(c.in)
		if got := kindOf(err); got != c.newKind {
			t.Errorf("New(%q) = %s (%v), Zenoh says %s", c.in, got, err, c.newKind)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("New(%q) error %v does not match ErrInvalid", c.in, err)
		}
		got, err := Autocanonize(c.in)
		switch {
		case c.canonErr != "" && kindOf(err) != c.canonErr:
			t.Errorf("Autocanonize(%q) = %q, %v; Zenoh fails with %s", c.in, got, err, c.canonErr)
		case c.canonErr == "" && (err != nil || got != c.canon):
			t.Errorf("Autocanonize(%q) = %q, %v; Zenoh gives %q", c.in, got, err, c.canon)
		}
	}
}

func TestKeyExprZenohCorpusPairs(t *testing.T) {
	for _, c := range zenohPairs {
		a, b := mustNew(t, c.a), mustNew(t, c.b)
		if got := a.Intersects(b); got != c.intersects {
			t.Errorf("%q intersects %q = %v, Zenoh says %v", c.a, c.b, got, c.intersects)
		}
		if got := b.Intersects(a); got != c.intersects {
			t.Errorf("%q intersects %q = %v, Zenoh says %v", c.b, c.a, got, c.intersects)
		}
		if got := a.Includes(b); got != c.aIncl {
			t.Errorf("%q includes %q = %v, Zenoh says %v", c.a, c.b, got, c.aIncl)
		}
		if got := b.Includes(a); got != c.bIncl {
			t.Errorf("%q includes %q = %v, Zenoh says %v", c.b, c.a, got, c.bIncl)
		}
		if got := refIntersects(c.a, c.b); got != c.intersects {
			t.Errorf("reference: %q intersects %q = %v, Zenoh says %v", c.a, c.b, got, c.intersects)
		}
		if got := refIncludes(c.a, c.b); got != c.aIncl {
			t.Errorf("reference: %q includes %q = %v, Zenoh says %v", c.a, c.b, got, c.aIncl)
		}
	}
}

func TestKeyExprZenohCorpusJoins(t *testing.T) {
	for _, c := range zenohJoins {
		got, err := Join(mustNew(t, c.a), c.b)
		switch {
		case c.errKind != "" && kindOf(err) != c.errKind:
			t.Errorf("Join(%q, %q) = %q, %v; Zenoh fails with %s", c.a, c.b, got, err, c.errKind)
		case c.errKind == "" && (err != nil || got.String() != c.want):
			t.Errorf("Join(%q, %q) = %q, %v; Zenoh gives %q", c.a, c.b, got, err, c.want)
		}
	}
}

// fataler is what mustNew needs of *testing.T, *testing.B and *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// mustNew returns New(s) or fails the test.
func mustNew(t fataler, s string) KeyExpr {
	t.Helper()
	k, err := New(s)
	if err != nil {
		t.Fatalf("New(%q): %v", s, err)
	}
	return k
}
