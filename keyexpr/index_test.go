package keyexpr

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// subscriptions is a small routing table: key expression and subscriber id.
var subscriptions = []struct {
	key string
	id  int
}{
	{"a/b", 1}, {"a/*", 2}, {"a/**", 3}, {"**", 4}, {"@adm/**", 5}, {"a/b$*", 6}, {"x/y", 7},
	{"a/b", 8}, {"*/y", 9}, {"a/*/c/**", 10}, {"**/@v", 11}, {"a/$*c", 12},
}

func newSubIndex(t *testing.T) (*Index[int], map[int]*Entry[int]) {
	t.Helper()
	x := new(Index[int])
	entries := map[int]*Entry[int]{}
	for _, s := range subscriptions {
		e, err := x.Insert(mustNew(t, s.key), s.id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Key().String() != s.key || e.Value() != s.id {
			t.Fatalf("entry %q=%d reads back as %q=%d", s.key, s.id, e.Key(), e.Value())
		}
		entries[s.id] = e
	}
	return x, entries
}

func TestKeyExprIndexMatch(t *testing.T) {
	x, _ := newSubIndex(t)
	for _, c := range []struct {
		query string
		want  []int
	}{
		{"a/b", []int{1, 2, 3, 4, 6, 8}},
		{"a/bc", []int{2, 3, 4, 6, 12}},
		{"a", []int{3, 4}},
		{"a/y", []int{2, 3, 4, 9}},
		{"@adm/x", []int{5}},
		{"@adm", []int{5}},
		{"z/@v", []int{11}},
		{"a/@v", []int{11}},
		{"a/q/c", []int{3, 4, 10}},
		{"a/**", []int{1, 2, 3, 4, 6, 8, 9, 10, 12}},
		{"**", []int{1, 2, 3, 4, 6, 7, 8, 9, 10, 12}},
		{"*/y", []int{2, 3, 4, 7, 9}},
		{"a/x$*", []int{2, 3, 4, 12}},
		{"@other", nil},
		{"b/c/d", []int{4}},
	} {
		got := x.Match(mustNew(t, c.query))
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("Match(%q) = %v, want %v", c.query, got, c.want)
		}
		var brute []int
		for _, s := range subscriptions {
			if mustNew(t, s.key).Intersects(mustNew(t, c.query)) {
				brute = append(brute, s.id)
			}
		}
		slices.Sort(brute)
		if !slices.Equal(brute, c.want) {
			t.Errorf("test table is wrong for %q: brute force says %v", c.query, brute)
		}
	}
}

func TestKeyExprIndexRemove(t *testing.T) {
	x, entries := newSubIndex(t)
	if !x.Remove(entries[1]) || x.Remove(entries[1]) {
		t.Fatal("Remove of a live entry, then of the same entry again: want true then false")
	}
	if got := x.Match(mustNew(t, "a/b")); slices.Contains(got, 1) || !slices.Contains(got, 8) {
		t.Errorf("after removing one of two \"a/b\" entries, Match = %v", got)
	}
	var other Index[int]
	if other.Remove(entries[2]) || x.Remove(nil) {
		t.Error("Remove accepted an entry of another index or nil")
	}
	for id, e := range entries {
		if id != 1 && !x.Remove(e) {
			t.Errorf("Remove(%d) failed", id)
		}
	}
	if x.Len() != 0 || !x.root.empty() {
		t.Errorf("after removing everything: Len %d, root empty %v", x.Len(), x.root.empty())
	}
	if got := x.Match(mustNew(t, "**")); len(got) != 0 {
		t.Errorf("empty index matched %v", got)
	}
}

func TestKeyExprIndexInsertZero(t *testing.T) {
	var x Index[string]
	if e, err := x.Insert(KeyExpr{}, "v"); e != nil || !errors.Is(err, ErrZeroKeyExpr) {
		t.Fatalf("Insert(zero) = %v, %v", e, err)
	}
	if _, err := x.Insert(mustNew(t, "a"), "v"); err != nil {
		t.Fatal(err)
	}
	if got := x.Match(KeyExpr{}); len(got) != 0 {
		t.Errorf("Match(zero) = %v", got)
	}
}

func TestKeyExprIndexMatchFuncStops(t *testing.T) {
	x, _ := newSubIndex(t)
	calls := 0
	x.MatchFunc(mustNew(t, "a/b"), func(e *Entry[int]) bool {
		calls++
		return false
	})
	if calls != 1 {
		t.Errorf("yield returned false but was called %d times", calls)
	}
	var keys []string
	x.MatchFunc(mustNew(t, "x/y"), func(e *Entry[int]) bool {
		keys = append(keys, e.Key().String())
		return true
	})
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"**", "*/y", "x/y"}) {
		t.Errorf("MatchFunc(x/y) keys = %v", keys)
	}
}

func TestKeyExprIndexRepeatedQueryChunks(t *testing.T) {
	// After a stored "**", several query positions reach the same literal child: it must be
	// visited, and its entries reported, once.
	var x Index[int]
	for i, k := range []string{"**/a", "**/a/a", "**/a/**", "a/**/a"} {
		if _, err := x.Insert(mustNew(t, k), i); err != nil {
			t.Fatal(err)
		}
	}
	got := x.Match(mustNew(t, "a/a/a/a"))
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("Match = %v, want each entry once", got)
	}
}

func TestKeyExprIndexMatchDoesNotAllocate(t *testing.T) {
	x := new(Index[int])
	for i := range 1000 {
		k := mustNew(t, fmt.Sprintf("stalwart/cluster/ev/node-%d/%s", i%50, []string{"mailbox", "queue", "**", "*"}[i%4]))
		if _, err := x.Insert(k, i); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]int, 0, 1000)
	for _, q := range []string{"stalwart/cluster/ev/node-12/mailbox", "stalwart/**", "stalwart/cluster/*/node-1$*/queue"} {
		k := mustNew(t, q)
		buf = x.AppendMatch(buf[:0], k) // warm the pool
		if len(buf) == 0 {
			t.Fatalf("no match for %q", q)
		}
		// Under the race detector sync.Pool drops items on purpose, so only normal builds
		// can promise no allocation.
		if n := testing.AllocsPerRun(50, func() { buf = x.AppendMatch(buf[:0], k) }); n != 0 && !raceEnabled {
			t.Errorf("AppendMatch(%q): %v allocations", q, n)
		}
		count := 0
		if n := testing.AllocsPerRun(50, func() {
			x.MatchFunc(k, func(*Entry[int]) bool { count++; return true })
		}); n != 0 && !raceEnabled {
			t.Errorf("MatchFunc(%q): %v allocations", q, n)
		}
	}
}

func TestKeyExprIndexConcurrentMatch(t *testing.T) {
	x, _ := newSubIndex(t)
	want := x.Match(mustNew(t, "a/b"))
	slices.Sort(want)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			var buf []int
			for i := range 500 {
				q := []string{"a/b", "a/**", "x/y", "@adm/q"}[(g+i)%4]
				buf = x.AppendMatch(buf[:0], mustNew(t, q))
				if q == "a/b" {
					slices.Sort(buf)
					if !slices.Equal(buf, want) {
						errs <- fmt.Sprintf("concurrent Match(a/b) = %v", buf)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
