package session

import (
	"fmt"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// fragment sends msg, too large for an empty batch, as a chain of Fragments, each alone in a
// batch with the channel's next SN. A droppable message gives up at deadline, a blocking one
// after WaitBeforeClose per batch. Called with txMu and q.sendMu held and q.cur empty.
func (t *Transport) fragment(q *txQueue, x *txMsg, rel wire.Reliability, tq wire.TransportQoS, block bool, deadline time.Time) error {
	head, tail, err := q.encodeForFragments(x)
	if err != nil {
		return err
	}
	total := len(head) + len(tail)
	for off, first := 0, true; off < total; first = false {
		if q.cur == nil {
			d := deadline
			if block {
				d = time.Now().Add(t.cfg.WaitBeforeClose)
			}
			if !t.takeBatch(q, d) {
				if !first {
					// Skip an SN so that the receiver sees a gap and drops the partial message.
					q.sn[rel] = (q.sn[rel] + 1) & t.mask
				}
				return t.congested(block)
			}
		}
		h := wire.FragmentHeader{Reliability: rel, More: true, SN: q.sn[rel], QoS: tq, First: first}
		buf := append(q.cur.buf[:0], 0, 0) // stream prefix, filled by the link
		n := min(total-off, t.txSize-len(buf)-h.Len())
		if n <= 0 {
			return fmt.Errorf("%w: batch size %d leaves no room for a fragment", ErrTooLarge, t.txSize)
		}
		h.More = off+n < total
		if buf, err = h.Append(buf); err != nil {
			return err
		}
		buf = appendRange(buf, head, tail, off, n)
		q.cur.raw = buf
		q.sn[rel] = (q.sn[rel] + 1) & t.mask
		off += n
		t.stats.txFragments.Add(1)
		t.seal(q)
		t.wakeLocked()
	}
	t.stats.txMessages.Add(1)
	return nil
}

// fragCopyMin is the payload size from which a fragmented Put is not copied whole first.
const fragCopyMin = 4 << 10

// encodeForFragments encodes x as head followed by tail. For a Push of a Put with a large
// payload, or one given as head and payload, tail is the payload itself (a Put ends with its
// payload), so it is copied once, into the fragments, instead of twice. head aliases q.frag.
func (q *txQueue) encodeForFragments(x *txMsg) (head, tail []byte, err error) {
	msg := x.m
	switch {
	case msg == nil:
		head = append(q.frag[:0], x.head...)
		head = wire.AppendZint(head, uint64(len(x.payload)))
		tail = x.payload
	case msg.ID == wire.NetIDPush && msg.Push.Body.ID == wire.DataIDPut && len(msg.Push.Body.Put.Payload) >= fragCopyMin:
		if head, err = wire.AppendPutHead(q.frag[:0], &msg.Push); err != nil {
			return nil, nil, err
		}
		tail = msg.Push.Body.Put.Payload
		head = wire.AppendZint(head, uint64(len(tail)))
	default:
		if head, err = msg.Append(q.frag[:0]); err != nil {
			return nil, nil, err
		}
	}
	if cap(head) <= fragRetain {
		q.frag = head[:0]
	}
	return head, tail, nil
}

// appendRange appends bytes [off, off+n) of the concatenation of a and b.
func appendRange(dst, a, b []byte, off, n int) []byte {
	if off < len(a) {
		k := min(n, len(a)-off)
		dst = append(dst, a[off:off+k]...)
		off, n = off+k, n-k
	}
	if n > 0 {
		off -= len(a)
		dst = append(dst, b[off:off+n]...)
	}
	return dst
}
