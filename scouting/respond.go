package scouting

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// readLoop reads datagrams from pc until Close and passes each one that is not oversized to
// handle. A datagram of limit+1 bytes is taken as oversized (it filled the buffer).
func (s *Scouter) readLoop(pc PacketConn, limit int, handle func(b []byte, src netip.AddrPort, ifIndex int)) {
	buf := make([]byte, limit+1)
	for {
		n, src, ifIndex, err := pc.ReadFrom(buf)
		if err != nil {
			if s.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Debug("scouting: read error", "err", err)
			select { // a persistent error must not spin
			case <-s.ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if n > limit {
			s.st.oversized.Add(1)
			continue
		}
		handle(buf[:n], src, ifIndex)
	}
}

// decodeScouting decodes one scouting datagram and counts why it is dropped, if it is.
func (s *Scouter) decodeScouting(b []byte) (wire.ScoutingMessage, bool) {
	m, _, err := wire.DecodeScouting(b)
	if err != nil {
		s.st.malformed.Add(1)
		return m, false
	}
	v := m.Scout.Version
	if m.ID == wire.ScoutingIDHello {
		v = m.Hello.Version
	}
	if v != wire.ProtoVersion {
		s.st.wrongVersion.Add(1)
		return m, false
	}
	return m, true
}

// respond answers the Scouts that arrive on the listening socket.
func (s *Scouter) respond(pc PacketConn) {
	defer s.wg.Done()
	var out []byte
	s.readLoop(pc, s.cfg.Limits.MaxScoutLen, func(b []byte, src netip.AddrPort, ifIndex int) {
		out = s.answer(b, src, ifIndex, out[:0])
	})
}

// answer handles one datagram from the listening socket and returns the buffer it used.
func (s *Scouter) answer(b []byte, src netip.AddrPort, ifIndex int, out []byte) []byte {
	m, ok := s.decodeScouting(b)
	if !ok {
		return out
	}
	if m.ID != wire.ScoutingIDScout {
		s.st.unexpected.Add(1)
		return out
	}
	s.st.scoutsReceived.Add(1)
	if s.fromSelf(src) {
		s.st.scoutsFromSelf.Add(1)
		return out
	}
	if !m.Scout.What.Matches(s.opt.WhatAmI) {
		s.st.scoutsNotForUs.Add(1)
		return out
	}
	if !s.admit(src, time.Now()) {
		s.st.scoutsRateLimited.Add(1)
		return out
	}
	host := s.host.Load()
	arrival := host.byIndex(ifIndex)
	if arrival == nil {
		arrival = host.onLink(src.Addr())
	}
	h := wire.Hello{
		Version:  wire.ProtoVersion,
		WhatAmI:  s.opt.WhatAmI,
		ZID:      s.opt.ZID,
		Locators: host.helloLocators(s.opt.Locators(), src.Addr(), arrival),
	}
	if len(h.Locators) == 0 {
		s.st.scoutsNoLocators.Add(1)
		return out
	}
	out, err := h.Append(out)
	if err != nil {
		s.st.sendErrors.Add(1)
		s.log.Debug("scouting: cannot encode Hello", "err", err)
		return out
	}
	sk := s.replySocket(src.Addr(), arrival)
	if _, err := sk.pc.WriteTo(out, src); err != nil {
		s.st.sendErrors.Add(1)
		s.log.Debug("scouting: cannot send Hello", "to", src, "err", err)
		return out
	}
	s.st.scoutsAnswered.Add(1)
	return out
}

// admit applies the answering limits: at most one Hello per AnswerInterval to one source
// address and port, and the HelloRate token bucket overall.
func (s *Scouter) admit(src netip.AddrPort, now time.Time) bool {
	s.ansMu.Lock()
	defer s.ansMu.Unlock()
	if last, ok := s.sources[src]; ok && now.Sub(last) < s.cfg.Limits.AnswerInterval {
		return false
	}
	if !s.answers.allow(now) {
		return false
	}
	if len(s.sources) >= s.cfg.Limits.MaxSources {
		for k, t := range s.sources {
			if now.Sub(t) >= s.cfg.Limits.AnswerInterval {
				delete(s.sources, k)
			}
		}
		if len(s.sources) >= s.cfg.Limits.MaxSources {
			clear(s.sources) // all recent: a flood; the bucket still bounds the answers
		}
	}
	s.sources[src] = now
	return true
}

// replySocket picks the scout socket to answer from: the one of the arrival interface, else
// the one whose interface address shares the longest prefix with the scouter (Rust's rule).
func (s *Scouter) replySocket(src netip.Addr, arrival *Interface) scoutSock {
	if arrival != nil {
		for _, sk := range s.scouts {
			if sk.iface.Index == arrival.Index {
				return sk
			}
		}
	}
	best, bestLen := s.scouts[0], -1
	for _, sk := range s.scouts {
		for _, p := range sk.iface.Addrs {
			if l := commonPrefix(p.Addr(), src); l > bestLen {
				best, bestLen = sk, l
			}
		}
	}
	return best
}

// commonPrefix counts the leading bytes a and b share (0 across families).
func commonPrefix(a, b netip.Addr) int {
	if a.Is4() != b.Is4() {
		return 0
	}
	x, y := a.AsSlice(), b.AsSlice()
	n := 0
	for n < len(x) && x[n] == y[n] {
		n++
	}
	return n
}

// readHellos reads the Hellos that answer this node's Scouts on one scout socket and passes
// the acceptable ones to use.
func (s *Scouter) readHellos(sk scoutSock, use func(h *wire.Hello, src netip.AddrPort, sk *scoutSock)) {
	defer s.wg.Done()
	matcher := s.cfg.Multicast.Autoconnect.Matcher
	s.readLoop(sk.pc, s.cfg.Limits.MaxHelloLen, func(b []byte, src netip.AddrPort, _ int) {
		if h, ok := s.acceptHello(b, matcher); ok {
			use(&h, src, &sk)
		}
	})
}

// acceptHello decodes a datagram from a scout socket and checks it is a Hello this node wants:
// a role in matcher, another node, and at least one locator (as Rust's scouter requires).
func (s *Scouter) acceptHello(b []byte, matcher wire.WhatAmIMatcher) (wire.Hello, bool) {
	m, ok := s.decodeScouting(b)
	if !ok {
		return wire.Hello{}, false
	}
	if m.ID != wire.ScoutingIDHello {
		s.st.unexpected.Add(1)
		return wire.Hello{}, false
	}
	s.st.hellosReceived.Add(1)
	h := m.Hello
	switch {
	case !matcher.Matches(h.WhatAmI):
		s.st.hellosNotWanted.Add(1)
	case h.ZID == s.opt.ZID:
		s.st.hellosFromSelf.Add(1)
	case len(h.Locators) == 0:
		s.st.hellosNoLocators.Add(1)
	default:
		s.st.hellosAccepted.Add(1)
		return h, true
	}
	return wire.Hello{}, false
}
