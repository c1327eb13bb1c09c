package routing

import (
	"fmt"
	"strings"

	"github.com/gozenoh/zenoh/keyexpr"
	"github.com/gozenoh/zenoh/wire"
)

// Publications of a declared publisher mostly differ only by their payload. A PublisherRoute
// made by NewPutRoute keeps, with its route, the head of its template Put towards each
// destination (the Push's bytes up to the payload, see wire.AppendPutHead), encoded once per
// route; PublishPut then hands each destination's sender that head and the payload, which it
// copies into its batch: no network message is built, nothing is encoded per publication.
// Routes with local subscribers or blind faces, and senders that are not PutSenders, take
// the general path (PublishMessage).

// PutSender is a Sender that can also send a Push of a Put given as its head (see
// wire.AppendPutHead) and payload, with qos the Push's QoS. session.Transport is one.
type PutSender interface {
	SendPut(head, payload []byte, qos wire.NetQoS, rel wire.Reliability) error
}

// NewPutRoute is NewPublisherRoute for a publisher whose publications are tmpl, a Push of a Put,
// with various payloads: PublishPut sends them. tmpl's wire expression, payload, node id and
// extensions are ignored; its network timestamp must be unset. It fails for a zero key and for
// a tmpl that is not a Put or cannot be encoded.
func (r *Router) NewPutRoute(key keyexpr.KeyExpr, tmpl *wire.Push) (*PublisherRoute, error) {
	if key.IsZero() {
		return nil, ErrZeroKey
	}
	pr := r.NewPublisherRoute(key)
	if tmpl.Body.ID != wire.DataIDPut || tmpl.HasTimestamp {
		return nil, fmt.Errorf("routing: put route: template is not a plain Put")
	}
	t := *tmpl
	t.WireExpr, t.NodeID, t.Exts = wire.WireExpr{Suffix: pr.kb, Mapping: wire.MappingSender}, 0, nil
	t.Body.Put.Payload = nil
	if _, err := wire.AppendPutHead(nil, &t); err != nil {
		return nil, fmt.Errorf("routing: put route: %w", err)
	}
	pr.tmpl = &t
	return pr, nil
}

// PublishPut publishes pr's template Put (see NewPutRoute) with payload as PublishMessage
// would, and reports true; or, when this route cannot take that path (no template, a
// wildcard key, local subscribers or blind faces on the route, a destination that is not a
// PutSender), sends nothing and reports false: the caller then publishes with
// PublishMessage. payload is only read during the call. It allocates nothing in the steady
// state.
func (r *Router) PublishPut(pr *PublisherRoute, payload []byte, rel wire.Reliability) (bool, error) {
	if pr.tmpl == nil {
		return false, nil
	}
	if r.down.Load() {
		return false, ErrClosed
	}
	gr := r.publisherRoute(pr)
	if gr.heads == nil {
		return false, nil
	}
	qos := pr.tmpl.QoS
	var sent uint64
	for i := range gr.rt.dests {
		d := gr.rt.dests[i].face
		if d.closed.Load() {
			continue
		}
		if err := d.puts.SendPut(gr.heads[i], payload, qos, rel); err != nil {
			r.st.sendErrors.Add(1)
		} else {
			sent++
		}
	}
	if sent == 1 {
		r.st.putsSentOnce.Add(1) // routed and sent: see counters
	} else {
		r.st.pushesRouted.Add(1)
		if sent > 0 {
			r.st.pushesSent.Add(sent)
		}
	}
	return true, nil
}

// putHeads returns the heads of tmpl towards each destination of rt, or nil when PublishPut
// cannot send along rt: it has local subscribers or blind faces to send to, or a destination
// is not a PutSender. (A local publication goes to every destination of its route that is
// not closed, and the blind faces of a route never change; see sendRoute.)
func (r *Router) putHeads(tmpl *wire.Push, rt *route) [][]byte {
	if len(rt.locals) > 0 || strings.IndexByte(rt.key.String(), '*') >= 0 {
		return nil
	}
	if rt.blind != nil {
		for _, d := range rt.blind.faces {
			if rt.blindTo(d, r.local) {
				return nil
			}
		}
	}
	heads := make([][]byte, len(rt.dests))
	t := *tmpl
	for i := range rt.dests {
		d := &rt.dests[i]
		if d.face.puts == nil {
			return nil
		}
		t.WireExpr = d.we
		h, err := wire.AppendPutHead(nil, &t)
		if err != nil {
			return nil
		}
		heads[i] = h
	}
	return heads
}
