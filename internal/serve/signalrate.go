package serve

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// The signal ring's sampling: one sample of every listener's counter each
// signalEvery, kept for signalKeep, which covers the overview's hour chart
// (its first bar starts less than an hour ago) with a sample to spare.
const (
	signalEvery = 10 * time.Second
	signalKeep  = time.Hour + 2*signalEvery
)

// signalRing keeps timed samples of the listeners' accepted-event
// counters, so that the overview can show each listener's live rate and
// its events in bars over the last hour without searching the event
// store. The ingest path is unchanged (countingSink adds a batch's length
// to an atomic counter); the ring only reads the counters, from its own
// goroutine and when asked. A figure is exact to one sample: events are
// placed in the interval of the sample that first saw them.
type signalRing struct {
	names    []string        // the listeners, sorted
	counters []*atomic.Int64 // in names' order
	every    time.Duration

	mu     sync.Mutex
	at     []time.Time // the slots' sample times
	counts [][]int64   // counts[slot][listener]
	next   int         // the slot the next sample goes in
	held   int         // slots holding a sample
}

// ListenerRate is one listener's accepted events a minute over the last
// minute and the last five minutes, in GET /api/v1/stats.
type ListenerRate struct {
	LastMinute      float64 `json:"last_minute"`
	LastFiveMinutes float64 `json:"last_5_minutes"`
}

// newSignalRing samples counters every `every` and keeps the samples of
// `keep`.
func newSignalRing(counters map[string]*atomic.Int64, every, keep time.Duration) *signalRing {
	r := &signalRing{names: sortedKeys(counters), every: every}
	for _, n := range r.names {
		r.counters = append(r.counters, counters[n])
	}
	slots := int(keep/every) + 1
	r.at = make([]time.Time, slots)
	r.counts = make([][]int64, slots)
	for i := range r.counts {
		r.counts[i] = make([]int64, len(r.names))
	}
	return r
}

// run samples at every multiple of r.every (by the real clock, so that
// bars of whole minutes start on a sample), stamping each sample with
// clock, until ctx is cancelled. The caller takes the first sample before
// the listeners start, so that their first events count.
func (r *signalRing) run(ctx context.Context, clock func() time.Time) error {
	for {
		now := time.Now()
		t := time.NewTimer(now.Truncate(r.every).Add(r.every).Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		r.sample(clock())
	}
}

// sample records the counters' values at now, over the oldest sample when
// the ring is full.
func (r *signalRing) sample(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at[r.next] = now
	for i, c := range r.counters {
		r.counts[r.next][i] = c.Load()
	}
	r.next = (r.next + 1) % len(r.at)
	r.held = min(r.held+1, len(r.at))
}

// current reads the counters now, in names' order.
func (r *signalRing) current() []int64 {
	out := make([]int64, len(r.counters))
	for i, c := range r.counters {
		out[i] = c.Load()
	}
	return out
}

// before is the latest sample taken at or before t, or the oldest held when
// all are later; ok is false when the ring holds none. Samples are in time
// order (a clock set back meanwhile only misplaces a few), so it searches
// by halves. The caller holds mu.
func (r *signalRing) before(t time.Time) (at time.Time, counts []int64, ok bool) {
	if r.held == 0 {
		return time.Time{}, nil, false
	}
	oldest := (r.next - r.held + len(r.at)) % len(r.at)
	slot := func(k int) int { return (oldest + k) % len(r.at) }
	later := sort.Search(r.held, func(k int) bool { return r.at[slot(k)].After(t) })
	i := slot(max(later-1, 0))
	return r.at[i], r.counts[i], true
}

// rates are each listener's events a minute over the last minute and the
// last five, by name: the events counted since the sample at the window's
// start, over the time since that sample (at least one interval, so that a
// process seconds old does not divide by nearly nothing).
func (r *signalRing) rates(now time.Time) map[string]ListenerRate {
	cur := r.current()
	one, five := r.rateOver(now, time.Minute, cur), r.rateOver(now, 5*time.Minute, cur)
	out := make(map[string]ListenerRate, len(r.names))
	for i, n := range r.names {
		out[n] = ListenerRate{LastMinute: one[i], LastFiveMinutes: five[i]}
	}
	return out
}

// rateOver is each listener's events a minute over window before now, cur
// being the counters' values now.
func (r *signalRing) rateOver(now time.Time, window time.Duration, cur []int64) []float64 {
	out := make([]float64, len(cur))
	r.mu.Lock()
	at, counts, ok := r.before(now.Add(-window))
	r.mu.Unlock()
	if !ok {
		return out
	}
	mins := max(now.Sub(at), r.every).Minutes()
	for i := range cur {
		out[i] = float64(max(cur[i]-counts[i], 0)) / mins
	}
	return out
}

// bars counts each listener's events in n bars of width from start: the
// listeners sorted, and counts[bar][listener]. A bar's edge at or after now
// takes the counters' values now, and one before the oldest sample the
// oldest sample's.
func (r *signalRing) bars(now, start time.Time, width time.Duration, n int) ([]string, [][]int) {
	cur := r.current()
	r.mu.Lock()
	defer r.mu.Unlock()
	valueAt := func(t time.Time) []int64 {
		if _, c, ok := r.before(t); ok && t.Before(now) {
			return c
		}
		return cur
	}
	out := make([][]int, n)
	for b := range n {
		from, to := start.Add(time.Duration(b)*width), start.Add(time.Duration(b+1)*width)
		lo, hi := valueAt(from), valueAt(to)
		out[b] = make([]int, len(r.names))
		for i := range r.names {
			out[b][i] = int(max(hi[i]-lo[i], 0))
		}
	}
	return slices.Clone(r.names), out
}

// listening are the counters of the listeners set up, for the ring: syslog
// and HL7 listen only when configured, and one that does not is left out
// of the live rates rather than shown as quiet. The HTTP and FHIR
// listeners are always on the API port.
func (s *Service) listening() map[string]*atomic.Int64 {
	out := maps.Clone(s.eventsIn)
	if s.syslog == nil {
		delete(out, "syslog")
	}
	if s.mllp == nil {
		delete(out, hl7Listener)
	}
	return out
}
