package correlate

import (
	"encoding/binary"

	"github.com/vigilhealth/vigil/internal/event"
)

// window is the state of one group of one correlation.
type window struct {
	key        string  // the group-by values, each preceded by its length (uvarint)
	prev, next *window // in the correlation's list, by deadline
	deadline   int64   // the sweep closes the window once time passes it
	open, last int64   // time of the first and the latest event
	lastObs    uint64  // the latest base event added

	events  int   // base events
	items   int32 // events of the correlation (an inner result is one)
	ignored int32 // events of the correlation left out of the value
	nums    int32 // numbers in sum
	sum     float64

	ents     []entry          // sliding count and sum windows: live entries from head, oldest first
	head     int              // first live entry
	distinct map[string]vslot // value_count: the values in the window
	rules    []slot           // temporal: the latest match of each rule
	chain    []link           // temporal_ordered: the best chain through each position
	refs     []EventRef       // windows decided at their close: the first events
	sample   []float64        // value_percentile: the numbers, or a uniform sample of them
	seen     uint64           // value_percentile: numbers seen
	dead     bool             // an upper bound can no longer hold
}

// entry is one event (or inner result) in a window.
type entry struct {
	t      int64  // time in the window (a late event takes the window's latest)
	at     int64  // time as observed, for its reference
	in     *input // the rule or correlation it came from
	n      int    // base events it stands for
	items  int32  // events of the correlation it stands for
	ign    int32  // events of the correlation left out of the value
	nums   int32  // numbers in num
	hasKey bool
	num    float64
	key    string // value_count value
	rec    uint64
	src    string
	obs    uint64     // base event identity; 0 for an inner result
	more   []EventRef // an inner result's base events
}

// vslot counts a distinct value; key is the window's own copy of it.
type vslot struct {
	key string
	n   int
}

// window returns the window of ev's group in c, creating it at time t; nil
// when ev lacks a group-by field or (for a base event) just completed it.
func (e *Engine) window(c *corr, in *input, ev *event.Event, t int64, base bool) *window {
	buf := e.keyBuf[:0]
	for _, id := range in.groupBy {
		i := ev.Index(id)
		if i < 0 {
			e.stats.MissingGroupBy++
			return nil
		}
		v := ev.Value(i)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	e.keyBuf = buf
	if w := c.groups[string(buf)]; w != nil {
		return w
	}
	if base && c.doneObs == e.obs && c.doneKey == string(buf) {
		return nil // this event completed the group's previous window
	}
	w := &window{key: string(buf), open: t, last: t}
	switch c.kind {
	case temporal:
		w.rules = make([]slot, c.npos)
	case temporalOrdered:
		w.chain = make([]link, c.npos)
	case valueCount:
		w.distinct = map[string]vslot{}
	}
	c.groups[w.key] = w
	e.stats.Windows++
	w.deadline = satAdd(t, c.span)
	c.insert(w)
	e.nextDue = min(e.nextDue, w.deadline)
	return w
}

// insert links w into c's list, kept in deadline order; w usually belongs
// at the tail.
func (c *corr) insert(w *window) {
	p := c.tail
	for p != nil && p.deadline > w.deadline {
		p = p.prev
	}
	w.prev = p
	if p == nil {
		w.next = c.head
		c.head = w
	} else {
		w.next = p.next
		p.next = w
	}
	if w.next == nil {
		c.tail = w
	} else {
		w.next.prev = w
	}
}

func (c *corr) unlink(w *window) {
	if w.prev == nil {
		c.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		c.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
}

// relink moves w to its place for a new deadline d.
func (e *Engine) relink(c *corr, w *window, d int64) {
	if d == w.deadline {
		return
	}
	c.unlink(w)
	w.deadline = d
	c.insert(w)
	e.nextDue = min(e.nextDue, d)
}

// drop forgets window w.
func (e *Engine) drop(c *corr, w *window) {
	c.unlink(w)
	delete(c.groups, w.key)
	e.stats.Windows--
}

// groupBy renders w's group for a result, reading the values from its key.
func (w *window) groupBy(c *corr) map[string]string {
	m := make(map[string]string, len(c.def.GroupBy))
	rest := w.key
	for _, name := range c.def.GroupBy {
		n, k := binary.Uvarint([]byte(rest[:min(len(rest), binary.MaxVarintLen64)]))
		rest = rest[k:]
		m[name], rest = rest[:n], rest[n:]
	}
	return m
}

// appendRef appends the base events of en to refs, up to MaxEventRefs.
func appendRef(refs []EventRef, en *entry) []EventRef {
	if en.in.chained {
		n := min(len(en.more), MaxEventRefs-len(refs))
		return append(refs, en.more[:max(n, 0)]...)
	}
	if len(refs) >= MaxEventRefs {
		return refs
	}
	return append(refs, EventRef{Source: en.src, Record: en.rec, Time: toTime(en.at), RuleID: en.in.ruleID})
}
