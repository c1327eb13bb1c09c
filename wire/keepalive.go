package wire

// KeepAlive keeps a link's lease alive when nothing else is sent. Rust sends it alone in its own
// batch (on TCP: 01 00 04).
//
// Wire layout (commons/zenoh-codec/src/transport/keepalive.rs):
//
//	header |Z|X|X| 0x04 |   Z: extensions follow
//	exts                    only when Z; unknown mandatory ones fail
type KeepAlive struct {
	Exts []Ext // unknown optional extensions, kept in order
}

// Len returns the encoded size.
func (m *KeepAlive) Len() int { return 1 + extsLen(m.Exts) }

// Append appends the KeepAlive.
func (m *KeepAlive) Append(b []byte) ([]byte, error) {
	if err := trCheckExts("KeepAlive", m.Exts); err != nil {
		return b, err
	}
	h := byte(TransportIDKeepAlive)
	if len(m.Exts) > 0 {
		h |= ExtMore
	}
	return appendExts(append(b, h), m.Exts, false), nil
}

// DecodeKeepAlive decodes a KeepAlive from the start of b.
func DecodeKeepAlive(b []byte) (KeepAlive, int, error) {
	var m KeepAlive
	n, err := decodeKeepAliveInto(b, &m)
	if err != nil {
		return KeepAlive{}, n, err
	}
	return m, n, nil
}

func decodeKeepAliveInto(b []byte, m *KeepAlive) (int, error) {
	r := newRd(b, "KeepAlive")
	h, err := r.trHeader(TransportIDKeepAlive)
	if err != nil {
		return r.off, err
	}
	m.Exts, err = r.trUnknownExts(h)
	return r.off, err
}
