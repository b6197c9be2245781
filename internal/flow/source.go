package flow

import (
	"math"
	"time"
)

// state is a source's condition.
type state uint8

const (
	stateOK state = iota
	stateSilent
	stateDrop
	stateSurge
)

// String gives the name used in Finding.Kind and SourceStatus.State.
func (s state) String() string {
	switch s {
	case stateSilent:
		return KindSilent
	case stateDrop:
		return KindDrop
	case stateSurge:
		return KindSurge
	}
	return "ok"
}

// noBucket marks a source whose current bucket is not yet known (new, or
// just restored: the buckets while Vigil was down were seen by nobody).
const noBucket = math.MinInt64

// source is everything kept per Key.
type source struct {
	key      Key
	cur      int64    // index of the bucket being counted
	curN     uint64   // its count so far
	ring     []uint32 // completed bucket counts, by index mod windowBuckets
	clip     time.Time
	lastSeen time.Time
	state    state
	since    time.Time
	global   gstat
	slots    [168]stat
}

func newSource(k Key, wb int64) *source {
	return &source{key: k, cur: noBucket, ring: make([]uint32, wb)}
}

// touch starts the source's judgement clock the first time it is used.
func (s *source) touch(t time.Time) {
	if s.clip.IsZero() {
		s.clip = t
	}
}

// roll completes buckets up to (not including) b, folding each into the
// profile, and makes b current.
func (s *source) roll(w *Watch, b int64) {
	if s.cur == noBucket {
		s.cur, s.curN = b, 0
		return
	}
	if b <= s.cur {
		return
	}
	s.finish(w, s.cur, s.curN)
	start := s.cur + 1
	if b-start > w.tune.maxGap {
		// The ring's buckets are too old to place: forget them.
		start = b - w.tune.maxGap
		clear(s.ring)
	}
	for i := start; i < b; i++ {
		s.finish(w, i, 0)
	}
	s.cur, s.curN = b, 0
}

// finish records a completed bucket in the ring, and learns the bucket it
// displaces there: a bucket is learned only once it has left the judged
// window, so an anomaly is never part of its own baseline.
func (s *source) finish(w *Watch, i int64, n uint64) {
	r := mod(i, int64(len(s.ring)))
	s.learn(w, i-int64(len(s.ring)), s.ring[r])
	s.ring[r] = uint32(min(n, math.MaxUint32))
}

// learn folds bucket i's count into the profile if the bucket was fully
// watched. While the source is abnormal only baselines not yet trusted
// learn: an outage must not teach a trusted slot that outages are normal,
// but a slot still being learned (say Sunday night in the first week,
// flagged against the global baseline) must learn what that hour is like.
func (s *source) learn(w *Watch, i int64, c uint32) {
	start := w.bucketStart(i)
	if start.Before(s.clip) {
		return
	}
	ok := s.state == stateOK
	if sl := &s.slots[w.slotOf(start)]; ok || sl.n < w.tune.slotMinN {
		sl.add(float64(c), w.tune.slotAlpha)
	}
	if ok || s.global.n < w.tune.warmN {
		s.global.add(float64(c), w.tune.globalAlpha)
	}
}

// observed sums the counts of the buckets from the one holding from up to
// the one holding to, without changing anything.
func (s *source) observed(w *Watch, from, to time.Time) float64 {
	lo, hi := w.bucketOf(from), w.bucketOf(to)
	if s.cur == noBucket || hi < lo {
		return 0
	}
	sum := uint64(0)
	if hi >= s.cur && lo <= s.cur {
		sum = s.curN
	}
	// Completed buckets still in the ring: (cur-len, cur).
	n := int64(len(s.ring))
	lo = max(lo, s.cur-n+1)
	hi = min(hi, s.cur-1)
	for b, r := lo, mod(lo, n); b <= hi; b, r = b+1, r+1 {
		if r == n {
			r = 0
		}
		sum += uint64(s.ring[r])
	}
	return float64(sum)
}

// expected gives the expected count and its variance over [from, to),
// and false while the source has no baseline for part of it.
func (s *source) expected(w *Watch, from, to time.Time) (mean, vr float64, ok bool) {
	if from.Before(to.Add(-7 * 24 * time.Hour)) {
		from = to.Add(-7 * 24 * time.Hour)
	}
	for c := from; c.Before(to); {
		next := w.nextHour(c)
		if next.After(to) {
			next = to
		}
		frac := float64(next.Sub(c)) / float64(w.opts.Bucket)
		m, v, known := s.perBucket(w, c)
		if !known {
			return 0, 0, false
		}
		mean += frac * m
		vr += frac * v
		c = next
	}
	return mean, vr, true
}

// perBucket gives the expected count per bucket and its variance at t.
func (s *source) perBucket(w *Watch, t time.Time) (mean, vr float64, ok bool) {
	if sl := &s.slots[w.slotOf(t)]; sl.n >= w.tune.slotMinN {
		return float64(sl.mean), float64(sl.vr), true
	}
	if s.global.n >= w.tune.warmN {
		return s.global.mean, s.global.vr, true
	}
	return 0, 0, false
}

func mod(a, n int64) int64 {
	r := a % n
	if r < 0 {
		r += n
	}
	return r
}
