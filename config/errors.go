package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error returned by this package wraps exactly one of them and, when it
// concerns a key or a position in a document, is an *Error.
var (
	// ErrSyntax reports a document that is not JSON5.
	ErrSyntax = errors.New("config: syntax error")
	// ErrType reports a value of the wrong JSON type for its key.
	ErrType = errors.New("config: wrong type")
	// ErrValue reports a value of the right type that Zenoh would reject or that cannot work.
	ErrValue = errors.New("config: invalid value")
	// ErrDuplicateKey reports a key given twice in the same object.
	ErrDuplicateKey = errors.New("config: duplicate key")
	// ErrUnknownKey reports a key that is not part of Zenoh's configuration (Insert and Get only;
	// Parse reports unknown keys as warnings).
	ErrUnknownKey = errors.New("config: unknown key")
	// ErrLimit reports an input that exceeds one of the named limits (MaxDocumentSize, …).
	ErrLimit = errors.New("config: limit exceeded")
	// ErrPath reports a malformed key path given to Get or Insert.
	ErrPath = errors.New("config: invalid key path")
)

// Error is an error about one key of a configuration, or one position of a document.
type Error struct {
	// Path is the "/"-separated key path, such as "scouting/multicast/ttl"; empty when the error
	// is not about a key (a syntax error).
	Path string
	// Line is the 1-based line of the offending value in the document; 0 when unknown.
	Line int
	// Column is the 1-based byte column of the offending value in its line; 0 when unknown.
	Column int
	// Err describes the problem and wraps one of the sentinel errors.
	Err error
}

// Error returns "config: <path> (line L, column C): <problem>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Line > 0 {
			b.WriteByte(' ')
		}
	}
	if e.Line > 0 {
		b.WriteString("(line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteByte(')')
	}
	if e.Path != "" || e.Line > 0 {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "config: "))
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel.
func (e *Error) Unwrap() error { return e.Err }

// errAt builds an *Error for path at the position of n (n may be nil).
func errAt(path string, n *node, sentinel error, format string, args ...any) *Error {
	e := &Error{Path: path, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
	if n != nil {
		e.Line, e.Column = int(n.line), int(n.col)
	}
	return e
}

// WarningKind classifies a Warning.
type WarningKind uint8

// Warning kinds.
const (
	// WarnUnknownKey: a key Zenoh does not know; Zenoh rejects the whole document, Parse ignores
	// the key.
	WarnUnknownKey WarningKind = iota + 1
	// WarnBareWord: an unquoted word where a string is expected (`mode: peer`), read as a string.
	WarnBareWord
	// WarnLegacyForm: an older syntax Zenoh 1.x rejects, such as autoconnect "router|peer".
	WarnLegacyForm
	// WarnDeprecated: a key Zenoh accepts but ignores.
	WarnDeprecated
	// WarnDuplicateKey: a key given twice in a free-form object (metadata, plugins…); the last
	// one wins, as in Zenoh.
	WarnDuplicateKey
	// WarnTruncated: more than MaxWarnings warnings; the rest are counted, not listed.
	WarnTruncated
)

// String returns a short name of the kind.
func (k WarningKind) String() string {
	switch k {
	case WarnUnknownKey:
		return "unknown key"
	case WarnBareWord:
		return "bare word"
	case WarnLegacyForm:
		return "legacy form"
	case WarnDeprecated:
		return "deprecated"
	case WarnDuplicateKey:
		return "duplicate key"
	case WarnTruncated:
		return "truncated"
	}
	return "warning(" + strconv.Itoa(int(k)) + ")"
}

// Warning is something Parse accepted that real Zenoh would reject or ignore.
type Warning struct {
	Kind   WarningKind
	Path   string // key path of the value concerned
	Line   int    // 1-based line; 0 when unknown
	Column int    // 1-based byte column; 0 when unknown
	Msg    string // what was accepted and how it was read
}

// String returns "<path> (line L, column C): <kind>: <msg>".
func (w Warning) String() string {
	e := Error{Path: w.Path, Line: w.Line, Column: w.Column, Err: errors.New(w.Kind.String() + ": " + w.Msg)}
	return strings.TrimPrefix(e.Error(), "config: ")
}

// Warnings is the list of warnings of one Parse, in document order.
type Warnings []Warning

// String returns the warnings one per line.
func (ws Warnings) String() string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(w.String())
	}
	return b.String()
}

// Has reports whether a warning of kind k is about path.
func (ws Warnings) Has(k WarningKind, path string) bool {
	for _, w := range ws {
		if w.Kind == k && w.Path == path {
			return true
		}
	}
	return false
}
