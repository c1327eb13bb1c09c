package session

import (
	"errors"
	"fmt"
	"io"

	"github.com/gozenoh/zenoh/wire"
)

// StreamPrefixLen is the size of the little-endian length that precedes each batch on stream
// links (TCP, TLS, QUIC streams). It counts against the batch size.
const StreamPrefixLen = wire.StreamPrefixLen

// maxStreamBatch is the largest batch a u16 length prefix can describe.
const maxStreamBatch = 1<<16 - 1

// streamReaderBufSize holds two of the largest batches, so one read usually brings several.
const streamReaderBufSize = 2 * (StreamPrefixLen + maxStreamBatch)

// streamReader splits a byte stream into length-prefixed batches. It reads as much as the
// stream offers into one buffer and hands out batches that alias it, so a busy link costs one
// read per many batches and no copy.
type streamReader struct {
	r    io.Reader
	buf  []byte
	head int // start of unconsumed bytes
	tail int // end of buffered bytes
}

func newStreamReader(r io.Reader) *streamReader {
	return &streamReader{r: r, buf: make([]byte, streamReaderBufSize)}
}

// next returns the next batch, valid until the following call. A stream that ends between
// batches returns io.EOF; one that ends inside a batch returns io.ErrUnexpectedEOF.
func (s *streamReader) next() ([]byte, error) {
	if err := s.fill(StreamPrefixLen, true); err != nil {
		return nil, err
	}
	n := int(s.buf[s.head]) | int(s.buf[s.head+1])<<8
	if err := s.fill(StreamPrefixLen+n, false); err != nil {
		return nil, err
	}
	b := s.buf[s.head+StreamPrefixLen : s.head+StreamPrefixLen+n : s.head+StreamPrefixLen+n]
	s.head += StreamPrefixLen + n
	return b, nil
}

// fill makes sure at least want bytes are buffered after head.
func (s *streamReader) fill(want int, atBoundary bool) error {
	if s.tail-s.head >= want {
		return nil
	}
	if s.head == s.tail {
		// Nothing buffered: read at the front again. A request/response stream then reuses the
		// same few cache lines and pages, instead of walking the whole buffer one small batch at
		// a time (each read landing in cold memory, for the kernel's copy and our parse alike).
		s.head, s.tail = 0, 0
	}
	if s.head+want > len(s.buf) { // not enough room behind: move the partial batch to the front
		s.tail = copy(s.buf, s.buf[s.head:s.tail])
		s.head = 0
	}
	for zero := 0; s.tail-s.head < want; {
		n, err := s.r.Read(s.buf[s.tail:])
		s.tail += n
		if err != nil {
			if s.tail-s.head >= want {
				return nil
			}
			if errors.Is(err, io.EOF) {
				if atBoundary && s.tail == s.head {
					return io.EOF
				}
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if n == 0 {
			if zero++; zero > 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// putStreamPrefix writes the length prefix in front of a batch laid out after LinkHeadroom bytes.
func putStreamPrefix(buf []byte) error {
	n := len(buf) - StreamPrefixLen
	if n < 0 || n > maxStreamBatch {
		return fmt.Errorf("%w: batch of %d bytes on a stream link", ErrTooLarge, n)
	}
	buf[0] = byte(n)
	buf[1] = byte(n >> 8)
	return nil
}
