package wire

import "testing"

func TestResolution(t *testing.T) {
	if DefaultResolution != 0x0a || DefaultResolution.FrameSN() != Bits32 || DefaultResolution.RequestID() != Bits32 {
		t.Fatalf("DefaultResolution = %#x", byte(DefaultResolution))
	}
	r := NewResolution(Bits16, Bits64)
	if byte(r) != 0b1101 || r.FrameSN() != Bits16 || r.RequestID() != Bits64 || r.String() != "fsn=16bit,rid=64bit" {
		t.Fatalf("NewResolution = %#x %s", byte(r), r)
	}
	masks := map[Bits]uint32{Bits8: 0x7f, Bits16: 0x3fff, Bits32: 0x0fffffff, Bits64: 0xffffffff}
	for b, m := range masks {
		if b.SNMask() != m {
			t.Errorf("%s.SNMask() = %#x, want %#x", b, b.SNMask(), m)
		}
	}
	if Bits(7).String() != "Bits(7)" {
		t.Fatal("Bits.String")
	}
}
