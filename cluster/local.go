package cluster

import (
	"strconv"
	"time"
)

// ResyncReason says why a node may have missed events.
type ResyncReason uint8

// Resync reasons.
const (
	// ReasonGap: a sequence number from the sender is missing (a lost envelope, or events the
	// sender dropped from its own full publish queue).
	ReasonGap ResyncReason = iota + 1
	// ReasonRestart: the sender's id appeared with a new incarnation, and its previous
	// incarnation did not leave cleanly with everything delivered.
	ReasonRestart
	// ReasonFirstContact: the first message heard from a sender is in the middle of its stream,
	// so events it sent since this node started may have been missed.
	ReasonFirstContact
	// ReasonMemberDown: the sender's liveliness token went away (node down, or unreachable).
	ReasonMemberDown
	// ReasonMemberUp: the sender's liveliness token came back after it had gone away.
	ReasonMemberUp
	// ReasonDecode: an event or envelope from the sender could not be decoded.
	ReasonDecode
	// ReasonOverflow: this subscription's delivery queue overflowed (a slow handler); From is
	// AllNodes.
	ReasonOverflow
	numReasons
)

var reasonNames = [numReasons]string{
	ReasonGap: "gap", ReasonRestart: "restart", ReasonFirstContact: "first-contact",
	ReasonMemberDown: "member-down", ReasonMemberUp: "member-up", ReasonDecode: "decode",
	ReasonOverflow: "overflow",
}

// String returns the reason's name ("gap").
func (r ResyncReason) String() string {
	if r > 0 && r < numReasons {
		return reasonNames[r]
	}
	return "reason-" + strconv.Itoa(int(r))
}

// Reasons returns every resync reason, in numeric order.
func Reasons() []ResyncReason {
	rs := make([]ResyncReason, 0, numReasons-1)
	for r := ReasonGap; r < numReasons; r++ {
		rs = append(rs, r)
	}
	return rs
}

// Resync tells a subscription that events from From (AllNodes: from anyone) may have been
// missed. The application should flush what it caches about that sender's changes and re-read
// shared state.
type Resync struct {
	From        NodeID
	Incarnation uint64 // the sender's incarnation, when known
	Reason      ResyncReason
	// Missed is the number of events known to be missing (from sequence numbers); 0 when unknown.
	Missed uint64
}

// Member is a live node, as its liveliness token announces it.
type Member struct {
	ID          NodeID
	Incarnation uint64
	Since       time.Time // when this node first saw the token
	Self        bool      // the local node
}

// MemberUp reports a member that appeared (or came back).
type MemberUp struct{ Member }

// MemberDown reports a member whose token went away.
type MemberDown struct{ Member }

// Collision reports two live processes using one node id: events from both were seen, or the
// local id was used by another incarnation. It is also logged at error level.
type Collision struct {
	ID           NodeID
	Incarnations [2]uint64 // the two incarnations; [0] is the local one when ID is ours
}

// Kind returns KindResync.
func (Resync) Kind() Kind { return KindResync }

// Kind returns KindMemberUp.
func (MemberUp) Kind() Kind { return KindMemberUp }

// Kind returns KindMemberDown.
func (MemberDown) Kind() Kind { return KindMemberDown }

// Kind returns KindCollision.
func (Collision) Kind() Kind { return KindCollision }

// AppendBinary fails: Resync is local-only.
func (e Resync) AppendBinary(b []byte) ([]byte, error) { return b, errLocal(e) }

// AppendBinary fails: MemberUp is local-only.
func (e MemberUp) AppendBinary(b []byte) ([]byte, error) { return b, errLocal(e) }

// AppendBinary fails: MemberDown is local-only.
func (e MemberDown) AppendBinary(b []byte) ([]byte, error) { return b, errLocal(e) }

// AppendBinary fails: Collision is local-only.
func (e Collision) AppendBinary(b []byte) ([]byte, error) { return b, errLocal(e) }

func errLocal(e Event) error {
	return errorsf(ErrInvalidEvent, "%s is a local-only event", e.Kind())
}
