package zenoh

import "math/bits"

// Large payloads do not stay in queue slots (a ring of a thousand slots would otherwise pin a
// thousand large buffers): a slot keeps a buffer of at most smallPayload bytes, and larger
// payloads are copied into buffers taken from the queue's bufPool and given back once
// delivered. The pool keeps buffers of power-of-two sizes, in total at most its bound (the
// subscriber's queue bytes), so a steady stream of large samples allocates nothing either.

// smallPayload is the largest payload buffer a queue slot keeps for itself.
const smallPayload = 4 << 10

// minPoolClass and maxPoolClass bound the buffer sizes the pool keeps: 2^13 (8 KiB) to
// 2^26 (64 MiB); larger payloads get a buffer of their own, freed after delivery.
const (
	minPoolClass = 13
	maxPoolClass = 26
)

// bufPool is a bounded set of free buffers by size class. It is used under its queue's lock.
type bufPool struct {
	free  [maxPoolClass + 1][][]byte
	bytes int // capacity held
	max   int
}

// class returns the size class of a buffer able to hold n bytes.
func class(n int) int {
	c := bits.Len(uint(n - 1))
	return max(c, minPoolClass)
}

// get returns a buffer of length n, from the pool when it has one of n's class.
func (p *bufPool) get(n int) []byte {
	c := class(n)
	if c > maxPoolClass {
		return make([]byte, n)
	}
	if k := len(p.free[c]); k > 0 {
		b := p.free[c][k-1]
		p.free[c][k-1] = nil
		p.free[c] = p.free[c][:k-1]
		p.bytes -= cap(b)
		return b[:n]
	}
	return make([]byte, n, 1<<c)
}

// put gives a buffer back; it is dropped when the pool is full or the buffer is not of a
// pooled size.
func (p *bufPool) put(b []byte) {
	c := bits.Len(uint(cap(b))) - 1
	if c < minPoolClass || c > maxPoolClass || cap(b) != 1<<c || p.bytes+cap(b) > p.max {
		return
	}
	p.free[c] = append(p.free[c], b)
	p.bytes += cap(b)
}
