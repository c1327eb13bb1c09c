package zenoh

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gozenoh/zenoh/config"
	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/routing"
	"github.com/gozenoh/zenoh/session"
)

// Sentinel errors of the zenoh package. Errors returned by the package wrap one of them, or
// one of the re-exported errors below (use errors.Is and errors.As).
var (
	// ErrClosed reports an operation on a closed Session or on a closed (undeclared) entity.
	ErrClosed = errors.New("zenoh: closed")
	// ErrTimeout reports a query that did not complete before its timeout.
	ErrTimeout = errors.New("zenoh: timeout")
	// ErrUnsupported reports a configuration this implementation does not support (router mode).
	ErrUnsupported = errors.New("zenoh: unsupported")
	// ErrConfig reports a configuration that cannot be used.
	ErrConfig = errors.New("zenoh: invalid configuration")
	// ErrConnect reports that Open could not connect where it had to (a client's first router
	// or peer).
	ErrConnect = errors.New("zenoh: cannot connect")
	// ErrQueryFinished reports a reply to a query that already finished.
	ErrQueryFinished = errors.New("zenoh: query already finished")
	// ErrBadReply reports a reply whose key expression does not intersect the query's (and the
	// query did not accept any key with "_anyke").
	ErrBadReply = errors.New("zenoh: reply key does not match the query")
	// ErrInvalidArgument reports an argument that cannot be sent (an encoding schema longer than
	// 255 bytes, a bad selector ...).
	ErrInvalidArgument = errors.New("zenoh: invalid argument")
	// ErrInvalidKeyExpr is matched by every error about an invalid key expression.
	ErrInvalidKeyExpr = keyexpr.ErrInvalid
)

// errEncodingSchema reports an encoding schema the wire cannot carry.
var errEncodingSchema = fmt.Errorf("%w: encoding schema longer than %d bytes", ErrInvalidArgument, MaxEncodingSchemaLen)

// KeyExprError describes why a string is not a key expression, and where.
type KeyExprError = keyexpr.SyntaxError

// CloseError reports a transport that ended with a Zenoh close reason.
type CloseError = session.CloseError

// LimitError reports a remote node that exceeded one of the routing limits (it was
// disconnected).
type LimitError = routing.LimitError

// ConfigError reports a configuration value that Parse or Insert rejected, with its key path.
type ConfigError = config.Error

// ReplyError is an error reply to a query (a queryable's ReplyErr, or a routing node's
// "Timeout"). Get yields it as the error of an iteration step; the query goes on.
type ReplyError struct {
	// Payload is the error value; Encoding says how it is encoded.
	Payload  []byte
	Encoding Encoding
	// Replier is the ZenohID of the node that replied, when known.
	Replier ZenohID
}

// Error returns "zenoh: error reply: <payload>" (the payload quoted when it is not printable).
func (e *ReplyError) Error() string {
	p := string(e.Payload)
	if !strconv.CanBackquote(p) {
		p = strconv.Quote(p)
	}
	return "zenoh: error reply: " + p
}

// closedErr translates the closed errors of the lower layers into ErrClosed.
func closedErr(err error) error {
	if err == nil { // inlined: the common case costs no call
		return nil
	}
	return closedErrSlow(err)
}

func closedErrSlow(err error) error {
	if errors.Is(err, routing.ErrClosed) || errors.Is(err, session.ErrClosed) || errors.Is(err, routing.ErrUndeclared) {
		return ErrClosed
	}
	return err
}

// errorsIs is errors.Is.
func errorsIs(err, target error) bool { return errors.Is(err, target) }
