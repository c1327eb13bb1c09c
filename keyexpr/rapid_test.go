package keyexpr

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var (
	rapidChunks = []string{"a", "b", "ab", "é", "@a", "@b", "@a$*", "*", "**", "**", "a$*", "$*a",
		"$*b$*", "a$*b", "ab$*", "$*ba", "a$*a$*a"}
	// rapidDense repeats few chunks, so that keys share prefixes and repeat chunks.
	rapidDense = []string{"a", "a", "a", "b", "*", "**", "**", "@a", "a$*"}
	rapidSoup  = []string{"*", "**", "$*", "$*$*", "a", "b", "@", "/", "/", "/", "$", "#", "ab", "*$*"}
)

// keyGen draws valid canonical key expressions of 1 to maxChunks chunks.
func keyGen(maxChunks int) *rapid.Generator[string] { return keyGenOf(rapidChunks, maxChunks) }

// keyGenOf draws valid canonical key expressions of 1 to maxChunks chunks from chunks.
func keyGenOf(chunks []string, maxChunks int) *rapid.Generator[string] {
	chunk := rapid.SampledFrom(chunks)
	return rapid.Custom(func(t *rapid.T) string {
		raw := strings.Join(rapid.SliceOfN(chunk, 1, maxChunks).Draw(t, "chunks"), "/")
		k, err := NewAutocanonized(raw)
		if err != nil {
			t.Fatalf("valid chunks %q did not autocanonize: %v", raw, err)
		}
		return k.String()
	})
}

func TestKeyExprPropAutocanonizeIsIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := strings.Join(rapid.SliceOfN(rapid.SampledFrom(rapidSoup), 1, 10).Draw(t, "soup"), "")
		c, err := Autocanonize(s)
		if err != nil {
			return
		}
		if _, err := New(c); err != nil {
			t.Fatalf("Autocanonize(%q) = %q, which New rejects: %v", s, c, err)
		}
		if c2, err := Autocanonize(c); err != nil || c2 != c {
			t.Fatalf("Autocanonize(%q) = %q but Autocanonize(%q) = %q, %v", s, c, c, c2, err)
		}
		if _, err := New(s); err == nil && c != s {
			t.Fatalf("valid %q autocanonized to %q", s, c)
		}
	})
}

func TestKeyExprPropIntersectsIsSymmetric(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := keyGen(8).Draw(t, "a"), keyGen(8).Draw(t, "b")
		if IntersectsString(a, b) != IntersectsString(b, a) {
			t.Fatalf("Intersects(%q, %q) = %v but not the other way", a, b, IntersectsString(a, b))
		}
	})
}

func TestKeyExprPropIncludesImpliesIntersects(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := keyGen(8).Draw(t, "a"), keyGen(8).Draw(t, "b")
		if IncludesString(a, b) && !IntersectsString(a, b) {
			t.Fatalf("%q includes %q but does not intersect it", a, b)
		}
	})
}

func TestKeyExprPropKeyMatchesItself(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := keyGen(10).Draw(t, "a")
		if !IntersectsString(a, a) || !IncludesString(a, a) {
			t.Fatalf("%q does not intersect or include itself", a)
		}
		// A copy with another backing array takes the slow path, not the a == b shortcut.
		b := strings.Clone(a + "/x")[:len(a)]
		if !intersectDP(a, b) || !includeDP(a, b) {
			t.Fatalf("the general programme says %q does not match itself", a)
		}
	})
}

func TestKeyExprPropAgreesWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := keyGen(14).Draw(t, "a"), keyGen(14).Draw(t, "b")
		if got, want := IntersectsString(a, b), refIntersects(a, b); got != want {
			t.Fatalf("Intersects(%q, %q) = %v, reference %v", a, b, got, want)
		}
		if got, want := IncludesString(a, b), refIncludes(a, b); got != want {
			t.Fatalf("Includes(%q, %q) = %v, reference %v", a, b, got, want)
		}
		// The shortcuts must agree with the general programme.
		if got, want := IntersectsString(a, b), intersectDP(a, b); got != want {
			t.Fatalf("Intersects(%q, %q) = %v, programme alone %v", a, b, got, want)
		}
		if got, want := IncludesString(a, b), includeDP(a, b); got != want {
			t.Fatalf("Includes(%q, %q) = %v, programme alone %v", a, b, got, want)
		}
	})
}

func TestKeyExprPropIndexMatchEqualsBruteForce(t *testing.T) {
	t.Run("varied", func(t *testing.T) { checkIndexAgainstBruteForce(t, rapidChunks) })
	t.Run("dense", func(t *testing.T) { checkIndexAgainstBruteForce(t, rapidDense) })
}

// checkIndexAgainstBruteForce inserts, removes and queries keys built from chunks and compares
// every Match with a scan of all live entries.
func checkIndexAgainstBruteForce(t *testing.T, chunks []string) {
	rapid.Check(t, func(t *rapid.T) {
		var x Index[int]
		type stored struct {
			e   *Entry[int]
			key string
		}
		var live []stored
		keys := rapid.SliceOfN(keyGenOf(chunks, 6), 0, 40).Draw(t, "keys")
		for i, k := range keys {
			e, err := x.Insert(mustNew(t, k), i)
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, stored{e, k})
			if rapid.IntRange(0, 3).Draw(t, "dup") == 0 { // the same key again
				e, _ := x.Insert(mustNew(t, k), -i)
				live = append(live, stored{e, k})
			}
		}
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, 80), 0, 15).Draw(t, "removals") {
			if i < len(live) {
				if !x.Remove(live[i].e) {
					t.Fatalf("Remove of a live entry failed")
				}
				live = slices.Delete(live, i, i+1)
			}
		}
		if x.Len() != len(live) {
			t.Fatalf("Len = %d, want %d", x.Len(), len(live))
		}
		for _, q := range rapid.SliceOfN(keyGenOf(chunks, 8), 1, 10).Draw(t, "queries") {
			var want []int
			for _, s := range live {
				if IntersectsString(s.key, q) {
					want = append(want, s.e.Value())
				}
			}
			got := x.Match(mustNew(t, q))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Match(%q) = %v, brute force %v", q, got, want)
			}
		}
	})
}
