package correlate

import (
	"encoding/binary"
	"math"
	"slices"
)

// Flags of an encoded window.
const (
	winDead   = 1 << iota // an upper bound can no longer hold
	winHasSum             // a sum follows (else it is zero)
)

// Flags of an encoded entry.
const (
	entKey  = 1 << iota // a value_count value follows
	entNum              // a number follows (else it is zero)
	entAt               // the observed time differs from the window time
	entMore             // an inner result's base events follow
)

// Temporal slots: unset, set with its entry (sliding windows), or set only
// (windows decided at their close keep no entry).
const (
	slotUnset = iota
	slotEntry
	slotSet
)

// maxSampleSeen bounds a percentile window's count of numbers seen, so that
// a damaged state cannot wrap it to zero (sampleValue divides by it).
const maxSampleSeen = 1 << 62

// encodeWindows writes c's windows in deadline order.
func (c *corr) encodeWindows(w *stateWriter, now int64, obs uint64) {
	w.uvarint(uint64(len(c.groups)))
	for win := c.head; win != nil; win = win.next {
		win.encode(w, now, obs)
	}
}

func (win *window) encode(w *stateWriter, now int64, obs uint64) {
	w.string(win.key)
	w.time(win.deadline, now)
	w.time(win.open, now)
	w.time(win.last, now)
	w.uvarint(obs - win.lastObs)
	var flags byte
	if win.dead {
		flags |= winDead
	}
	if math.Float64bits(win.sum) != 0 {
		flags |= winHasSum
	}
	w.byte(flags)
	w.uvarint(uint64(win.events))
	w.uvarint(uint64(win.items))
	w.uvarint(uint64(win.ignored))
	w.uvarint(uint64(win.nums))
	if flags&winHasSum != 0 {
		w.float(win.sum)
	}
	keys := w.keys[:0]
	for k := range win.distinct {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w.keys = keys
	w.uvarint(uint64(len(keys)))
	for _, k := range keys {
		w.string(k)
		w.uvarint(uint64(win.distinct[k].n))
	}
	ents := win.ents[win.head:]
	w.uvarint(uint64(len(ents)))
	for i := range ents {
		encodeEntry(w, &ents[i], now, obs, keys)
	}
	win.encodeTemporal(w, now, obs, keys)
	encodeRefs(w, win.refs, now)
	w.uvarint(uint64(len(win.sample)))
	for _, x := range win.sample {
		w.float(x)
	}
	w.uvarint(win.seen)
}

// encodeTemporal writes the rules matched (temporal) and the chains
// (temporal_ordered).
func (win *window) encodeTemporal(w *stateWriter, now int64, obs uint64, keys []string) {
	w.uvarint(uint64(len(win.rules)))
	for i := range win.rules {
		s := &win.rules[i]
		switch {
		case !s.set:
			w.byte(slotUnset)
		case s.en.in == nil:
			w.byte(slotSet)
		default:
			w.byte(slotEntry)
			encodeEntry(w, &s.en, now, obs, keys)
		}
	}
	w.uvarint(uint64(len(win.chain)))
	for i := range win.chain {
		l := &win.chain[i]
		if !l.ok {
			w.byte(0)
			continue
		}
		w.byte(1)
		w.time(l.start, now)
		w.uvarint(obs - l.obs)
		w.uvarint(uint64(len(l.ents)))
		for k := range l.ents {
			encodeEntry(w, &l.ents[k], now, obs, keys)
		}
	}
}

func encodeEntry(w *stateWriter, en *entry, now int64, obs uint64, keys []string) {
	var flags byte
	if en.hasKey {
		flags |= entKey
	}
	if math.Float64bits(en.num) != 0 {
		flags |= entNum
	}
	if en.at != en.t {
		flags |= entAt
	}
	if len(en.more) > 0 {
		flags |= entMore
	}
	w.byte(flags)
	w.time(en.t, now)
	if flags&entAt != 0 {
		w.varint(en.at - en.t)
	}
	if en.in != nil {
		w.uvarint(uint64(en.in.slot))
	} else {
		w.uvarint(0)
	}
	w.uvarint(uint64(en.n))
	w.uvarint(uint64(en.items))
	w.uvarint(uint64(en.ign))
	w.uvarint(uint64(en.nums))
	if flags&entKey != 0 {
		if i, ok := slices.BinarySearch(keys, en.key); ok {
			w.uvarint(uint64(i) + 1)
		} else {
			w.uvarint(0)
			w.string(en.key)
		}
	}
	if flags&entNum != 0 {
		w.float(en.num)
	}
	w.uvarint(en.rec)
	w.shared(en.src)
	w.uvarint(obs - en.obs)
	if flags&entMore != 0 {
		encodeRefs(w, en.more, now)
	}
}

func encodeRefs(w *stateWriter, refs []EventRef, now int64) {
	w.uvarint(uint64(len(refs)))
	for i := range refs {
		ref := &refs[i]
		w.shared(ref.Source)
		w.uvarint(ref.Record)
		w.time(ref.Time.UnixNano(), now)
		w.shared(ref.RuleID)
	}
}

// restored is one correlation's decoded windows: in deadline order, and by
// group key.
type restored struct {
	list   []*window
	groups map[string]*window
}

// decodeWindows reads what encodeWindows wrote, checking what the engine
// relies on: keys that hold c's group-by values, references to c's rules,
// and the per-type state a live window of c's type has.
func (c *corr) decodeWindows(r *stateReader, now int64, obs uint64) restored {
	n := r.count("windows")
	out := restored{list: make([]*window, 0, n), groups: make(map[string]*window, n)}
	slab := make([]window, n) // one allocation for them all
	for i := range n {
		start := r.off
		win := &slab[i]
		c.decodeWindow(r, win, now, obs)
		if r.err != nil {
			return restored{}
		}
		if out.groups[win.key] != nil {
			r.off = start
			r.fail("window of group %q appears twice", win.key)
			return restored{}
		}
		out.groups[win.key] = win
		out.list = append(out.list, win)
	}
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d bytes after the last window", len(r.b)-r.off)
	}
	return out
}

func (c *corr) decodeWindow(r *stateReader, win *window, now int64, obs uint64) {
	keyAt := r.off
	win.key = r.string("group key")
	if r.err == nil && !validKey(win.key, len(c.def.GroupBy)) {
		r.off = keyAt
		r.fail("group key %q does not hold %d group-by values", win.key, len(c.def.GroupBy))
	}
	win.deadline, win.open, win.last = r.time(now), r.time(now), r.time(now)
	win.lastObs = obs - r.uvarint()
	flagsAt := r.off
	flags := r.byte()
	if flags&^(winDead|winHasSum) != 0 {
		r.off = flagsAt
		r.fail("unknown window flags %#x", flags)
	}
	win.dead = flags&winDead != 0
	win.events = r.int("event count")
	win.items = r.int32("item count")
	win.ignored = r.int32("ignored count")
	win.nums = r.int32("number count")
	if flags&winHasSum != 0 {
		win.sum = r.float()
	}
	keys := win.decodeDistinct(c, r)
	ents := make([]entry, r.count("entries"))
	for i := range ents {
		c.decodeEntry(r, &ents[i], now, obs, keys)
	}
	if len(ents) > 0 {
		win.ents = ents
	}
	win.decodeTemporal(c, r, now, obs, keys)
	win.refs = decodeRefs(r, now)
	win.decodeSample(r)
}

// validKey reports whether key is n values, each preceded by its length.
func validKey(key string, n int) bool {
	b := []byte(key)
	for range n {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return false
		}
		b = b[k+int(l):]
	}
	return len(b) == 0
}

// decodeDistinct reads a value_count window's values; a live value_count
// window always has its map, other windows none.
func (win *window) decodeDistinct(c *corr, r *stateReader) []string {
	at := r.off
	n := r.count("distinct values")
	live := c.kind == valueCount && !win.dead
	if n > 0 && !live {
		r.off = at
		r.fail("distinct values in a window that keeps none")
		return nil
	}
	if live {
		win.distinct = make(map[string]vslot, n)
	}
	keys := slices.Grow(r.keys[:0], n)[:n] // scratch: entries copy the strings
	r.keys = keys
	for i := range keys {
		keys[i] = r.string("distinct value")
		win.distinct[keys[i]] = vslot{key: keys[i], n: r.int("distinct value count")}
	}
	return keys
}

func (win *window) decodeTemporal(c *corr, r *stateReader, now int64, obs uint64, keys []string) {
	at := r.off
	if n := r.count("rule slots"); r.err == nil && n != win.slotsFor(c, temporal) {
		r.off = at
		r.fail("%d rule slots, want %d", n, win.slotsFor(c, temporal))
		return
	}
	if n := win.slotsFor(c, temporal); n > 0 {
		win.rules = make([]slot, n)
	}
	for i := range win.rules {
		c.decodeSlot(r, &win.rules[i], now, obs, keys)
	}
	at = r.off
	if n := r.count("chain links"); r.err == nil && n != win.slotsFor(c, temporalOrdered) {
		r.off = at
		r.fail("%d chain links, want %d", n, win.slotsFor(c, temporalOrdered))
		return
	}
	if n := win.slotsFor(c, temporalOrdered); n > 0 {
		win.chain = make([]link, n)
	}
	for i := range win.chain {
		c.decodeLink(r, &win.chain[i], now, obs, keys)
	}
}

// slotsFor is how many rule slots or chain links a window of c keeps for
// type k: npos for a live window of that type, else none.
func (win *window) slotsFor(c *corr, k kind) int {
	if c.kind != k || win.dead {
		return 0
	}
	return c.npos
}

func (c *corr) decodeSlot(r *stateReader, s *slot, now int64, obs uint64, keys []string) {
	at := r.off
	switch r.byte() {
	case slotUnset:
	case slotEntry:
		s.set = true
		c.decodeEntry(r, &s.en, now, obs, keys)
	case slotSet:
		if c.sliding { // a sliding window reports its matches' events
			r.off = at
			r.fail("rule slot without its event in a sliding window")
			return
		}
		s.set = true
	default:
		r.off = at
		r.fail("unknown rule slot kind %d", r.b[at])
	}
}

func (c *corr) decodeLink(r *stateReader, l *link, now int64, obs uint64, keys []string) {
	at := r.off
	switch r.byte() {
	case 0:
		return
	case 1:
	default:
		r.off = at
		r.fail("unknown chain link kind %d", r.b[at])
		return
	}
	l.ok = true
	l.start = r.time(now)
	l.obs = obs - r.uvarint()
	if n := r.count("chain entries"); n > 0 {
		l.ents = make([]entry, n)
	}
	for i := range l.ents {
		c.decodeEntry(r, &l.ents[i], now, obs, keys)
	}
}

func (c *corr) decodeEntry(r *stateReader, en *entry, now int64, obs uint64, keys []string) {
	at := r.off
	flags := r.byte()
	if flags&^(entKey|entNum|entAt|entMore) != 0 {
		r.off = at
		r.fail("unknown entry flags %#x", flags)
		return
	}
	en.t = r.time(now)
	en.at = en.t
	if flags&entAt != 0 {
		en.at = en.t + r.varint()
	}
	at = r.off
	if s := r.uvarint(); r.err == nil && s >= uint64(len(c.inputs)) {
		r.off = at
		r.fail("entry of rule %d; the correlation has %d", s, len(c.inputs))
		return
	} else if r.err == nil {
		en.in = c.inputs[s]
	}
	en.n = r.int("entry events")
	en.items = r.int32("entry items")
	en.ign = r.int32("entry ignored")
	en.nums = r.int32("entry numbers")
	if flags&entKey != 0 {
		en.hasKey = true
		en.key = decodeKey(r, keys)
	}
	if flags&entNum != 0 {
		en.num = r.float()
	}
	en.rec = r.uvarint()
	en.src = r.shared("event source")
	en.obs = obs - r.uvarint()
	if flags&entMore != 0 {
		en.more = decodeRefs(r, now)
	}
}

// decodeKey reads an entry's value: a number of a window's distinct value,
// or 0 and the value.
func decodeKey(r *stateReader, keys []string) string {
	at := r.off
	i := r.uvarint()
	switch {
	case r.err != nil:
		return ""
	case i == 0:
		return r.string("entry value")
	case i > uint64(len(keys)):
		r.off = at
		r.fail("entry value %d of %d", i, len(keys))
		return ""
	}
	return keys[i-1]
}

func decodeRefs(r *stateReader, now int64) []EventRef {
	n := r.count("event references")
	if n == 0 {
		return nil
	}
	refs := make([]EventRef, n)
	for i := range refs {
		refs[i].Source = r.shared("event source")
		refs[i].Record = r.uvarint()
		refs[i].Time = toTime(r.time(now))
		refs[i].RuleID = r.shared("rule id")
	}
	return refs
}

func (win *window) decodeSample(r *stateReader) {
	if n := r.count("percentile values"); n > 0 {
		win.sample = make([]float64, n)
	}
	for i := range win.sample {
		win.sample[i] = r.float()
	}
	at := r.off
	win.seen = r.uvarint()
	if r.err == nil && (win.seen < uint64(len(win.sample)) || win.seen > maxSampleSeen) {
		r.off = at
		r.fail("%d numbers seen for %d kept", win.seen, len(win.sample))
	}
	win.sample = slices.Clip(win.sample)
}
