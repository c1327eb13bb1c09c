package wire

// Hello answers a Scout: it says who the node is and where to reach it. Rust sends it unicast to
// the Scout's source address and port.
//
// Wire layout (commons/zenoh-codec/src/scouting/hello.rs):
//
//	header   |Z|X|L| 0x02 |    L: a locator list follows; Z: extensions follow (Rust sends none)
//	version  u8                 0x09
//	flags    |zid_len-1|X|X|wai| bits 7-4 zid size minus one, bits 1-0 the WhatAmI code
//	zid      zid_len bytes
//	locators %count% then count × (%len% utf8)   only when L
//	exts                        only when Z; all are read and dropped, mandatory or not
//
// A Rust scouter ignores a Hello without locators.
type Hello struct {
	Version  uint8
	WhatAmI  WhatAmI
	ZID      ZenohID
	Locators []Locator // decoded locators are allocated; L is set exactly when this is not empty
	Exts     []Ext     // extensions, kept as they came (Zenoh ignores them all)
}

const helloFlagL = 0x20

// Len returns the encoded size.
func (m *Hello) Len() int {
	n := 3 + m.ZID.Size() + extsLen(m.Exts)
	if len(m.Locators) > 0 {
		n += locatorsLen(m.Locators)
	}
	return n
}

// Append appends the Hello.
func (m *Hello) Append(b []byte) ([]byte, error) {
	if !m.WhatAmI.Valid() {
		return b, encErr("Hello", "whatami", "not router, peer or client")
	}
	if m.ZID.IsZero() {
		return b, encErr("Hello", "zid", "zero id")
	}
	if err := scCheckExts("Hello", m.Exts); err != nil {
		return b, err
	}
	h := byte(ScoutingIDHello)
	if len(m.Locators) > 0 {
		h |= helloFlagL
	}
	if len(m.Exts) > 0 {
		h |= ExtMore
	}
	start := len(b)
	b = trAppendNodeID(append(b, h), m.Version, m.WhatAmI, m.ZID)
	if len(m.Locators) > 0 {
		var err error
		if b, err = appendLocators(b, "Hello", m.Locators); err != nil {
			return b[:start], err
		}
	}
	return appendExts(b, m.Exts, false), nil
}

// DecodeHello decodes a Hello from the start of b.
func DecodeHello(b []byte) (Hello, int, error) {
	r := newRd(b, "Hello")
	var m Hello
	h, err := r.u8("header")
	if err != nil {
		return m, r.off, err
	}
	if ScoutingID(h&scIDMask) != ScoutingIDHello {
		r.off = 0
		return m, 0, r.fail("header", ErrUnknownMessage)
	}
	if m.Version, m.WhatAmI, m.ZID, err = r.trNodeID(); err != nil {
		return Hello{}, r.off, err
	}
	if h&helloFlagL != 0 {
		if m.Locators, err = r.trLocators("locators"); err != nil {
			return Hello{}, r.off, err
		}
	}
	if m.Exts, err = r.scExts(h); err != nil {
		return Hello{}, r.off, err
	}
	return m, r.off, nil
}

// trNodeID reads the version byte, the zid-length/whatami byte and the zid that Hello, InitSyn,
// InitAck and Join start with. Bits 3-2 of the flags byte are ignored, as Zenoh does.
func (r *rd) trNodeID() (uint8, WhatAmI, ZenohID, error) {
	v, err := r.u8("version")
	if err != nil {
		return 0, 0, ZenohID{}, err
	}
	at := r.off
	flags, err := r.u8("flags")
	if err != nil {
		return 0, 0, ZenohID{}, err
	}
	w, ok := whatAmIFromCode(flags)
	if !ok {
		r.off = at
		return 0, 0, ZenohID{}, r.fail("whatami", ErrInvalid)
	}
	id, err := r.zid("zid", int(flags>>4)+1)
	return v, w, id, err
}

// trAppendNodeID appends what trNodeID reads.
func trAppendNodeID(b []byte, v uint8, w WhatAmI, id ZenohID) []byte {
	b = append(b, v, byte(id.Size()-1)<<4|w.code())
	return append(b, id.Bytes()...)
}

// trCheckNodeID validates what trAppendNodeID writes.
func trCheckNodeID(msg string, w WhatAmI, id ZenohID) error {
	if !w.Valid() {
		return encErr(msg, "whatami", "not router, peer or client")
	}
	if id.IsZero() {
		return encErr(msg, "zid", "zero id")
	}
	return nil
}
