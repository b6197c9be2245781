package pgstore

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strings"
)

// Search blocks. Maintaining the two GIN indexes for every event cost most
// of an insert (migration 0017 measured it), so the indexes are kept per
// block of events stored together instead: a block summarises up to
// blockEvents events of one partition by the union of their fields
// documents and each distinct lower-cased value once. A search finds the
// blocks that may hold a match through the block indexes, then checks the
// events of those blocks with the same conditions as before, unindexed.
// A block's conditions only ever select more than its events' would, so
// the events checked, and the answers, are the ones the per-event indexes
// gave.

// blockEvents is the most events one block summarises: the bus's largest
// batch. Fewer per block select fewer events to check; more cost fewer
// index entries per event.
const blockEvents = 256

// eventBlock is the search summary of events with sequences first to
// last of one partition.
type eventBlock struct {
	first, last int64
	minT, maxT  int64
	fields      []byte // indexDoc JSON
	text        string // each distinct value once, a line each
}

// blockBuilder gathers the events of blocks in the order they are stored.
type blockBuilder struct {
	done []eventBlock
	n    int
	cur  eventBlock
	doc  indexDoc
	seen map[blockValue]struct{}
	text strings.Builder
}

// blockValue is one value of a block: its kind ('f' field, 'm' metadata,
// 't' text), name and value.
type blockValue struct {
	kind        byte
	name, value string
}

// startEvent opens a block if none is open and counts the event in it.
func (b *blockBuilder) startEvent(seq, t int64) {
	if b.n == 0 {
		b.cur = eventBlock{first: seq, last: seq, minT: math.MaxInt64, maxT: math.MinInt64}
		b.doc = indexDoc{F: map[string][]string{}, M: map[string][]string{}}
		b.text.Reset()
		if b.seen == nil {
			b.seen = make(map[blockValue]struct{})
		}
		clear(b.seen)
	}
	b.n++
	b.cur.first, b.cur.last = min(b.cur.first, seq), max(b.cur.last, seq)
	b.cur.minT, b.cur.maxT = min(b.cur.minT, t), max(b.cur.maxT, t)
}

// addField adds a field's value (m false) or a metadata value (m true),
// both already jsonSafe, to the open block's document.
func (b *blockBuilder) addField(m bool, name, v string) {
	kind, doc := byte('f'), b.doc.F
	if m {
		kind, doc = 'm', b.doc.M
	}
	if kept, ok := b.add(blockValue{kind, name, v}); ok {
		doc[kept.name] = append(doc[kept.name], kept.value)
	}
}

// addText adds a lower-cased value to the open block's text.
func (b *blockBuilder) addText(v string) {
	if v == "" {
		return
	}
	if _, ok := b.add(blockValue{kind: 't', value: v}); ok {
		b.text.WriteString(v)
		b.text.WriteByte('\n')
	}
}

// add reports whether v is new to the open block, and returns the copy
// of it the block keeps if so: the indexer's values share the buffers of
// the event it reuses.
func (b *blockBuilder) add(v blockValue) (blockValue, bool) {
	if _, ok := b.seen[v]; ok {
		return v, false
	}
	v.name, v.value = strings.Clone(v.name), strings.Clone(v.value)
	b.seen[v] = struct{}{}
	return v, true
}

// endEvent closes the open block when it is full.
func (b *blockBuilder) endEvent() {
	if b.n >= blockEvents {
		b.close()
	}
}

// close closes the open block, if any.
func (b *blockBuilder) close() {
	if b.n == 0 {
		return
	}
	f, err := json.Marshal(b.doc)
	if err != nil { // maps of strings always encode
		panic(err)
	}
	b.cur.fields, b.cur.text = f, text(b.text.String())
	b.done = append(b.done, b.cur)
	b.n = 0
}

// blocks closes the open block and returns the blocks, as the columns of
// insertBlocks from $1: first and last sequences, times, fields, texts.
func (b *blockBuilder) blocks() []any {
	b.close()
	n := len(b.done)
	firsts, lasts, minTs, maxTs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	fields, texts := make([]string, n), make([]string, n)
	for i, bl := range b.done {
		firsts[i], lasts[i], minTs[i], maxTs[i], fields[i], texts[i] = bl.first, bl.last, bl.minT, bl.maxT, string(bl.fields), bl.text
	}
	return []any{firsts, lasts, minTs, maxTs, fields, texts}
}

// seqRange is the sequences lo to hi of one partition.
type seqRange struct {
	p      int32
	lo, hi int64
}

// mergeRanges sorts rs and joins those that overlap or touch, so that no
// event is in two of them and each is read once.
func mergeRanges(rs []seqRange) []seqRange {
	slices.SortFunc(rs, func(a, b seqRange) int {
		if a.p != b.p {
			return int(a.p) - int(b.p)
		}
		return cmp.Compare(a.lo, b.lo)
	})
	out := rs[:0]
	for _, r := range rs {
		if k := len(out) - 1; k >= 0 && out[k].p == r.p && (r.lo <= out[k].hi || r.lo-1 == out[k].hi) {
			out[k].hi = max(out[k].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}
