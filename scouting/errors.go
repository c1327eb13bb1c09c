package scouting

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them (use errors.Is).
var (
	// ErrClosed reports an operation on a closed Scouter.
	ErrClosed = errors.New("scouting: closed")
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("scouting: invalid config")
	// ErrNoInterface reports that no interface matched the configured selection.
	ErrNoInterface = errors.New("scouting: no usable multicast interface")
	// ErrSocket reports a socket that could not be opened or configured.
	ErrSocket = errors.New("scouting: socket")
	// ErrStarted reports a second Start of the same Scouter.
	ErrStarted = errors.New("scouting: already started")
	// ErrNoLink reports gossip from, or to, a node that has no link registered with LinkUp.
	ErrNoLink = errors.New("scouting: no such gossip link")
	// ErrLimit reports input above one of the package's limits (the input was dropped).
	ErrLimit = errors.New("scouting: limit exceeded")
	// ErrNotFound reports that ConnectFirst found no node it could connect to in time.
	ErrNotFound = errors.New("scouting: no node connected before the scouting timeout")
)
