package scouting

import "time"

// bucket is a token bucket: up to burst events at once, rate events per second on average.
// It is not safe for concurrent use; callers hold their own lock.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) bucket {
	return bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// allow takes a token if one is available at now.
func (b *bucket) allow(now time.Time) bool {
	if !b.last.IsZero() {
		if dt := now.Sub(b.last).Seconds(); dt > 0 {
			b.tokens += dt * b.rate
			if b.tokens > b.burst {
				b.tokens = b.burst
			}
		}
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// schedule is the interval sequence between Scouts: first, then doubled while that does not
// exceed max (Rust zenoh: 1 s, 2 s, 4 s, 8 s, 8 s, ...; Scouts at 0, 1, 3, 7, 15, 23 s).
type schedule struct {
	next, max time.Duration
}

// advance returns the interval to wait now and moves to the following one.
func (s *schedule) advance() time.Duration {
	d := s.next
	if 2*s.next <= s.max {
		s.next *= 2
	}
	return d
}
