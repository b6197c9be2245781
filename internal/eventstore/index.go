package eventstore

import (
	"math/bits"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// maxIndexNames bounds the field names an index lists; a segment with more
// is taken to have every name.
const maxIndexNames = 2048

// filters is what a segment's index can rule out: field names, trigrams of
// lower-cased values, and field=value pairs.
type filters struct {
	names map[string]struct{}
	many  bool // more names than maxIndexNames: every name may be there
	tri   bitset
	pairs bitset
}

func (f *filters) hasName(name string) bool {
	if f.many {
		return true
	}
	_, ok := f.names[name]
	return ok
}

func (f *filters) hasTrigrams(s string) bool       { return f.tri.hasTrigrams(s) }
func (f *filters) hasPair(name, value string) bool { return f.pairs.hasPair(name, value) }

// filterLogs returns the sizes (log2 of bits) of a segment's trigram bitmap
// and pair filter: about one trigram bit per 64 bytes of segment and one
// pair bit per 16, which keeps the index near 1% of the segment.
func filterLogs(segmentBytes int64) (tri, pairs uint8) {
	log := func(n int64) uint8 {
		l := uint8(bits.Len64(uint64(max(n, 1)) - 1))
		return min(max(l, 12), 26)
	}
	return log(segmentBytes / 64), log(segmentBytes / 16)
}

// indexBuilder builds the summary, and optionally the filters, of a
// segment as its records are added.
type indexBuilder struct {
	sum     summary
	f       *filters // nil: summary only
	name    []byte   // lower-casing scratch
	value   []byte
	recordF func(name, value []byte) // b.field, bound once
}

func newIndexBuilder(segmentBytes int64, withFilters bool) *indexBuilder {
	b := &indexBuilder{}
	if withFilters {
		tri, pairs := filterLogs(segmentBytes)
		b.f = &filters{names: map[string]struct{}{}, tri: newBitset(tri), pairs: newBitset(pairs)}
	}
	b.recordF = b.field
	return b
}

// Names of the metadata in the pair filter (see pairName).
var (
	hostPair     = []byte("\x00host")
	metaPairs    = [...][]byte{[]byte("\x00source"), []byte("\x00product"), []byte("\x00category"), []byte("\x00service")}
	computerName = []byte("computer")
)

// add indexes one record. A record that does not decode counts as an
// event without time and adds nothing to the filters.
func (b *indexBuilder) add(seq uint64, data []byte) {
	if b.f == nil {
		t, _ := event.BinaryTime(data)
		b.sum.add(seq, t)
		return
	}
	h, err := event.ScanBinary(data, b.recordF)
	if err != nil {
		b.sum.add(seq, time.Time{})
		return
	}
	b.sum.add(seq, h.Time)
	if len(h.Host) > 0 {
		b.meta(hostPair, h.Host)
	}
	for i, v := range [...][]byte{h.Source, h.Product, h.Category, h.Service} {
		if len(v) > 0 {
			b.meta(metaPairs[i], v)
		}
	}
}

func (b *indexBuilder) meta(name, value []byte) {
	b.value = lowerInto(b.value[:0], value)
	b.f.tri.addTrigrams(b.value)
	b.f.pairs.addPair(name, b.value)
}

// field indexes one field of a record.
func (b *indexBuilder) field(name, value []byte) {
	b.name = lowerInto(b.name[:0], name)
	if !b.f.many {
		if _, ok := b.f.names[string(b.name)]; !ok {
			if len(b.f.names) >= maxIndexNames {
				b.f.many, b.f.names = true, nil
			} else {
				b.f.names[string(b.name)] = struct{}{}
			}
		}
	}
	b.value = lowerInto(b.value[:0], value)
	b.f.tri.addTrigrams(b.value)
	b.f.pairs.addPair(b.name, b.value)
	if string(b.name) == string(computerName) { // host: matches Computer when Host is empty
		b.f.pairs.addPair(hostPair, b.value)
	}
}

// lowerInto appends s lower-cased to dst exactly as event.ToLowerASCII
// lower-cases, which is what searches compare with: ASCII in place, and
// anything with a non-ASCII byte through Unicode rules.
func lowerInto(dst, s []byte) []byte {
	for _, c := range s {
		if c >= 0x80 {
			return append(dst, event.ToLowerASCII(string(s))...)
		}
	}
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
