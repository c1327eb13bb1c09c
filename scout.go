package zenoh

import (
	"context"
	"iter"

	"github.com/gozenoh/zenoh/scouting"
	"github.com/gozenoh/zenoh/wire"
)

// Hello is a Zenoh node found by Scout.
type Hello struct {
	ZID      ZenohID
	WhatAmI  WhatAmI
	Locators []string // the locators it can be reached at
}

// ScoutOption configures Scout.
type ScoutOption interface{ applyScout(scoutConfig) scoutConfig }

type scoutConfig struct{ what WhatAmIMatcher }

// WhatOption selects the roles Scout looks for.
type WhatOption struct{ w WhatAmIMatcher }

// WithWhat makes Scout look for nodes of the roles in w (routers and peers by default).
func WithWhat(w WhatAmIMatcher) WhatOption { return WhatOption{w} }

func (o WhatOption) applyScout(c scoutConfig) scoutConfig { c.what = o.w; return c }

// Scout looks for Zenoh nodes with multicast scouting, as configured in cfg's
// scouting/multicast section (group address and interface; it scouts even when
// scouting/multicast/enabled is false), and yields each node found (each distinct ZenohID
// and set of locators once) until ctx is done or the iteration stops. A failure to start
// (no usable interface, no socket) is yielded as a single error.
func Scout(ctx context.Context, cfg Config, opts ...ScoutOption) iter.Seq2[Hello, error] {
	c := scoutConfig{what: WhatAmIMatcher(wire.Router | wire.Peer)}
	for _, o := range opts {
		c = o.applyScout(c)
	}
	mode, err := modeOf(&cfg)
	if err != nil {
		mode = wire.Peer
	}
	sc := scoutingConfig(&cfg, mode)
	return func(yield func(Hello, error) bool) {
		for h, err := range scouting.Scout(ctx, c.what, sc) {
			if err != nil {
				yield(Hello{}, err)
				return
			}
			out := Hello{ZID: h.ZID, WhatAmI: h.WhatAmI, Locators: make([]string, len(h.Locators))}
			for i, l := range h.Locators {
				out.Locators[i] = string(l)
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}
