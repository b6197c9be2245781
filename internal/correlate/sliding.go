package correlate

import (
	"math"
	"slices"
)

// slot is the latest match of one rule in a temporal window.
type slot struct {
	set bool
	en  entry
}

// link is the latest-starting chain of matches of the first positions of a
// temporal_ordered correlation's rules, in order, ending at one position.
type link struct {
	ok    bool
	start int64
	obs   uint64  // the event at its end
	ents  []entry // the chain; kept only in sliding windows
}

// evict drops what is older than cutoff from a sliding window.
func (w *window) evict(c *corr, cutoff int64) {
	if c.kind.perRule() {
		return // stale matches are skipped when counted
	}
	for w.head < len(w.ents) && w.ents[w.head].t < cutoff {
		w.remove(c, &w.ents[w.head])
		w.ents[w.head] = entry{}
		w.head++
	}
	switch {
	case w.head == len(w.ents):
		w.ents, w.head = w.ents[:0], 0
		w.sum, w.nums = 0, 0 // drop any rounding left by subtraction
	case w.head > 32 && w.head > len(w.ents)/2:
		n := copy(w.ents, w.ents[w.head:])
		clear(w.ents[n:])
		w.ents, w.head = w.ents[:n], 0
	}
	if math.IsNaN(w.sum) || math.IsInf(w.sum, 0) {
		w.resum()
	}
}

// remove takes entry en out of the window's aggregates.
func (w *window) remove(c *corr, en *entry) {
	w.items -= en.items
	w.events -= en.n
	w.ignored -= en.ign
	w.sum -= en.num
	w.nums -= en.nums
	if en.hasKey {
		s := w.distinct[en.key]
		if s.n--; s.n <= 0 {
			delete(w.distinct, en.key)
		} else {
			w.distinct[en.key] = s
		}
	}
}

// resum recomputes the sum from the live entries, after an overflow.
func (w *window) resum() {
	w.sum = 0
	for i := w.head; i < len(w.ents); i++ {
		w.sum += w.ents[i].num
	}
}

// push adds it to a sliding window.
func (w *window) push(c *corr, it *entry, e *Engine) {
	switch c.kind {
	case temporal:
		w.rules[it.in.slot] = slot{set: true, en: *it}
		return
	case temporalOrdered:
		w.extend(it, satAdd(it.t, -c.span), true)
		return
	}
	if it.hasKey {
		s, ok := w.distinct[it.key]
		if !ok {
			s.key = cloneString(it.key)
		}
		s.n++
		w.distinct[s.key] = s
		it.key = s.key
	}
	w.items += it.items
	w.events += it.n
	w.ignored += it.ign
	w.sum += it.num
	w.nums += it.nums
	w.ents = append(w.ents, *it)
	if len(w.ents)-w.head > MaxWindowEntries {
		w.merge(c)
		e.stats.Merged++
	}
}

// merge folds the oldest entry into the next one. The merged entry keeps
// the older time, so it leaves the window early: counts and sums are kept,
// the second entry's distinct value and event reference are not.
func (w *window) merge(c *corr) {
	a, b := &w.ents[w.head], &w.ents[w.head+1]
	m := *a
	if b.hasKey {
		if a.hasKey {
			w.remove(c, &entry{key: b.key, hasKey: true}) // only the value goes
		} else {
			m.key, m.hasKey = b.key, true
		}
	}
	m.items += b.items
	m.n += b.n
	m.ign += b.ign
	m.num += b.num
	m.nums += b.nums
	*b = m
	*a = entry{}
	w.head++
}

// extend feeds it to a temporal_ordered window's chains. Positions are
// taken from the last so that one event does not extend a chain it has just
// started or extended; chains starting before cutoff are stale.
func (w *window) extend(it *entry, cutoff int64, keep bool) {
	pos := it.in.pos
	for k := len(pos) - 1; k >= 0; k-- {
		p := pos[k]
		cur := &w.chain[p]
		if p == 0 {
			*cur = link{ok: true, start: it.t, obs: it.obs, ents: chainOf(cur.ents[:0], nil, it, keep)}
			continue
		}
		prev := &w.chain[p-1]
		if !prev.ok || prev.start < cutoff || (it.obs != 0 && prev.obs == it.obs) {
			continue
		}
		if cur.ok && cur.start > prev.start {
			continue // cur started later: it stays in the window longer
		}
		*cur = link{ok: true, start: prev.start, obs: it.obs, ents: chainOf(cur.ents[:0], prev.ents, it, keep)}
	}
}

func chainOf(dst, prefix []entry, it *entry, keep bool) []entry {
	if !keep {
		return nil
	}
	return append(append(dst, prefix...), *it)
}

// slidingValue is the value of a sliding window over the events since cutoff.
func (w *window) slidingValue(c *corr, cutoff int64) (float64, bool) {
	switch c.kind {
	case eventCount:
		return float64(w.items), true
	case valueCount:
		return float64(len(w.distinct)), true
	case valueSum:
		return w.sum, w.nums > 0
	case temporal:
		n := 0
		for i := range w.rules {
			if s := &w.rules[i]; s.set && s.en.t >= cutoff {
				n++
			}
		}
		return float64(n), true
	case temporalOrdered:
		return float64(w.prefix(cutoff)), true
	}
	return 0, false
}

// prefix is the longest chain of positions still in the window.
func (w *window) prefix(cutoff int64) int {
	for p := len(w.chain) - 1; p >= 0; p-- {
		if l := &w.chain[p]; l.ok && l.start >= cutoff {
			return p + 1
		}
	}
	return 0
}

// slidingResult reports a sliding window whose condition holds at time at.
func (w *window) slidingResult(c *corr, v float64, cutoff, at int64) Result {
	var ents []entry
	switch c.kind {
	case temporal:
		for i := range w.rules {
			if s := &w.rules[i]; s.set && s.en.t >= cutoff {
				ents = append(ents, s.en)
			}
		}
		slices.SortStableFunc(ents, func(a, b entry) int { return cmpInt(a.t, b.t) })
	case temporalOrdered:
		if v > 0 {
			ents = w.chain[int(v)-1].ents
		}
	default:
		ents = w.ents[w.head:]
	}
	r := Result{
		Correlation: c.def, GroupBy: w.groupBy(c), Value: v,
		First: toTime(at), Last: toTime(at), Time: toTime(at), Suppressed: c.suppressed,
	}
	for i := range ents {
		en := &ents[i]
		if i == 0 {
			r.First = toTime(en.t) // else a condition met by nothing (gte: 0)
		}
		r.EventCount += en.n
		r.Ignored += int(en.ign)
		r.Events = appendRef(r.Events, en)
	}
	return r
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
