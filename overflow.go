package zenoh

// OverflowPolicy says what a subscriber's bounded delivery queue does with a sample that finds
// it full (Zenoh's FifoChannel is Block, its RingChannel DropOldest). Every sample dropped is
// counted (Subscriber.Stats, Session.Stats).
type OverflowPolicy uint8

// Overflow policies.
const (
	// Block makes the delivering goroutine (a transport reader, or the caller of Put for a
	// local publication) wait for room, for at most the subscriber's block timeout
	// (DefaultBlockTimeout). When that runs out the subscriber is marked lagging: the sample and
	// every following one are dropped at once, without waiting, until the callback has drained
	// half of its queue. So a momentarily slow callback gets back-pressure and loses nothing,
	// while one that blocks for good holds back its transport once, for one block timeout.
	Block OverflowPolicy = iota
	// DropOldest drops the oldest queued sample to make room: the queue keeps the newest.
	DropOldest
	// DropNewest drops the sample that finds the queue full.
	DropNewest
)

// String returns "block", "drop-oldest" or "drop-newest".
func (p OverflowPolicy) String() string {
	switch p {
	case DropOldest:
		return "drop-oldest"
	case DropNewest:
		return "drop-newest"
	}
	return "block"
}
