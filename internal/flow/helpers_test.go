package flow

import (
	"testing"
	"time"
)

// monday is a Monday midnight, UTC: the simulations start here.
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// rateFunc gives the events a source sends in the minute starting at t.
type rateFunc func(t time.Time) int

// sim drives a Watch minute by minute with a fake clock.
type sim struct {
	t   *testing.T
	w   *Watch
	now time.Time
}

func newSim(t *testing.T, opts Options) *sim {
	s := &sim{t: t, now: monday}
	opts.Location = time.UTC
	opts.Clock = func() time.Time { return s.now }
	s.w = New(opts)
	return s
}

// run plays d of traffic, checking every minute, and returns the findings.
func (s *sim) run(d time.Duration, sources map[Key]rateFunc) []Finding {
	var out []Finding
	for end := s.now.Add(d); s.now.Before(end); s.now = s.now.Add(time.Minute) {
		for k, rate := range sources {
			if n := rate(s.now); n > 0 {
				s.w.Observe(k, s.now.Add(time.Second), n)
			}
		}
		out = append(out, s.w.Check(s.now.Add(59*time.Second))...)
	}
	return out
}

func kinds(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Kind
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// steady alternates 1 and 3 events a minute: 2 a minute with some spread.
func steady(t time.Time) int { return 1 + 2*(t.Minute()%2) }

func silentBetween(r rateFunc, from, to time.Time) rateFunc {
	return func(t time.Time) int {
		if !t.Before(from) && t.Before(to) {
			return 0
		}
		return r(t)
	}
}

func scaledBetween(r rateFunc, x int, from, to time.Time) rateFunc {
	return func(t time.Time) int {
		if !t.Before(from) && t.Before(to) {
			return x * r(t)
		}
		return r(t)
	}
}
