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
	mk := memberKey{id, inc}
	self := id == b.self && inc == b.inc
	if alive {
		if _, ok := b.members[mk]; ok {
			return
		}
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
		return
	}
	m, ok := b.members[mk]
	if !ok {
		return
	}
	delete(b.members, mk)
	b.log.Info("cluster: member down", "id", id.String(), "incarnation", incString(inc))
	b.dispatch(Delivery{From: id, Incarnation: inc, Event: MemberDown{m}})
	if self {
		b.log.Warn("cluster: this node's own token went away")
		return
	}
	var pi *peerInc
	if node := b.peers[id]; node != nil {
		for _, p := range node.incs {
			if p.inc == inc {
				pi = p
			}
		}
	}
	if pi != nil {
		pi.down = true
		if pi.cleanlyGone() {
			return
		}
	}
	b.resync(id, inc, ReasonMemberDown, 0)
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
