package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/gozenoh/zenoh/wire"
)

// openLink runs the opener's handshake on l within ctx: InitSyn, InitAck, OpenSyn, OpenAck.
// check, when not nil, is asked about the peer once its InitAck names it, before the OpenSyn
// commits anything on the acceptor's side; an error from it aborts (a *CloseError reason is sent
// to the peer). On failure the link is closed.
func openLink(ctx context.Context, cfg *Config, l Link, check func(wire.ZenohID) error) (*hsResult, error) {
	unbound := bound(ctx, l)
	r, err := openSteps(cfg, l, check)
	if err != nil {
		if ctx.Err() != nil && !isRemoteClose(err) {
			err = fmt.Errorf("%w: opening %s: %w", ErrTimeout, l.RemoteLocator(), err)
		}
		return nil, failLink(l, err)
	}
	unbound()
	return r, nil
}

func isRemoteClose(err error) bool {
	var ce *CloseError
	return errors.As(err, &ce) && ce.Remote
}

func openSteps(cfg *Config, l Link, check func(wire.ZenohID) error) (*hsResult, error) {
	ours := cfg.ourResolution()
	batch := min(cfg.BatchSize, l.MTU())
	syn := wire.TransportMessage{ID: wire.TransportIDInit, InitSyn: wire.NewInitSyn(cfg.WhatAmI, cfg.ZID)}
	syn.InitSyn.Resolution = ours
	syn.InitSyn.BatchSize = uint16(batch)
	syn.InitSyn.QoS = cfg.QoS
	syn.InitSyn.Patch = ourPatch
	if err := writeMsg(l, &syn); err != nil {
		return nil, err
	}

	var m wire.TransportMessage
	if err := readMsg(l, &m); err != nil {
		return nil, err
	}
	if m.ID != wire.TransportIDInit || !m.Ack {
		return nil, hsError(ReasonInvalid, "got %s, want InitAck", m.Name())
	}
	ack := &m.InitAck
	r := &hsResult{link: l, outbound: true}
	r.ZID, r.WhatAmI = ack.ZID, ack.WhatAmI
	if ack.ZID == cfg.ZID {
		return nil, hsError(ReasonConnectionToSelf, "peer has our own ZenohID %s", cfg.ZID)
	}
	// Rust's opener rejects an InitAck that raises a resolution above what it offered.
	if ack.Resolution.FrameSN() > ours.FrameSN() || ack.Resolution.RequestID() > ours.RequestID() {
		return nil, hsError(ReasonInvalid, "InitAck resolution %s above ours %s", ack.Resolution, ours)
	}
	r.Resolution = ack.Resolution & 0x0f
	r.BatchSize = min(batch, int(ack.BatchSize))
	if r.BatchSize < MinBatchSize {
		return nil, hsError(ReasonInvalid, "InitAck batch size %d below %d", ack.BatchSize, MinBatchSize)
	}
	if ack.QoS && ack.QoSLink.Present {
		return nil, hsError(ReasonGeneric, "InitAck carries both QoS and QoSLink")
	}
	r.QoS = cfg.QoS && (ack.QoS || ack.QoSLink.Present)
	if ack.Patch > ourPatch {
		return nil, hsError(ReasonInvalid, "InitAck patch %d above ours %d", ack.Patch, ourPatch)
	}
	r.Patch = ack.Patch
	if check != nil {
		if err := check(r.ZID); err != nil {
			return nil, err
		}
	}
	mask := r.snMask()
	r.ourSN = initialSN(cfg.ZID, r.ZID, mask)

	open := wire.TransportMessage{ID: wire.TransportIDOpen, OpenSyn: wire.OpenSyn{
		Lease: cfg.Lease, InitialSN: r.ourSN, Cookie: ack.Cookie,
	}}
	if err := writeMsg(l, &open); err != nil {
		return nil, err
	}
	if err := readMsg(l, &m); err != nil {
		return nil, err
	}
	if m.ID != wire.TransportIDOpen || !m.Ack {
		return nil, hsError(ReasonInvalid, "got %s, want OpenAck", m.Name())
	}
	if m.OpenAck.InitialSN&^mask != 0 {
		return nil, hsError(ReasonInvalid, "OpenAck initial SN %#x above mask %#x", m.OpenAck.InitialSN, mask)
	}
	if m.OpenAck.Lease <= 0 {
		return nil, hsError(ReasonInvalid, "OpenAck lease %v", m.OpenAck.Lease)
	}
	r.peerSN, r.Lease = m.OpenAck.InitialSN, m.OpenAck.Lease
	return r, nil
}
