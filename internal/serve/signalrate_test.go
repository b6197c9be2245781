package serve

import (
	"context"
	"math"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// ringT0 is the fake clock's start: the ring's tests never sleep.
var ringT0 = time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)

// arrivals are one listener's feed: n events just before each sample from
// sample `from` to sample `to` (inclusive), one sample every 10 s from
// ringT0 (sample 0).
type arrivals struct {
	listener string
	from, to int
	n        int64
}

// playRing takes samples 0..last of the ring, adding each feed's events
// before the samples it covers, and returns the ring and its counters.
func playRing(t *testing.T, last int, feeds []arrivals) (*signalRing, map[string]*atomic.Int64) {
	t.Helper()
	counters := map[string]*atomic.Int64{"http": {}, "syslog": {}}
	r := newSignalRing(counters, signalEvery, signalKeep)
	for s := 0; s <= last; s++ {
		for _, f := range feeds {
			if s >= f.from && s <= f.to {
				counters[f.listener].Add(f.n)
			}
		}
		r.sample(ringT0.Add(time.Duration(s) * signalEvery))
	}
	return r, counters
}

func TestSignalRingRates(t *testing.T) {
	at := func(s int) time.Time { return ringT0.Add(time.Duration(s) * signalEvery) }
	for _, c := range []struct {
		name  string
		last  int
		feeds []arrivals
		now   time.Time
		late  int64 // syslog events after the last sample
		want  map[string]ListenerRate
	}{
		{name: "no sample yet", last: -1, now: ringT0, late: 7,
			want: map[string]ListenerRate{"http": {}, "syslog": {}}},
		{name: "steady for ten minutes", last: 60, feeds: []arrivals{{"syslog", 1, 60, 5}}, now: at(60),
			want: map[string]ListenerRate{"http": {}, "syslog": {LastMinute: 30, LastFiveMinutes: 30}}},
		{name: "stopped two minutes ago", last: 60, feeds: []arrivals{{"syslog", 1, 48, 5}, {"http", 1, 60, 1}}, now: at(60),
			want: map[string]ListenerRate{"http": {LastMinute: 6, LastFiveMinutes: 6}, "syslog": {LastMinute: 0, LastFiveMinutes: 18}}},
		{name: "stopped six minutes ago is quiet", last: 60, feeds: []arrivals{{"syslog", 1, 24, 100}}, now: at(60),
			want: map[string]ListenerRate{"http": {}, "syslog": {}}},
		{name: "events since the last sample count", last: 60, now: at(60).Add(5 * time.Second), late: 13,
			// 13 events over the 65 s since the sample a minute before
			want: map[string]ListenerRate{"http": {}, "syslog": {LastMinute: 12, LastFiveMinutes: 13.0 / 305 * 60}}},
		{name: "twenty seconds old", last: 2, feeds: []arrivals{{"syslog", 1, 2, 10}}, now: at(2),
			want: map[string]ListenerRate{"http": {}, "syslog": {LastMinute: 60, LastFiveMinutes: 60}}},
		{name: "started this instant: one interval at least", last: 0, now: at(0), late: 5,
			want: map[string]ListenerRate{"http": {}, "syslog": {LastMinute: 30, LastFiveMinutes: 30}}},
		{name: "two hours: the ring wrapped", last: 720, feeds: []arrivals{{"http", 1, 720, 2}}, now: at(720),
			want: map[string]ListenerRate{"http": {LastMinute: 12, LastFiveMinutes: 12}, "syslog": {}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, counters := playRing(t, c.last, c.feeds)
			counters["syslog"].Add(c.late)
			got := r.rates(c.now)
			for name, w := range c.want {
				g := got[name]
				if math.Abs(g.LastMinute-w.LastMinute) > 1e-9 || math.Abs(g.LastFiveMinutes-w.LastFiveMinutes) > 1e-9 {
					t.Errorf("%s: got %+v, want %+v", name, g, w)
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("rates of %d listeners, want %d: %v", len(got), len(c.want), got)
			}
		})
	}
}

func TestSignalRingBars(t *testing.T) {
	at := func(s int) time.Time { return ringT0.Add(time.Duration(s) * signalEvery) }
	for _, c := range []struct {
		name  string
		last  int
		feeds []arrivals
		late  int64
		now   time.Time
		start time.Time
		n     int
		want  [][]int // [bar][http, syslog]
	}{
		{name: "one event every 10 s in whole bars", last: 60, feeds: []arrivals{{"syslog", 1, 60, 1}}, now: at(60), start: ringT0, n: 2,
			want: [][]int{{0, 30}, {0, 30}}},
		{name: "the current bar takes the events since its start", last: 45, feeds: []arrivals{{"http", 1, 45, 2}}, late: 4, now: at(45).Add(time.Second), start: ringT0, n: 2,
			want: [][]int{{60, 0}, {30, 4}}},
		{name: "bars in the future are empty", last: 30, feeds: []arrivals{{"http", 1, 30, 1}}, now: at(30), start: ringT0, n: 3,
			want: [][]int{{30, 0}, {0, 0}, {0, 0}}},
		{name: "bars before the first sample are empty", last: 30, feeds: []arrivals{{"http", 1, 30, 1}}, now: at(30), start: ringT0.Add(-10 * time.Minute), n: 3,
			want: [][]int{{0, 0}, {0, 0}, {30, 0}}},
		{name: "a burst in the middle of an hour", last: 360, feeds: []arrivals{{"syslog", 200, 205, 10}}, now: at(360), start: ringT0.Add(5 * time.Minute), n: 11,
			want: [][]int{{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 60}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}},
		{name: "two hours: the ring wrapped", last: 720, feeds: []arrivals{{"http", 1, 720, 1}}, now: at(720), start: ringT0.Add(65 * time.Minute), n: 11,
			want: [][]int{{30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}, {30, 0}}},
		{name: "no sample: all empty", last: -1, late: 9, now: ringT0, start: ringT0.Add(-5 * time.Minute), n: 2,
			want: [][]int{{0, 0}, {0, 0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, counters := playRing(t, c.last, c.feeds)
			counters["syslog"].Add(c.late)
			names, got := r.bars(c.now, c.start, 5*time.Minute, c.n)
			if !slices.Equal(names, []string{"http", "syslog"}) {
				t.Fatalf("listeners %v", names)
			}
			if !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("bars %v, want %v", got, c.want)
			}
		})
	}
}

// TestSignalRingRunSamples runs the sampler every millisecond with a fake
// stamp clock, polls until it has taken two samples after the baseline,
// and checks they carry the clock's times and counts.
func TestSignalRingRunSamples(t *testing.T) {
	counters := map[string]*atomic.Int64{"syslog": {}}
	r := newSignalRing(counters, time.Millisecond, time.Second)
	var ticks atomic.Int64
	clock := func() time.Time { return ringT0.Add(time.Duration(ticks.Add(1)) * signalEvery) }
	r.sample(ringT0) // the baseline, as Run takes it
	counters["syslog"].Add(3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.run(ctx, clock) }()
	deadline := time.Now().Add(10 * time.Second)
	for held := 0; held < 3; {
		r.mu.Lock()
		held = r.held
		r.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the sampler took %d samples in 10 s, want 2", held-1)
		}
		time.Sleep(time.Millisecond) // polling a condition, not waiting for time
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 1; i < 3; i++ {
		if want := ringT0.Add(time.Duration(i) * signalEvery); !r.at[i].Equal(want) || r.counts[i][0] != 3 {
			t.Errorf("sample %d: %v with %d events, want %v with 3", i, r.at[i], r.counts[i][0], want)
		}
	}
}

// FuzzSignalRingBars plays arrivals (one byte per sample, split between two
// listeners) into a ring and checks that bars covering the whole run count
// every event once, and the rates are never negative.
func FuzzSignalRingBars(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 255, 0, 0, 7}, uint16(3))
	f.Add(make([]byte, 400), uint16(1))
	f.Add([]byte{9}, uint16(40))
	f.Fuzz(func(t *testing.T, arrivals []byte, width uint16) {
		if len(arrivals) > 2000 || width == 0 {
			return
		}
		counters := map[string]*atomic.Int64{"http": {}, "syslog": {}}
		r := newSignalRing(counters, signalEvery, signalKeep)
		r.sample(ringT0)
		for i, a := range arrivals {
			counters["http"].Add(int64(a & 0x0f))
			counters["syslog"].Add(int64(a >> 4))
			r.sample(ringT0.Add(time.Duration(i+1) * signalEvery))
		}
		now := ringT0.Add(time.Duration(len(arrivals)) * signalEvery)
		w := time.Duration(width) * signalEvery
		n := int(now.Sub(ringT0)/w) + 1
		if len(r.at) < len(arrivals)+1 { // wrapped: only the last hour is known
			return
		}
		_, bars := r.bars(now, ringT0, w, n)
		for i, c := range counters {
			total := 0
			for _, b := range bars {
				total += b[slices.Index(r.names, i)]
			}
			if int64(total) != c.Load() {
				t.Errorf("%s: bars hold %d events, the counter %d", i, total, c.Load())
			}
		}
		for name, rate := range r.rates(now) {
			if rate.LastMinute < 0 || rate.LastFiveMinutes < 0 {
				t.Errorf("%s: negative rate %+v", name, rate)
			}
		}
	})
}
