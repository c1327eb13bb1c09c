package interop

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// tap accumulates what the wiretap decoded from one scenario.
type tap struct {
	t      *testing.T
	counts map[string]int
	// frags holds the fragments of a message in reassembly, per direction and channel.
	frags map[string][]byte
}

func newTap(t *testing.T) *tap {
	return &tap{t: t, counts: map[string]int{}, frags: map[string][]byte{}}
}

// check re-encodes a decoded value and requires the very bytes it was decoded from.
func (tp *tap) check(what string, raw []byte, enc func([]byte) ([]byte, error)) {
	tp.t.Helper()
	got, err := enc(nil)
	if err != nil {
		tp.t.Fatalf("%s: re-encode: %v\nraw %x", what, err, raw)
	}
	if !bytes.Equal(got, raw) {
		tp.t.Fatalf("%s: re-encoding differs\nraw  %x\ngot  %x", what, clip(raw), clip(got))
	}
}

func clip(b []byte) string {
	if len(b) > 256 {
		return hex.EncodeToString(b[:256]) + "…"
	}
	return hex.EncodeToString(b)
}

// networkKind names a network message by its kind and, where it has one, its body's kind.
func networkKind(m *wire.NetworkMessage) string {
	switch m.ID {
	case wire.NetIDPush:
		return "Push/" + m.Push.Body.ID.String()
	case wire.NetIDResponse:
		if m.Response.Body.ID == wire.DataIDReply {
			return "Response/Reply/" + m.Response.Body.Reply.Body.ID.String()
		}
		return "Response/" + m.Response.Body.ID.String()
	case wire.NetIDRequest:
		return "Request/Query"
	case wire.NetIDDeclare:
		return "Declare/" + m.Declare.Body.ID.String()
	}
	return m.ID.String()
}

// stream decodes one direction of one TCP connection: every batch, every transport message and
// every network message, each re-encoded and compared with the original bytes.
func (tp *tap) stream(dir string, s []byte) {
	tp.t.Helper()
	off := 0
	for off < len(s) {
		batch, n, err := wire.SplitStream(s[off:])
		if err != nil {
			tp.t.Fatalf("%s: stream at %d: %v", dir, off, err)
		}
		tp.counts["batch"]++
		tp.batch(dir, batch)
		off += n
	}
}

func (tp *tap) batch(dir string, batch []byte) {
	tp.t.Helper()
	it := wire.NewBatchIter(batch)
	for k := it.Next(); k != wire.BatchDone; k = it.Next() {
		raw := it.Raw()
		switch k {
		case wire.BatchFrame:
			fh := it.FrameHeader()
			tp.counts["transport/Frame"]++
			tp.check("Frame header", raw, fh.Append)
		case wire.BatchNetwork:
			nm := it.Network()
			tp.counts["network/"+networkKind(nm)]++
			tp.check("network "+networkKind(nm), raw, nm.Append)
			tp.qos(nm)
		case wire.BatchTransport:
			tm := it.Transport()
			tp.counts["transport/"+tm.Name()]++
			tp.check("transport "+tm.Name(), raw, tm.Append)
			if tm.ID == wire.TransportIDFragment {
				tp.fragment(dir, &tm.Fragment)
			}
		}
	}
	if err := it.Err(); err != nil {
		tp.t.Fatalf("%s: batch does not decode: %v\nbatch %x", dir, err, clip(batch))
	}
}

func (tp *tap) qos(nm *wire.NetworkMessage) {
	if nm.ID != wire.NetIDPush {
		return
	}
	q := nm.Push.QoS
	tp.counts["qos/priority-"+q.Priority().String()]++
	tp.counts["qos/congestion-"+q.CongestionControl().String()]++
	if q.Express() {
		tp.counts["qos/express"]++
	}
	if b := nm.Push.Body; b.ID == wire.DataIDPut {
		if !b.Put.Encoding.IsDefault() {
			tp.counts["put/encoding"]++
		}
		if b.Put.Attachment != nil {
			tp.counts["put/attachment"]++
		}
	}
}

// fragment reassembles a fragmented network message per direction and channel; the whole
// message must decode and re-encode to the same bytes.
func (tp *tap) fragment(dir string, f *wire.Fragment) {
	tp.t.Helper()
	key := fmt.Sprintf("%s/%v/%v", dir, f.Reliability, f.QoS)
	tp.frags[key] = append(tp.frags[key], f.Payload...)
	if f.More {
		return
	}
	whole := tp.frags[key]
	delete(tp.frags, key)
	nm, n, err := wire.DecodeNetwork(whole)
	if err != nil || n != len(whole) {
		tp.t.Fatalf("%s: reassembled message (%d bytes) does not decode: n=%d err=%v", dir, len(whole), n, err)
	}
	tp.counts["reassembled/"+networkKind(&nm)]++
	if nm.ID == wire.NetIDPush && nm.Push.Body.ID == wire.DataIDPut && len(nm.Push.Body.Put.Payload) >= 1<<20 {
		tp.counts["reassembled/1MiB-put"]++
	}
	tp.check("reassembled "+networkKind(&nm), whole, nm.Append)
}

func (tp *tap) report(name string) {
	keys := make([]string, 0, len(tp.counts))
	for k := range tp.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "  %-40s %d\n", k, tp.counts[k])
	}
	tp.t.Logf("wiretap %s decoded:\n%s", name, sb.String())
}

func (tp *tap) require(keys ...string) {
	tp.t.Helper()
	for _, k := range keys {
		if tp.counts[k] == 0 {
			tp.t.Errorf("wiretap saw no %s", k)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// runWiretapTraffic drives two real peers (a connects to b through the relay) through every
// kind of traffic the wire codec must handle.
func runWiretapTraffic(t *testing.T, a, b *Peer, idle time.Duration) {
	must(t, b.Sub("wt/**"))
	must(t, a.Sub("wt/b/**"))
	must(t, b.Queryable("wt/q/**", Opts{"replies": []any{
		map[string]any{"text": "first", "encoding": "text/plain"},
		map[string]any{"text": "second", "key": "wt/q/2"},
		map[string]any{"text": "bad query", "err": true},
	}}))
	must(t, b.Token("wt/tok/b"))
	must(t, a.LivelinessSub("wt/tok/**", true))
	if _, err := a.WaitEvent(DefaultTimeout, IsLiveliness("wt/tok/b", "put")); err != nil {
		t.Fatalf("token not seen: %v", err)
	}
	must(t, a.WaitMatching("wt/x", "sub"))
	must(t, a.WaitMatching("wt/q/1", "queryable"))

	// Declared key expression, then puts with encoding and attachment, a delete, QoS variants
	// and a 1 MiB payload that must be fragmented.
	_, err := a.Do(map[string]any{"cmd": "keyexpr", "key": "wt/k", "name": "k"}, DefaultTimeout)
	must(t, err)
	must(t, a.Put("", []byte("via-declared-keyexpr"), Opts{"keyexpr": "k"}))
	must(t, a.Put("wt/x", []byte("hello"), Opts{"encoding": "text/plain;utf-8", "attachment_text": "att"}))
	must(t, a.Delete("wt/x", Opts{"attachment_text": "gone"}))
	must(t, a.Put("wt/x", []byte("urgent"), Opts{"priority": "real_time", "congestion_control": "block", "express": true}))
	must(t, a.Put("wt/x", []byte("later"), Opts{"priority": "background"}))
	must(t, a.Put("wt/x", nil, Opts{"size": 1 << 20, "congestion_control": "block"}))
	must(t, b.Put("wt/b/y", []byte("back"), Opts{"priority": "interactive_high"}))
	if _, err := b.WaitEvent(DefaultTimeout, func(e Event) bool { return e.Event == "sample" && e.Size == 1<<20 }); err != nil {
		t.Fatalf("1 MiB sample not received: %v", err)
	}
	if _, err := a.WaitSample("wt/b/y", DefaultTimeout); err != nil {
		t.Fatal(err)
	}

	replies, err := a.Get("wt/q/**", Opts{"consolidation": "none", "target": "all"})
	must(t, err)
	if len(replies) != 3 {
		t.Fatalf("got %d replies, want 3: %+v", len(replies), replies)
	}
	time.Sleep(idle) // let the link go idle so that keep-alives flow

	_, err = a.Do(map[string]any{"cmd": "unkeyexpr", "name": "k"}, DefaultTimeout)
	must(t, err)
	must(t, a.Unsub("wt/b/**"))
	must(t, b.Untoken("wt/tok/b"))
	if _, err := a.WaitEvent(DefaultTimeout, IsLiveliness("wt/tok/b", "delete")); err != nil {
		t.Fatalf("token loss not seen: %v", err)
	}
	_, err = b.Do(map[string]any{"cmd": "unqueryable", "key": "wt/q/**"}, DefaultTimeout)
	must(t, err)
	must(t, a.Close())
}

func TestWiretapRealZenoh(t *testing.T) {
	Python(t)
	noGossip := []string{"scouting/gossip/enabled=false"}
	scenarios := []struct {
		name         string
		clientA      bool // a runs in client mode (clients send Interests)
		a, b         []string
		idle         time.Duration
		wantKeepLive bool
	}{
		{name: "defaults", idle: 100 * time.Millisecond},
		{
			name: "non-default",
			// a: short lease, small batches, 16-bit sequence numbers, no shared memory;
			// b: another lease and batch size. The handshake must negotiate both.
			a: []string{
				"transport/link/tx/lease=1000",
				"transport/link/tx/batch_size=8192",
				`transport/link/tx/sequence_number_resolution="16bit"`,
				"transport/shared_memory/enabled=false",
			},
			b: []string{
				"transport/link/tx/lease=3000",
				"transport/link/tx/batch_size=16384",
			},
			idle:         1200 * time.Millisecond,
			wantKeepLive: true,
		},
		{name: "client", clientA: true, idle: 100 * time.Millisecond},
	}
	total := newTap(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			b := StartPeer(t, PeerOptions{Listen: []string{Endpoint(0)}, Config: append(sc.b, noGossip...)})
			relay := StartRelay(t, b.Locator())
			aOpts := PeerOptions{Connect: []string{relay.Endpoint()}, Config: append(sc.a, noGossip...)}
			if sc.clientA {
				aOpts.Mode = "client"
			}
			a := StartPeer(t, aOpts)
			if !sc.clientA {
				if _, err := a.WaitPeers(1, DefaultTimeout); err != nil {
					t.Fatal(err)
				}
			}
			runWiretapTraffic(t, a, b, sc.idle)

			conn, err := relay.WaitConn(0, DefaultTimeout)
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(DefaultTimeout)
			for !(conn.Done(ToTarget) && conn.Done(FromTarget)) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !(conn.Done(ToTarget) && conn.Done(FromTarget)) {
				t.Fatal("relayed connection did not close after the graceful close")
			}
			if len(relay.Conns()) != 1 {
				t.Fatalf("%d connections through the relay, want 1", len(relay.Conns()))
			}
			tp := newTap(t)
			tp.stream("a->b", conn.Bytes(ToTarget))
			tp.stream("b->a", conn.Bytes(FromTarget))
			for k, v := range tp.frags {
				t.Errorf("unfinished fragmented message %s (%d bytes)", k, len(v))
			}
			tp.report(sc.name)
			if sc.clientA {
				tp.require("network/Interest")
			}
			tp.require(
				"transport/InitSyn", "transport/InitAck", "transport/OpenSyn", "transport/OpenAck",
				"transport/Frame", "transport/Fragment", "transport/Close",
				"network/Declare/DeclareFinal",
				// UndeclareKeyExpr is absent on purpose: Rust's routing layer never sends one to a
				// remote face (zenoh/src/net/routing only handles it on receipt), so it cannot
				// appear in real traffic; wire's golden vectors cover it.
				"network/Declare/DeclareKeyExpr",
				"network/Declare/DeclareSubscriber", "network/Declare/UndeclareSubscriber",
				"network/Declare/DeclareQueryable", "network/Declare/UndeclareQueryable",
				"network/Declare/DeclareToken", "network/Declare/UndeclareToken",
				"network/Push/Put", "network/Push/Del", "network/Request/Query",
				"network/Response/Reply/Put", "network/Response/Err", "network/ResponseFinal",
				"put/encoding", "put/attachment", "qos/express", "qos/congestion-block",
				"qos/priority-real-time", "qos/priority-background", "qos/priority-interactive-high",
				"reassembled/1MiB-put",
			)
			if sc.wantKeepLive {
				tp.require("transport/KeepAlive")
			}
			for k, v := range tp.counts {
				total.counts[k] += v
			}
		})
	}
	total.report("total")
}
