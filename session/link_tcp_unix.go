//go:build unix

package session

import (
	"syscall"
)

// tcpTry is the state of a tcpLink's non-blocking writes; only the holder of the transport's
// write side uses it.
type tcpTry struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool // tcpLink.tryFD, bound once so that a write allocates nothing
	buf []byte
	n   int
	err error
}

func (l *tcpLink) initTry() {
	rc, err := l.c.SyscallConn()
	if err != nil {
		return
	}
	l.try.rc = rc
	l.try.fn = l.tryFD
}

// tryWriteBatch writes as much of the batch as the socket takes at once: one write(2) on the
// non-blocking socket, with no wait for room.
func (l *tcpLink) tryWriteBatch(buf []byte) (int, error) {
	if err := putStreamPrefix(buf); err != nil {
		return 0, err
	}
	if l.try.rc == nil {
		return 0, nil
	}
	l.try.buf, l.try.n, l.try.err = buf, 0, nil
	err := l.try.rc.Write(l.try.fn)
	n := l.try.n
	if err == nil {
		err = l.try.err
	}
	l.try.buf, l.try.err = nil, nil
	return n, err
}

func (l *tcpLink) tryFD(fd uintptr) bool {
	n, err := syscall.Write(int(fd), l.try.buf)
	if n < 0 {
		n = 0
	}
	if err == syscall.EAGAIN || err == syscall.EINTR {
		err = nil
	}
	l.try.n, l.try.err = n, err
	return true
}

// writeRest writes the rest of a batch tryWriteBatch began.
func (l *tcpLink) writeRest(buf []byte, off int) error {
	_, err := l.c.Write(buf[off:])
	return err
}
