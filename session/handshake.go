package session

import (
	"context"
	"crypto/sha3"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// ourPatch is the patch level we implement: 1, fragment First and Drop markers.
const ourPatch = 1

// refuseTimeout bounds the write of a Close that refuses a link.
const refuseTimeout = time.Second

// PeerInfo describes the remote end of a transport and what was negotiated with it.
type PeerInfo struct {
	ZID        wire.ZenohID
	WhatAmI    wire.WhatAmI
	QoS        bool            // eight priorities, each with its channels
	Patch      uint8           // 1: fragments carry First/Drop markers
	Resolution wire.Resolution // frame SN and request id resolutions
	BatchSize  int             // largest batch either side sends on the (first) link, stream prefix included
	Lease      time.Duration   // the peer's lease: we close a link silent for that long
}

// snMask returns the frame SN mask.
func (p *PeerInfo) snMask() uint32 { return p.Resolution.FrameSN().SNMask() }

// compatible reports whether a second link negotiated the same transport (Rust compares the
// same fields, io/zenoh-transport/src/unicast/manager.rs init_existing_transport_unicast). The
// batch size is per link: Rust derives it from each socket's MSS, so two links to the same
// peer often differ.
func (p *PeerInfo) compatible(o *PeerInfo) bool {
	return p.ZID == o.ZID && p.WhatAmI == o.WhatAmI && p.QoS == o.QoS && p.Patch == o.Patch &&
		p.Resolution == o.Resolution
}

// hsResult is an established (opener) or nearly established (acceptor, before its OpenAck) link.
type hsResult struct {
	PeerInfo
	link     Link
	outbound bool
	peerSN   uint32 // the peer's initial SN
	ourSN    uint32 // our initial SN
}

// initialSN is Rust's deterministic initial SN: the first four bytes of SHAKE128(own ‖ peer),
// little-endian, masked (io/zenoh-transport/src/unicast/establishment/mod.rs compute_sn).
func initialSN(own, peer wire.ZenohID, mask uint32) uint32 {
	h := sha3.NewSHAKE128()
	h.Write(own[:own.Size()])
	h.Write(peer[:peer.Size()])
	var b [4]byte
	h.Read(b[:])
	return binary.LittleEndian.Uint32(b[:]) & mask
}

// ourResolution is the resolution byte we offer.
func (c *Config) ourResolution() wire.Resolution {
	code, _ := resolutionCode(c.SNResolution)
	return wire.NewResolution(wire.Bits(code), wire.Bits32)
}

// hsError is a handshake failure: the reason we sent (or would send) in a Close.
func hsError(r CloseReason, format string, args ...any) *CloseError {
	return closeErr(r, fmt.Errorf("%w: %s", ErrHandshake, fmt.Sprintf(format, args...)))
}

// writeMsg sends one transport message as its own batch.
func writeMsg(l Link, m *wire.TransportMessage) error {
	buf := make([]byte, LinkHeadroom, LinkHeadroom+m.Len())
	buf, err := m.Append(buf)
	if err != nil {
		return err
	}
	return l.WriteBatch(buf)
}

// refuse sends Close{reason, S=0} (bounded in time) and closes the link.
func refuse(l Link, reason CloseReason) {
	l.SetWriteDeadline(time.Now().Add(refuseTimeout))
	_ = writeMsg(l, &wire.TransportMessage{ID: wire.TransportIDClose, Close: wire.Close{Reason: reason}})
	l.Close()
}

// readMsg reads one batch and decodes its first transport message (trailing bytes are ignored,
// as Rust does during the handshake). A Close from the peer comes back as a remote CloseError.
func readMsg(l Link, m *wire.TransportMessage) error {
	b, err := l.ReadBatch()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		return err
	}
	if _, err := wire.DecodeTransportInto(b, m); err != nil {
		return hsError(ReasonInvalid, "%v", err)
	}
	if m.ID == wire.TransportIDClose {
		return &CloseError{Reason: m.Close.Reason, Remote: true, Session: m.Close.Session,
			Err: fmt.Errorf("%w: refused by peer", ErrHandshake)}
	}
	return nil
}

// bound applies ctx's deadline to the link and makes ctx's cancellation abort pending I/O.
// The returned func undoes it.
func bound(ctx context.Context, l Link) func() {
	if d, ok := ctx.Deadline(); ok {
		l.SetReadDeadline(d)
		l.SetWriteDeadline(d)
	}
	var mu sync.Mutex
	finished := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			past := time.Unix(1, 0)
			l.SetReadDeadline(past)
			l.SetWriteDeadline(past)
		}
	})
	return func() {
		stop()
		mu.Lock()
		finished = true // a cancellation racing with the end of the handshake has no effect
		mu.Unlock()
		l.SetReadDeadline(time.Time{})
		l.SetWriteDeadline(time.Time{})
	}
}

// failLink reports err after closing l, sending a Close first when err carries a local reason.
func failLink(l Link, err error) error {
	var ce *CloseError
	if errors.As(err, &ce) && !ce.Remote {
		refuse(l, ce.Reason)
	} else {
		l.Close()
	}
	return err
}
