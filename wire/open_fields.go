package wire

import "time"

// openFields points at the fields of an OpenSyn or an OpenAck, so that one piece of code sizes,
// checks, writes and reads both. They differ in the A flag, the cookie (OpenSyn only) and the
// multi-link extension: a zbuf challenge (0x44) in OpenSyn, a unit (0x04) in OpenAck; exactly
// one of multiLinkSyn (with cookie) and multiLinkAck is set.
type openFields struct {
	lease        *time.Duration
	initialSN    *uint32
	cookie       *[]byte
	qos          *bool
	shm          *Z64Ext
	shmZBuf      *ZBufExt
	auth         *ZBufExt
	multiLinkSyn *ZBufExt
	multiLinkAck *bool
	lowLatency   *bool
	compression  *bool
	remoteBound  *Z64Ext
	exts         *[]Ext
}

func (m *OpenSyn) fields() openFields {
	return openFields{lease: &m.Lease, initialSN: &m.InitialSN, cookie: &m.Cookie,
		qos: &m.QoS, shm: &m.Shm, shmZBuf: &m.ShmZBuf, auth: &m.Auth, multiLinkSyn: &m.MultiLink,
		lowLatency: &m.LowLatency, compression: &m.Compression, remoteBound: &m.RemoteBound, exts: &m.Exts}
}

func (m *OpenAck) fields() openFields {
	return openFields{lease: &m.Lease, initialSN: &m.InitialSN,
		qos: &m.QoS, shm: &m.Shm, shmZBuf: &m.ShmZBuf, auth: &m.Auth, multiLinkAck: &m.MultiLink,
		lowLatency: &m.LowLatency, compression: &m.Compression, remoteBound: &m.RemoteBound, exts: &m.Exts}
}

func (x openFields) ack() bool { return x.multiLinkAck != nil }

// name returns the message's name. (Not a field: a string kept in x and put in an error would
// make every pointer in x escape.)
func (x openFields) name() string {
	if x.ack() {
		return "OpenAck"
	}
	return "OpenSyn"
}

// multiLink returns the multi-link extension's header, count and encoded size.
func (x openFields) multiLink() (h byte, count, size int) {
	if x.ack() {
		n := trB2I(*x.multiLinkAck)
		return trExtOpenMultiLinkAck, n, n
	}
	return trExtOpenMultiLinkSyn, x.multiLinkSyn.count(), x.multiLinkSyn.size(trExtOpenMultiLinkSyn)
}

// extCount returns the number of extensions to write.
func (x openFields) extCount() int {
	_, ml, _ := x.multiLink()
	return trB2I(*x.qos) + x.shm.count() + x.shmZBuf.count() + x.auth.count() + ml +
		trB2I(*x.lowLatency) + trB2I(*x.compression) + x.remoteBound.count() + len(*x.exts)
}

// len returns the encoded size of the message.
func (x openFields) len() int {
	v, _ := trLeaseWire(*x.lease)
	_, _, ml := x.multiLink()
	n := 1 + ZintLen(v) + ZintLen(uint64(*x.initialSN)) +
		trB2I(*x.qos) + x.shm.size(trExtOpenShm) + x.shmZBuf.size(trExtOpenShmZBuf) +
		x.auth.size(trExtOpenAuth) + ml + trB2I(*x.lowLatency) + trB2I(*x.compression) +
		x.remoteBound.size(trExtOpenRemoteBound) + extsLen(*x.exts)
	if !x.ack() {
		n += bytesLen(*x.cookie)
	}
	return n
}

// append appends the message.
func (x openFields) append(b []byte) ([]byte, error) {
	msg := x.name()
	if err := trCheckLease(msg, *x.lease); err != nil {
		return b, err
	}
	if !x.ack() && len(*x.cookie) > MaxOpenCookieLen {
		return b, encErr(msg, "cookie", "longer than MaxOpenCookieLen")
	}
	ml, _, _ := x.multiLink()
	if err := trCheckExts(msg, *x.exts, trExtOpenQoS, trExtOpenShm, trExtOpenShmZBuf, trExtOpenAuth,
		ml, trExtOpenLowLatency, trExtOpenCompression, trExtOpenRemoteBound); err != nil {
		return b, err
	}
	v, secs := trLeaseWire(*x.lease)
	h := byte(TransportIDOpen)
	if x.ack() {
		h |= openFlagA
	}
	if secs {
		h |= openFlagT
	}
	w := trExtW{n: x.extCount()}
	if w.n > 0 {
		h |= ExtMore
	}
	b = AppendZint(append(b, h), v)
	w.b = AppendZint(b, uint64(*x.initialSN))
	if !x.ack() {
		w.b = appendBytes(w.b, *x.cookie)
	}
	w.optUnit(trExtOpenQoS, *x.qos)
	w.optZ64(trExtOpenShm, *x.shm)
	w.optZBuf(trExtOpenShmZBuf, *x.shmZBuf)
	w.optZBuf(trExtOpenAuth, *x.auth)
	if x.ack() {
		w.optUnit(trExtOpenMultiLinkAck, *x.multiLinkAck)
	} else {
		w.optZBuf(trExtOpenMultiLinkSyn, *x.multiLinkSyn)
	}
	w.optUnit(trExtOpenLowLatency, *x.lowLatency)
	w.optUnit(trExtOpenCompression, *x.compression)
	w.optZ64(trExtOpenRemoteBound, *x.remoteBound)
	w.unknown(*x.exts)
	return w.b, nil
}

// decodeOpen decodes the message from the start of b and returns the number of bytes used. A
// known extension seen twice keeps the last value, as in Zenoh.
func (x openFields) decode(b []byte) (int, error) {
	r := newRd(b, x.name())
	h, err := r.trHeader(TransportIDOpen)
	if err != nil {
		return r.off, err
	}
	if (h&openFlagA != 0) != x.ack() {
		r.off = 0
		return 0, r.fail("header", ErrUnknownMessage)
	}
	if *x.lease, err = r.trLease(h&openFlagT != 0); err != nil {
		return r.off, err
	}
	if *x.initialSN, err = r.trSN(); err != nil {
		return r.off, err
	}
	if !x.ack() {
		if *x.cookie, err = r.bytes("cookie", MaxOpenCookieLen); err != nil {
			return r.off, err
		}
	}
	for more := h&ExtMore != 0; more; {
		var e Ext
		if e, more, err = r.ext("ext"); err != nil {
			return r.off, err
		}
		switch {
		case e.Header == trExtOpenQoS:
			*x.qos = true
		case e.Header == trExtOpenShm:
			*x.shm = Z64Ext{true, e.Value}
		case e.Header == trExtOpenShmZBuf:
			*x.shmZBuf = ZBufExt{true, e.Body}
		case e.Header == trExtOpenAuth:
			*x.auth = ZBufExt{true, e.Body}
		case e.Header == trExtOpenMultiLinkSyn && !x.ack():
			*x.multiLinkSyn = ZBufExt{true, e.Body}
		case e.Header == trExtOpenMultiLinkAck && x.ack():
			*x.multiLinkAck = true
		case e.Header == trExtOpenLowLatency:
			*x.lowLatency = true
		case e.Header == trExtOpenCompression:
			*x.compression = true
		case e.Header == trExtOpenRemoteBound:
			*x.remoteBound = Z64Ext{true, e.Value}
		default:
			if *x.exts, err = r.unknownExt("ext", e, *x.exts); err != nil {
				return r.off, err
			}
		}
	}
	return r.off, nil
}
