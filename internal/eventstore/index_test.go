package eventstore

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// refFilters indexes records the plain way, one trigram and one pair at a
// time with nothing skipped and Unicode lower-casing throughout: the
// filters the fast builder must reproduce bit for bit, since a search asks
// them what a segment cannot hold.
type refFilters struct {
	names      map[string]struct{}
	many       bool
	tri, pairs bitset
}

func newRefFilters(segmentBytes int64) *refFilters {
	tri, pairs := filterLogs(segmentBytes)
	return &refFilters{names: map[string]struct{}{}, tri: newBitset(tri), pairs: newBitset(pairs)}
}

func (r *refFilters) add(data []byte) {
	h, err := event.ScanBinary(data, func(name, value []byte) {
		n, v := event.ToLowerASCII(string(name)), event.ToLowerASCII(string(value))
		if _, ok := r.names[n]; !ok && !r.many {
			if len(r.names) >= maxIndexNames {
				r.many, r.names = true, nil
			} else {
				r.names[n] = struct{}{}
			}
		}
		r.pair(n, v)
		if n == "computer" { // host: also matches Computer
			r.pair("\x00host", v)
		}
	})
	if err != nil {
		return
	}
	for _, m := range []struct {
		name  string
		value []byte
	}{{"\x00host", h.Host}, {"\x00source", h.Source}, {"\x00product", h.Product}, {"\x00category", h.Category}, {"\x00service", h.Service}} {
		if len(m.value) > 0 {
			r.pair(m.name, event.ToLowerASCII(string(m.value)))
		}
	}
}

// pair adds a value's trigrams and the name=value pair.
func (r *refFilters) pair(name, value string) {
	for i := 0; i+3 <= len(value); i++ {
		r.tri.set(r.tri.mask(trigramHash(value[i], value[i+1], value[i+2])))
	}
	h := pairHash([]byte(name), []byte(value))
	for k := range uint64(pairProbes) {
		r.pairs.set(r.pairs.mask(h + k*(h>>32|1)))
	}
}

// checkSameFilters fails unless the builder's filters equal the
// reference's.
func checkSameFilters(t *testing.T, what string, b *indexBuilder, r *refFilters) {
	t.Helper()
	if b.f.many != r.many || !maps.Equal(b.f.names, r.names) {
		t.Fatalf("%s: names %v (many %v), want %v (many %v)", what, slices.Sorted(maps.Keys(b.f.names)), b.f.many, slices.Sorted(maps.Keys(r.names)), r.many)
	}
	if i := firstDiff(b.f.tri, r.tri); i >= 0 {
		t.Fatalf("%s: trigram bitmaps differ at word %d: %#x, want %#x", what, i, b.f.tri[i], r.tri[i])
	}
	if i := firstDiff(b.f.pairs, r.pairs); i >= 0 {
		t.Fatalf("%s: pair filters differ at word %d: %#x, want %#x", what, i, b.f.pairs[i], r.pairs[i])
	}
}

func firstDiff(a, b bitset) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// indexValues are values that exercise the fast paths' edges: lengths
// around the eight-byte words, capitals at word boundaries, non-ASCII
// bytes early and late, the runes that fold to ASCII, and invalid UTF-8.
var indexValues = []string{
	"", "a", "AB", "abc", "ABCDEFG", "ABCDEFGH", "ABCDEFGHI", "@[`{Zz", "Hello, World! 0123456789",
	`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "ÉCOLE", "École normale", "İstanbul",
	"\u212aelvin", "ascii then ÄÖÜ", "\xff\xfe broken", "abcdefg\x80", strings.Repeat("Mixed Case ", 40),
}

func TestIndexBuilderMatchesReference(t *testing.T) {
	tests := []struct {
		name     string
		events   int
		distinct int // values per field before they repeat
	}{
		{"repeating", 3000, 7},
		{"unique", 500, 1 << 30},
		{"overflowing the seen table", 20000, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const segBytes = 1 << 20
			b, r := newIndexBuilder(segBytes, true), newRefFilters(segBytes)
			rng := rand.New(rand.NewPCG(1, uint64(tt.events)))
			var ev event.Event
			for i := range tt.events {
				randomEvent(&ev, rng, tt.distinct)
				data := ev.AppendBinary(nil)
				b.add(uint64(i+1), data)
				r.add(data)
			}
			checkSameFilters(t, tt.name, b, r)
		})
	}
}

// randomEvent fills ev with metadata and fields drawn from indexValues,
// each varied by a number below distinct.
func randomEvent(ev *event.Event, rng *rand.Rand, distinct int) {
	pick := func() string {
		v := indexValues[rng.IntN(len(indexValues))]
		if rng.IntN(2) == 0 {
			v += fmt.Sprint(rng.IntN(distinct))
		}
		return v
	}
	ev.Reset()
	ev.Time = time.Unix(int64(rng.IntN(1e9)), 0)
	ev.Host, ev.Source = pick(), pick()
	ev.LogSource = event.LogSource{Product: pick(), Category: pick(), Service: pick()}
	for _, name := range []string{"Computer", "CommandLine", "User", "Image", "ÄName", "Data", "Data"} {
		if rng.IntN(4) > 0 {
			ev.Set(name, pick())
		}
	}
}

func TestIndexBuilderManyNames(t *testing.T) {
	b, r := newIndexBuilder(1<<16, true), newRefFilters(1<<16)
	var ev event.Event
	for i := range maxIndexNames + 10 {
		ev.Reset()
		ev.Set(fmt.Sprintf("Name%d", i%(maxIndexNames+5)), "same value")
		data := ev.AppendBinary(nil)
		b.add(uint64(i+1), data)
		r.add(data)
	}
	if !b.f.many {
		t.Fatalf("%d names listed, want the index to give up past %d", len(b.f.names), maxIndexNames)
	}
	checkSameFilters(t, "many names", b, r)
}

func TestLowerInto(t *testing.T) {
	for _, s := range append(indexValues, "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f", "@@@@@@@@[[[[[[[[") {
		got := lowerInto([]byte("prefix:"), []byte(s))
		if want := "prefix:" + event.ToLowerASCII(s); string(got) != want {
			t.Errorf("lowerInto(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzIndexBuilder compares the builder with the reference on records
// built from fuzzed metadata and field values, each record added twice
// and then with its case changed, so that the seen-pairs table is hit.
func FuzzIndexBuilder(f *testing.F) {
	for i, v := range indexValues {
		f.Add("Computer", v, indexValues[(i+1)%len(indexValues)])
	}
	f.Add("CommandLine", `"C:\Windows\system32\cmd.exe" /c whoami`, "WARD-PC-007.trust.nhs.uk")
	f.Fuzz(func(t *testing.T, name, value, host string) {
		b, r := newIndexBuilder(1<<16, true), newRefFilters(1<<16)
		var ev event.Event
		for i, v := range []string{value, value, strings.ToUpper(value), strings.ToLower(value)} {
			ev.Reset()
			ev.Host = host
			ev.Set(name, v)
			ev.Set("Other", host+v)
			data := ev.AppendBinary(nil)
			b.add(uint64(i+1), data)
			r.add(data)
			// A record that fails to decode part-way adds the fields
			// before the fault to both.
			cut := data[:len(data)-1]
			b.add(uint64(i+1), cut)
			r.add(cut)
		}
		checkSameFilters(t, fmt.Sprintf("%q=%q host %q", name, value, host), b, r)
		if !bytes.Equal(lowerInto(nil, []byte(value)), []byte(event.ToLowerASCII(value))) {
			t.Fatalf("lowerInto(%q) differs from event.ToLowerASCII", value)
		}
	})
}

func TestSeenPairsCompareBytes(t *testing.T) {
	var s seenPairs
	const h = 42 // one hash for every pair: only the bytes tell them apart
	s.add(h, []byte("image"), []byte("cmd.exe"))
	tests := []struct {
		name, value string
		want        bool
	}{
		{"image", "cmd.exe", true},
		{"image", "cmd.exf", false},
		{"imagecmd", ".exe", false}, // the same bytes split elsewhere
		{"image", "cmd.ex", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := s.has(h, []byte(tt.name), []byte(tt.value)); got != tt.want {
			t.Errorf("has(%q=%q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
	if s.has(h+seenSlots, []byte("image"), []byte("cmd.exe")) {
		t.Error("a pair with another hash in the same slot counts as seen")
	}
	long := strings.Repeat("v", seenMaxBytes)
	s.add(7, []byte("n"), []byte(long))
	if s.has(7, []byte("n"), []byte(long)) {
		t.Errorf("a pair of %d bytes was remembered, want at most %d", 1+len(long), seenMaxBytes)
	}
	for i := range seenArena/10 + 1 { // overflow the arena: it starts again
		s.add(uint64(i), []byte("n"), []byte(fmt.Sprintf("v%08d", i)))
	}
	if s.has(h, []byte("image"), []byte("cmd.exe")) || len(s.arena) > seenArena {
		t.Errorf("after the arena filled (%d bytes), the first pair is still remembered", len(s.arena))
	}
}
