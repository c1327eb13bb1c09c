package routing

import (
	"runtime"
	"sync/atomic"

	"github.com/gozenoh/zenoh/keyexpr"
)

// dualIndex is a keyexpr.Index that readers match against without taking a lock while one
// writer at a time (the caller serialises writers, here with Router.mu) inserts and removes
// entries. It is the "left-right" technique: two copies of the index; readers use the active
// one; the writer changes the standby copy and then makes it active (commit).
//
// Writes are grouped in transactions (all the index changes of one control operation, such as
// the removal of every declaration of a closing face): the first write of a transaction waits
// until no reader is left on the standby copy (readers that started before the previous
// commit), replays on it the previous transaction's changes, and applies the new ones; commit
// makes it active. So a transaction costs one wait, usually none (readers hold a copy only for
// one match), and its changes become visible to readers all at once.
//
// keyexpr.Index is mutable, so publishing an immutable copy per declaration would cost a
// rebuild of the whole index (O(entries)) for each declaration; two copies cost two inserts.
//
// Readers must not hold a copy (between acquire and release) while doing anything that could
// wait for a writer: they copy the matches out and release before using them.
type dualIndex[T any] struct {
	ix      [2]keyexpr.Index[T]
	active  atomic.Uint32
	readers [2]paddedCounter
	lag     []dualOp[T] // changes made to the active copy and not yet to the standby one
	open    bool        // a transaction is in progress: the standby copy is the writer's
}

// paddedCounter keeps the two reader counters on separate cache lines.
type paddedCounter struct {
	n atomic.Int64
	_ [56]byte
}

// dualEntry is an entry of both copies.
type dualEntry[T any] struct{ e [2]*keyexpr.Entry[T] }

// dualOp is a change to replay on the other copy.
type dualOp[T any] struct {
	de     *dualEntry[T]
	insert bool
	k      keyexpr.KeyExpr
	v      T
}

// acquire returns the slot of the copy to read; pass it to release when done.
func (d *dualIndex[T]) acquire() uint32 {
	for {
		i := d.active.Load()
		d.readers[i].n.Add(1)
		if d.active.Load() == i {
			return i
		}
		d.readers[i].n.Add(-1)
	}
}

// release ends a read of slot i.
func (d *dualIndex[T]) release(i uint32) { d.readers[i].n.Add(-1) }

// appendMatch appends to dst the values whose key intersects k, without locking.
func (d *dualIndex[T]) appendMatch(dst []T, k keyexpr.KeyExpr) []T {
	i := d.acquire()
	dst = d.ix[i].AppendMatch(dst, k)
	d.release(i)
	return dst
}

// writerView returns the copy the writer reads: its own changes included. Writer only.
func (d *dualIndex[T]) writerView() *keyexpr.Index[T] {
	if d.open {
		return &d.ix[1-d.active.Load()]
	}
	return &d.ix[d.active.Load()]
}

// len returns the number of entries. Writer only.
func (d *dualIndex[T]) len() int { return d.writerView().Len() }

// begin starts a transaction if none is open: waits for the readers of the standby copy to
// leave and brings it up to date. Writer only.
func (d *dualIndex[T]) begin() uint32 {
	s := 1 - d.active.Load()
	if d.open {
		return s
	}
	for d.readers[s].n.Load() != 0 {
		runtime.Gosched()
	}
	for i := range d.lag {
		d.apply(s, &d.lag[i])
		d.lag[i] = dualOp[T]{}
	}
	d.lag = d.lag[:0]
	d.open = true
	return s
}

// apply performs op on copy s.
func (d *dualIndex[T]) apply(s uint32, op *dualOp[T]) {
	if op.insert {
		op.de.e[s], _ = d.ix[s].Insert(op.k, op.v) // k was accepted by the other copy
	} else {
		d.ix[s].Remove(op.de.e[s])
		op.de.e[s] = nil
	}
}

// insert adds k with value v. Writer only; visible to readers at commit.
func (d *dualIndex[T]) insert(k keyexpr.KeyExpr, v T) (*dualEntry[T], error) {
	if k.IsZero() {
		return nil, keyexpr.ErrZeroKeyExpr
	}
	s := d.begin()
	op := dualOp[T]{de: new(dualEntry[T]), insert: true, k: k, v: v}
	d.apply(s, &op)
	d.lag = append(d.lag, op)
	return op.de, nil
}

// remove deletes an entry. Writer only; visible to readers at commit.
func (d *dualIndex[T]) remove(de *dualEntry[T]) {
	if de == nil {
		return
	}
	s := d.begin()
	op := dualOp[T]{de: de}
	d.apply(s, &op)
	d.lag = append(d.lag, op)
}

// commit makes the transaction's changes visible to readers. Writer only.
func (d *dualIndex[T]) commit() {
	if d.open {
		d.active.Store(1 - d.active.Load())
		d.open = false
	}
}
