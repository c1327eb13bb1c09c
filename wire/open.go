package wire

import "time"

// OpenSyn completes the opener's half of the handshake: its lease, its initial sequence number,
// and the InitAck cookie echoed byte for byte.
//
// Wire layout (commons/zenoh-codec/src/transport/open.rs):
//
//	header     |Z|T|A=0| 0x02 |   T: lease in seconds (else milliseconds); Z: extensions follow
//	lease      %zint%
//	initial_sn %zint%               read as a u32 (wider values are truncated, as in Zenoh)
//	cookie     %len% bytes
//	exts                            only when Z, in the order of the fields below
//
// T is set exactly when Lease is a whole number of seconds (Rust's default 10 s travels as 0a).
// Byte-string extension bodies and Cookie alias the decoded input.
type OpenSyn struct {
	Lease       time.Duration // a whole number of milliseconds
	InitialSN   uint32
	Cookie      []byte
	QoS         bool    // 0x01 unit (Rust never sends it)
	Shm         Z64Ext  // 0x22 z64: shared-memory challenge, as in the zenoh 1.9 source
	ShmZBuf     ZBufExt // 0x42 zbuf: the shared-memory extension zenoh 1.10.2 sends instead
	Auth        ZBufExt // 0x43 zbuf: authentication
	MultiLink   ZBufExt // 0x44 zbuf: multi-link challenge
	LowLatency  bool    // 0x05 unit (Rust never sends it)
	Compression bool    // 0x06 unit (Rust never sends it)
	RemoteBound Z64Ext  // 0x27 z64: 0 the remote is north, 1 south (zenoh 1.9+)
	Exts        []Ext   // unknown optional extensions, kept in order after the known ones
}

const (
	openFlagA = 0x20 // OpenAck
	openFlagT = 0x40 // lease in seconds
)

// Len returns the encoded size.
func (m *OpenSyn) Len() int { return m.fields().len() }

// Append appends the OpenSyn.
func (m *OpenSyn) Append(b []byte) ([]byte, error) { return m.fields().append(b) }

// DecodeOpenSyn decodes an OpenSyn from the start of b.
func DecodeOpenSyn(b []byte) (OpenSyn, int, error) {
	var m OpenSyn
	n, err := decodeOpenSynInto(b, &m)
	if err != nil {
		return OpenSyn{}, n, err
	}
	return m, n, nil
}

func decodeOpenSynInto(b []byte, m *OpenSyn) (int, error) { return m.fields().decode(b) }

// trLeaseWire returns the wire value of a lease and whether it is in seconds (the T flag).
func trLeaseWire(d time.Duration) (uint64, bool) {
	if d%time.Second == 0 {
		return uint64(d / time.Second), true
	}
	return uint64(d / time.Millisecond), false
}

// trCheckLease rejects a lease the wire cannot carry.
func trCheckLease(msg string, d time.Duration) error {
	if d < 0 || d%time.Millisecond != 0 {
		return encErr(msg, "lease", "negative or not a whole number of milliseconds")
	}
	return nil
}

// trLease reads a lease in seconds or milliseconds; one a time.Duration cannot hold fails with
// ErrOverflow (see MaxLease).
func (r *rd) trLease(secs bool) (time.Duration, error) {
	start := r.off
	v, err := r.zint("lease")
	if err != nil {
		return 0, err
	}
	unit := time.Millisecond
	if secs {
		unit = time.Second
	}
	if v > uint64(MaxLease/unit) {
		r.off = start
		return 0, r.fail("lease", ErrOverflow)
	}
	return time.Duration(v) * unit, nil
}

// trSN reads a sequence number. Zenoh reads it as a u64 and keeps the low 32 bits.
func (r *rd) trSN() (uint32, error) {
	v, err := r.zint("sn")
	return uint32(v), err
}
