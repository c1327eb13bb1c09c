package cluster

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them.
var (
	// ErrClosed reports a call on a closed Bus, Subscription or transport.
	ErrClosed = errors.New("cluster: closed")
	// ErrQueueFull reports an event dropped because the publish queue was full. The event still
	// consumed a sequence number, so the other nodes will resync.
	ErrQueueFull = errors.New("cluster: publish queue full")
	// ErrTooLarge reports an event or envelope above one of the size limits.
	ErrTooLarge = errors.New("cluster: too large")
	// ErrTruncated reports an envelope or event body that ends early.
	ErrTruncated = errors.New("cluster: truncated")
	// ErrMalformed reports bytes that are not a valid envelope or event body.
	ErrMalformed = errors.New("cluster: malformed")
	// ErrVersion reports an envelope of an unknown version.
	ErrVersion = errors.New("cluster: unsupported envelope version")
	// ErrLimit reports a count above one of the named limits.
	ErrLimit = errors.New("cluster: limit exceeded")
	// ErrUnknownKind reports an event kind that has no decoder, or a kind name that is unknown.
	ErrUnknownKind = errors.New("cluster: unknown event kind")
	// ErrInvalidEvent reports an event that cannot be encoded (a local-only kind, an invalid
	// field) or command-line words that do not form an event.
	ErrInvalidEvent = errors.New("cluster: invalid event")
	// ErrNodeID reports a node id outside 1..65535.
	ErrNodeID = errors.New("cluster: invalid node id")
	// ErrUnsupported is returned by a Transport that lacks an optional capability (liveliness);
	// the Bus then runs without membership.
	ErrUnsupported = errors.New("cluster: not supported by transport")
	// ErrConfig reports an invalid cluster configuration; the error is a *ConfigError naming the key.
	ErrConfig = errors.New("cluster: invalid configuration")
)

// DecodeError is an error decoding an envelope or an event body. Token is a stable word for
// counters and logs ("magic", "version", "header", "events", "body").
type DecodeError struct {
	Token string
	Err   error
}

// Error returns "cluster: decode <token>: <cause>".
func (e *DecodeError) Error() string {
	return fmt.Sprintf("cluster: decode %s: %v", e.Token, e.Err)
}

// Unwrap returns the cause, which wraps a sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

func decodeErr(token string, sentinel error, format string, args ...any) error {
	return &DecodeError{Token: token, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}
