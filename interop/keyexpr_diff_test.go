package interop

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/keyexpr"
)

// keDiffPairs is how many generated pairs TestKeyExprDifferential sends to real Zenoh.
const keDiffPairs = 40000

// keDiffTimeout bounds the whole differential run, Python start-up included.
const keDiffTimeout = 4 * time.Minute

// keCase is one pair of raw strings; both go through every question.
type keCase struct {
	A, B string
}

// keCheck is the oracle's answer about one string.
type keCheck struct {
	New   string  `json:"new"`
	Canon *string `json:"canon"`
	CErr  *string `json:"cerr"`
}

// keAnswer is the oracle's answer about one pair (see oracle/keyexpr_oracle.py).
type keAnswer struct {
	A     keCheck           `json:"a"`
	B     keCheck           `json:"b"`
	KA    *string           `json:"ka"`
	KB    *string           `json:"kb"`
	Int   *bool             `json:"int"`
	IncAB *bool             `json:"inc_ab"`
	IncBA *bool             `json:"inc_ba"`
	Join  map[string]string `json:"join"`
}

// keStats counts what the differential run covered.
type keStats struct {
	validNew, validCanon, pairs, intersect, includes, joins, errKinds int
}

// TestKeyExprDifferential compares keyexpr with real Zenoh (eclipse-zenoh 1.10.2 through
// Python) on validity and error kind, autocanonization, intersection (also through an Index),
// inclusion both ways and join, for keDiffPairs deterministic generated pairs, adversarial ones
// included. One Python process answers the whole batch.
func TestKeyExprDifferential(t *testing.T) {
	py := Python(t)
	cases := genKeyExprCases(rand.New(rand.NewPCG(0x5eed, 0x2e1)), keDiffPairs)
	answers := askKeyExprOracle(t, py, cases)

	var st keStats
	var bad []string
	for i, c := range cases {
		for _, d := range compareKeyExpr(c, answers[i], &st) {
			bad = append(bad, fmt.Sprintf("case %d a=%q b=%q: %s", i, c.A, c.B, d))
		}
	}
	t.Logf("%d pairs: New valid %d of %d strings, autocanonize valid %d, %d pairs asked "+
		"(%d intersect, %d include one way or both), %d joins, %d error kinds compared",
		len(cases), st.validNew, 2*len(cases), st.validCanon, st.pairs, st.intersect, st.includes,
		st.joins, st.errKinds)
	if len(bad) > 0 {
		show := bad[:min(len(bad), 60)]
		t.Fatalf("%d disagreements with Zenoh (first %d):\n%s", len(bad), len(show),
			strings.Join(show, "\n"))
	}
}

// askKeyExprOracle runs the oracle once, streams every case to it and returns its answers.
func askKeyExprOracle(t *testing.T, py string, cases []keCase) []keAnswer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), keDiffTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join("oracle", "keyexpr_oracle.py"))
	cmd.Env = append(os.Environ(), "RUST_BACKTRACE=0")
	var stderr tailBuffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	writeErr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(stdin)
		enc := base64.StdEncoding
		for _, c := range cases {
			if _, err := fmt.Fprintf(w, "{\"a\":%q,\"b\":%q}\n",
				enc.EncodeToString([]byte(c.A)), enc.EncodeToString([]byte(c.B))); err != nil {
				writeErr <- err
				return
			}
		}
		if err := w.Flush(); err != nil {
			writeErr <- err
			return
		}
		writeErr <- stdin.Close()
	}()
	answers := make([]keAnswer, 0, len(cases))
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for len(answers) < len(cases) && sc.Scan() {
		var a keAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("oracle answer %d: %v: %s", len(answers), err, sc.Text())
		}
		answers = append(answers, a)
	}
	if err := <-writeErr; err != nil {
		t.Fatalf("writing cases: %v; stderr: %s", err, stderr.String())
	}
	if len(answers) != len(cases) {
		t.Fatalf("oracle answered %d of %d cases (scan: %v, ctx: %v); stderr: %s",
			len(answers), len(cases), sc.Err(), ctx.Err(), stderr.String())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("oracle: %v; stderr: %s", err, stderr.String())
	}
	return answers
}

// tailBuffer keeps the last 16 KiB written to it (the oracle's stderr, for failure messages).
type tailBuffer struct{ b []byte }

// Write keeps the tail of what it is given.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - 16<<10; over > 0 {
		t.b = t.b[over:]
	}
	return len(p), nil
}

// String returns what is kept.
func (t *tailBuffer) String() string { return string(t.b) }

// compareKeyExpr lists how keyexpr's answers for c differ from Zenoh's answer z.
func compareKeyExpr(c keCase, z keAnswer, st *keStats) []string {
	var diffs []string
	ka := compareOne("a", c.A, z.A, &diffs, st)
	kb := compareOne("b", c.B, z.B, &diffs, st)
	if got, want := optKey(ka), strOr(z.KA); got != want {
		diffs = append(diffs, fmt.Sprintf("key used for a: go %s, zenoh %s", got, want))
	}
	if got, want := optKey(kb), strOr(z.KB); got != want {
		diffs = append(diffs, fmt.Sprintf("key used for b: go %s, zenoh %s", got, want))
	}
	if !ka.IsZero() && !kb.IsZero() && z.Int != nil && z.IncAB != nil && z.IncBA != nil {
		st.pairs++
		checkBool(&diffs, "intersects", ka.Intersects(kb), *z.Int)
		checkBool(&diffs, "intersects (b, a)", kb.Intersects(ka), *z.Int)
		checkBool(&diffs, "includes (a, b)", ka.Includes(kb), *z.IncAB)
		checkBool(&diffs, "includes (b, a)", kb.Includes(ka), *z.IncBA)
		var idx keyexpr.Index[int]
		if _, err := idx.Insert(ka, 1); err != nil {
			diffs = append(diffs, "Index.Insert: "+err.Error())
		}
		checkBool(&diffs, "index holding a matches b", len(idx.Match(kb)) == 1, *z.Int)
		if *z.Int {
			st.intersect++
		}
		if *z.IncAB || *z.IncBA {
			st.includes++
		}
	}
	if !ka.IsZero() && z.Join != nil {
		st.joins++
		j, err := keyexpr.Join(ka, c.B)
		got := "ok " + j.String()
		if err != nil {
			got = "err " + errKind(err)
		}
		want := "ok " + z.Join["ok"]
		if e, ok := z.Join["err"]; ok {
			want = "err " + e
		}
		if got != want {
			diffs = append(diffs, fmt.Sprintf("join: go %s, zenoh %s", got, want))
		}
	}
	return diffs
}

// compareOne checks New and Autocanonize on s and returns the key the pair questions use.
func compareOne(name, s string, z keCheck, diffs *[]string, st *keStats) keyexpr.KeyExpr {
	k, err := keyexpr.New(s)
	got := "ok"
	if err != nil {
		got = errKind(err)
		st.errKinds++
	} else {
		st.validNew++
	}
	if got != z.New {
		*diffs = append(*diffs, fmt.Sprintf("New(%s): go %s, zenoh %s (%v)", name, got, z.New, err))
	}
	c, cerr := keyexpr.Autocanonize(s)
	gotC, wantC := "ok "+c, "ok "+strOr(z.Canon)
	if cerr != nil {
		gotC = "err " + errKind(cerr)
	} else {
		st.validCanon++
	}
	if z.CErr != nil {
		wantC = "err " + *z.CErr
	}
	if gotC != wantC {
		*diffs = append(*diffs, fmt.Sprintf("Autocanonize(%s): go %s, zenoh %s (%v)", name, gotC, wantC, cerr))
	}
	if err == nil {
		return k
	}
	if cerr == nil {
		k, _ = keyexpr.New(c)
	}
	return k
}

// errKind names a keyexpr error as the oracle names Zenoh's.
func errKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{keyexpr.ErrEmptyChunk, "empty"},
		{keyexpr.ErrLoneDollarStar, "empty"},
		{keyexpr.ErrStarAfterDoubleStar, "star_after_dstar"},
		{keyexpr.ErrDoubleStarAfterDoubleStar, "dstar_after_dstar"},
		{keyexpr.ErrStarInChunk, "star_in_chunk"},
		{keyexpr.ErrDollarAfterDollar, "dollar_after_dollar"},
		{keyexpr.ErrForbiddenChar, "forbidden_char"},
		{keyexpr.ErrUnboundDollar, "unbound_dollar"},
		{keyexpr.ErrInvalidUTF8, "utf8"},
		{keyexpr.ErrNotCanonizable, "panic"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "other: " + err.Error()
}

func checkBool(diffs *[]string, what string, got, want bool) {
	if got != want {
		*diffs = append(*diffs, fmt.Sprintf("%s: go %v, zenoh %v", what, got, want))
	}
}

func optKey(k keyexpr.KeyExpr) string {
	if k.IsZero() {
		return "<none>"
	}
	return k.String()
}

func strOr(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

// The generator. Every family is sized so that Zenoh's backtracking matchers (exponential in
// the number of "**" and "$*") still answer each case in well under a millisecond.

var (
	keLits = []string{"a", "b", "c", "ab", "ba", "aa", "abc", "node-12", "mailbox", "ev",
		"x.y", "é", "日本", " ", "a b", "\x00", "\t", "-", "_", "~", "a@", "b@b", "%", "!"}
	keVerb    = []string{"@", "@a", "@b", "@ab", "@a$*", "@$*a", "@*", "@**", "@@", "@é"}
	kePieces  = []string{"a", "b", "ab", "ba", "aa", "c", "@", "é", "a@"}
	keCanonTk = []string{"*", "**", "$*", "$*$*", "$*$*$*", "a", "b", "/", "/", "/", "$", "#",
		"?", "@", "ab", "*$*", "$**", "**$*"}
	keMutate = []byte("/*$#?@ab")
)

// genKeyExprCases returns n pairs drawn from the families below, deterministically from r.
func genKeyExprCases(r *rand.Rand, n int) []keCase {
	cases := make([]keCase, 0, n)
	families := []func(*rand.Rand) keCase{
		func(r *rand.Rand) keCase { return keCase{keExpr(r, 6), keExpr(r, 6)} },
		func(r *rand.Rand) keCase { a := keExpr(r, 6); return keCase{a, keRelated(r, a)} },
		func(r *rand.Rand) keCase { a := keExpr(r, 6); return keCase{keRelated(r, a), a} },
		func(r *rand.Rand) keCase { return keCase{keMutated(r, keExpr(r, 5)), keMutated(r, keExpr(r, 5))} },
		keDoubleStars,
		keDollarStars,
		func(r *rand.Rand) keCase { return keCase{keVerbatimExpr(r), keVerbatimExpr(r)} },
		func(r *rand.Rand) keCase { return keCase{keCanonSoup(r), keCanonSoup(r)} },
		func(r *rand.Rand) keCase { return keCase{keCanonSoup(r), keExpr(r, 4)} },
		func(r *rand.Rand) keCase { a := keExpr(r, 12); return keCase{a, keRelated(r, keRelated(r, a))} },
	}
	for i := range n {
		if i%500 == 499 { // a few strings that are not UTF-8
			a := []byte(keExpr(r, 3))
			a[r.IntN(len(a))] = byte(0x80 + r.IntN(0x80))
			cases = append(cases, keCase{string(a), keExpr(r, 3)})
			continue
		}
		cases = append(cases, families[i%len(families)](r))
	}
	return cases
}

// keExpr returns a '/'-joined list of up to maxChunks chunks, mostly valid, not always canonical.
func keExpr(r *rand.Rand, maxChunks int) string {
	n := 1 + r.IntN(maxChunks)
	chunks := make([]string, n)
	for i := range chunks {
		chunks[i] = keChunk(r)
	}
	return strings.Join(chunks, "/")
}

// keChunk returns one chunk: literal, verbatim, "*", "**" or a "$*" pattern.
func keChunk(r *rand.Rand) string {
	switch p := r.IntN(100); {
	case p < 35:
		return keLits[r.IntN(len(keLits))]
	case p < 47:
		return "*"
	case p < 62:
		return "**"
	case p < 87:
		return keDSL(r, 3)
	default:
		return keVerb[r.IntN(len(keVerb))]
	}
}

// keDSL returns a chunk pattern with up to maxStars "$*", never two in a row.
func keDSL(r *rand.Rand, maxStars int) string {
	var b strings.Builder
	stars := 1 + r.IntN(maxStars)
	if r.IntN(2) == 0 {
		b.WriteString(kePieces[r.IntN(len(kePieces))])
	}
	for i := range stars {
		b.WriteString("$*")
		if i < stars-1 || r.IntN(2) == 0 {
			b.WriteString(kePieces[r.IntN(len(kePieces))])
		}
	}
	return b.String()
}

// keRelated derives from a a string likely to intersect it or to be included by it: chunks
// replaced by wildcards or by literals that a pattern matches, "**" inserted or removed.
func keRelated(r *rand.Rand, a string) string {
	chunks := strings.Split(a, "/")
	for range 1 + r.IntN(3) {
		i := r.IntN(len(chunks))
		switch r.IntN(7) {
		case 0:
			chunks[i] = "*"
		case 1:
			chunks[i] = "**"
		case 2:
			chunks = append(chunks[:i], append([]string{"**"}, chunks[i:]...)...)
		case 3:
			if len(chunks) > 1 {
				chunks = append(chunks[:i], chunks[i+1:]...)
			}
		case 4: // instantiate a pattern: "$*" becomes some text
			chunks[i] = strings.ReplaceAll(chunks[i], "$*", kePieces[r.IntN(len(kePieces))])
		case 5: // generalise a literal: part of it becomes "$*"
			if c := chunks[i]; len(c) > 1 && !strings.Contains(c, "*") {
				k := 1 + r.IntN(len(c)-1)
				chunks[i] = c[:k] + "$*"
			}
		default:
			chunks[i] = keChunk(r)
		}
	}
	return strings.Join(chunks, "/")
}

// keMutated inserts, deletes or replaces a few bytes of s with grammar-relevant ones.
func keMutated(r *rand.Rand, s string) string {
	b := []byte(s)
	for range 1 + r.IntN(3) {
		i := r.IntN(len(b) + 1)
		switch r.IntN(3) {
		case 0:
			b = append(b[:i], append([]byte{keMutate[r.IntN(len(keMutate))]}, b[i:]...)...)
		case 1:
			if i < len(b) {
				b = append(b[:i], b[i+1:]...)
			}
		default:
			if i < len(b) {
				b[i] = keMutate[r.IntN(len(keMutate))]
			}
		}
	}
	return string(b)
}

// keDoubleStars pairs a key with up to 6 "**" against a longer one of repeated chunks: the
// shape that makes Zenoh's matcher backtrack.
func keDoubleStars(r *rand.Rand) keCase {
	stars := 1 + r.IntN(6)
	parts := make([]string, 0, 2*stars+1)
	for range stars {
		parts = append(parts, "**", []string{"a", "a", "b", "*", "a$*", "@a"}[r.IntN(6)])
	}
	if r.IntN(2) == 0 {
		parts = parts[:len(parts)-1] // end on "**"
	}
	n := 1 + r.IntN(12)
	other := make([]string, n)
	for i := range other {
		other[i] = []string{"a", "a", "a", "b", "@a", "**", "*"}[r.IntN(7)]
	}
	a, b := strings.Join(parts, "/"), strings.Join(other, "/")
	if r.IntN(2) == 0 {
		a, b = b, a
	}
	return keCase{a, b}
}

// keDollarStars pairs chunk patterns with up to 4 "$*" against literals and other patterns.
func keDollarStars(r *rand.Rand) keCase {
	mk := func() string {
		if r.IntN(3) == 0 {
			return strings.Repeat("a", r.IntN(6)) + []string{"", "b", "ab", "ba"}[r.IntN(4)]
		}
		return keDSL(r, 4)
	}
	a, b := mk(), mk()
	if a == "" {
		a = "a"
	}
	if b == "" {
		b = "b"
	}
	if r.IntN(3) == 0 {
		a, b = "x/"+a+"/**", "x/"+b+"/*"
	}
	return keCase{a, b}
}

// keVerbatimExpr builds keys from verbatim chunks and the wildcards that must not match them.
func keVerbatimExpr(r *rand.Rand) string {
	toks := []string{"@a", "@b", "*", "**", "a", "$*a", "@a$*", "a$*", "@"}
	n := 1 + r.IntN(5)
	chunks := make([]string, n)
	for i := range chunks {
		chunks[i] = toks[r.IntN(len(toks))]
	}
	return strings.Join(chunks, "/")
}

// keCanonSoup concatenates wildcard fragments, aiming at the canonizer's corner cases.
func keCanonSoup(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(7) {
		b.WriteString(keCanonTk[r.IntN(len(keCanonTk))])
	}
	return b.String()
}
