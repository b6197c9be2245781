package correlate

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Observe feeds one match of a detection rule, in event-time order, and
// returns the correlation results it completes, with those of windows that
// its time closed. ev is borrowed for the call only: the engine copies what it
// keeps. A rule no correlation references only moves time forward.
//
// Consecutive calls with the same *event.Event, time, record, source, field
// count and first field value are taken as one event matching several rules
// (see the package comment); ObserveAll says so exactly.
func (e *Engine) Observe(rule *sigma.Rule, ev *event.Event) []Result {
	if ev == nil {
		return nil
	}
	t := e.timeOf(ev.Time)
	out := e.advance(t, nil)
	e.identify(ev, t)
	return e.feedRule(rule, ev, t, out)
}

// ObserveAll feeds every rule that matched one event, as Observe does for
// each: the event counts once in each correlation whatever the number of
// its rules it matched (temporal types count it for each).
func (e *Engine) ObserveAll(ev *event.Event, rules []*sigma.Rule) []Result {
	if ev == nil {
		return nil
	}
	t := e.timeOf(ev.Time)
	out := e.advance(t, nil)
	e.newEvent(ev, t)
	for _, r := range rules {
		out = e.feedRule(r, ev, t, out)
	}
	return out
}

func (e *Engine) feedRule(rule *sigma.Rule, ev *event.Event, t int64, out []Result) []Result {
	s := e.lookupRule(rule)
	if s == nil {
		return out
	}
	for _, in := range s.feeds {
		out = e.feedEvent(in, ev, t, out)
	}
	return out
}

// Advance moves event time forward to t without an event, closing the
// windows that end before t, and returns what they decide.
func (e *Engine) Advance(t time.Time) []Result {
	if t.IsZero() {
		return nil
	}
	return e.advance(t.UnixNano(), nil)
}

// Flush ends the input: it closes every open window, deciding those that
// are decided at their close (lt, lte, eq, neq, value_avg,
// value_percentile) as if no more events came, and returns the results. The
// engine is empty afterwards and may be fed again.
func (e *Engine) Flush() []Result {
	var out []Result
	for _, c := range e.corrs {
		for w := c.head; w != nil; w = c.head {
			out = e.close(c, w, out)
		}
	}
	e.nextDue = math.MaxInt64
	return out
}

// timeOf converts an event time to ns; an event without a time happens at
// the latest time seen.
func (e *Engine) timeOf(t time.Time) int64 {
	if t.IsZero() {
		return max(e.now, 0)
	}
	return t.UnixNano()
}

// identify starts a new base event unless ev is the one the previous
// Observe saw (the same event matching another rule): the same Event, time,
// record, source and number of fields, and the same first field.
func (e *Engine) identify(ev *event.Event, t int64) {
	if ev == e.lastEv && t == e.lastAt && ev.Record == e.lastRec && ev.Source == e.lastSrc &&
		ev.Len() == e.lastLen && e.lastFirst == e.firstField(ev) {
		return
	}
	e.newEvent(ev, t)
}

// newEvent starts a new base event.
func (e *Engine) newEvent(ev *event.Event, t int64) {
	e.obs++
	e.lastEv, e.lastAt, e.lastRec, e.lastLen = ev, t, ev.Record, ev.Len()
	e.lastFirst = e.firstField(ev)
	if ev.Source != e.lastSrc {
		e.lastSrc = strings.Clone(ev.Source)
	}
}

// firstField hashes the first field value of ev: the value itself may sit
// in a buffer that the caller reuses for the next event.
func (e *Engine) firstField(ev *event.Event) uint64 {
	if ev.Len() == 0 {
		return 0
	}
	_, v := ev.Field(0)
	return maphash.String(e.seed, v)
}

// advance moves the clock to t and closes the windows whose end has passed,
// inner correlations first so that their results reach the outer ones.
func (e *Engine) advance(t int64, out []Result) []Result {
	e.now = max(e.now, t)
	if e.now <= e.nextDue {
		return out
	}
	next := int64(math.MaxInt64)
	for _, c := range e.corrs {
		for w := c.head; w != nil && w.deadline < e.now; w = c.head {
			out = e.close(c, w, out)
		}
		if c.head != nil {
			next = min(next, c.head.deadline)
		}
	}
	e.nextDue = next
	return out
}

// close ends window w: a window decided at its close is decided now.
func (e *Engine) close(c *corr, w *window, out []Result) []Result {
	e.drop(c, w)
	if c.sliding || w.dead {
		return out
	}
	v, ok := w.closedValue(c)
	if !ok || !c.cond.holds(v) {
		return out
	}
	return e.emit(c, w.closedResult(c, v), out)
}

// emit appends r and feeds it to the correlations that read c.
func (e *Engine) emit(c *corr, r Result, out []Result) []Result {
	out = append(out, r)
	if c.self == nil {
		return out
	}
	for _, in := range c.self.feeds {
		out = e.feedResult(in, &r, out)
	}
	return out
}

// feedEvent adds a base event to its group's window of in's correlation.
func (e *Engine) feedEvent(in *input, ev *event.Event, t int64, out []Result) []Result {
	c := in.c
	w := e.window(c, in, ev, t, true)
	if w == nil {
		return out
	}
	if !c.sliding && w.deadline < t {
		out = e.close(c, w, out) // not swept yet
		w = e.window(c, in, ev, t, true)
	}
	if !c.kind.perRule() {
		if w.lastObs == e.obs {
			return out // the same event, matched by another of the rules
		}
		w.lastObs = e.obs
	}
	it := entry{t: t, at: t, in: in, n: 1, items: 1, rec: ev.Record, src: e.lastSrc, obs: e.obs}
	e.readField(in, ev, &it)
	return e.add(c, w, it, out)
}

// feedResult adds an inner correlation's result, as an event whose fields
// are its group-by values, to in's correlation.
func (e *Engine) feedResult(in *input, r *Result, out []Result) []Result {
	// Not a reused scratch event: closing a window below can emit results
	// that are fed on before this one is done.
	ev := &event.Event{}
	for k, v := range r.GroupBy {
		ev.Set(k, v)
	}
	t := r.Time.UnixNano()
	w := e.window(in.c, in, ev, t, false)
	if w == nil {
		return out
	}
	if !in.c.sliding && w.deadline < t {
		// An inner result, timed at the end of its window, can reach a
		// window that has ended but is not swept yet.
		out = e.close(in.c, w, out)
		w = e.window(in.c, in, ev, t, false)
	}
	it := entry{t: t, at: t, in: in, n: r.EventCount, items: 1, more: slices.Clone(r.Events)}
	e.readField(in, ev, &it)
	return e.add(in.c, w, it, out)
}

// readField reads the correlation's field (or fields) into it.
func (e *Engine) readField(in *input, ev *event.Event, it *entry) {
	k := in.c.kind
	if !k.needsField() {
		return
	}
	v, ok := e.fieldValue(in, ev)
	switch {
	case ok && k == valueCount:
		it.key, it.hasKey = v, true // copied when the window keeps it
		return
	case ok:
		if x, isNum := parseNumber(v); isNum {
			it.num, it.nums = x, 1
			return
		}
	}
	it.ign = it.items
	e.stats.Ignored++
}

// fieldValue is the first value of in's field or, for several fields, the
// combination of their first values; ok is false when one is missing.
func (e *Engine) fieldValue(in *input, ev *event.Event) (string, bool) {
	if len(in.fields) == 1 {
		return ev.Get(in.fields[0])
	}
	buf := e.valBuf[:0]
	for _, id := range in.fields {
		v, ok := ev.Get(id)
		if !ok {
			return "", false
		}
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	e.valBuf = buf
	return string(buf), true
}

// add puts it into window w and returns what that decides.
func (e *Engine) add(c *corr, w *window, it entry, out []Result) []Result {
	if it.t < w.last {
		it.t = w.last
		e.stats.Late++
	}
	w.last = it.t
	if !c.sliding {
		w.accumulate(c, &it, e)
		return out
	}
	cutoff := satAdd(it.t, -c.span)
	w.evict(c, cutoff)
	w.push(c, &it, e)
	if v, ok := w.slidingValue(c, cutoff); ok && c.cond.holds(v) {
		r := w.slidingResult(c, v, cutoff, it.t)
		e.drop(c, w)
		c.doneObs, c.doneKey = it.obs, w.key
		return e.emit(c, r, out)
	}
	e.relink(c, w, satAdd(w.last, c.span))
	return out
}

// satAdd adds without overflowing.
func satAdd(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}

func toTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }
