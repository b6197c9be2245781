// Package ahocorasick finds many patterns in a text in one pass. It is a
// byte-level Aho-Corasick automaton that folds ASCII letters (patterns and
// text are compared case-insensitively for A-Z only), over byte equivalence
// classes. The shallow states, where a scan spends nearly all its time, get
// dense transition rows with failures already resolved; deeper states keep
// sparse rows and a failure link. The dense part has a fixed memory budget,
// so the automaton grows by a few bytes per trie state however many patterns
// it holds.
package ahocorasick

import "math/bits"

// hitFlag marks, in a stored transition target, a state at which at least
// one pattern ends, so the scan loop tests one bit instead of loading the
// output tables on every byte.
const (
	hitFlag = 1 << 31
	idMask  = hitFlag - 1
)

// DefaultDenseBytes is the memory given to dense transition rows when
// Options.DenseBytes is zero.
const DefaultDenseBytes = 1 << 20

// Options tune the automaton's layout; the zero value is a good default.
type Options struct {
	// DenseBytes bounds the memory of the dense transition rows. States are
	// laid out breadth-first and the shallowest ones get dense rows until
	// the budget is spent; the root always gets one. Zero means
	// DefaultDenseBytes.
	DenseBytes int
}

// Automaton is an immutable multi-pattern matcher, safe for concurrent use.
//
// State ids are encoded for speed: a dense state's id is the offset of its
// row in dense (a multiple of stride); a sparse state's id is denseLen plus
// the offset of its record in sparse.
type Automaton struct {
	class    [256]uint8 // byte -> equivalence class; A-Z share a-z's class
	stride   uint32     // number of classes: the length of a dense row
	denseLen uint32     // len(dense); ids below it are dense rows
	dense    []uint32   // dense rows: next id, with hitFlag

	// sparse holds one record per sparse state, contiguous so that a step
	// touches one cache line or two:
	//
	//	fail id, edge count n, breadth-first number,
	//	ceil(n/4) words of edge classes (4 bytes a word, low byte first),
	//	n words of next ids (with hitFlag)
	sparse []uint32

	// Outputs, indexed by breadth-first state number.
	outFirst []int32 // first pattern ending at the state, or -1
	outNext  []int32 // per pattern: next pattern ending at the same state, or -1
	dict     []int32 // nearest state on the failure chain with outputs, or -1

	empty        []int32 // patterns that are empty: they occur in every text
	patterns     int
	sparseStates int
}

// Offsets of a sparse record's fields.
const (
	recFail   = 0
	recCount  = 1
	recNumber = 2
	recEdges  = 3
)

// Scan calls fn for every occurrence of every pattern in text: with the
// pattern's index in the slice given to New and the offset in text just past
// its last byte. Occurrences are reported in order of end offset. An empty
// pattern is reported once, with end 0. Scan does not allocate.
func (a *Automaton) Scan(text string, fn func(pattern, end int)) {
	for _, p := range a.empty {
		fn(int(p), 0)
	}
	// Locals, so the loop does not reload them after each report call.
	class, dense, denseLen := &a.class, a.dense, a.denseLen
	s := uint32(0)
	for i := 0; i < len(text); i++ {
		c := uint32(class[text[i]])
		var t uint32
		if s < denseLen {
			t = dense[s+c]
		} else {
			t = a.sparseStep(s, c)
		}
		s = t & idMask
		if t&hitFlag != 0 {
			a.report(s, i+1, fn)
		}
	}
}

// ScanASCII is Scan for callers that fold non-ASCII text themselves: it
// stops at the first byte of text that is not ASCII and reports whether it
// reached the end. Occurrences before that byte have been reported; the
// caller then scans its own folding of the whole text.
func (a *Automaton) ScanASCII(text string, fn func(pattern, end int)) bool {
	for _, p := range a.empty {
		fn(int(p), 0)
	}
	class, dense, denseLen := &a.class, a.dense, a.denseLen
	s := uint32(0)
	for i := 0; i < len(text); i++ {
		b := text[i]
		if b >= 0x80 {
			return false
		}
		c := uint32(class[b])
		var t uint32
		if s < denseLen {
			t = dense[s+c]
		} else {
			t = a.sparseStep(s, c)
		}
		s = t & idMask
		if t&hitFlag != 0 {
			a.report(s, i+1, fn)
		}
	}
	return true
}

// Contains reports whether any pattern occurs in text.
func (a *Automaton) Contains(text string) bool {
	if len(a.empty) > 0 {
		return true
	}
	s := uint32(0)
	for i := 0; i < len(text); i++ {
		c := uint32(a.class[text[i]])
		var t uint32
		if s < a.denseLen {
			t = a.dense[s+c]
		} else {
			t = a.sparseStep(s, c)
		}
		if t&hitFlag != 0 {
			return true
		}
		s = t
	}
	return false
}

// sparseStep follows class c from sparse state s, taking failure links
// until a state has an edge for c or is dense (dense rows are complete).
func (a *Automaton) sparseStep(s, c uint32) uint32 {
	sp := a.sparse
	for {
		o := s - a.denseLen
		n := sp[o+recCount]
		if j := findClass(sp[o+recEdges:], n, c); j < n {
			return sp[o+recEdges+(n+3)/4+j]
		}
		s = sp[o+recFail]
		if s < a.denseLen {
			return a.dense[s+c]
		}
	}
}

// findClass returns the index of class c among the n classes packed four
// to a word in w, or n when absent. It compares four at a time: a byte of
// x is zero where the class matches, and the lowest zero byte found by
// the borrow trick is exact.
func findClass(w []uint32, n, c uint32) uint32 {
	rep := c * 0x01010101
	for i := uint32(0); i < n; i += 4 {
		x := w[i/4] ^ rep
		if z := (x - 0x01010101) &^ x & 0x80808080; z != 0 {
			j := i + uint32(bits.TrailingZeros32(z))/8
			return min(j, n)
		}
	}
	return n
}

// report calls fn for every pattern ending at state s: its own, then those
// of the states on its output chain.
func (a *Automaton) report(s uint32, end int, fn func(pattern, end int)) {
	for n := a.number(s); n >= 0; n = a.dict[n] {
		for p := a.outFirst[n]; p >= 0; p = a.outNext[p] {
			fn(int(p), end)
		}
	}
}

// number converts a state id to its breadth-first number.
func (a *Automaton) number(s uint32) int32 {
	if s < a.denseLen {
		return int32(s / a.stride)
	}
	return int32(a.sparse[s-a.denseLen+recNumber])
}

// Stats describe an automaton's size.
type Stats struct {
	Patterns     int // patterns given to New
	States       int // trie states, the root included
	DenseStates  int // states with a dense row
	Classes      int // byte equivalence classes (the length of a dense row)
	MemoryBytes  int // memory held by the automaton's tables
	SparseStates int // states with a sparse record
	EmptyPattern int // empty patterns (they match every text)
}

// Stats reports the automaton's size.
func (a *Automaton) Stats() Stats {
	dense := int(a.denseLen / a.stride)
	mem := 256 + 4*len(a.dense) + 4*len(a.sparse) + 4*len(a.outFirst) +
		4*len(a.outNext) + 4*len(a.dict) + 4*len(a.empty)
	return Stats{
		Patterns:     a.patterns,
		States:       dense + a.sparseStates,
		DenseStates:  dense,
		Classes:      int(a.stride),
		MemoryBytes:  mem,
		SparseStates: a.sparseStates,
		EmptyPattern: len(a.empty),
	}
}
