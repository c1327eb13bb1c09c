package session

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// backoff yields the delays of a Retry schedule: PeriodInit, ×Factor each step, capped at
// PeriodMax, each shortened by up to Jitter of itself. It mirrors Zenoh's ConnectionRetryPeriod
// (commons/zenoh-config/src/connection_retry.rs) plus the jitter.
type backoff struct {
	r     Retry
	next  time.Duration // undithered delay of the next step
	randf func() float64
}

func newBackoff(r Retry) *backoff {
	return &backoff{r: r, next: r.PeriodInit, randf: rand.Float64}
}

// Next returns the delay before the next attempt and advances the schedule.
func (b *backoff) Next() time.Duration {
	d := b.next
	n := time.Duration(float64(b.next) * b.r.Factor)
	if n > b.r.PeriodMax || n < b.next { // cap, and guard against overflow
		n = b.r.PeriodMax
	}
	b.next = n
	if b.r.Jitter > 0 {
		d -= time.Duration(float64(d) * b.r.Jitter * b.randf())
	}
	return d
}

// Reset restarts the schedule at PeriodInit (after a success).
func (b *backoff) Reset() { b.next = b.r.PeriodInit }

// retryFor applies an endpoint's retry_period_init_ms, retry_period_max_ms and
// retry_period_increase_factor config (as Zenoh does) to base.
func retryFor(ep Endpoint, base Retry) (Retry, error) {
	r := base
	ms := func(key string, dst *time.Duration) error {
		v, ok := ep.ConfigValue(key)
		if !ok {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 || n > int64(time.Hour/time.Millisecond)*24 {
			return fmt.Errorf("%w %q: %s=%q", ErrEndpoint, ep.String(), key, v)
		}
		*dst = time.Duration(n) * time.Millisecond
		return nil
	}
	if err := ms("retry_period_init_ms", &r.PeriodInit); err != nil {
		return r, err
	}
	if err := ms("retry_period_max_ms", &r.PeriodMax); err != nil {
		return r, err
	}
	if v, ok := ep.ConfigValue("retry_period_increase_factor"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return r, fmt.Errorf("%w %q: retry_period_increase_factor=%q", ErrEndpoint, ep.String(), v)
		}
		r.Factor = f
	}
	if r.PeriodMax < r.PeriodInit {
		r.PeriodMax = r.PeriodInit
	}
	if err := r.validate(); err != nil {
		return r, fmt.Errorf("%w %q: %v", ErrEndpoint, ep.String(), err)
	}
	return r, nil
}

// retryUntil calls try until it succeeds or ctx ends, waiting b.Next() after each failure. It
// returns nil on success and ctx's error otherwise; onFail sees every failure.
func retryUntil(ctx context.Context, b *backoff, try func(context.Context) error, onFail func(error, time.Duration)) error {
	t := time.NewTimer(time.Hour)
	t.Stop()
	defer t.Stop()
	for {
		err := try(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d := b.Next()
		if onFail != nil {
			onFail(err, d)
		}
		t.Reset(d)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
