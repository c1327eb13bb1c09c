package cluster

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// connected reports whether a and b reach each other now.
func (h *Hub) connected(a, b *MemTransport) bool {
	if a == b {
		return a.downAt.IsZero()
	}
	if !a.downAt.IsZero() || !b.downAt.IsZero() {
		return false
	}
	return h.group == nil || (h.group[a.name] != 0 && h.group[a.name] == h.group[b.name])
}

// topologyChanged records new cuts, forgets healed ones, and updates every token subscription.
func (h *Hub) topologyChanged() {
	now := time.Now()
	for i, a := range h.nodes {
		for _, b := range h.nodes[i+1:] {
			p := pair(a, b)
			_, cut := h.cutAt[p]
			switch c := h.connected(a, b); {
			case c && cut:
				delete(h.cutAt, p)
			case !c && !cut:
				h.cutAt[p] = now
			}
		}
	}
	h.refreshTokens()
	if h.opts.Lease > 0 {
		time.AfterFunc(h.opts.Lease, func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.refreshTokens()
		})
	}
}

// visible reports whether owner's tokens are seen from t: connected, or cut less than a lease ago.
func (h *Hub) visible(owner, t *MemTransport, now time.Time) bool {
	if h.connected(owner, t) {
		return true
	}
	if owner == t {
		return false
	}
	at, ok := h.cutAt[pair(owner, t)]
	return ok && now.Sub(at) < h.opts.Lease
}

// refreshTokens brings every token subscription up to date.
func (h *Hub) refreshTokens() {
	if h.closed {
		return
	}
	now := time.Now()
	for k, o := range h.tokens {
		if !o.downAt.IsZero() && now.Sub(o.downAt) >= h.opts.Lease {
			delete(h.tokens, k) // a dead node's token, after its lease
		}
	}
	for p, at := range h.cutAt {
		if (!p[0].downAt.IsZero() || !p[1].downAt.IsZero()) && now.Sub(at) >= h.opts.Lease {
			delete(h.cutAt, p)
		}
	}
	for _, t := range h.nodes {
		for _, s := range t.tokSubs {
			h.refreshSub(s, now, true)
		}
	}
}

func (h *Hub) refreshSub(s *memTokSub, now time.Time, notify bool) {
	if s.closed {
		return
	}
	for k, o := range h.tokens {
		if !s.seen[k] && matchKey(s.expr, k) && h.visible(o, s.t, now) {
			s.seen[k] = true
			if notify {
				s.t.enqueueLocked(memItem{key: k, tokSub: s, alive: true}, true)
			}
		}
	}
	for k := range s.seen {
		if o, ok := h.tokens[k]; !ok || !h.visible(o, s.t, now) {
			delete(s.seen, k)
			if notify {
				s.t.enqueueLocked(memItem{key: k, tokSub: s}, true)
			}
		}
	}
}

// matchKey matches key against an exact key or a "<prefix>/**" expression.
func matchKey(expr, key string) bool {
	if p, ok := strings.CutSuffix(expr, "/**"); ok {
		return key == p || strings.HasPrefix(key, p+"/")
	}
	return expr == key
}

// DeclareToken implements Transport.
func (t *MemTransport) DeclareToken(key string) (io.Closer, error) {
	h := t.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.downAt.IsZero() {
		return nil, ErrClosed
	}
	if _, ok := h.tokens[key]; ok {
		return nil, fmt.Errorf("cluster: hub token %q already declared", key)
	}
	h.tokens[key] = t
	h.refreshTokens()
	return closerFunc(func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.tokens[key] == t && t.downAt.IsZero() {
			delete(h.tokens, key)
			h.refreshTokens()
		}
		return nil
	}), nil
}

// SubscribeTokens implements Transport.
func (t *MemTransport) SubscribeTokens(expr string, history bool, fn func(key string, alive bool)) (io.Closer, error) {
	h := t.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.downAt.IsZero() {
		return nil, ErrClosed
	}
	s := &memTokSub{t: t, expr: expr, fn: fn, seen: map[string]bool{}}
	h.refreshSub(s, time.Now(), history)
	t.tokSubs = append(t.tokSubs, s)
	return closerFunc(func() error {
		h.mu.Lock()
		defer h.mu.Unlock()
		s.closed = true
		return nil
	}), nil
}

// Tokens implements Transport.
func (t *MemTransport) Tokens(ctx context.Context, expr string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := t.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.downAt.IsZero() {
		return nil, ErrClosed
	}
	now := time.Now()
	var ks []string
	for k, o := range h.tokens {
		if matchKey(expr, k) && h.visible(o, t, now) {
			ks = append(ks, k)
		}
	}
	return ks, nil
}
