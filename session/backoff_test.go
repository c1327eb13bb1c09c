package session

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestBackoffSchedule(t *testing.T) {
	b := newBackoff(Retry{PeriodInit: time.Second, PeriodMax: 4 * time.Second, Factor: 2})
	want := []time.Duration{1, 2, 4, 4, 4}
	for i, w := range want {
		if got := b.Next(); got != w*time.Second {
			t.Fatalf("step %d: %v, want %v", i, got, w*time.Second)
		}
	}
	b.Reset()
	if got := b.Next(); got != time.Second {
		t.Fatalf("after Reset: %v", got)
	}
	// A non-integer factor, as Zenoh computes it (truncating).
	b = newBackoff(Retry{PeriodInit: 100 * time.Millisecond, PeriodMax: time.Second, Factor: 1.5})
	for i, w := range []time.Duration{100e6, 150e6, 225e6, 337.5e6, 506.25e6, 759.375e6, 1e9, 1e9} {
		if got := b.Next(); got != w {
			t.Fatalf("step %d: %v, want %v", i, got, w)
		}
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	b := newBackoff(Retry{PeriodInit: time.Second, PeriodMax: 4 * time.Second, Factor: 2, Jitter: 0.2})
	for i := range 1000 {
		base := []time.Duration{1, 2, 4}[min(i, 2)] * time.Second
		d := b.Next()
		if d > base || d < base-base/5 {
			t.Fatalf("step %d: %v outside [%v, %v]", i, d, base-base/5, base)
		}
	}
}

// TestRetryUntilTiming checks, on a fake clock, that attempts happen exactly at the jittered
// backoff times and that success stops the loop.
func TestRetryUntilTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackoff(Retry{PeriodInit: time.Second, PeriodMax: 4 * time.Second, Factor: 2, Jitter: 0.2})
		b.randf = func() float64 { return 0.5 } // every delay shortened by 10%
		start := time.Now()
		var at []time.Duration
		fail := errors.New("refused")
		err := retryUntil(context.Background(), b, func(context.Context) error {
			at = append(at, time.Since(start))
			if len(at) < 6 {
				return fail
			}
			return nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ms := time.Millisecond
		want := []time.Duration{0, 900 * ms, 2700 * ms, 6300 * ms, 9900 * ms, 13500 * ms}
		if len(at) != len(want) {
			t.Fatalf("attempts at %v, want %v", at, want)
		}
		for i := range want {
			if at[i] != want[i] {
				t.Fatalf("attempt %d at %v, want %v (all %v)", i, at[i], want[i], at)
			}
		}
	})
}

func TestRetryUntilCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		b := newBackoff(Retry{PeriodInit: time.Second, PeriodMax: time.Second, Factor: 1})
		n := 0
		done := make(chan error)
		go func() {
			done <- retryUntil(ctx, b, func(context.Context) error { n++; return errors.New("x") }, nil)
		}()
		time.Sleep(2500 * time.Millisecond) // fake time: attempts at 0, 1 s, 2 s
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if n != 3 {
			t.Fatalf("%d attempts, want 3", n)
		}
	})
}
