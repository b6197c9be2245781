package flow

import (
	"testing"
	"time"
)

// TestObservedWindow compares windowed sums with a plain sum of what was
// sent, across the ring's wrap and past its reach.
func TestObservedWindow(t *testing.T) {
	w := New(Options{Location: time.UTC})
	sent := map[int]int{}
	for m := range 100 {
		if m%7 == 3 {
			continue // an empty bucket
		}
		sent[m] = m + 1
		w.Observe(lims, monday.Add(time.Duration(m)*time.Minute+time.Second), m+1)
	}
	s := w.keys[lims]
	now := monday.Add(99*time.Minute + 30*time.Second)
	cases := []struct{ from, to int }{{99, 99}, {90, 99}, {70, 99}, {69, 99}, {60, 99}, {75, 80}, {95, 120}, {0, 10}}
	for _, c := range cases {
		want := 0
		for m := c.from; m <= c.to; m++ {
			if m > 99-int(w.tune.windowBuckets) || m == 99 { // older buckets have left the ring
				want += sent[m]
			}
		}
		from := monday.Add(time.Duration(c.from) * time.Minute)
		to := monday.Add(time.Duration(c.to) * time.Minute)
		if c.to >= 99 {
			to = now
		}
		if got := s.observed(w, from, to); got != float64(want) {
			t.Errorf("minutes %d..%d: observed %v, want %d", c.from, c.to, got, want)
		}
	}
}
