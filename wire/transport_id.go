package wire

import "strconv"

// TransportID is the id of a transport message (the low five bits of its header). Transport
// ids never collide with network ids (0x19..0x1f), which is how a receiver finds where a Frame's
// network messages end.
// Mirrors commons/zenoh-protocol/src/transport/mod.rs (mod id).
type TransportID uint8

// Transport message ids.
const (
	TransportIDOAM       TransportID = 0x00
	TransportIDInit      TransportID = 0x01
	TransportIDOpen      TransportID = 0x02
	TransportIDClose     TransportID = 0x03
	TransportIDKeepAlive TransportID = 0x04
	TransportIDFrame     TransportID = 0x05
	TransportIDFragment  TransportID = 0x06
	TransportIDJoin      TransportID = 0x07
)

var transportIDNames = [...]string{"OAM", "Init", "Open", "Close", "KeepAlive", "Frame", "Fragment", "Join"}

// String returns the message's name, e.g. "Frame".
func (id TransportID) String() string {
	if int(id) < len(transportIDNames) {
		return transportIDNames[id]
	}
	return "TransportID(" + strconv.Itoa(int(id)) + ")"
}

// IsTransportID reports whether the low five bits of header are a transport message id.
func IsTransportID(header byte) bool { return header&trIDMask <= byte(TransportIDJoin) }

const trIDMask = 0x1f

// trHeader reads a header byte and checks that it carries message id want.
func (r *rd) trHeader(want TransportID) (byte, error) { return r.header(byte(want)) }

// trUnknownExts reads the extensions of a message that defines none (Close, KeepAlive): unknown
// mandatory ones fail, others are kept.
func (r *rd) trUnknownExts(h byte) ([]Ext, error) {
	var keep []Ext
	for more := h&ExtMore != 0; more; {
		e, m, err := r.ext("ext")
		if err != nil {
			return nil, err
		}
		more = m
		if keep, err = r.unknownExt("ext", e, keep); err != nil {
			return nil, err
		}
	}
	return keep, nil
}
