package session

import (
	"context"
	"fmt"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// acceptLink runs the acceptor's handshake on l within ctx up to a verified OpenSyn: InitSyn,
// InitAck (with a sealed cookie), OpenSyn. It keeps nothing between the InitAck and the
// OpenSyn but the cookie. The caller decides whether to admit the link and then sends the
// OpenAck (sendOpenAck) or refuses it. On failure the link is closed, after a Close with the
// reason Rust would send.
func acceptLink(ctx context.Context, cfg *Config, key *cookieKey, l Link) (*hsResult, error) {
	unbound := bound(ctx, l)
	r, err := acceptSteps(cfg, key, l)
	if err != nil {
		if ctx.Err() != nil && !isRemoteClose(err) {
			err = fmt.Errorf("%w: accepting %s: %w", ErrTimeout, l.RemoteLocator(), err)
		}
		return nil, failLink(l, err)
	}
	unbound()
	return r, nil
}

func acceptSteps(cfg *Config, key *cookieKey, l Link) (*hsResult, error) {
	var m wire.TransportMessage
	if err := readMsg(l, &m); err != nil {
		return nil, err
	}
	if m.ID != wire.TransportIDInit || m.Ack {
		return nil, hsError(ReasonInvalid, "got %s, want InitSyn", m.Name())
	}
	syn := &m.InitSyn
	if syn.Version != wire.ProtoVersion {
		return nil, hsError(ReasonInvalid, "protocol version %#x, want %#x", syn.Version, wire.ProtoVersion)
	}
	if syn.QoS && syn.QoSLink.Present {
		return nil, hsError(ReasonGeneric, "InitSyn carries both QoS and QoSLink")
	}
	ours := cfg.ourResolution()
	st := cookieState{
		zid:     syn.ZID,
		whatami: syn.WhatAmI,
		res: wire.NewResolution(min(ours.FrameSN(), syn.Resolution.FrameSN()),
			min(ours.RequestID(), syn.Resolution.RequestID())),
		batch: uint16(min(cfg.BatchSize, l.MTU(), int(syn.BatchSize))),
		qos:   cfg.QoS && (syn.QoS || syn.QoSLink.Present),
		patch: min(ourPatch, syn.Patch),
	}
	if int(st.batch) < MinBatchSize {
		return nil, hsError(ReasonInvalid, "InitSyn batch size %d below %d", syn.BatchSize, MinBatchSize)
	}
	cookie := key.seal(st, l.RemoteLocator(), time.Now().Add(cfg.AcceptTimeout))
	ack := wire.TransportMessage{ID: wire.TransportIDInit, Ack: true,
		InitAck: wire.NewInitAck(cfg.WhatAmI, cfg.ZID, cookie)}
	ack.InitAck.Resolution = st.res
	ack.InitAck.BatchSize = st.batch
	ack.InitAck.QoS = st.qos
	ack.InitAck.Patch = st.patch
	if err := writeMsg(l, &ack); err != nil {
		return nil, err
	}

	if err := readMsg(l, &m); err != nil {
		return nil, err
	}
	if m.ID != wire.TransportIDOpen || m.Ack {
		return nil, hsError(ReasonInvalid, "got %s, want OpenSyn", m.Name())
	}
	open := &m.OpenSyn
	st, err := key.open(open.Cookie, l.RemoteLocator(), time.Now())
	if err != nil {
		return nil, hsError(ReasonInvalid, "%v", err)
	}
	r := &hsResult{link: l}
	r.ZID, r.WhatAmI, r.Resolution, r.BatchSize = st.zid, st.whatami, st.res, int(st.batch)
	r.QoS, r.Patch = st.qos, st.patch
	mask := r.snMask()
	if open.InitialSN&^mask != 0 {
		return nil, hsError(ReasonInvalid, "OpenSyn initial SN %#x above mask %#x", open.InitialSN, mask)
	}
	if open.Lease <= 0 {
		return nil, hsError(ReasonInvalid, "OpenSyn lease %v", open.Lease)
	}
	r.peerSN, r.Lease = open.InitialSN, open.Lease
	r.ourSN = initialSN(cfg.ZID, r.ZID, mask)
	return r, nil
}

// sendOpenAck completes an accepted handshake.
func sendOpenAck(cfg *Config, r *hsResult, deadline time.Time) error {
	r.link.SetWriteDeadline(deadline)
	defer r.link.SetWriteDeadline(time.Time{})
	return writeMsg(r.link, &wire.TransportMessage{ID: wire.TransportIDOpen, Ack: true,
		OpenAck: wire.OpenAck{Lease: cfg.Lease, InitialSN: r.ourSN}})
}
