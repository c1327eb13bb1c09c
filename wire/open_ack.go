package wire

import "time"

// OpenAck completes the handshake: the acceptor's lease and initial sequence number. Rust sends
// it only once the transport exists, and may send Frames right after it.
//
// Wire layout (commons/zenoh-codec/src/transport/open.rs):
//
//	header     |Z|T|A=1| 0x02 |   T: lease in seconds (else milliseconds); Z: extensions follow
//	lease      %zint%
//	initial_sn %zint%               read as a u32
//	exts                            only when Z, in the order of the fields below
//
// T is set exactly when Lease is a whole number of seconds. There is no cookie.
type OpenAck struct {
	Lease       time.Duration // a whole number of milliseconds
	InitialSN   uint32
	QoS         bool    // 0x01 unit (Rust never sends it)
	Shm         Z64Ext  // 0x22 z64, as in the zenoh 1.9 source
	ShmZBuf     ZBufExt // 0x42 zbuf: the shared-memory extension zenoh 1.10.2 sends instead
	Auth        ZBufExt // 0x43 zbuf
	MultiLink   bool    // 0x04 unit: multi-link accepted
	LowLatency  bool    // 0x05 unit (Rust never sends it)
	Compression bool    // 0x06 unit (Rust never sends it)
	RemoteBound Z64Ext  // 0x27 z64 (zenoh 1.9+)
	Exts        []Ext   // unknown optional extensions, kept in order after the known ones
}

// Len returns the encoded size.
func (m *OpenAck) Len() int { return m.fields().len() }

// Append appends the OpenAck.
func (m *OpenAck) Append(b []byte) ([]byte, error) { return m.fields().append(b) }

// DecodeOpenAck decodes an OpenAck from the start of b.
func DecodeOpenAck(b []byte) (OpenAck, int, error) {
	var m OpenAck
	n, err := decodeOpenAckInto(b, &m)
	if err != nil {
		return OpenAck{}, n, err
	}
	return m, n, nil
}

func decodeOpenAckInto(b []byte, m *OpenAck) (int, error) { return m.fields().decode(b) }
