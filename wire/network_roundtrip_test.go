package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// netCodec is what every message type of the network layer offers.
type netCodec interface {
	Len() int
	Append([]byte) ([]byte, error)
}

// netRoundTrip checks, for one generated value: Append succeeds, Len is exact, Append only
// appends, decode gives back the value using every byte, and every strict prefix fails with
// ErrTruncated.
func netRoundTrip[M any, P interface {
	*M
	netCodec
}](t *rapid.T, m M, decode func([]byte) (M, int, error)) {
	p := P(&m)
	prefix := []byte{0xAA, 0xBB}
	b, err := p.Append(append([]byte(nil), prefix...))
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if !bytes.Equal(b[:2], prefix) {
		t.Fatalf("Append overwrote its input")
	}
	enc := b[2:]
	if p.Len() != len(enc) {
		t.Fatalf("Len %d, encoded %d bytes: % x", p.Len(), len(enc), enc)
	}
	got, n, err := decode(enc)
	if err != nil {
		t.Fatalf("decode % x: %v", enc, err)
	}
	if n != len(enc) {
		t.Fatalf("decode used %d of %d bytes", n, len(enc))
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip differs\n got %+v\nwant %+v\nbytes % x", got, m, enc)
	}
	for i := 0; i < len(enc); i++ {
		if _, _, err := decode(enc[:i]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("prefix %d/%d of % x: err %v, want ErrTruncated", i, len(enc), enc, err)
		}
	}
}

func TestNetRoundTripPush(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenPush(t), DecodePush) })
}

func TestNetRoundTripRequest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenRequest(t), DecodeRequest) })
}

func TestNetRoundTripResponse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenResponse(t), DecodeResponse) })
}

func TestNetRoundTripResponseFinal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenResponseFinal(t), DecodeResponseFinal) })
}

func TestNetRoundTripInterest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenInterest(t), DecodeInterest) })
}

func TestNetRoundTripDeclare(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenDeclare(t), DecodeDeclare) })
}

func TestNetRoundTripDeclareBody(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenDeclareBody(t), DecodeDeclareBody) })
}

func TestNetRoundTripOAM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenOAM(t), DecodeNetworkOAM) })
}

func TestNetRoundTripPut(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenPut(t), DecodePut) })
}

func TestNetRoundTripDel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenDel(t), DecodeDel) })
}

func TestNetRoundTripQuery(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenQuery(t), DecodeQuery) })
}

func TestNetRoundTripReply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenReply(t), DecodeReply) })
}

func TestNetRoundTripErrReply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { netRoundTrip(t, netGenErrReply(t), DecodeErrReply) })
}

func TestNetRoundTripWireExpr(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := netGenWireExpr(t, "we", true)
		b, err := w.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != w.Len() {
			t.Fatalf("Len %d, encoded %d", w.Len(), len(b))
		}
		f := w.Flags()
		got, n, err := DecodeWireExpr(b, f&netFlagN != 0, mappingOf(f&netFlagM != 0))
		if err != nil || n != len(b) || !reflect.DeepEqual(got, w) {
			t.Fatalf("got %+v %d %v, want %+v", got, n, err, w)
		}
	})
}

// TestNetRoundTripMessage checks the union: any message decodes back through DecodeNetwork and
// through a reused NetworkMessage, which then holds nothing but the new message.
func TestNetRoundTripMessage(t *testing.T) {
	var reused NetworkMessage
	rapid.Check(t, func(t *rapid.T) {
		m := netGenMessage(t)
		netRoundTrip(t, m, DecodeNetwork)
		b, err := m.Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		n, err := reused.Decode(b)
		if err != nil || n != len(b) {
			t.Fatalf("Decode: %d %v", n, err)
		}
		if !reflect.DeepEqual(reused, m) {
			t.Fatalf("reused decode differs\n got %+v\nwant %+v", reused, m)
		}
	})
}

// TestNetRoundTripFrameBody checks that a sequence of messages, as a Frame carries them, decodes
// back message by message.
func TestNetRoundTripFrameBody(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		msgs := rapid.SliceOfN(rapid.Custom(netGenMessage), 1, 5).Draw(t, "msgs")
		var b []byte
		for i := range msgs {
			var err error
			if b, err = msgs[i].Append(b); err != nil {
				t.Fatal(err)
			}
		}
		var m NetworkMessage
		for i := range msgs {
			n, err := m.Decode(b)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if !reflect.DeepEqual(m, msgs[i]) {
				t.Fatalf("message %d differs", i)
			}
			b = b[n:]
		}
		if len(b) != 0 {
			t.Fatalf("%d bytes left", len(b))
		}
	})
}
