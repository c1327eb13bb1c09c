package routing

import (
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
)

// Route cache limits.
const (
	// routeCacheShards is the number of independently locked shards of the route cache.
	routeCacheShards = 16
	// maxRouteCacheKeys is the most keys the route cache of a Router holds; a shard that is
	// full is emptied before the next insertion, so a flood of distinct keys costs a bounded
	// amount of memory (and a miss per key, as without a cache).
	maxRouteCacheKeys = 4096
	// maxRouteCacheMatches is the most subscribers a cached result may hold: keys matched by
	// more are always matched against the index.
	maxRouteCacheMatches = 256
	// routeCacheShardKeys is the per-shard key limit.
	routeCacheShardKeys = maxRouteCacheKeys / routeCacheShards
	// routeCacheSeen is the number of recently missed key hashes a shard remembers: once a
	// shard is half full, a key is cached only at its second miss, so a flood of keys
	// published once soon allocates nothing.
	routeCacheSeen = 32
)

// routeCache caches, per concrete (non-wildcard) key, the subscriber entries of the index
// matching it, so that the steady state of the data path skips keyexpr.Index.AppendMatch.
//
// Every control operation bumps gen after committing its index changes (Router.unlock); a
// cached result is used only when it was computed under the current generation, so it is
// never stale: a reader that loads generation g and then reads the index sees at least the
// index state committed before g was published. A result stored under an older generation is
// never read again (the shard is emptied when it moves to a newer one). A hit takes one
// uncontended shard mutex and allocates nothing (the lookup m[string(kb)] does not copy kb).
// Once a shard is half full, a key is cached only at its second miss (seen), so a flood of
// keys published once stops allocating; it never makes the cache exceed maxRouteCacheKeys.
type routeCache struct {
	seed   maphash.Seed
	gen    atomic.Uint64
	shards [routeCacheShards]routeShard
}

// routeShard is one shard of the route cache.
type routeShard struct {
	mu  sync.Mutex
	gen uint64            // the generation of every entry of m
	m   map[string]*route // immutable values: readers use them after unlocking
	// seen holds the hashes of keys missed once, direct-mapped (any generation).
	seen [routeCacheSeen]uint64
	_    [40]byte // keep shards on separate cache lines
}

// init seeds the shard hash.
func (c *routeCache) init() { c.seed = maphash.MakeSeed() }

// invalidate makes every cached result obsolete. Called after the index changes are
// committed.
func (c *routeCache) invalidate() { c.gen.Add(1) }

// lookup returns the cached route of the concrete key kb computed under generation g, or nil.
// A hit allocates nothing (the lookup m[string(kb)] does not copy kb).
func (c *routeCache) lookup(kb []byte, g uint64) *route {
	return c.shards[maphash.Bytes(c.seed, kb)%routeCacheShards].get(kb, g)
}

// get returns the route of kb cached in sh under generation g, or nil.
func (sh *routeShard) get(kb []byte, g uint64) *route {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.gen != g {
		return nil
	}
	return sh.m[string(kb)]
}

// cachedRoute returns the route of the concrete key ke (whose bytes are kb) under generation
// g, which the caller loaded before: from the cache, or built from the index (owned, so it can
// be kept) and cached. A key matched by more than maxRouteCacheMatches subscribers is not
// cached: with inScratch its route is built in sc (valid while sc is), otherwise owned.
func (r *Router) cachedRoute(sc *scratch, ke keyexpr.KeyExpr, kb []byte, g uint64, inScratch bool) *route {
	c := &r.routes
	h := maphash.Bytes(c.seed, kb)
	sh := &c.shards[h%routeCacheShards]
	if rt := sh.get(kb, g); rt != nil {
		return rt
	}
	sc.subs = r.subs.appendMatch(sc.subs[:0], ke)
	if len(sc.subs) > maxRouteCacheMatches && inScratch {
		rt := &sc.route
		r.buildRoute(rt, ke, kb, sc.subs, false, g)
		return rt
	}
	rt := new(route)
	r.buildRoute(rt, ke, kb, sc.subs, true, g)
	rt.dests, rt.locals = slices.Clip(rt.dests), slices.Clip(rt.locals)
	if len(sc.subs) <= maxRouteCacheMatches {
		sh.store(g, h, rt)
	}
	return rt
}

// store caches rt (hash h of its key), computed under generation g: at once while the shard
// is less than half full, then only if the key was missed before.
func (sh *routeShard) store(g, h uint64, rt *route) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	switch {
	case sh.gen > g:
		return // computed before a newer control operation: may be stale
	case sh.gen < g:
		clear(sh.m)
		sh.gen = g
	}
	if len(sh.m) >= routeCacheShardKeys/2 {
		if s := &sh.seen[(h/routeCacheShards)%routeCacheSeen]; *s != h {
			*s = h
			return
		}
	}
	if len(sh.m) >= routeCacheShardKeys {
		clear(sh.m)
	}
	if sh.m == nil {
		sh.m = make(map[string]*route)
	}
	sh.m[string(rt.kb)] = rt
}

// len returns the number of cached keys of the current generation (for tests).
func (c *routeCache) len() int {
	g := c.gen.Load()
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		if sh.gen == g {
			n += len(sh.m)
		}
		sh.mu.Unlock()
	}
	return n
}
