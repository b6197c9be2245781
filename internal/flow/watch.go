package flow

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Key names a source: a listener, a sending host and, for clinical feeds,
// the message type (e.g. "ADT^A01" for HL7; "" otherwise).
type Key struct {
	Listener, Host, Kind string
}

// Finding kinds.
const (
	KindSilent    = "silent"
	KindDrop      = "drop"
	KindSurge     = "surge"
	KindRecovered = "recovered"
)

// Finding is a change in a source's flow, reported once when it starts.
type Finding struct {
	Key  Key
	Kind string // KindSilent, KindDrop, KindSurge or KindRecovered
	// Since is when the condition began (for KindRecovered: when the
	// condition that ended began).
	Since time.Time
	// Observed and Expected are counts: over the silence for KindSilent,
	// over the last Options.Window otherwise.
	Observed, Expected float64
	Message            string // plain English, for a person
}

// SourceStatus is one source as the console shows it.
type SourceStatus struct {
	Key      Key
	LastSeen time.Time
	// Observed and Expected are counts over the last Options.Window;
	// Expected is negative while the source has no baseline yet.
	Observed, Expected float64
	State              string // "ok", KindSilent, KindDrop or KindSurge
}

// Watch learns sources' normal flow and reports departures from it. It is
// safe for concurrent use. One mutex guards it: Observe is a map lookup
// and an add, and Check holds the lock for its whole pass (a few
// milliseconds for 10,000 sources).
type Watch struct {
	opts    Options
	tune    tuning
	mu      sync.Mutex
	keys    map[Key]*source
	evicted uint64
	hour    hourCache
}

// New returns an empty Watch.
func New(opts Options) *Watch {
	o := opts.withDefaults()
	return &Watch{opts: o, tune: newTuning(o), keys: make(map[Key]*source)}
}

// Observe counts n events from k arriving at t. It does not allocate for
// a known key. Flow is about arrival: t should be when the events arrived,
// and a t before the bucket being counted counts in that bucket.
func (w *Watch) Observe(k Key, t time.Time, n int) {
	if n <= 0 {
		return
	}
	b := w.bucketOf(t)
	w.mu.Lock()
	s := w.keys[k]
	if s == nil {
		s = w.add(k)
	}
	s.touch(t)
	s.roll(w, b)
	s.curN += uint64(n)
	if t.After(s.lastSeen) {
		s.lastSeen = t
	}
	w.mu.Unlock()
}

// Check evaluates every source at now and returns the findings that start
// or end, ordered by key.
func (w *Watch) Check(now time.Time) []Finding {
	b := w.bucketOf(now)
	var out []Finding
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.keys {
		s.touch(now)
		s.roll(w, b)
		v := s.judge(w, now)
		if v.state == s.state {
			continue
		}
		if v.state == stateOK {
			out = append(out, w.recovered(s, v, now))
		} else {
			out = append(out, w.finding(s, v, now))
		}
		if s.state == stateSilent {
			s.clip = s.lastSeen
		}
		s.state, s.since = v.state, v.since
	}
	slices.SortFunc(out, func(a, b Finding) int { return compareKeys(a.Key, b.Key) })
	return out
}

// Sources reports every source at Options.Clock's time, ordered by key.
func (w *Watch) Sources() []SourceStatus {
	now := w.opts.Clock()
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]SourceStatus, 0, len(w.keys))
	for _, s := range w.keys {
		st := SourceStatus{Key: s.key, LastSeen: s.lastSeen, State: s.state.String(), Expected: -1}
		from := now.Add(-w.opts.Window)
		st.Observed = s.observed(w, from, now)
		if e, _, ok := s.expected(w, from, now); ok {
			st.Expected = e
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b SourceStatus) int { return compareKeys(a.Key, b.Key) })
	return out
}

// Evicted returns how many sources were dropped to keep within
// Options.MaxKeys.
func (w *Watch) Evicted() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.evicted
}

// add creates k's source, first evicting the oldest-seen sources when
// the map is full. It evicts a batch (1/64 of the cap) at a time so that a
// stream of new keys costs one sort per batch, not one scan per key.
func (w *Watch) add(k Key) *source {
	if len(w.keys) >= w.opts.MaxKeys {
		w.evict(max(1, w.opts.MaxKeys/64, len(w.keys)-w.opts.MaxKeys+1))
	}
	s := newSource(k, w.tune.windowBuckets)
	w.keys[k] = s
	return s
}

func (w *Watch) evict(n int) {
	all := make([]*source, 0, len(w.keys))
	for _, s := range w.keys {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *source) int {
		if c := a.lastSeen.Compare(b.lastSeen); c != 0 {
			return c
		}
		return compareKeys(a.key, b.key)
	})
	for _, s := range all[:min(n, len(all))] {
		delete(w.keys, s.key)
		w.evicted++
	}
}

func compareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Listener, b.Listener), cmp.Compare(a.Host, b.Host), cmp.Compare(a.Kind, b.Kind))
}

// bucketOf gives the index of the bucket holding t.
func (w *Watch) bucketOf(t time.Time) int64 {
	ns, b := t.UnixNano(), int64(w.opts.Bucket)
	q := ns / b
	if ns%b < 0 {
		q--
	}
	return q
}

func (w *Watch) bucketStart(i int64) time.Time {
	return time.Unix(0, i*int64(w.opts.Bucket))
}

// slotOf gives t's hour of the week, 0 being Sunday 00:00 local time.
func (w *Watch) slotOf(t time.Time) int {
	w.hourOf(t)
	return w.hour.slot
}

// nextHour gives the start of the local hour after t's.
func (w *Watch) nextHour(t time.Time) time.Time {
	w.hourOf(t)
	return w.hour.end
}

// hourOf fills w.hour with t's local hour. Every source in a Check asks
// about the same hour or two, so one remembered hour saves nearly all the
// time zone arithmetic. A local hour is always one hour long, summer time
// changes included, and starts where the local minutes and seconds are
// zero. The caller holds w.mu.
func (w *Watch) hourOf(t time.Time) {
	if !t.Before(w.hour.start) && t.Before(w.hour.end) {
		return
	}
	l := t.In(w.opts.Location)
	into := time.Duration(l.Minute())*time.Minute + time.Duration(l.Second())*time.Second + time.Duration(l.Nanosecond())
	start := t.Add(-into)
	w.hour = hourCache{start: start, end: start.Add(time.Hour), slot: int(l.Weekday())*24 + l.Hour()}
}

// hourCache is one local hour: [start, end) and its hour of the week.
type hourCache struct {
	start, end time.Time
	slot       int
}
