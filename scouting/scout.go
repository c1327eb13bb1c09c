package scouting

import (
	"context"
	"iter"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/gozenoh/zenoh/wire"
)

// Hello is a node found by Scout.
type Hello struct {
	ZID       wire.ZenohID
	WhatAmI   wire.WhatAmI
	Locators  []wire.Locator
	Source    netip.AddrPort // where the Hello came from
	Interface string         // the interface whose Scout it answers
}

// helloQueue is how many Hellos Scout buffers for a slow consumer; more are dropped and, not
// having been yielded, yielded when they come again (they do: Scouts repeat).
const helloQueue = 64

// Scout looks for Zenoh nodes of the roles in what: it sends Scouts to cfg.Multicast.Address on
// the interfaces cfg.Multicast.Interface selects, on Zenoh's schedule (cfg.ScoutPeriod doubling
// up to cfg.ScoutMaxPeriod), whether or not cfg.Multicast.Enabled is set, and yields each
// distinct Hello (a ZenohID with its set of locators) once, until ctx is done or the loop stops.
// A Hello without locators is not yielded, as in Zenoh. At most cfg.Limits.MaxNodes distinct
// Hellos are yielded. A failure to start (no interface, no socket) is yielded as a single
// error.
//
// This is zenoh::scout; it neither answers Scouts nor connects.
func Scout(ctx context.Context, what wire.WhatAmIMatcher, cfg Config) iter.Seq2[Hello, error] {
	return scoutOn(ctx, UDPNetwork{}, what, cfg)
}

// scoutOn is Scout on network nw.
func scoutOn(ctx context.Context, nw Network, what wire.WhatAmIMatcher, cfg Config) iter.Seq2[Hello, error] {
	return func(yield func(Hello, error) bool) {
		cfg.Multicast.Enabled = true
		cfg.Multicast.Autoconnect.Matcher = what
		if err := cfg.Validate(); err != nil {
			yield(Hello{}, err)
			return
		}
		cfg = cfg.withDefaults()
		s := &Scouter{cfg: cfg, nw: nw, log: slog.New(slog.DiscardHandler)}
		s.host.Store(&hostView{})
		s.ctx, s.cancel = context.WithCancel(ctx)
		defer s.Close()
		if _, err := s.openScoutSockets(); err != nil {
			s.closeConnsLocked()
			yield(Hello{}, err)
			return
		}
		found := make(chan Hello, helloQueue)
		var seen dedupe
		seen.max = cfg.Limits.MaxNodes
		for _, sk := range s.scouts {
			s.wg.Add(1)
			go s.readHellos(sk, func(h *wire.Hello, src netip.AddrPort, sk *scoutSock) {
				key := seen.key(h)
				if !seen.claim(key) {
					return
				}
				out := Hello{ZID: h.ZID, WhatAmI: h.WhatAmI, Locators: h.Locators, Source: src, Interface: sk.iface.Name}
				select {
				case found <- out:
				default:
					seen.release(key)
				}
			})
		}
		s.wg.Add(1)
		go s.sendScouts(what)
		for {
			select {
			case <-s.ctx.Done():
				return
			case h := <-found:
				if !yield(h, nil) {
					return
				}
			}
		}
	}
}

// dedupe remembers the Hellos already yielded, up to max of them. It is used by one goroutine
// per scout socket, hence the lock.
type dedupe struct {
	mu   sync.Mutex
	seen map[string]bool
	max  int
}

func (d *dedupe) key(h *wire.Hello) string {
	ls := make([]string, len(h.Locators))
	for i, l := range h.Locators {
		ls[i] = string(l)
	}
	slices.Sort(ls)
	return h.ZID.String() + " " + strings.Join(ls, " ")
}

func (d *dedupe) claim(k string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = make(map[string]bool)
	}
	if d.seen[k] || len(d.seen) >= d.max {
		return false
	}
	d.seen[k] = true
	return true
}

func (d *dedupe) release(k string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, k)
}
