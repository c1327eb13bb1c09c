package routing

import (
	"errors"
	"fmt"
)

// Sentinel errors of the routing package.
var (
	// ErrLimit is matched (errors.Is) by every *LimitError: a face declared more than a Limits
	// field allows. The caller must close that face.
	ErrLimit = errors.New("routing: face exceeded a limit")
	// ErrClosed reports an operation on a closed Router or on a closed or failed face.
	ErrClosed = errors.New("routing: closed")
	// ErrUndeclared reports an operation on an entity that was already undeclared.
	ErrUndeclared = errors.New("routing: already undeclared")
	// ErrQueryDone reports a reply to a query that is already finished (answered, timed out or
	// abandoned).
	ErrQueryDone = errors.New("routing: query already finished")
	// ErrBadReply reports a reply whose wire expression is not a scope-0 key expression that
	// intersects the query (or an error reply with a key).
	ErrBadReply = errors.New("routing: invalid reply")
	// ErrZeroKey reports a zero keyexpr.KeyExpr given to the local API.
	ErrZeroKey = errors.New("routing: zero key expression")
)

// LimitError says which named limit of Limits a face exceeded. It matches ErrLimit. The face
// that caused it is failed: Handle ignores its further messages and returns the same error
// until the caller closes it with CloseFace (the transport should be closed with reason
// INVALID).
type LimitError struct {
	Limit string // the Limits field, e.g. "MaxDeclarations"
	Max   int    // its value
}

// Error returns "routing: face exceeded <Limit> (<Max>)".
func (e *LimitError) Error() string {
	return fmt.Sprintf("routing: face exceeded %s (%d)", e.Limit, e.Max)
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }
