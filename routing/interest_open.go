package routing

import "context"

// WaitDeclares waits until every peer face open now has sent its DeclareFinal(0) (its initial
// declarations are all in: publications and queries to it are filtered from then on) or
// closed, as Zenoh's open waits with open.return_conditions.declares. Faces of routers and
// clients send none and are not waited for; in client mode (Config.Client) it returns at once.
// It returns ctx.Err() if ctx ends first, and ErrClosed after Close.
func (r *Router) WaitDeclares(ctx context.Context) error {
	if r.cfg.Client {
		return nil
	}
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return ErrClosed
		}
		var wait chan struct{}
		for _, f := range r.slots {
			if f != nil && f.kind == kindPeer && !f.c.finalized && !f.closed.Load() {
				if f.c.finalWait == nil {
					f.c.finalWait = make(chan struct{})
				}
				wait = f.c.finalWait
				break
			}
		}
		r.mu.Unlock() // nothing changed: no index commit needed
		if wait == nil {
			return nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
