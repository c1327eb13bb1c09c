package wire

import "strconv"

// Z64Ext is an optional extension whose body is one zint (e.g. InitSyn's QoSLink).
type Z64Ext struct {
	Present bool
	Value   uint64
}

// ZBufExt is an optional extension whose body is a byte string (e.g. InitSyn's Auth).
// Body aliases the decoded input.
type ZBufExt struct {
	Present bool
	Body    []byte
}

// TransportQoS is the QoS extension of Frame, Fragment and transport OAM messages: a byte whose
// low three bits are a Priority (the other bits are carried but mean nothing). Zenoh leaves the
// extension off the wire when the byte is 5 (PriorityData).
//
// The Go value is the wire byte XOR 5, so that the zero TransportQoS is that default: a Frame
// built without setting QoS carries no extension, as a Frame on a transport without QoS must.
// Build values with NewTransportQoS or TransportQoSFromByte.
// Mirrors commons/zenoh-protocol/src/transport/mod.rs (ext::QoSType).
type TransportQoS uint8

// TransportQoSDefault is the default QoS (priority Data), which messages leave off the wire.
const TransportQoSDefault TransportQoS = 0

const trQoSBias = byte(PriorityData)

// NewTransportQoS returns the QoS of priority p.
func NewTransportQoS(p Priority) TransportQoS { return TransportQoS(byte(p&7) ^ trQoSBias) }

// TransportQoSFromByte returns the QoS whose wire byte is b.
func TransportQoSFromByte(b byte) TransportQoS { return TransportQoS(b ^ trQoSBias) }

// Byte returns the wire byte.
func (q TransportQoS) Byte() byte { return byte(q) ^ trQoSBias }

// Priority returns the priority.
func (q TransportQoS) Priority() Priority { return Priority(q.Byte() & 7) }

// IsDefault reports whether q is the default, which is left off the wire.
func (q TransportQoS) IsDefault() bool { return q == TransportQoSDefault }

// String returns the priority name, with the raw byte when other bits are set.
func (q TransportQoS) String() string {
	if q.Byte() > 7 {
		return q.Priority().String() + "(0x" + strconv.FormatUint(uint64(q.Byte()), 16) + ")"
	}
	return q.Priority().String()
}

// Extension headers (without the Z bit) of the transport and scouting messages.
// Mirrors commons/zenoh-protocol/src/transport/{init,open,frame,fragment,join,oam}.rs (mod ext).
const (
	trExtInitQoS         = 0x01 // unit
	trExtInitQoSLink     = 0x21 // z64
	trExtInitShm         = 0x42 // zbuf
	trExtInitAuth        = 0x43 // zbuf
	trExtInitMultiLink   = 0x44 // zbuf
	trExtInitLowLatency  = 0x05 // unit
	trExtInitCompression = 0x06 // unit
	trExtInitPatch       = 0x27 // z64
	trExtInitRegionName  = 0x48 // zbuf

	trExtOpenQoS          = 0x01 // unit
	trExtOpenShm          = 0x22 // z64 (zenoh 1.9 source)
	trExtOpenShmZBuf      = 0x42 // zbuf (sent by zenoh 1.10.2)
	trExtOpenAuth         = 0x43 // zbuf
	trExtOpenMultiLinkSyn = 0x44 // zbuf
	trExtOpenMultiLinkAck = 0x04 // unit
	trExtOpenLowLatency   = 0x05 // unit
	trExtOpenCompression  = 0x06 // unit
	trExtOpenRemoteBound  = 0x27 // z64

	trExtQoS           = 0x31 // z64, mandatory: Frame, Fragment, transport OAM
	trExtFragmentFirst = 0x02 // unit
	trExtFragmentDrop  = 0x03 // unit

	trExtJoinQoS   = 0x51 // zbuf, mandatory
	trExtJoinShm   = 0x52 // zbuf, mandatory
	trExtJoinPatch = 0x27 // z64
)

// trExtW appends a message's extensions, setting the Z bit on all but the last. n is the number
// of extensions still to write.
type trExtW struct {
	b []byte
	n int
}

func (w *trExtW) unit(h byte) {
	w.n--
	w.b = Ext{Header: h}.Append(w.b, w.n > 0)
}

func (w *trExtW) z64(h byte, v uint64) {
	w.n--
	w.b = Ext{Header: h, Value: v}.Append(w.b, w.n > 0)
}

func (w *trExtW) zbuf(h byte, p []byte) {
	w.n--
	w.b = Ext{Header: h, Body: p}.Append(w.b, w.n > 0)
}

func (w *trExtW) unknown(es []Ext) {
	for _, e := range es {
		w.n--
		w.b = e.Append(w.b, w.n > 0)
	}
}

// trCheckExts validates the unknown extensions a message is asked to carry: each has a valid
// encoding and none uses a header the message defines (that must go in its typed field).
func trCheckExts(msg string, es []Ext, known ...byte) error {
	if len(es) > MaxExtensions {
		return encErr(msg, "exts", "more than MaxExtensions")
	}
	for _, e := range es {
		if e.Header&ExtMore != 0 || e.Enc() == ExtEncMask {
			return encErr(msg, "exts", "invalid extension header")
		}
		if uint64(len(e.Body)) > MaxExtBodyLen {
			return encErr(msg, "exts", "extension body too long")
		}
		for _, k := range known {
			if e.Header == k {
				return encErr(msg, "exts", "extension 0x"+strconv.FormatUint(uint64(k), 16)+" has a typed field")
			}
		}
	}
	return nil
}

// trZ64Len and trZBufLen are the encoded sizes of a z64 and a zbuf extension.
func trZ64Len(h byte, v uint64) int  { return Ext{Header: h, Value: v}.Len() }
func trZBufLen(h byte, p []byte) int { return Ext{Header: h, Body: p}.Len() }

// trB2I is 1 for true, 0 for false (extension counts).
func trB2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e Z64Ext) count() int  { return trB2I(e.Present) }
func (e ZBufExt) count() int { return trB2I(e.Present) }

// size returns the encoded size of the extension with header h, 0 when absent.
func (e Z64Ext) size(h byte) int {
	if !e.Present {
		return 0
	}
	return trZ64Len(h, e.Value)
}

func (e ZBufExt) size(h byte) int {
	if !e.Present {
		return 0
	}
	return trZBufLen(h, e.Body)
}

func (w *trExtW) optZ64(h byte, e Z64Ext) {
	if e.Present {
		w.z64(h, e.Value)
	}
}

func (w *trExtW) optZBuf(h byte, e ZBufExt) {
	if e.Present {
		w.zbuf(h, e.Body)
	}
}

func (w *trExtW) optUnit(h byte, set bool) {
	if set {
		w.unit(h)
	}
}
