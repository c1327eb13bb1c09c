package cluster

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
)

// NodeID identifies a node of the cluster. Valid ids are 1..65535, the width Stalwart uses on
// the wire; 0 is AllNodes.
type NodeID uint16

// AllNodes is the From of a Resync that concerns every sender (a local delivery queue overflow).
const AllNodes NodeID = 0

// String returns the decimal id, or "all" for AllNodes.
func (n NodeID) String() string {
	if n == AllNodes {
		return "all"
	}
	return strconv.FormatUint(uint64(n), 10)
}

// ParseNodeID parses a decimal node id in 1..65535.
func ParseNodeID(s string) (NodeID, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 || v > 0xFFFF {
		return 0, errorsf(ErrNodeID, "%q is not in 1..65535", s)
	}
	return NodeID(v), nil
}

// NewIncarnation returns a random, non-zero incarnation number. A node draws one each time its
// process starts, so receivers can tell a restart (same id, new incarnation) and two nodes that
// share an id (two live incarnations) from a continuing sender.
func NewIncarnation() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24.
	if v := binary.LittleEndian.Uint64(b[:]); v != 0 {
		return v
	}
	return 1
}
