package wire

import (
	"errors"
	"strconv"
)

// BatchItem says what BatchIter.Next found.
type BatchItem uint8

// Batch items.
const (
	// BatchDone: the batch is exhausted, or an error stopped the walk (see Err).
	BatchDone BatchItem = iota
	// BatchFrame: the header of a Frame (FrameHeader). Its network messages follow as
	// BatchNetwork items; an empty Frame has none. A receiver checks the SN here.
	BatchFrame
	// BatchNetwork: one network message of the current Frame (Network; FrameHeader still
	// describes its Frame).
	BatchNetwork
	// BatchTransport: a transport message other than a Frame (Transport): Fragment, KeepAlive,
	// Close, and, wherever they appear, Init, Open, Join and transport OAM.
	BatchTransport
)

var batchItemNames = [...]string{"done", "frame", "network", "transport"}

// String returns the item's name.
func (k BatchItem) String() string {
	if int(k) < len(batchItemNames) {
		return batchItemNames[k]
	}
	return "BatchItem(" + strconv.Itoa(int(k)) + ")"
}

// BatchIter walks a received batch (after its stream prefix and, with compression, its
// BatchHeader and decompression): transport message by transport message and, inside each
// Frame, network message by network message, decoding each exactly once and allocating nothing
// for Frames of Push/Put and the like. Everything it returns aliases the batch and is valid until
// the next call to Next or Reset. The caller must not change what Network returns (or must
// restore it before calling Next): a Push that repeats the previous one's head (a publisher's
// stream) is decoded by updating only what differs.
//
// It follows Rust's receive loop: at a transport position it reads a Frame header, or else one
// whole transport message; inside a Frame it reads network messages until the next byte is not
// a network message header. Any decoding failure stops the walk (Rust then closes the link).
// Mirrors io/zenoh-transport/src/unicast/universal/rx.rs (read_messages) and
// commons/zenoh-codec/src/transport/frame.rs (FrameReader).
//
//	it := NewBatchIter(batch)
//	for k := it.Next(); k != BatchDone; k = it.Next() {
//		switch k {
//		case BatchFrame:     // check it.FrameHeader().SN
//		case BatchNetwork:   // deliver it.Network()
//		case BatchTransport: // handle it.Transport()
//		}
//	}
//	if err := it.Err(); err != nil { /* close the link */ }
type BatchIter struct {
	b       []byte
	off     int // start of the next item
	cur     int // start of the current item
	inFrame bool
	err     error
	fh      FrameHeader
	nm      NetworkMessage
	tm      TransportMessage
	rep     repeatHead // the last plain Push's head: see NetworkMessage.decode
}

// NewBatchIter returns an iterator over batch.
func NewBatchIter(batch []byte) BatchIter {
	var it BatchIter
	it.Reset(batch)
	return it
}

// Reset starts walking batch, forgetting the previous one.
func (it *BatchIter) Reset(batch []byte) {
	it.b, it.off, it.cur, it.inFrame, it.err = batch, 0, 0, false, nil
	it.fh = FrameHeader{}
	it.nm.Reset()
}

// Next decodes the next item and says what it is; BatchDone at the end or on error.
func (it *BatchIter) Next() BatchItem {
	if it.err != nil || it.off >= len(it.b) {
		it.inFrame = false
		return BatchDone
	}
	p := it.b[it.off:]
	if it.inFrame {
		if IsNetworkID(p[0]) {
			n, err := it.nm.decode(p, &it.rep)
			if err != nil {
				return it.fail(err)
			}
			return it.advance(n, BatchNetwork)
		}
		it.inFrame = false
	}
	if TransportID(p[0]&trIDMask) == TransportIDFrame {
		n, err := decodeFrameHeaderInto(p, &it.fh)
		if err != nil {
			return it.fail(err)
		}
		it.inFrame = true
		return it.advance(n, BatchFrame)
	}
	n, err := DecodeTransportInto(p, &it.tm)
	if err != nil {
		return it.fail(err)
	}
	return it.advance(n, BatchTransport)
}

func (it *BatchIter) advance(n int, k BatchItem) BatchItem {
	it.cur = it.off
	it.off += n
	return k
}

// fail records err, with its offset made relative to the batch.
func (it *BatchIter) fail(err error) BatchItem {
	var de *DecodeError
	if errors.As(err, &de) {
		de.Offset += it.off
	}
	it.err = err
	it.cur = it.off
	it.inFrame = false
	return BatchDone
}

// Err returns the error that stopped the walk, or nil. A *DecodeError's Offset is relative to
// the batch.
func (it *BatchIter) Err() error { return it.err }

// FrameHeader returns the header of the current Frame (after BatchFrame or BatchNetwork).
func (it *BatchIter) FrameHeader() *FrameHeader { return &it.fh }

// Network returns the current network message (after BatchNetwork).
func (it *BatchIter) Network() *NetworkMessage { return &it.nm }

// Transport returns the current transport message (after BatchTransport).
func (it *BatchIter) Transport() *TransportMessage { return &it.tm }

// Raw returns the encoded bytes of the current item: a Frame's header, a network message (ready
// to forward as it is), or a transport message.
func (it *BatchIter) Raw() []byte { return it.b[it.cur:it.off:it.off] }

// Offset returns how many bytes of the batch have been consumed.
func (it *BatchIter) Offset() int { return it.off }

// InFrame reports whether the walk is inside a Frame (the next network message would belong
// to FrameHeader).
func (it *BatchIter) InFrame() bool { return it.inFrame }
