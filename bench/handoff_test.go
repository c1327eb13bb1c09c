package bench

import (
	"io"
	"testing"
)

// BenchmarkPingPongTCPHandoff is BenchmarkPingPongTCP with the structure every transport that
// reads in its own goroutine has (BenchmarkPingPongSession's among them): the client's pongs
// are read by a reader goroutine and handed to the sending goroutine through a channel. It is
// the floor of BenchmarkPingPongSession; the difference to BenchmarkPingPongTCP is the cost
// of that one goroutine wake-up per round trip.
func BenchmarkPingPongTCPHandoff(b *testing.B) {
	c := tcpEcho(b)
	pong := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			pong <- struct{}{}
		}
	}()
	buf := make([]byte, 64)
	pingPong(b, func() error { _, err := c.Write(buf); return err }, pong)
}
