package bench

import (
	"context"
	"testing"

	"github.com/gozenoh/zenoh/session"
	"github.com/gozenoh/zenoh/wire"
)

// BenchmarkPingPongSession is the floor set by the transport layer alone: the same 64-byte
// ping-pong as BenchmarkPingPongGo between two bare session.Managers (no routing, no
// subscriber queue), the echo sent from the receiving transport's reader.
func BenchmarkPingPongSession(b *testing.B) {
	pong := make(chan struct{}, 1)
	echo := session.HandlerFuncs{Network: func(t *session.Transport, m *wire.NetworkMessage, rel wire.Reliability) {
		if m.ID == wire.NetIDPush {
			_ = t.Send(m, rel)
		}
	}}
	srv, err := session.NewManager(session.DefaultConfig(), echo)
	must(b, err)
	defer srv.Close()
	ln, err := srv.Listen("tcp/127.0.0.1:0")
	must(b, err)
	cli, err := session.NewManager(session.DefaultConfig(), session.HandlerFuncs{
		Network: func(*session.Transport, *wire.NetworkMessage, wire.Reliability) { pong <- struct{}{} }})
	must(b, err)
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	tr, err := cli.Open(ctx, ln.Locators()[0])
	must(b, err)
	m := &wire.NetworkMessage{ID: wire.NetIDPush}
	m.Push = wire.Push{QoS: wire.NewNetQoS(wire.PriorityData, wire.CongestionBlock, true), WireExpr: wire.WireExpr{Suffix: []byte("bench/ping")}}
	m.Push.Body.ID = wire.DataIDPut
	m.Push.Body.Put.Payload = make([]byte, 64)
	pingPong(b, func() error { return tr.Send(m, wire.Reliable) }, pong)
}
