package wire

// NetworkID is the id of a network message (the low five bits of its header).
// PLACEHOLDER: the network codec replaces this file.
type NetworkID uint8

// NetworkMessage is one network message. PLACEHOLDER: the network codec replaces this file.
type NetworkMessage struct {
	ID NetworkID
}

// DecodeNetwork decodes one network message from the start of b.
// PLACEHOLDER: the network codec replaces this file.
func DecodeNetwork(b []byte) (NetworkMessage, int, error) {
	r := newRd(b, "NetworkMessage")
	return NetworkMessage{}, 0, r.fail("header", ErrUnknownMessage)
}

// IsNetworkID reports whether the low five bits of header are a network message id (0x19..0x1f).
func IsNetworkID(header byte) bool { id := header & 0x1f; return id >= 0x19 && id <= 0x1f }
