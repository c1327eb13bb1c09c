package wire

import "errors"

// Errors of the batch helpers (BatchWriter).
var (
	// ErrBatchFull reports a message that does not fit in the rest of the batch; the batch is
	// unchanged, and the caller sends it and retries in an empty one.
	ErrBatchFull = errors.New("wire: batch full")
	// ErrNewFrame reports a network message that cannot join the batch's open Frame (there is
	// none, or it is on another channel); the caller opens a new Frame with the next SN.
	ErrNewFrame = errors.New("wire: network message needs a new frame")
)

// StreamPrefixLen is the size of the length prefix that precedes every batch on stream links
// (TCP, TLS, QUIC streams, unix sockets). It counts against the negotiated batch size.
const StreamPrefixLen = 2

// AppendStreamBatch appends batch to dst with its stream length prefix: the batch length as a
// little-endian u16. A batch longer than MaxBatchSize cannot be framed.
//
// Mirrors io/zenoh-transport/src/common/batch.rs (WBatch::finalize) and the stream links of
// io/zenoh-links.
func AppendStreamBatch(dst, batch []byte) ([]byte, error) {
	if len(batch) > MaxBatchSize {
		return dst, encErr("StreamBatch", "length", "batch longer than MaxBatchSize")
	}
	dst = append(dst, byte(len(batch)), byte(len(batch)>>8))
	return append(dst, batch...), nil
}

// SplitStream takes the first length-prefixed batch off a stream buffer. It returns the batch
// (aliasing b) and the bytes used, prefix included. When b does not yet hold the whole batch it
// fails with ErrTruncated (and n 0): read more and retry. A zero-length batch is valid.
func SplitStream(b []byte) (batch []byte, n int, err error) {
	r := newRd(b, "StreamBatch")
	l, err := r.u16LE("length")
	if err != nil {
		return nil, 0, err
	}
	batch, err = r.fixed("batch", int(l))
	if err != nil {
		return nil, 0, err
	}
	return batch, r.off, nil
}

// BatchHeader is the byte that starts every batch once compression is negotiated (after the
// OpenAck; the handshake batches have none). Bit 0 says whether the rest of the batch is an
// LZ4 block; the other bits are reserved.
// Mirrors io/zenoh-transport/src/common/batch.rs (BatchHeader).
type BatchHeader uint8

// BatchCompressed is the BatchHeader bit that marks an LZ4-compressed batch.
const BatchCompressed BatchHeader = 0x01

// Compressed reports whether the batch is LZ4-compressed.
func (h BatchHeader) Compressed() bool { return h&BatchCompressed != 0 }

// BatchHeaderLen is the size of the BatchHeader.
const BatchHeaderLen = 1

// SplitBatchHeader takes the BatchHeader off a batch of a compressed link and returns it with the
// rest of the batch (aliasing b): transport messages when not Compressed, an LZ4 block (see
// DecompressBatch) when Compressed.
func SplitBatchHeader(b []byte) (BatchHeader, []byte, error) {
	r := newRd(b, "BatchHeader")
	h, err := r.u8("header")
	if err != nil {
		return 0, nil, err
	}
	return BatchHeader(h), b[1:], nil
}
