package zenoh

import (
	"sync"
	"testing"
	"time"
)

func TestTimestampNTP64(t *testing.T) {
	id, _ := ParseZenohID("a1b2")
	at := time.Unix(1700000000, 500_000_000)
	ts := NewTimestamp(at, id)
	if ts.NTP64() != 1700000000<<32|1<<31 {
		t.Fatalf("ntp64 %x", ts.NTP64())
	}
	if !ts.Time().Equal(at) {
		t.Fatalf("time %v, want %v", ts.Time(), at)
	}
	if got, want := ts.String(), "7301444405347483648/a1b2"; got != want {
		t.Fatalf("String %q, want %q", got, want)
	}
	if ts.IsZero() || !(Timestamp{}).IsZero() {
		t.Fatal("IsZero")
	}
	later := NewTimestamp(at.Add(time.Nanosecond*300), id)
	if ts.Compare(later) != -1 || later.Compare(ts) != 1 || ts.Compare(ts) != 0 {
		t.Fatal("Compare")
	}
}

func TestHLCStrictlyIncreasing(t *testing.T) {
	id, _ := ParseZenohID("1")
	c := hlc{id: id}
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := uint64(0)
			for range 1000 {
				ts := c.now()
				if ts.NTP64() <= last {
					t.Errorf("not increasing: %d after %d", ts.NTP64(), last)
					return
				}
				last = ts.NTP64()
				mu.Lock()
				if seen[last] {
					t.Errorf("duplicate %d", last)
				}
				seen[last] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if d := time.Since(c.now().Time()); d < -time.Second || d > time.Second {
		t.Fatalf("clock far from wall time: %v", d)
	}
}
