package wire

// Timestamp is a hybrid-logical-clock timestamp: an NTP64 time (seconds since the UNIX epoch in
// the high 32 bits, fraction in the low 32) and the id of the clock that made it.
//
// Wire layout (commons/zenoh-codec/src/core/timestamp.rs):
//
//	%time%          zint, NTP64
//	%id_len%        zint, 1..16
//	~id~            id_len bytes, little-endian
type Timestamp struct {
	Time uint64
	ID   ZenohID
}

// Len returns the encoded size.
func (t *Timestamp) Len() int { return ZintLen(t.Time) + zidVLELen(t.ID) }

// Append appends the timestamp.
func (t *Timestamp) Append(b []byte) ([]byte, error) {
	if t.ID.IsZero() {
		return b, encErr("Timestamp", "id", "zero id")
	}
	b = AppendZint(b, t.Time)
	return appendZIDVLE(b, t.ID), nil
}

// DecodeTimestamp decodes a timestamp from the start of b.
func DecodeTimestamp(b []byte) (Timestamp, int, error) {
	r := newRd(b, "Timestamp")
	t, err := r.timestamp()
	return t, r.off, err
}

func (r *rd) timestamp() (Timestamp, error) {
	var t Timestamp
	var err error
	if t.Time, err = r.zint("time"); err != nil {
		return t, err
	}
	t.ID, err = r.zidVLE("id")
	return t, err
}
