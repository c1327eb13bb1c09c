package cluster

import (
	"net/netip"
)

// Body layouts (u = LEB128 unsigned, i = zigzag LEB128, s = u length + UTF-8, b = one byte,
// t = a time in Unix seconds: u 0 for the zero time, else zigzag(seconds)+1).
// Decoders ignore bytes after the last field they know, so fields may be appended later.
//
//	StateChange        u account, u change, u types
//	EmailPush          u account, u email, u change
//	CalendarAlert      u account, u event, i recurrence, s uid, s alert
//	PushServerUpdate   u account
//	CacheInvalidate    u n, n × (b cache kind, u id)
//	CacheInvalidateAll b flags (bit 0: negative only)
//	SettingsReload     s section
//	ObjectChanged      b op, s type, u id
//	BlockedIP          b flags (bit 0: IPv6), 4|16 address bytes, b prefix bits, t expires, s reason
//	CertificateRenewed u n, n × s name, t not-after
//	SpamModelReload    (empty)
//	QueueStatus        b running (0|1)
//	QueueRefresh       s queue
//	AppEvent           the application's bytes

// AppendBinary appends the event body.
func (e StateChange) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.u(uint64(e.AccountID))
	w.u(e.ChangeID)
	w.u(e.Types)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e EmailPush) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.u(uint64(e.AccountID))
	w.u(uint64(e.EmailID))
	w.u(e.ChangeID)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e CalendarAlert) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.u(uint64(e.AccountID))
	w.u(uint64(e.EventID))
	w.i(e.RecurrenceID)
	w.str("uid", e.UID)
	w.str("alert", e.AlertID)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e PushServerUpdate) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.u(uint64(e.AccountID))
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e CacheInvalidate) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.count("items", len(e.Items))
	for _, it := range e.Items {
		if it.Kind == 0 {
			w.fail(errorsf(ErrInvalidEvent, "items: cache kind 0"))
		}
		w.byte1(byte(it.Kind))
		w.u(it.ID)
	}
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e CacheInvalidateAll) AppendBinary(b []byte) ([]byte, error) {
	var f byte
	if e.NegativeOnly {
		f = 1
	}
	return append(b, f), nil
}

// AppendBinary appends the event body.
func (e SettingsReload) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.str("section", e.Section)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e ObjectChanged) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	if e.Op < ObjectInserted || e.Op > ObjectDeleted {
		w.fail(errorsf(ErrInvalidEvent, "op: %d", e.Op))
	}
	w.byte1(byte(e.Op))
	w.str("type", e.Type)
	w.u(e.ID)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e BlockedIP) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	if !e.Prefix.IsValid() {
		w.fail(errorsf(ErrInvalidEvent, "prefix: invalid"))
		return w.b, w.err
	}
	a := e.Prefix.Addr()
	if a.Is4() {
		w.byte1(0)
		a4 := a.As4()
		w.b = append(w.b, a4[:]...)
	} else {
		w.byte1(1)
		a16 := a.As16()
		w.b = append(w.b, a16[:]...)
	}
	w.byte1(byte(e.Prefix.Bits()))
	w.time("expires", e.Expires)
	w.str("reason", e.Reason)
	return w.b, w.err
}

// AppendBinary appends the event body.
func (e CertificateRenewed) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.count("names", len(e.Names))
	for _, n := range e.Names {
		w.str("names", n)
	}
	w.time("not-after", e.NotAfter)
	return w.b, w.err
}

// AppendBinary appends the (empty) event body.
func (SpamModelReload) AppendBinary(b []byte) ([]byte, error) { return b, nil }

// AppendBinary appends the event body.
func (e QueueStatus) AppendBinary(b []byte) ([]byte, error) {
	var v byte
	if e.Running {
		v = 1
	}
	return append(b, v), nil
}

// AppendBinary appends the event body.
func (e QueueRefresh) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	w.str("queue", e.Queue)
	return w.b, w.err
}

// AppendBinary appends Data.
func (e AppEvent) AppendBinary(b []byte) ([]byte, error) {
	w := writer{b: b}
	if !e.Tag.IsApp() {
		w.fail(errorsf(ErrInvalidEvent, "app event tag %d outside %d..%d", e.Tag, KindAppMin, KindAppMax))
	}
	w.raw("data", e.Data)
	return w.b, w.err
}

func decodeStateChange(b []byte) (Event, error) {
	r := reader{b: b}
	e := StateChange{AccountID: r.u32("account"), ChangeID: r.u("change"), Types: r.u("types")}
	return e, r.err
}

func decodeEmailPush(b []byte) (Event, error) {
	r := reader{b: b}
	e := EmailPush{AccountID: r.u32("account"), EmailID: r.u32("email"), ChangeID: r.u("change")}
	return e, r.err
}

func decodeCalendarAlert(b []byte) (Event, error) {
	r := reader{b: b}
	e := CalendarAlert{AccountID: r.u32("account"), EventID: r.u32("event"), RecurrenceID: r.i("recurrence")}
	e.UID = r.str("uid")
	e.AlertID = r.str("alert")
	return e, r.err
}

func decodePushServerUpdate(b []byte) (Event, error) {
	r := reader{b: b}
	e := PushServerUpdate{AccountID: r.u32("account")}
	return e, r.err
}

func decodeCacheInvalidate(b []byte) (Event, error) {
	r := reader{b: b}
	n := r.count("items", 2)
	if r.err != nil {
		return nil, r.err
	}
	var e CacheInvalidate
	if n > 0 {
		e.Items = make([]CacheItem, n)
	}
	for i := range e.Items {
		k := CacheKind(r.byte1("items"))
		if k == 0 && r.err == nil {
			r.fail("items", errorsf(ErrMalformed, "cache kind 0"))
		}
		e.Items[i] = CacheItem{Kind: k, ID: r.u("items")}
	}
	if r.err != nil {
		return nil, r.err
	}
	return e, nil
}

func decodeCacheInvalidateAll(b []byte) (Event, error) {
	r := reader{b: b}
	f := r.byte1("flags")
	return CacheInvalidateAll{NegativeOnly: f&1 != 0}, r.err
}

func decodeSettingsReload(b []byte) (Event, error) {
	r := reader{b: b}
	e := SettingsReload{Section: r.str("section")}
	return e, r.err
}

func decodeObjectChanged(b []byte) (Event, error) {
	r := reader{b: b}
	op := ObjectOp(r.byte1("op"))
	if r.err == nil && (op < ObjectInserted || op > ObjectDeleted) {
		r.fail("op", errorsf(ErrMalformed, "%d", op))
	}
	e := ObjectChanged{Op: op, Type: r.str("type"), ID: r.u("id")}
	return e, r.err
}

func decodeBlockedIP(b []byte) (Event, error) {
	r := reader{b: b}
	size := 4
	if r.byte1("flags")&1 != 0 {
		size = 16
	}
	p := r.bytes("address", size)
	bits := int(r.byte1("bits"))
	if r.err != nil {
		return nil, r.err
	}
	var a netip.Addr
	if size == 4 {
		a = netip.AddrFrom4([4]byte(p))
	} else {
		a = netip.AddrFrom16([16]byte(p))
	}
	if bits > a.BitLen() {
		r.fail("bits", errorsf(ErrMalformed, "/%d for a %d-bit address", bits, a.BitLen()))
		return nil, r.err
	}
	e := BlockedIP{Prefix: netip.PrefixFrom(a, bits)}
	e.Expires = r.time("expires")
	e.Reason = r.str("reason")
	if r.err != nil {
		return nil, r.err
	}
	return e, nil
}

func decodeCertificateRenewed(b []byte) (Event, error) {
	r := reader{b: b}
	n := r.count("names", 1)
	if r.err != nil {
		return nil, r.err
	}
	var e CertificateRenewed
	if n > 0 {
		e.Names = make([]string, n)
	}
	for i := range e.Names {
		e.Names[i] = r.str("names")
	}
	e.NotAfter = r.time("not-after")
	if r.err != nil {
		return nil, r.err
	}
	return e, nil
}

func decodeSpamModelReload([]byte) (Event, error) { return SpamModelReload{}, nil }

func decodeQueueStatus(b []byte) (Event, error) {
	r := reader{b: b}
	v := r.byte1("running")
	if r.err == nil && v > 1 {
		r.fail("running", errorsf(ErrMalformed, "%d", v))
	}
	return QueueStatus{Running: v == 1}, r.err
}

func decodeQueueRefresh(b []byte) (Event, error) {
	r := reader{b: b}
	e := QueueRefresh{Queue: r.str("queue")}
	return e, r.err
}
