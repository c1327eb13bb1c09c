//go:build !unix

package session

// tcpTry is empty where a socket cannot be written without blocking through syscall: the
// link then has no tryWriteBatch and every batch goes through the writer.
type tcpTry struct{}

func (l *tcpLink) initTry() {}
