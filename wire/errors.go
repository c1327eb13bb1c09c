package wire

import (
	"errors"
	"strconv"
)

// Sentinel errors. A *DecodeError wraps exactly one of them.
var (
	// ErrTruncated reports input that ends before the message does.
	ErrTruncated = errors.New("wire: truncated input")
	// ErrInvalid reports a value that is out of range or contradicts another field.
	ErrInvalid = errors.New("wire: invalid value")
	// ErrOverflow reports an integer wider than its field allows.
	ErrOverflow = errors.New("wire: integer overflows its field")
	// ErrLimit reports a peer-controlled size or count above its named limit.
	ErrLimit = errors.New("wire: size above limit")
	// ErrUnknownMandatory reports an extension this codec does not know that is marked mandatory.
	ErrUnknownMandatory = errors.New("wire: unknown mandatory extension")
	// ErrUnknownMessage reports a message id that does not exist in that layer.
	ErrUnknownMessage = errors.New("wire: unknown message id")
	// ErrTrailing reports bytes left over after a message that must fill its container.
	ErrTrailing = errors.New("wire: trailing bytes")
	// ErrEncode reports a message that cannot be encoded (a field out of range or too long).
	ErrEncode = errors.New("wire: cannot encode")
)

// DecodeError describes why a message could not be decoded.
type DecodeError struct {
	Msg    string // message type, e.g. "InitSyn"
	Field  string // field being decoded, e.g. "batch_size"
	Offset int    // offset in the message's input where the field starts
	Err    error  // one of the package sentinels
}

// Error implements error.
func (e *DecodeError) Error() string {
	return e.Err.Error() + ": " + e.Msg + "." + e.Field + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns the sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError describes why a message could not be encoded.
type EncodeError struct {
	Msg   string
	Field string
	Why   string
}

// Error implements error.
func (e *EncodeError) Error() string {
	return "wire: cannot encode " + e.Msg + "." + e.Field + ": " + e.Why
}

// Unwrap returns ErrEncode.
func (e *EncodeError) Unwrap() error { return ErrEncode }

func encErr(msg, field, why string) error { return &EncodeError{Msg: msg, Field: field, Why: why} }

// wholeOrNothing returns b, or when err is set b cut back to the n0 bytes it had before an
// encoder started: an encoder never leaves part of a message behind.
func wholeOrNothing(b []byte, n0 int, err error) ([]byte, error) {
	if err != nil {
		return b[:n0], err
	}
	return b, nil
}
