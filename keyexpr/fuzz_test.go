package keyexpr

import (
	"errors"
	"strings"
	"testing"
)

// fuzzSeeds returns the regression corpus strings, hot-path keys and adversarial keys.
func fuzzSeeds() []string {
	var seeds []string
	for _, c := range zenohStrings {
		seeds = append(seeds, c.in)
	}
	for _, p := range zenohPairs {
		seeds = append(seeds, p.a, p.b)
	}
	for _, p := range hotKeys {
		seeds = append(seeds, p[0], p[1])
	}
	a, b := adversarialPair(30, 40)
	return append(seeds, a, b)
}

func FuzzNew(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := New(s)
		if err == nil {
			if k.String() != s || !k.Intersects(k) || !k.Includes(k) {
				t.Fatalf("New(%q) = %q does not match itself", s, k)
			}
			if c, err := Autocanonize(s); err != nil || c != s {
				t.Fatalf("valid %q autocanonizes to %q, %v", s, c, err)
			}
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalid) || !k.IsZero() {
			t.Fatalf("New(%q) error %v is not a *SyntaxError matching ErrInvalid", s, err)
		}
		if se.Offset < 0 || se.Offset > len(s) || se.Chunk != strings.Count(s[:se.Offset], "/") {
			t.Fatalf("New(%q): offset %d, chunk %d out of place", s, se.Offset, se.Chunk)
		}
		if len(err.Error()) > 2*maxErrExpr+300 {
			t.Fatalf("New(%q): %d-byte message", s, len(err.Error()))
		}
	})
}

func FuzzAutocanonize(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Autocanonize(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Autocanonize(%q) error %v does not match ErrInvalid", s, err)
			}
			return
		}
		if _, err := New(c); err != nil {
			t.Fatalf("Autocanonize(%q) = %q, invalid: %v", s, c, err)
		}
		if c2, err := Autocanonize(c); err != nil || c2 != c {
			t.Fatalf("Autocanonize is not idempotent on %q: %q then %q, %v", s, c, c2, err)
		}
	})
}

func FuzzIntersects(f *testing.F) {
	seeds := fuzzSeeds()
	for i, s := range seeds {
		f.Add(s, seeds[(i*7+3)%len(seeds)])
	}
	for _, p := range zenohPairs {
		f.Add(p.a, p.b)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		// Any input: no panic, whatever the answer.
		IntersectsString(a, b)
		IncludesString(a, b)
		ka, errA := NewAutocanonized(a)
		kb, errB := NewAutocanonized(b)
		if errA != nil || errB != nil {
			return
		}
		ab, ba := ka.Intersects(kb), kb.Intersects(ka)
		if ab != ba {
			t.Fatalf("Intersects(%q, %q) = %v, reversed %v", ka, kb, ab, ba)
		}
		if ka.Includes(kb) && !ab {
			t.Fatalf("%q includes %q without intersecting it", ka, kb)
		}
		if len(ka.s)+len(kb.s) <= 512 {
			if want := refIntersects(ka.s, kb.s); ab != want {
				t.Fatalf("Intersects(%q, %q) = %v, reference %v", ka, kb, ab, want)
			}
			if got, want := ka.Includes(kb), refIncludes(ka.s, kb.s); got != want {
				t.Fatalf("Includes(%q, %q) = %v, reference %v", ka, kb, got, want)
			}
		}
		var x Index[int]
		if _, err := x.Insert(ka, 1); err != nil {
			t.Fatal(err)
		}
		if got := len(x.Match(kb)) == 1; got != ab {
			t.Fatalf("an index holding %q matches %q: %v, Intersects says %v", ka, kb, got, ab)
		}
	})
}
