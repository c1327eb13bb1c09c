package keyexpr

import "strings"

// Autocanonize rewrites s into canonical form the way Zenoh 1.x's autocanonize does, then
// validates the result: runs of "**" chunks collapse to one ("**/**" → "**"), "*" chunks move
// before "**" ("**/*" → "*/**"), a chunk made only of "$*" becomes "*" ("$*$*" → "*"), and a
// doubled "$*" inside a chunk collapses ("a$*$*/b" → "a$*/b"). A valid s is returned unchanged
// and without allocation.
//
// Autocanonize reproduces Zenoh's rewriting exactly, including where it differs from the
// set-preserving ideal: inside a chunk Zenoh rewrites only pairs of "$*", so longer runs
// ("a$*$*$*") stay invalid, and on a pair followed by fewer than two bytes ("a$*$*", "a$*$*b")
// Zenoh 1.10.2 panics; Autocanonize returns ErrNotCanonizable there. Strings longer than
// MaxKeyLen are refused before rewriting. Every error is a *SyntaxError matching ErrInvalid.
func Autocanonize(s string) (string, error) {
	if err := validate(s); err == nil {
		return s, nil
	} else if err.Err == ErrTooLong || err.Err == ErrInvalidUTF8 {
		return "", err
	}
	c, off := canonize(s)
	if off >= 0 {
		return "", syntaxErr(s, off, ErrNotCanonizable)
	}
	if err := validate(c); err != nil {
		if c != s {
			err.Input = s
		}
		return "", err
	}
	return c, nil
}

// canonize applies Zenoh's canonization rewrite to s. It returns the rewritten string and -1,
// or "" and the offset of a "$*$*" run that Zenoh cannot rewrite (where Zenoh panics).
//
// The rewrite reads s chunk by chunk. A "**/" chunk is held back until a chunk other than "*",
// "$*" or "**" follows, so that "*" chunks are written before it and repeated "**" merge; a
// final "**" absorbs a held one. Leading "$*" pairs of a chunk drop one "$*" each; a chunk that
// is then "$*" is written "*". Inside any other chunk, "$*$*" keeps its first "$*" and drops the
// second, and also drops the two bytes at offsets 6..7 from it, together with those at 4..5,
// when the former are "$*" (Zenoh's look-ahead, reproduced as is).
func canonize(s string) (string, int) {
	out := make([]byte, 0, len(s)+3)
	held := false // a "**" chunk is pending
	i := 0
	for {
		rest := s[i:]
		switch {
		case rest == "**":
			return string(append(out, "**"...)), -1
		case strings.HasPrefix(rest, "**/"):
			held = true
			i += 3
		case isStarChunkStart(rest):
			n := 1 // the chunk is "*" or "$*"
			if rest[0] == '$' {
				n = 2
			}
			out = append(out, '*')
			if n == len(rest) {
				if held {
					out = append(out, "/**"...)
				}
				return string(out), -1
			}
			out = append(out, '/')
			i += n + 1
		case strings.HasPrefix(rest, "$*$*"):
			i += 2
		default:
			if held {
				out = append(out, "**/"...)
				held = false
			}
			var off int
			out, i, off = canonChunk(out, s, i)
			if off >= 0 {
				return "", off
			}
			if i == len(s) {
				return string(out), -1
			}
		}
	}
}

// isStarChunkStart reports whether rest begins with a chunk that is exactly "*" or "$*".
func isStarChunkStart(rest string) bool {
	for _, p := range [...]string{"*", "$*"} {
		if strings.HasPrefix(rest, p) && (len(rest) == len(p) || rest[len(p)] == '/') {
			return true
		}
	}
	return false
}

// canonChunk appends the chunk of s starting at i, and its '/', to out, collapsing "$*$*" as
// canonize describes. It returns out, the offset after the chunk and -1, or the offset of a run
// Zenoh cannot rewrite.
func canonChunk(out []byte, s string, i int) ([]byte, int, int) {
	from := i
	for i < len(s) {
		switch {
		case s[i] == '/':
			i++
			return append(out, s[from:i]...), i, -1
		case s[i] == '$' && strings.HasPrefix(s[i+1:], "*$*"):
			if i+6 > len(s) {
				return out, i, i
			}
			out = append(out, s[from:i+2]...)
			if strings.HasPrefix(s[i+6:], "$*") {
				i += 6
			} else {
				i += 4
			}
			from = i
		default:
			i++
		}
	}
	return append(out, s[from:]...), i, -1
}
