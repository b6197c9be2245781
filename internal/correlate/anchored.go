package correlate

// accumulate adds it to a window decided at its close.
func (w *window) accumulate(c *corr, it *entry, e *Engine) {
	w.items += it.items
	w.events += it.n
	if w.dead {
		return
	}
	w.ignored += it.ign
	w.sum += it.num
	w.nums += it.nums
	w.refs = appendRef(w.refs, it)
	switch c.kind {
	case valueCount:
		if _, ok := w.distinct[it.key]; it.hasKey && !ok && len(w.distinct) < MaxWindowEntries {
			k := cloneString(it.key)
			w.distinct[k] = vslot{key: k, n: 1}
		}
	case valuePercentile:
		if it.nums > 0 {
			w.sampleValue(it.num)
		}
	case temporal:
		w.rules[it.in.slot].set = true
	case temporalOrdered:
		w.extend(it, w.open, false)
	}
	if c.kind.growing() {
		if v, _ := w.closedValue(c); c.cond.beyond(v) {
			w.dead = true // no later event can bring it back under the bound
			w.refs, w.distinct, w.rules, w.chain = nil, nil, nil, nil
		}
	}
}

// sampleValue keeps x, or past MaxPercentileValues numbers a uniform sample
// (reservoir sampling with a deterministic generator, so runs repeat).
func (w *window) sampleValue(x float64) {
	w.seen++
	if len(w.sample) < MaxPercentileValues {
		w.sample = append(w.sample, x)
		return
	}
	if j := splitmix(w.seen) % w.seen; j < MaxPercentileValues {
		w.sample[j] = x
	}
}

// closedValue is the value of a window at its close.
func (w *window) closedValue(c *corr) (float64, bool) {
	switch c.kind {
	case eventCount:
		return float64(w.items), true
	case valueCount:
		return float64(len(w.distinct)), true
	case temporal:
		n := 0
		for _, s := range w.rules {
			if s.set {
				n++
			}
		}
		return float64(n), true
	case temporalOrdered:
		return float64(w.prefix(w.open)), true
	case valueSum:
		return w.sum, w.nums > 0
	case valueAvg:
		return w.sum / float64(w.nums), w.nums > 0
	case valuePercentile:
		return percentile(w.sample, DefaultPercentile), len(w.sample) > 0
	}
	return 0, false
}

// closedResult reports a window decided at its close.
func (w *window) closedResult(c *corr, v float64) Result {
	return Result{
		Correlation: c.def,
		GroupBy:     w.groupBy(c),
		First:       toTime(w.open),
		Last:        toTime(w.last),
		Time:        toTime(w.deadline),
		Value:       v,
		Events:      w.refs,
		EventCount:  w.events,
		Ignored:     int(w.ignored),
		Suppressed:  c.suppressed,
	}
}
