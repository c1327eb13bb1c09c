package keyexpr

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestKeyExprNewErrorSaysWhatAndWhere(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   error
		offset int
		chunk  int
	}{
		{"", ErrEmptyChunk, 0, 0},
		{"a/b/", ErrEmptyChunk, 4, 2},
		{"/a", ErrEmptyChunk, 0, 0},
		{"a//b", ErrEmptyChunk, 2, 1},
		{"a/b$*/$*", ErrLoneDollarStar, 6, 2},
		{"a/$*/b", ErrLoneDollarStar, 2, 1},
		{"x/**/*", ErrStarAfterDoubleStar, 5, 2},
		{"x/**/**/y", ErrDoubleStarAfterDoubleStar, 5, 2},
		{"x/**/*y", ErrStarInChunk, 5, 2},
		{"a/b*", ErrStarInChunk, 3, 1},
		{"a/*b", ErrStarInChunk, 2, 1},
		{"a/***", ErrStarInChunk, 4, 1},
		{"ab$*$*", ErrDollarAfterDollar, 4, 0},
		{"a/b#c", ErrForbiddenChar, 3, 1},
		{"a/b?c", ErrForbiddenChar, 3, 1},
		{"a/$b", ErrUnboundDollar, 2, 1},
		{"a/b$", ErrUnboundDollar, 3, 1},
		{"a/b\xffc", ErrInvalidUTF8, 3, 1},
		{strings.Repeat("a", MaxKeyLen+1), ErrTooLong, MaxKeyLen, 0},
	} {
		k, err := New(c.in)
		if !k.IsZero() {
			t.Errorf("New(%q) returned a non-zero KeyExpr with an error", c.in)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("New(%q) = %v, want a *SyntaxError", c.in, err)
			continue
		}
		if !errors.Is(err, c.want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("New(%q) = %v, want %v and ErrInvalid", c.in, err, c.want)
		}
		if se.Offset != c.offset || se.Chunk != c.chunk || se.Expr != c.in {
			t.Errorf("New(%q): offset %d chunk %d expr %q, want offset %d chunk %d", c.in,
				se.Offset, se.Chunk, se.Expr, c.offset, c.chunk)
		}
		msg := err.Error()
		what := strings.TrimPrefix(c.want.Error(), "keyexpr: ")
		if !strings.HasPrefix(msg, "keyexpr: ") || !strings.Contains(msg, what) ||
			!strings.Contains(msg, "offset ") {
			t.Errorf("New(%q) message %q lacks the reason %q or the offset", c.in, msg, what)
		}
	}
}

func TestKeyExprErrorMessageIsBounded(t *testing.T) {
	in := strings.Repeat("ab/", 1000) + "#"
	_, err := New(in)
	if err == nil || len(err.Error()) > 300 {
		t.Fatalf("New(3001-byte key with '#') = %v (%d bytes of message), want a short error", err, len(err.Error()))
	}
	if !strings.Contains(err.Error(), "3001 bytes") || !strings.Contains(err.Error(), "offset 3000") {
		t.Errorf("message %q does not give the length and the offset", err)
	}
}

func TestKeyExprAutocanonizeErrorNamesInput(t *testing.T) {
	_, err := Autocanonize("a$*$*bc$*")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Input != "a$*$*bc$*" || se.Expr != "a$*$*" || !errors.Is(err, ErrDollarAfterDollar) {
		t.Fatalf("Autocanonize(%q) = %#v, want Zenoh's invalid rewrite %q reported with the input", "a$*$*bc$*", err, "a$*$*")
	}
	_, err = Autocanonize("a/b$*$*")
	if !errors.As(err, &se) || !errors.Is(err, ErrNotCanonizable) || se.Offset != 3 || se.Chunk != 1 {
		t.Fatalf("Autocanonize(%q) = %v, want ErrNotCanonizable at offset 3, chunk 1", "a/b$*$*", err)
	}
}

func TestKeyExprMaxKeyLen(t *testing.T) {
	long := strings.Repeat("a/", MaxKeyLen/2-1) + "**"
	if len(long) != MaxKeyLen {
		t.Fatalf("test key has %d bytes", len(long))
	}
	k := mustNew(t, long)
	if !k.Intersects(mustNew(t, strings.Repeat("a/", MaxKeyLen/2-1)+"b")) || !k.Includes(k) {
		t.Errorf("a MaxKeyLen key does not match as expected")
	}
	for _, f := range []func(string) error{
		func(s string) error { _, err := New(s); return err },
		func(s string) error { _, err := Autocanonize(s); return err },
		func(s string) error { _, err := Join(mustNew(t, "a"), s); return err },
	} {
		if err := f(long + "/b"); !errors.Is(err, ErrTooLong) {
			t.Errorf("a %d-byte key: %v, want ErrTooLong", len(long)+2, err)
		}
	}
	if IntersectsString(long+"/b", "**") || IncludesString("**", long+"/b") {
		t.Errorf("an over-long string matched")
	}
}

func TestKeyExprZeroKeyExpr(t *testing.T) {
	var z KeyExpr
	all := mustNew(t, "**")
	if z.Intersects(z) || z.Includes(z) || z.Intersects(all) || all.Intersects(z) || all.Includes(z) || z.Includes(all) {
		t.Errorf("the zero KeyExpr matched something")
	}
	if !z.IsZero() || z.String() != "" || z.IsWild() {
		t.Errorf("zero KeyExpr: IsZero %v String %q IsWild %v", z.IsZero(), z.String(), z.IsWild())
	}
	if _, err := Join(z, "a"); !errors.Is(err, ErrEmptyChunk) {
		t.Errorf("Join(zero, \"a\") = %v, want ErrEmptyChunk", err)
	}
}

func TestKeyExprAccessors(t *testing.T) {
	k, err := NewAutocanonized("a/**/*")
	if err != nil || k.String() != "a/*/**" || !k.IsWild() || k.IsZero() {
		t.Fatalf("NewAutocanonized(\"a/**/*\") = %q, %v", k, err)
	}
	if _, err := NewAutocanonized("a#"); !errors.Is(err, ErrForbiddenChar) {
		t.Errorf("NewAutocanonized(\"a#\") = %v", err)
	}
	if mustNew(t, "a/b$*").IsWild() != true || mustNew(t, "a/b").IsWild() {
		t.Errorf("IsWild is wrong")
	}
}

// hotKeys are the mail-cluster shapes of the routing hot path.
var hotKeys = [][2]string{
	{"stalwart/cluster/ev/node-12/mailbox", "stalwart/cluster/ev/**"},
	{"stalwart/cluster/ev/node-12/mailbox", "stalwart/cluster/*/node-$*/mailbox"},
	{"stalwart/cluster/ev/node-12/mailbox", "stalwart/cluster/ev/node-13/mailbox"},
	{"stwt.agora", "stwt.agora"},
	{"a/b/c/d", "**/c/**"}, // needs the general programme
}

func TestKeyExprHotPathsDoNotAllocate(t *testing.T) {
	for _, p := range hotKeys {
		a, b := mustNew(t, p[0]), mustNew(t, p[1])
		if n := testing.AllocsPerRun(100, func() { a.Intersects(b); b.Includes(a); a.Includes(b) }); n != 0 {
			t.Errorf("%q vs %q: %v allocations", a, b, n)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = New(p[0]); _, _ = Autocanonize(p[1]) }); n != 0 {
			t.Errorf("New/Autocanonize of valid keys: %v allocations", n)
		}
	}
	a, b := adversarialPair(500, 40)
	if n := testing.AllocsPerRun(20, func() { IntersectsString(a, b); IncludesString(a, b) }); n != 0 {
		t.Errorf("500 \"**\" against 40 chunks: %v allocations", n)
	}
}

// adversarialPair returns "**/a/**/a/.../**/b" with stars "**" and a key of n chunks "a".
func adversarialPair(stars, n int) (string, string) {
	return strings.Repeat("**/a/", stars-1) + "**/b", strings.TrimSuffix(strings.Repeat("a/", n), "/")
}

// adversarialOpen is adversarialPair with the first key ending in "**" as well, so that no
// shortcut applies and the whole programme runs.
func adversarialOpen(stars, n int) (string, string) {
	_, b := adversarialPair(stars, n)
	return strings.Repeat("**/a/", stars-1) + "**", b
}

// TestKeyExprAdversarialDoubleStarsAreFast checks the answers on inputs that make Zenoh's
// backtracking matcher exponential. Timing goals live in the benchmarks (BenchmarkKeyExpr*);
// an exponential regression would not finish here (10^100 steps) and fails on the test timeout.
func TestKeyExprAdversarialDoubleStarsAreFast(t *testing.T) {
	for _, pair := range []func(int, int) (string, string){adversarialPair, adversarialOpen} {
		a, b := pair(500, 40)
		mustNew(t, a)
		mustNew(t, b)
		// Zenoh's backtracking would need more than 10^100 steps here.
		elapsed := fastest(5, func() {
			if IntersectsString(a, b) || IntersectsString(b, a) || IncludesString(a, b) {
				t.Fatalf("%.20q… matched 40 chunks", a)
			}
		})
		t.Logf("500 \"**\" (%.12q…%q) against 40 chunks: %v for three questions", a, a[len(a)-4:], elapsed)
	}
	// Every chunk between two "**" consumes one chunk, so 500 "**" can never meet 40 chunks; a
	// matching variant needs fewer.
	a, b := adversarialPair(20, 40)
	if !IntersectsString(a, b+"/b") || !IncludesString(a, b+"/b") || IntersectsString(a, b) {
		t.Errorf("%q against %q: wrong answer", a, b)
	}
}

// worstPairs are near-MaxKeyLen pairs that no shortcut decides: both keys start and end with
// "**", so the whole programme runs, and they differ only in the count of verbatim chunks
// (which "**" cannot absorb) or in a chunk that every position must try.
func worstPairs(size int) [][2]string {
	return [][2]string{
		{strings.Repeat("**/@a/", (size-2)/6) + "**", strings.Repeat("**/@a/", (size-2)/6-1) + "**"},
		{strings.Repeat("**/a$*/", (size-2)/7) + "**", strings.Repeat("**/b/", (size-2)/5) + "**"},
		{strings.Repeat("**/a/", (size-2)/5) + "**", strings.Repeat("*/", (size-3)/2) + "**"},
	}
}

func TestKeyExprWorstCaseIsBounded(t *testing.T) {
	for _, p := range worstPairs(MaxKeyLen) {
		a, b := mustNew(t, p[0]), mustNew(t, p[1])
		var got [3]bool
		elapsed := fastest(3, func() {
			got = [3]bool{a.Intersects(b), a.Includes(b), b.Includes(a)}
		})
		want := [3]bool{refIntersects(p[0], p[1]), refIncludes(p[0], p[1]), refIncludes(p[1], p[0])}
		if got != want {
			t.Errorf("%.20q… vs %.20q…: got %v, reference %v", p[0], p[1], got, want)
		}
		t.Logf("%d-byte vs %d-byte key (%.12q… vs %.12q…): %v for the three questions",
			len(p[0]), len(p[1]), p[0], p[1], elapsed)
	}
}

// fastest returns the shortest of n timed runs of f.
func fastest(n int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

func TestKeyExprStringHelpersNeverPanic(t *testing.T) {
	odd := []string{"", "/", "//", "a//b", "$", "$*", "*$", "@", "@/", "**/", "/**", "$*$*$*",
		"a$*b$", "**/**/**", strings.Repeat("**/", 300), strings.Repeat("/", 200), "\xff", "a/$"}
	for _, a := range odd {
		for _, b := range odd {
			IntersectsString(a, b)
			IncludesString(a, b)
			_, _ = Autocanonize(a + b)
		}
	}
}
