package wire

// Scout asks the nodes that hear it to answer with a Hello. It travels alone in a UDP datagram,
// usually to the scouting multicast group.
//
// Wire layout (commons/zenoh-codec/src/scouting/scout.rs):
//
//	header   |Z|X|X| 0x01 |    Z: extensions follow (Rust never sends any)
//	version  u8                 0x09
//	flags    |zid_len-1|I|what| bits 7-4 zid size minus one (only meaningful with I),
//	                            bit 3 I: a zid follows, bits 2-0 the WhatAmIMatcher
//	zid      zid_len bytes      only when I
//	exts                        only when Z; all are read and dropped, mandatory or not
//
// Rust's own Scout is 01 09 07: no zid, looking for routers, peers and clients.
type Scout struct {
	Version uint8
	What    WhatAmIMatcher // the roles that should answer (bits 2-0)
	ZID     ZenohID        // the scouter's id; the zero id leaves it out
	Exts    []Ext          // extensions, kept as they came (Zenoh ignores them all)
}

const (
	scoutFlagI   = 0x08
	scoutWhatMsk = 0x07
)

// Len returns the encoded size.
func (m *Scout) Len() int {
	n := 3 + extsLen(m.Exts)
	if !m.ZID.IsZero() {
		n += m.ZID.Size()
	}
	return n
}

// Append appends the Scout.
func (m *Scout) Append(b []byte) ([]byte, error) {
	if m.What > scoutWhatMsk {
		return b, encErr("Scout", "what", "matcher above router|peer|client")
	}
	if err := scCheckExts("Scout", m.Exts); err != nil {
		return b, err
	}
	h := byte(ScoutingIDScout)
	if len(m.Exts) > 0 {
		h |= ExtMore
	}
	flags := byte(m.What)
	if !m.ZID.IsZero() {
		flags |= scoutFlagI | byte(m.ZID.Size()-1)<<4
	}
	b = append(b, h, m.Version, flags)
	if !m.ZID.IsZero() {
		b = append(b, m.ZID.Bytes()...)
	}
	return appendExts(b, m.Exts, false), nil
}

// DecodeScout decodes a Scout from the start of b.
func DecodeScout(b []byte) (Scout, int, error) {
	r := newRd(b, "Scout")
	var m Scout
	h, err := r.u8("header")
	if err != nil {
		return m, r.off, err
	}
	if ScoutingID(h&scIDMask) != ScoutingIDScout {
		r.off = 0
		return m, 0, r.fail("header", ErrUnknownMessage)
	}
	if m.Version, err = r.u8("version"); err != nil {
		return Scout{}, r.off, err
	}
	flags, err := r.u8("flags")
	if err != nil {
		return Scout{}, r.off, err
	}
	m.What = WhatAmIMatcher(flags & scoutWhatMsk)
	if flags&scoutFlagI != 0 {
		if m.ZID, err = r.zid("zid", int(flags>>4)+1); err != nil {
			return Scout{}, r.off, err
		}
	}
	if m.Exts, err = r.scExts(h); err != nil {
		return Scout{}, r.off, err
	}
	return m, r.off, nil
}
