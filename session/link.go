package session

import (
	"context"
	"time"
)

// LinkHeadroom is the number of bytes in front of every batch handed to Link.WriteBatch that
// the link may overwrite: stream links put the 2-byte little-endian length prefix there, so a
// batch goes out in one write without a copy.
const LinkHeadroom = 2

// Link is one established connection that carries whole batches (Zenoh's LinkUnicast). Stream
// links (TCP) frame each batch with a 2-byte length; datagram links would send one per datagram.
//
// One goroutine may call ReadBatch while another calls WriteBatch. Close unblocks both.
type Link interface {
	// ReadBatch reads the next batch. The slice aliases the link's buffer and is valid only
	// until the next ReadBatch call. An empty batch is legal. At the end of the stream it
	// returns io.EOF.
	ReadBatch() ([]byte, error)
	// WriteBatch writes one batch: buf[LinkHeadroom:] is the batch and buf[:LinkHeadroom] is
	// scratch space for the link. It writes all of it or fails.
	WriteBatch(buf []byte) error
	// SetReadDeadline bounds the pending and future ReadBatch calls; the zero time removes the bound.
	SetReadDeadline(t time.Time) error
	// SetWriteDeadline bounds the pending and future WriteBatch calls.
	SetWriteDeadline(t time.Time) error
	// CloseWrite ends the sending direction: the peer's reads return io.EOF once they have
	// read every batch written before.
	CloseWrite() error
	// Close closes both directions and releases the link's resources.
	Close() error
	// LocalLocator and RemoteLocator return the canonical locators of both ends.
	LocalLocator() string
	RemoteLocator() string
	// MTU returns the largest batch, stream prefix included, the link can carry.
	MTU() int
}

// Listener accepts incoming links for one endpoint.
type Listener interface {
	// Accept waits for the next incoming link.
	Accept() (Link, error)
	// Close stops listening; a pending Accept returns an error.
	Close() error
	// Endpoint returns the endpoint actually bound (a port 0 replaced by the bound port).
	Endpoint() Endpoint
	// Locators returns the concrete locators peers can dial: never an unspecified address.
	Locators() []string
}

// Protocol creates links of one kind, e.g. "tcp".
type Protocol interface {
	// Dial opens a link to ep, within ctx.
	Dial(ctx context.Context, ep Endpoint) (Link, error)
	// Listen binds ep.
	Listen(ep Endpoint) (Listener, error)
	// Check validates ep's address, metadata and config for this protocol, without I/O.
	Check(ep Endpoint) error
}
