package cluster

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

type memberKey struct {
	id  NodeID
	inc uint64
}

// TokenKey returns the liveliness token key of a node incarnation:
// "<prefix>/node/<id>/<incarnation as 16 hex digits>".
func TokenKey(prefix string, id NodeID, inc uint64) string {
	return prefix + "/node/" + strconv.FormatUint(uint64(id), 10) + "/" + incString(inc)
}

func incString(inc uint64) string { return fmt.Sprintf("%016x", inc) }

// ParseTokenKey is the inverse of TokenKey.
func ParseTokenKey(prefix, key string) (NodeID, uint64, error) {
	rest, ok := strings.CutPrefix(key, prefix+"/node/")
	if !ok {
		return 0, 0, errorsf(ErrMalformed, "token %q not under %s/node/", key, prefix)
	}
	ids, incs, ok := strings.Cut(rest, "/")
	if !ok || len(incs) != 16 {
		return 0, 0, errorsf(ErrMalformed, "token %q", key)
	}
	id, err := ParseNodeID(ids)
	if err != nil {
		return 0, 0, err
	}
	inc, err := strconv.ParseUint(incs, 16, 64)
	if err != nil || inc == 0 || incString(inc) != incs {
		return 0, 0, errorsf(ErrMalformed, "token %q: incarnation", key)
	}
	return id, inc, nil
}

// startMembership declares this node's token and watches the others'. A transport without
// liveliness leaves the Bus without membership.
func (b *Bus) startMembership() error {
	tok, err := b.tr.DeclareToken(b.tokenKey)
	if errors.Is(err, ErrUnsupported) {
		b.log.Warn("cluster: transport has no liveliness: no membership view, and a dead node is noticed only by its missing heartbeats")
		return nil
	}
	if err != nil {
		return err
	}
	b.token = tok
	sub, err := b.tr.SubscribeTokens(TokenKeyExpr(b.cfg.KeyPrefix), true, b.onToken)
	if err != nil {
		return err
	}
	b.tokSub = sub
	return nil
}

// pendingDown is a member whose token went away while its leave envelope had not arrived: the
// Bus holds the member-down (and the resync) back for the token grace.
type pendingDown struct {
	timer *time.Timer
}

// onToken is the transport callback for liveliness tokens.
func (b *Bus) onToken(key string, alive bool) {
	id, inc, err := ParseTokenKey(b.cfg.KeyPrefix, key)
	if err != nil {
		b.log.Debug("cluster: ignoring token", "key", key, "err", err)
		return
	}
	b.recvMu.Lock()
	defer b.recvMu.Unlock()
	if b.closed {
		return
	}
	if alive {
		b.tokenUp(id, inc)
	} else {
		b.tokenDown(id, inc)
	}
}

// tokenUp handles the appearance of the token of (id, inc).
func (b *Bus) tokenUp(id NodeID, inc uint64) {
	mk := memberKey{id, inc}
	if p := b.downs[mk]; p != nil {
		// Back within the grace: the member never went down here, but its token was missing
		// (a link or route that flapped), so events may have been lost.
		p.timer.Stop()
		delete(b.downs, mk)
		b.log.Info("cluster: member token back within the grace", "id", id.String(), "incarnation", incString(inc))
		if pi := b.findIncarnation(id, inc); pi == nil || !pi.left {
			b.resync(id, inc, ReasonMemberUp, 0)
		}
		return
	}
	if _, ok := b.members[mk]; ok {
		return
	}
	self := id == b.self && inc == b.inc
	m := Member{ID: id, Incarnation: inc, Since: time.Now(), Self: self}
	b.members[mk] = m
	b.log.Info("cluster: member up", "id", id.String(), "incarnation", incString(inc))
	b.dispatch(Delivery{From: id, Incarnation: inc, Event: MemberUp{m}})
	if self {
		return
	}
	if id == b.self {
		b.log.Warn("cluster: another token uses this node's id: a second node with this id, or this node's previous run whose lease has not expired",
			"id", id.String(), "other", incString(inc))
	}
	pi := b.incarnation(id, inc)
	if pi.down {
		pi.down = false
		if !pi.left {
			b.resync(id, inc, ReasonMemberUp, 0)
		}
	}
}

// tokenDown handles the disappearance of the token of (id, inc). A member that already left
// cleanly (its leave envelope arrived, and every event before it) goes down at once; any other
// goes down, and is resynced, when its leave envelope arrives (then cleanly, without a resync)
// or after the token grace, whichever comes first.
func (b *Bus) tokenDown(id NodeID, inc uint64) {
	mk := memberKey{id, inc}
	m, ok := b.members[mk]
	if !ok || b.downs[mk] != nil {
		return
	}
	if pi := b.findIncarnation(id, inc); m.Self || b.cfg.TokenGrace <= 0 || (pi != nil && pi.cleanlyGone()) {
		b.memberDown(mk)
		return
	}
	p := &pendingDown{}
	p.timer = time.AfterFunc(b.cfg.TokenGrace, func() {
		b.recvMu.Lock()
		defer b.recvMu.Unlock()
		if !b.closed && b.downs[mk] == p {
			b.memberDown(mk)
		}
	})
	b.downs[mk] = p
}

// leaveReceived settles a held-back member-down once the member's leave envelope arrived.
func (b *Bus) leaveReceived(id NodeID, pi *peerInc) {
	if mk := (memberKey{id, pi.inc}); b.downs[mk] != nil && pi.cleanlyGone() {
		b.memberDown(mk)
	}
}

// memberDown removes a member, reports it down and, unless it left cleanly, resyncs it.
func (b *Bus) memberDown(mk memberKey) {
	if p := b.downs[mk]; p != nil {
		p.timer.Stop()
		delete(b.downs, mk)
	}
	m, ok := b.members[mk]
	if !ok {
		return
	}
	delete(b.members, mk)
	id, inc := mk.id, mk.inc
	b.log.Info("cluster: member down", "id", id.String(), "incarnation", incString(inc))
	b.dispatch(Delivery{From: id, Incarnation: inc, Event: MemberDown{m}})
	if m.Self {
		b.log.Warn("cluster: this node's own token went away")
		return
	}
	if pi := b.findIncarnation(id, inc); pi != nil {
		pi.down = true
		if pi.cleanlyGone() {
			return
		}
	}
	b.resync(id, inc, ReasonMemberDown, 0)
}

// stopDowns drops the held-back member-downs (the Bus is closing).
func (b *Bus) stopDowns() {
	for mk, p := range b.downs {
		p.timer.Stop()
		delete(b.downs, mk)
	}
}

// findIncarnation returns the receive state of (id, inc), or nil if it is not tracked.
func (b *Bus) findIncarnation(id NodeID, inc uint64) *peerInc {
	if node := b.peers[id]; node != nil {
		for _, p := range node.incs {
			if p.inc == inc {
				return p
			}
		}
	}
	return nil
}

// Members returns the live members (this node included), by id then incarnation. It is empty
// when the transport has no liveliness.
func (b *Bus) Members() []Member {
	b.recvMu.Lock()
	ms := make([]Member, 0, len(b.members))
	for _, m := range b.members {
		ms = append(ms, m)
	}
	b.recvMu.Unlock()
	sortMembers(ms)
	return ms
}

func sortMembers(ms []Member) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].ID != ms[j].ID {
			return ms[i].ID < ms[j].ID
		}
		return ms[i].Incarnation < ms[j].Incarnation
	})
}

// ListMembers asks tr for the live members under prefix without joining the cluster (for a
// command such as "gozenoh cluster members"). Since is zero in the result.
func ListMembers(ctx context.Context, tr Transport, prefix string) ([]Member, error) {
	keys, err := tr.Tokens(ctx, TokenKeyExpr(prefix))
	if err != nil {
		return nil, err
	}
	ms := make([]Member, 0, len(keys))
	for _, k := range keys {
		if id, inc, err := ParseTokenKey(prefix, k); err == nil {
			ms = append(ms, Member{ID: id, Incarnation: inc})
		}
	}
	sortMembers(ms)
	return ms, nil
}
