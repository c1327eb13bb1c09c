package wire

import "strconv"

// Priority is the priority of a message, 0 (highest) to 7 (lowest).
type Priority uint8

// The eight priorities.
const (
	PriorityControl         Priority = 0
	PriorityRealTime        Priority = 1
	PriorityInteractiveHigh Priority = 2
	PriorityInteractiveLow  Priority = 3
	PriorityDataHigh        Priority = 4
	PriorityData            Priority = 5 // the default
	PriorityDataLow         Priority = 6
	PriorityBackground      Priority = 7
	NumPriorities                    = 8
)

var priorityNames = [...]string{"control", "real-time", "interactive-high", "interactive-low", "data-high", "data", "data-low", "background"}

// String returns the priority's name.
func (p Priority) String() string {
	if int(p) < len(priorityNames) {
		return priorityNames[p]
	}
	return "Priority(" + strconv.Itoa(int(p)) + ")"
}

// Reliability is the reliability of a channel.
type Reliability uint8

// The two reliabilities (the values match Zenoh's frame R flag).
const (
	BestEffort Reliability = 0
	Reliable   Reliability = 1
)

// String returns "best-effort" or "reliable".
func (r Reliability) String() string {
	if r == Reliable {
		return "reliable"
	}
	return "best-effort"
}

// CongestionControl says what a sender does when a queue is full.
type CongestionControl uint8

// Congestion control modes.
const (
	CongestionDrop       CongestionControl = 0
	CongestionBlock      CongestionControl = 1
	CongestionBlockFirst CongestionControl = 2
)

// String returns the mode's name.
func (c CongestionControl) String() string {
	switch c {
	case CongestionDrop:
		return "drop"
	case CongestionBlock:
		return "block"
	case CongestionBlockFirst:
		return "block-first"
	}
	return "CongestionControl(" + strconv.Itoa(int(c)) + ")"
}

// NetQoS is the QoS byte of network messages (extension 0x21):
//
//	bits 2-0 priority, bit 3 D (don't drop: congestion control Block), bit 4 E (express),
//	bit 5 F (block first), bits 7-6 reserved
//
// Its default, 0x05 (Data, Drop, not express), is left off the wire.
// Mirrors commons/zenoh-protocol/src/network/mod.rs (ext::QoSType).
type NetQoS uint8

// Network QoS bits and the default value.
const (
	NetQoSDefault    NetQoS = 0x05
	NetQoSDontDrop   NetQoS = 0x08
	NetQoSExpress    NetQoS = 0x10
	NetQoSBlockFirst NetQoS = 0x20
)

// NewNetQoS builds a QoS byte.
func NewNetQoS(p Priority, cc CongestionControl, express bool) NetQoS {
	q := NetQoS(p & 7)
	switch cc {
	case CongestionBlock:
		q |= NetQoSDontDrop
	case CongestionBlockFirst:
		q |= NetQoSBlockFirst
	}
	if express {
		q |= NetQoSExpress
	}
	return q
}

// Priority returns the priority bits.
func (q NetQoS) Priority() Priority { return Priority(q & 7) }

// CongestionControl returns Block when D is set, BlockFirst when F is set, else Drop.
func (q NetQoS) CongestionControl() CongestionControl {
	switch {
	case q&NetQoSDontDrop != 0:
		return CongestionBlock
	case q&NetQoSBlockFirst != 0:
		return CongestionBlockFirst
	}
	return CongestionDrop
}

// Express reports whether the message must not wait in a batch.
func (q NetQoS) Express() bool { return q&NetQoSExpress != 0 }
