package wire

import (
	"errors"
	"testing"
)

func TestScoutingDecode(t *testing.T) {
	// Captured from zenoh 1.10.2 (see TestScoutGolden and TestHelloGolden).
	in := trHex(t, "01 09 03")
	m, n, err := DecodeScouting(in)
	if err != nil || n != 3 || m.ID != ScoutingIDScout || m.Scout.What != WhatAmIMatcher(Router|Peer) {
		t.Fatalf("DecodeScouting(scout) = %+v, %d, %v", m, n, err)
	}
	in = trHex(t, "22 09 F1 96A5B4C3D2F0E1A6554C3A7B9E1CD02F 01 13 7463702f3132372e302e302e313a3137343632")
	m, n, err = DecodeScouting(in)
	if err != nil || n != len(in) || m.ID != ScoutingIDHello || m.Hello.ZID != trZIDB {
		t.Fatalf("DecodeScouting(hello) = %+v, %d, %v", m, n, err)
	}
	if out, err := m.Append(nil); err != nil || string(out) != string(in) || m.Len() != len(in) {
		t.Fatalf("Append = %x, %v; Len %d", out, err, m.Len())
	}
	// Zenoh decodes one message per datagram and ignores what follows it.
	m, n, err = DecodeScouting(append(trHex(t, "01 09 03"), 0xde, 0xad))
	if err != nil || n != 3 || m.ID != ScoutingIDScout {
		t.Fatalf("trailing bytes: %+v, %d, %v", m, n, err)
	}
}

func TestScoutingBad(t *testing.T) {
	for _, c := range []struct {
		hex  string
		want error
	}{
		{"", ErrTruncated},
		{"00 09", ErrUnknownMessage},
		{"03 09", ErrUnknownMessage},
		{"1f", ErrUnknownMessage},
		{"01", ErrTruncated},
		{"02 09", ErrTruncated},
	} {
		_, _, err := DecodeScouting(trHex(t, c.hex))
		if !errors.Is(err, c.want) {
			t.Errorf("DecodeScouting(%s) = %v, want %v", c.hex, err, c.want)
		}
	}
	if _, err := (&ScoutingMessage{ID: 7}).Append(nil); !errors.Is(err, ErrEncode) {
		t.Fatalf("Append(unknown id) = %v", err)
	}
}

func TestScoutingIDString(t *testing.T) {
	if ScoutingIDScout.String() != "Scout" || ScoutingIDHello.String() != "Hello" || ScoutingID(9).String() != "ScoutingID(9)" {
		t.Fatal("ScoutingID.String")
	}
}
