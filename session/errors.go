package session

import (
	"errors"

	"github.com/gozenoh/zenoh/wire"
)

// Sentinel errors. Errors returned by this package wrap one of them (use errors.Is).
var (
	// ErrClosed reports an operation on a closed Manager, Transport or Link.
	ErrClosed = errors.New("session: closed")
	// ErrEndpoint reports an endpoint string that is malformed or carries unsupported options.
	ErrEndpoint = errors.New("session: invalid endpoint")
	// ErrUnsupported reports a protocol, option or negotiated feature this package does not implement.
	ErrUnsupported = errors.New("session: unsupported")
	// ErrHandshake reports a failed transport establishment.
	ErrHandshake = errors.New("session: handshake failed")
	// ErrTimeout reports an open, accept or wait that ran out of time.
	ErrTimeout = errors.New("session: timeout")
	// ErrLeaseExpired reports a link on which nothing arrived for the peer's lease.
	ErrLeaseExpired = errors.New("session: lease expired")
	// ErrCongested reports a message that could not be queued before its congestion deadline.
	ErrCongested = errors.New("session: congested")
	// ErrTooLarge reports a message above a size limit.
	ErrTooLarge = errors.New("session: message too large")
	// ErrProtocol reports a peer that broke the protocol (bad batch, bad sequence number, ...).
	ErrProtocol = errors.New("session: protocol violation")
	// ErrLimit reports a configured limit reached (sessions, pending handshakes, ...).
	ErrLimit = errors.New("session: limit reached")
	// ErrDuplicate reports a link refused or retired because another link to the same peer wins.
	ErrDuplicate = errors.New("session: duplicate link to peer")
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("session: invalid config")
)

// CloseReason is the reason code a Zenoh Close message carries (wire.CloseReason).
type CloseReason = wire.CloseReason

// Close reasons, as Zenoh 1.x defines them (commons/zenoh-protocol/src/transport/close.rs).
const (
	ReasonGeneric          = wire.CloseGeneric
	ReasonUnsupported      = wire.CloseUnsupported
	ReasonInvalid          = wire.CloseInvalid
	ReasonMaxSessions      = wire.CloseMaxSessions
	ReasonMaxLinks         = wire.CloseMaxLinks
	ReasonExpired          = wire.CloseExpired
	ReasonUnresponsive     = wire.CloseUnresponsive
	ReasonConnectionToSelf = wire.CloseConnectionToSelf
)

// CloseError reports why a link or transport ended with a Zenoh close reason: either a Close
// message received from the peer (Remote true) or one this side sent or would send.
type CloseError struct {
	Reason  CloseReason
	Remote  bool  // the peer sent the Close
	Session bool  // the Close had S=1 (the whole transport), else it closed one link
	Err     error // the cause; nil for a received Close
}

// Error implements error.
func (e *CloseError) Error() string {
	s := "session: "
	if e.Remote {
		s += "closed by peer (" + e.Reason.String() + ")"
	} else {
		s += "closed (" + e.Reason.String() + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *CloseError) Unwrap() error { return e.Err }

// closeErr builds a local CloseError.
func closeErr(r CloseReason, err error) *CloseError { return &CloseError{Reason: r, Err: err} }

// ReasonOf returns the close reason carried by err, if any.
func ReasonOf(err error) (CloseReason, bool) {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Reason, true
	}
	return 0, false
}
