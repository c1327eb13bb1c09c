package session

import "time"

// Links of one transport share the peer's SN space: Rust numbers a channel's frames per
// transport and sends each on the first link that fits, so when a simultaneous dial leaves two
// links, the peer's last frames on the retired link and its first ones on the winner carry
// consecutive SNs but are read by two readers. A frame whose SN is ahead of the next expected
// one, while another link of the transport is still being read, may have its predecessors in
// flight on that link: waitTurn holds it until they arrive (so they are neither dropped as
// stale nor delivered out of order), the other link goes, or rxOrderWait passes.

// rxOrderWait bounds how long a reader holds a frame for the frames before it on another link.
const rxOrderWait = closeLinger

// waitTurn waits, under t.rxMu, while sn is ahead of the next SN of ch by more than one and
// another link of the transport may still carry the SNs in between.
func (t *Transport) waitTurn(lk *tlink, ch *rxChannel, sn uint32) {
	if lk == nil || !t.ahead(ch, sn) || !t.otherLinkReading(lk) {
		return
	}
	deadline := time.Now().Add(rxOrderWait)
	timer := time.AfterFunc(rxOrderWait, func() {
		t.rxMu.Lock()
		t.rxCond.Broadcast()
		t.rxMu.Unlock()
	})
	defer timer.Stop()
	for t.ahead(ch, sn) && t.otherLinkReading(lk) && time.Now().Before(deadline) {
		t.rxCond.Wait()
	}
}

// ahead reports whether sn is new on ch but does not directly follow its last SN.
func (t *Transport) ahead(ch *rxChannel, sn uint32) bool {
	gap := (sn - ch.sn.last) & t.mask
	return gap > 1 && gap <= t.mask/2
}

// otherLinkReading reports whether the transport is up and has a link other than lk whose
// reader has not stopped.
func (t *Transport) otherLinkReading(lk *tlink) bool {
	if t.state.Load() == stateDown {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, o := range t.links {
		if o != lk && !o.down.Load() {
			return true
		}
	}
	return false
}

// wakeRx wakes the readers waiting in waitTurn to check their condition again. It may run
// under t.rxMu (a PeerHandler that aborts the transport): then it broadcasts without taking
// the lock, and a reader that is checking its condition at that moment relies on its timer.
func (t *Transport) wakeRx() {
	if !t.rxMu.TryLock() {
		t.rxCond.Broadcast()
		return
	}
	t.rxCond.Broadcast()
	t.rxMu.Unlock()
}
