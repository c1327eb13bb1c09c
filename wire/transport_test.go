package wire

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestTransportIDString(t *testing.T) {
	names := []string{"OAM", "Init", "Open", "Close", "KeepAlive", "Frame", "Fragment", "Join"}
	for i, n := range names {
		if TransportID(i).String() != n {
			t.Errorf("TransportID(%d) = %q, want %q", i, TransportID(i), n)
		}
		if !IsTransportID(byte(i) | 0xe0) {
			t.Errorf("IsTransportID(%#x) = false", i)
		}
	}
	if TransportID(8).String() != "TransportID(8)" || IsTransportID(0x08) || IsTransportID(0x1d) {
		t.Fatal("ids beyond Join")
	}
}

// TestTransportCapturedSession decodes every message of the captured sessions with
// DecodeTransport and re-encodes it byte for byte.
func TestTransportCapturedSession(t *testing.T) {
	cases := []struct {
		hex  string
		name string
	}{
		{capDefaultInitSyn, "InitSyn"}, {capDefaultInitAck, "InitAck"}, {capDefaultOpenSyn, "OpenSyn"},
		{capDefaultOpenAck, "OpenAck"}, {capDefaultFrameA, "Frame"}, {capDefaultFrameB, "Frame"},
		{capDefaultPut8, "Frame"}, {capClose, "Close"}, {capKeepAlive, "KeepAlive"},
		{capTunedInitSyn, "InitSyn"}, {capTunedInitAck, "InitAck"}, {capTunedOpenSyn, "OpenSyn"},
		{capTunedOpenAck, "OpenAck"}, {capTunedFrameA, "Frame"}, {capTunedPut8, "Frame"},
		{capCompressionInitSyn, "InitSyn"}, {capLowLatencyInitSyn, "InitSyn"},
		{capJoin, "Join"}, {capJoinQoS, "Join"}, {capJoinQoSPut, "Frame"}, {capMulticastPut, "Frame"},
		{capDefaultFragFirstHead + "abab", "Fragment"}, {capDefaultFragMidHead + "ab", "Fragment"},
		{"0001", "OAM"},
	}
	for _, c := range cases {
		in := trHex(t, c.hex)
		m, n, err := DecodeTransport(in)
		if err != nil || n != len(in) || m.Name() != c.name {
			t.Errorf("DecodeTransport(%s) = %s, %d, %v", c.hex, m.Name(), n, err)
			continue
		}
		out, err := m.Append(nil)
		if err != nil || !bytes.Equal(out, in) || m.Len() != len(in) {
			t.Errorf("%s re-encoded to %x (%v), Len %d", c.hex, out, err, m.Len())
		}
	}
}

func TestTransportDecodeDispatch(t *testing.T) {
	m, _, err := DecodeTransport(trHex(t, capDefaultOpenAck))
	if err != nil || m.ID != TransportIDOpen || !m.Ack || m.OpenAck.Lease != 10*time.Second || m.OpenSyn.Lease != 0 {
		t.Fatalf("OpenAck: %+v %v", m, err)
	}
	// A failed decode leaves a zero message.
	var into TransportMessage
	into.Close.Reason = 9
	if _, err := DecodeTransportInto(trHex(t, "81 09 00 01 5F 00"), &into); !errors.Is(err, ErrUnknownMandatory) || into.ID != 0 || into.Close.Reason != 0 {
		t.Fatalf("failed decode: %+v %v", into, err)
	}
	for _, c := range []struct {
		hex  string
		want error
	}{{"", ErrTruncated}, {"08", ErrUnknownMessage}, {"1d 00", ErrUnknownMessage}, {"e8", ErrUnknownMessage}} {
		if _, _, err := DecodeTransport(trHex(t, c.hex)); !errors.Is(err, c.want) {
			t.Errorf("DecodeTransport(%s) = %v, want %v", c.hex, err, c.want)
		}
	}
	if _, err := (&TransportMessage{ID: 9}).Append(nil); !errors.Is(err, ErrEncode) {
		t.Fatalf("Append(id 9) = %v", err)
	}
	if (&TransportMessage{ID: 9}).Len() != 0 {
		t.Fatal("Len(id 9)")
	}
}

// trGenTransport draws a transport message of any kind.
func trGenTransport(t *rapid.T) TransportMessage {
	var m TransportMessage
	m.ID = TransportID(rapid.IntRange(0, 7).Draw(t, "id"))
	lease := time.Duration(rapid.IntRange(0, 100000).Draw(t, "lease")) * time.Millisecond
	switch m.ID {
	case TransportIDOAM:
		m.OAM = TransportOAM{ID: rapid.Uint16().Draw(t, "oid"), Enc: ExtZ64, Value: rapid.Uint64().Draw(t, "v"), QoS: TransportQoS(rapid.Byte().Draw(t, "q"))}
	case TransportIDInit:
		m.Ack = rapid.Bool().Draw(t, "ack")
		syn := NewInitSyn(Peer, trGenZID(t, "zid"))
		syn.InitExts = trGenInitExts(t)
		if m.Ack {
			m.InitAck = InitAck{Version: 9, WhatAmI: Client, ZID: syn.ZID, Resolution: trGenResolution(t), BatchSize: trGenBatch(t, 0xffff),
				Cookie: rapid.SliceOfN(rapid.Byte(), 0, 20).Draw(t, "cookie"), InitExts: syn.InitExts}
		} else {
			m.InitSyn = syn
		}
	case TransportIDOpen:
		if m.Ack = rapid.Bool().Draw(t, "ack"); m.Ack {
			m.OpenAck = OpenAck{Lease: lease, InitialSN: rapid.Uint32().Draw(t, "sn"), MultiLink: true}
		} else {
			m.OpenSyn = OpenSyn{Lease: lease, InitialSN: rapid.Uint32().Draw(t, "sn"), Cookie: []byte{1, 2}}
		}
	case TransportIDClose:
		m.Close = Close{Reason: CloseReason(rapid.Byte().Draw(t, "r")), Session: rapid.Bool().Draw(t, "s")}
	case TransportIDKeepAlive:
		m.KeepAlive = KeepAlive{Exts: trGenExts(t, "exts", false)}
	case TransportIDFrame:
		m.Frame = Frame{FrameHeader: trGenFrameHeader(t), Payload: []byte{}}
	case TransportIDFragment:
		m.Fragment = Fragment{FragmentHeader: FragmentHeader{SN: rapid.Uint32().Draw(t, "sn"), First: true}, Payload: rapid.SliceOfN(rapid.Byte(), 0, 20).Draw(t, "p")}
	case TransportIDJoin:
		m.Join = NewJoin(Router, trGenZID(t, "zid"))
		m.Join.Lease = lease
	}
	return m
}

func TestTransportRoundTrip(t *testing.T) {
	codec := trCodec[TransportMessage]{DecodeTransport, (*TransportMessage).Append, (*TransportMessage).Len}
	rapid.Check(t, func(t *rapid.T) {
		m := trGenTransport(t)
		codec.roundTrip(t, m, m.ID != TransportIDFragment && m.ID != TransportIDFrame)
	})
}
