package keyexpr

import "unicode/utf8"

// MaxKeyLen is the longest key expression, in bytes, that New, Autocanonize and Join accept.
// Zenoh itself allows up to 65,535 bytes on the wire; gozenoh caps keys so that matching stays
// cheap (see the package documentation for the resulting bounds).
const MaxKeyLen = 4096

// validate reports why s is not a key expression, or nil if it is one. It scans s once, in the
// same order as Zenoh's validator, so that the first problem found is the one Zenoh reports.
func validate(s string) *SyntaxError {
	if len(s) > MaxKeyLen {
		return syntaxErr(s, MaxKeyLen, ErrTooLong)
	}
	if !utf8.ValidString(s) {
		return syntaxErr(s, firstInvalidUTF8(s), ErrInvalidUTF8)
	}
	if s == "" || s[len(s)-1] == '/' {
		return syntaxErr(s, len(s), ErrEmptyChunk)
	}
	start := 0 // offset of the current chunk
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c > '/' && c != '?':
			i++
		case c == '/':
			if i == start {
				return syntaxErr(s, i, ErrEmptyChunk)
			}
			i++
			start = i
		case c == '*':
			if i != start {
				return syntaxErr(s, i, ErrStarInChunk)
			}
			n, err := starChunk(s, i)
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			i += n
			start = i
		case c == '$':
			if i+1 == len(s) || s[i+1] != '*' {
				return syntaxErr(s, i, ErrUnboundDollar)
			}
			if i+2 < len(s) && s[i+2] == '$' {
				return syntaxErr(s, i+2, ErrDollarAfterDollar)
			}
			if i == start && (i+2 == len(s) || s[i+2] == '/') {
				return syntaxErr(s, i, ErrLoneDollarStar)
			}
			i += 2
		case c == '#' || c == '?':
			return syntaxErr(s, i, ErrForbiddenChar)
		default:
			i++
		}
	}
	return nil
}

// starChunk checks the chunk of s starting with '*' at offset i. It returns how many bytes to
// skip to reach the next chunk (the chunk and its '/'), or 0 when the chunk ends s.
func starChunk(s string, i int) (int, *SyntaxError) {
	switch {
	case i+1 == len(s):
		return 0, nil // "*" ends s
	case s[i+1] == '/':
		return 2, nil // "*/"
	case s[i+1] != '*':
		return 0, syntaxErr(s, i, ErrStarInChunk) // "*x"
	case i+2 == len(s):
		return 0, nil // "**" ends s
	case s[i+2] != '/':
		return 0, syntaxErr(s, i+2, ErrStarInChunk) // "***" or "**x"
	case i+3 < len(s) && s[i+3] == '*':
		// "**/*...": Zenoh names the problem from the next two bytes.
		switch {
		case i+4 == len(s) || s[i+4] == '/':
			return 0, syntaxErr(s, i+3, ErrStarAfterDoubleStar)
		case s[i+4] == '*' && (i+5 == len(s) || s[i+5] == '/'):
			return 0, syntaxErr(s, i+3, ErrDoubleStarAfterDoubleStar)
		default:
			return 0, syntaxErr(s, i+3, ErrStarInChunk)
		}
	default:
		return 3, nil // "**/"
	}
}

// firstInvalidUTF8 returns the offset of the first byte of s that is not valid UTF-8.
func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(s)
}
