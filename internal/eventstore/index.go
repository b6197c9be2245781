package eventstore

import (
	"encoding/binary"
	"math/bits"
	"slices"
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
	seen    seenPairs
	names   []indexName              // the last record's field names, by position
	at      int                      // position of the next field in the record
	spare   indexName                // a name past maxMemoNames
	value   []byte                   // lower-casing scratch
	recordF func(name, value []byte) // b.field, bound once
}

// indexName is a name of the pair filter, as a record spells it and
// lower-cased, with the hashes its pairs' hashes start from.
type indexName struct {
	raw      []byte
	lower    []byte
	rawSeed  uint64 // hashBytes(pairSeed, raw): of the pairs as written
	seed     uint64 // hashBytes(pairSeed, lower): of the pairs as indexed
	field    bool   // a field, listed among the names; false for metadata
	listed   bool   // a field already among the names
	computer bool   // the field Computer, which host: also matches
}

// maxMemoNames bounds the field positions whose names are remembered.
const maxMemoNames = 256

func newIndexBuilder(segmentBytes int64, withFilters bool) *indexBuilder {
	b := &indexBuilder{}
	if withFilters {
		tri, pairs := filterLogs(segmentBytes)
		b.f = &filters{names: map[string]struct{}{}, tri: newBitset(tri), pairs: newBitset(pairs)}
	}
	b.recordF = b.field
	return b
}

// The metadata in the pair filter (see pairName).
var (
	hostPair  = metaName("\x00host")
	metaPairs = [...]*indexName{metaName("\x00source"), metaName("\x00product"), metaName("\x00category"), metaName("\x00service")}
)

func metaName(name string) *indexName {
	h := hashBytes(pairSeed, []byte(name))
	return &indexName{raw: []byte(name), lower: []byte(name), rawSeed: h, seed: h}
}

// add indexes one record. A record that does not decode counts as an
// event without time and adds to the filters only the fields before the
// fault.
func (b *indexBuilder) add(seq uint64, data []byte) {
	if b.f == nil {
		t, _ := event.BinaryTime(data)
		b.sum.add(seq, t)
		return
	}
	b.at = 0
	h, err := event.ScanBinary(data, b.recordF)
	if err != nil {
		b.sum.add(seq, time.Time{})
		return
	}
	b.sum.add(seq, h.Time)
	if len(h.Host) > 0 {
		b.pair(hostPair, h.Host)
	}
	for i, v := range [...][]byte{h.Source, h.Product, h.Category, h.Service} {
		if len(v) > 0 {
			b.pair(metaPairs[i], v)
		}
	}
}

// field indexes one field of a record.
func (b *indexBuilder) field(name, value []byte) { b.pair(b.nameAt(name), value) }

// nameAt returns the name of the field at the next position of the
// record. Records of one kind name their fields in the same order, so the
// name the last record had at that position is mostly this one, and is
// then neither lower-cased nor hashed again.
func (b *indexBuilder) nameAt(raw []byte) *indexName {
	i := b.at
	b.at++
	n := &b.spare
	if i < maxMemoNames {
		if i < len(b.names) && string(b.names[i].raw) == string(raw) {
			return &b.names[i]
		}
		if i == len(b.names) {
			b.names = append(b.names, indexName{})
		}
		n = &b.names[i]
	}
	n.raw = append(n.raw[:0], raw...)
	n.lower = lowerInto(n.lower[:0], raw)
	n.rawSeed, n.seed = hashBytes(pairSeed, raw), hashBytes(pairSeed, n.lower)
	n.field, n.listed = true, false
	n.computer = string(n.lower) == "computer"
	return n
}

// pair adds name=value to the filters, lower-cased: the name if it is a
// field's, the value's trigrams and the pair. A pair the segment already
// holds sets no new bit, so one seen recently as written is skipped after
// a hash and a comparison: most values of a feed repeat (channels,
// images, users, hosts), and lower-casing and trigrams are most of what
// an index costs.
func (b *indexBuilder) pair(n *indexName, value []byte) {
	if b.seen.fits(n.raw, value) {
		raw := hashBytes(n.rawSeed, value)
		if b.seen.has(raw, n.raw, value) {
			return
		}
		b.seen.add(raw, n.raw, value)
	}
	if n.field && !n.listed {
		b.addName(n.lower)
		n.listed = true
	}
	b.value = lowerInto(b.value[:0], value)
	b.f.tri.addTrigrams(b.value)
	b.f.pairs.addPairHash(hashBytes(n.seed, b.value))
	if n.computer { // host: matches Computer when Host is empty
		b.f.pairs.addPairHash(hashBytes(hostPair.seed, b.value))
	}
}

// addName adds a lower-cased field name to the set of names, or gives up
// listing them past maxIndexNames.
func (b *indexBuilder) addName(name []byte) {
	if b.f.many {
		return
	}
	if _, ok := b.f.names[string(name)]; ok {
		return
	}
	if len(b.f.names) >= maxIndexNames {
		b.f.many, b.f.names = true, nil
		return
	}
	b.f.names[string(name)] = struct{}{}
}

// lowerInto appends s lower-cased to dst exactly as event.ToLowerASCII
// lower-cases, which is what searches compare with: ASCII eight bytes at a
// time, the last word overlapping the one before (lower-casing twice
// changes nothing), and anything with a non-ASCII byte through Unicode
// rules.
func lowerInto(dst, s []byte) []byte {
	start := len(dst)
	dst = slices.Grow(dst, len(s))[:start+len(s)]
	d := dst[start:]
	if len(s) < 8 {
		for i, c := range s {
			if c >= 0x80 {
				return append(dst[:start], event.ToLowerASCII(string(s))...)
			}
			d[i] = asciiLower[c]
		}
		return dst
	}
	for i := 0; ; i += 8 {
		i = min(i, len(s)-8)
		w := binary.LittleEndian.Uint64(s[i:])
		if w&highBits != 0 {
			return append(dst[:start], event.ToLowerASCII(string(s))...)
		}
		binary.LittleEndian.PutUint64(d[i:], lowerWord(w))
		if i == len(s)-8 {
			return dst
		}
	}
}

// Byte lanes of a 64-bit word.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// lowerWord lower-cases the ASCII letters among eight ASCII bytes. Adding
// 0x7f-'Z' to a byte below 0x80 sets its high bit exactly when it is
// above 'Z', and adding 0x80-'A' when it is at least 'A'; neither sum
// carries into the next byte. Bit 5 (0x20 = 0x80>>2) makes a capital
// small.
func lowerWord(w uint64) uint64 {
	aboveZ := w + lowBits*(0x7f-'Z')
	atLeastA := w + lowBits*(0x80-'A')
	return w | (atLeastA&^aboveZ&highBits)>>2
}
