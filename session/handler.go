package session

import "github.com/gozenoh/zenoh/wire"

// Handler is what the layer above (routing) gives a Manager: it is told of every transport
// that comes up.
type Handler interface {
	// TransportUp is called once per transport, after the handshake and before any message of
	// the peer is delivered. It returns the handler of that transport's messages; an error
	// closes the transport (Close GENERIC) without a TransportDown. It may call t.Send. For a
	// given peer, the TransportDown of an earlier transport always returns before the next
	// TransportUp.
	TransportUp(t *Transport) (PeerHandler, error)
}

// BatchEnder is a PeerHandler that is told when the messages of one received batch have been
// handled: EndBatch is called after their HandleNetwork calls returned (also when the batch
// turned out to be invalid part-way), on the same goroutine and serialised with them. A
// handler can thus defer per-batch work, such as waking consumers, to the end of a batch.
type BatchEnder interface {
	EndBatch()
}

// PeerHandler receives the messages and the end of one transport.
type PeerHandler interface {
	// HandleNetwork is called for each network message, from the transport's reader
	// goroutine, in the order the peer sent them on each channel. msg and every slice in it
	// (payloads, key suffixes, attachments) alias the receive buffer and are valid only
	// during the call: copy what must outlive it. HandleNetwork must leave msg as it got it
	// (it may change it during the call and restore it): the next message is decoded into
	// the same one, updating only what differs from it. rel is the reliability of the
	// channel it came on. A slow HandleNetwork holds back the transport's reader (and the
	// peer's sender, through TCP flow control), not other transports. What it sends on its
	// own transport goes out once the batch msg came in has been handled.
	HandleNetwork(msg *wire.NetworkMessage, rel wire.Reliability)
	// TransportDown is called once, after the last HandleNetwork, when the transport is gone.
	// err says why (a *CloseError when a Close was exchanged; ErrLeaseExpired, an I/O error,
	// ErrClosed for a local Close ...).
	TransportDown(err error)
}

// HandlerFuncs adapts functions to Handler and PeerHandler (nil functions do nothing), for
// tests and small programs.
type HandlerFuncs struct {
	Up      func(t *Transport) error
	Network func(t *Transport, msg *wire.NetworkMessage, rel wire.Reliability)
	Down    func(t *Transport, err error)
}

// TransportUp implements Handler.
func (h HandlerFuncs) TransportUp(t *Transport) (PeerHandler, error) {
	if h.Up != nil {
		if err := h.Up(t); err != nil {
			return nil, err
		}
	}
	return peerFuncs{h, t}, nil
}

type peerFuncs struct {
	h HandlerFuncs
	t *Transport
}

func (p peerFuncs) HandleNetwork(msg *wire.NetworkMessage, rel wire.Reliability) {
	if p.h.Network != nil {
		p.h.Network(p.t, msg, rel)
	}
}

func (p peerFuncs) TransportDown(err error) {
	if p.h.Down != nil {
		p.h.Down(p.t, err)
	}
}
