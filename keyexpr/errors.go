package keyexpr

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error that New, Autocanonize and Join return.
var ErrInvalid = errors.New("keyexpr: invalid key expression")

// The specific reasons a string is not a key expression. Each *SyntaxError matches exactly one
// of them and ErrInvalid. The Rust names of the matching zenoh-keyexpr errors are given in
// brackets; Zenoh reports LoneDollarStar with the same message as EmptyChunk.
var (
	// ErrTooLong reports a string longer than MaxKeyLen bytes (a gozenoh limit, not Zenoh's).
	ErrTooLong = errors.New("keyexpr: longer than MaxKeyLen bytes")
	// ErrInvalidUTF8 reports a string that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("keyexpr: not valid UTF-8")
	// ErrEmptyChunk reports an empty string, a leading or trailing '/', or "//" [EmptyChunk].
	ErrEmptyChunk = errors.New("keyexpr: empty chunk (empty string, leading or trailing '/', or '//')")
	// ErrLoneDollarStar reports a chunk that is exactly "$*", which must be written "*" [LoneDollarStar].
	ErrLoneDollarStar = errors.New("keyexpr: chunk \"$*\" must be written \"*\"")
	// ErrStarAfterDoubleStar reports "**/*", which must be written "*/**" [SingleStarAfterDoubleStar].
	ErrStarAfterDoubleStar = errors.New("keyexpr: \"**/*\" is not canonical, write \"*/**\"")
	// ErrDoubleStarAfterDoubleStar reports "**/**", which must be written "**" [DoubleStarAfterDoubleStar].
	ErrDoubleStarAfterDoubleStar = errors.New("keyexpr: \"**/**\" is not canonical, write \"**\"")
	// ErrStarInChunk reports a '*' that is neither a whole "*" or "**" chunk nor part of "$*" [StarInChunk].
	ErrStarInChunk = errors.New("keyexpr: '*' may only form a \"*\" or \"**\" chunk or follow '$'")
	// ErrDollarAfterDollar reports a '$' right after "$*", as in "$*$*" [DollarAfterDollar].
	ErrDollarAfterDollar = errors.New("keyexpr: '$' is not allowed right after \"$*\"")
	// ErrForbiddenChar reports a '#' or '?' [SharpOrQMark].
	ErrForbiddenChar = errors.New("keyexpr: '#' and '?' are forbidden")
	// ErrUnboundDollar reports a '$' that is not followed by '*' [UnboundDollar].
	ErrUnboundDollar = errors.New("keyexpr: '$' is only allowed in \"$*\"")
	// ErrNotCanonizable reports, from Autocanonize and Join only, a run of "$*$*" inside a chunk
	// that Zenoh 1.x's canonizer cannot handle (it panics on it when fewer than two bytes follow the
	// run). gozenoh refuses the same inputs so that it never accepts what Zenoh rejects.
	ErrNotCanonizable = errors.New("keyexpr: repeated \"$*\" near the end of a chunk that Zenoh cannot canonize")
)

// maxErrExpr is how many bytes of the offending string an error message quotes.
const maxErrExpr = 64

// SyntaxError describes why a string is not a key expression and where.
type SyntaxError struct {
	// Expr is the string that was checked (after autocanonization when Input is set).
	Expr string
	// Input is the string given to Autocanonize or Join, when it differs from Expr.
	Input string
	// Offset is the byte offset in Expr of the problem.
	Offset int
	// Chunk is the 0-based index of the '/'-separated chunk holding Offset.
	Chunk int
	// Err is one of the specific sentinel errors (ErrEmptyChunk, ErrStarInChunk, ...).
	Err error
}

// Error returns a message naming the problem and its position; long strings are abbreviated.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("keyexpr: invalid key expression ")
	b.WriteString(quoteShort(e.Expr))
	if e.Input != "" {
		b.WriteString(" (autocanonized from ")
		b.WriteString(quoteShort(e.Input))
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " at offset %d (chunk %d): %s", e.Offset, e.Chunk,
		strings.TrimPrefix(e.Err.Error(), "keyexpr: "))
	return b.String()
}

// Unwrap returns ErrInvalid and the specific sentinel error.
func (e *SyntaxError) Unwrap() []error { return []error{ErrInvalid, e.Err} }

// quoteShort quotes s, cut to maxErrExpr bytes with the full length noted.
func quoteShort(s string) string {
	if len(s) <= maxErrExpr {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…(%d bytes)", s[:maxErrExpr], len(s))
}

// syntaxErr builds a *SyntaxError for s at byte offset off.
func syntaxErr(s string, off int, err error) *SyntaxError {
	off = min(max(off, 0), len(s))
	return &SyntaxError{Expr: s, Offset: off, Chunk: strings.Count(s[:off], "/"), Err: err}
}
