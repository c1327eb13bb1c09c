package zenoh

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// Timestamp is a hybrid-logical-clock timestamp as Zenoh attaches to data: an NTP64 time
// (seconds since the UNIX epoch in the high 32 bits, the fraction of a second in the low 32)
// and the ZenohID of the clock that made it. The zero Timestamp means "none".
type Timestamp struct {
	ntp uint64
	id  ZenohID
}

// NewTimestamp returns the timestamp of time t made by clock id.
func NewTimestamp(t time.Time, id ZenohID) Timestamp {
	return Timestamp{ntp: toNTP64(t), id: id}
}

// TimestampFromNTP64 returns the timestamp with the raw NTP64 value ntp and clock id.
func TimestampFromNTP64(ntp uint64, id ZenohID) Timestamp { return Timestamp{ntp: ntp, id: id} }

// toNTP64 converts a time to NTP64 (UNIX epoch).
func toNTP64(t time.Time) uint64 {
	ns := t.UnixNano()
	if ns < 0 {
		return 0
	}
	sec := uint64(ns / 1e9)
	frac := (uint64(ns%1e9) << 32) / 1e9
	return sec<<32 | frac
}

// IsZero reports whether t is the zero Timestamp (no timestamp).
func (t Timestamp) IsZero() bool { return t.ntp == 0 && t.id.IsZero() }

// NTP64 returns the raw NTP64 time.
func (t Timestamp) NTP64() uint64 { return t.ntp }

// ID returns the ZenohID of the clock that made t.
func (t Timestamp) ID() ZenohID { return t.id }

// Time returns the time of t (to the nanosecond, truncated).
func (t Timestamp) Time() time.Time {
	sec := int64(t.ntp >> 32)
	nsec := int64(((t.ntp & 0xffffffff) * 1e9) >> 32)
	return time.Unix(sec, nsec)
}

// Compare orders timestamps by time, then by clock id as Zenoh does. It returns -1, 0 or +1.
func (t Timestamp) Compare(o Timestamp) int {
	switch {
	case t.ntp < o.ntp:
		return -1
	case t.ntp > o.ntp:
		return 1
	}
	for i := len(t.id) - 1; i >= 0; i-- { // little-endian bytes: most significant last
		if t.id[i] != o.id[i] {
			if t.id[i] < o.id[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// String returns "<ntp64>/<id>", the form Zenoh prints (uhlc's Display).
func (t Timestamp) String() string {
	return strconv.FormatUint(t.ntp, 10) + "/" + t.id.String()
}

// toWire returns the wire form of t.
func (t Timestamp) toWire() wire.Timestamp { return wire.Timestamp{Time: t.ntp, ID: t.id} }

// hlc is a hybrid logical clock: strictly increasing NTP64 values, close to the wall clock.
type hlc struct {
	id   ZenohID
	last atomic.Uint64
}

// now returns a new timestamp, greater than every one returned before.
func (c *hlc) now() Timestamp {
	n := toNTP64(time.Now())
	for {
		last := c.last.Load()
		v := max(n, last+1)
		if c.last.CompareAndSwap(last, v) {
			return Timestamp{ntp: v, id: c.id}
		}
	}
}
