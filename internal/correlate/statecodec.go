package correlate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// stateWriter appends the state encoding's primitives to buf. Strings that
// repeat (event sources, rule ids) are written once per correlation and
// referred to by number afterwards.
type stateWriter struct {
	buf     []byte
	strings map[string]uint64 // string → 1 + its number in this correlation's table
	keys    []string          // scratch: a window's distinct values, sorted
}

func (w *stateWriter) uvarint(x uint64) { w.buf = binary.AppendUvarint(w.buf, x) }
func (w *stateWriter) varint(x int64)   { w.buf = binary.AppendVarint(w.buf, x) }
func (w *stateWriter) byte(b byte)      { w.buf = append(w.buf, b) }

func (w *stateWriter) float(x float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(x))
}

func (w *stateWriter) string(s string) {
	w.uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// shared writes s as a reference to its earlier copy, or as 0 and the
// string on first use.
func (w *stateWriter) shared(s string) {
	if n, ok := w.strings[s]; ok {
		w.uvarint(n)
		return
	}
	w.uvarint(0)
	w.string(s)
	w.strings[s] = uint64(len(w.strings) + 1)
}

// time writes an event time relative to base (the engine's clock), which
// keeps recent times short; the subtraction wraps and the reader undoes it.
func (w *stateWriter) time(t, base int64) { w.varint(t - base) }

// errTruncated is the cause when the input ends inside an item.
var errTruncated = errors.New("input ends early")

// stateReader reads what stateWriter wrote, remembering the first error and
// the byte offset where it happened; after an error every read returns
// zeros, so decoders check r.err once per item rather than per field.
type stateReader struct {
	b       []byte
	off     int
	err     error
	strings []string
	keys    []string // scratch: a window's distinct values
}

func (r *stateReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = &StateError{Offset: r.off, Err: fmt.Errorf(format, args...)}
	}
}

func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad or truncated number: %w", errTruncated)
		return 0
	}
	r.off += n
	return x
}

func (r *stateReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad or truncated number: %w", errTruncated)
		return 0
	}
	r.off += n
	return x
}

func (r *stateReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("%w", errTruncated)
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *stateReader) bytes(n uint64, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.fail("%s of %d bytes: %w", what, n, errTruncated)
		return nil
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out
}

func (r *stateReader) float() float64 {
	b := r.bytes(8, "number")
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (r *stateReader) string(what string) string {
	return string(r.bytes(r.uvarint(), what))
}

// shared reads what stateWriter.shared wrote.
func (r *stateReader) shared(what string) string {
	start := r.off
	n := r.uvarint()
	if n == 0 {
		s := r.string(what)
		if r.err == nil {
			r.strings = append(r.strings, s)
		}
		return s
	}
	if r.err == nil && n > uint64(len(r.strings)) {
		r.off = start
		r.fail("%s refers to string %d of %d", what, n, len(r.strings))
		return ""
	}
	if r.err != nil {
		return ""
	}
	return r.strings[n-1]
}

func (r *stateReader) time(base int64) int64 { return r.varint() + base }

// count reads a number of items that each take at least one byte, so that
// a damaged count cannot make the reader allocate more than the input holds.
func (r *stateReader) count(what string) int {
	start := r.off
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)-r.off) {
		r.off = start
		r.fail("%d %s in %d bytes left", n, what, len(r.b)-r.off)
		return 0
	}
	return int(n)
}

// blockLen reads a correlation's block length and checks that the input
// holds it.
func (r *stateReader) blockLen() int {
	start := r.off
	b := r.bytes(blockLenBytes, "block length")
	if b == nil {
		return 0
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(r.b)-r.off) {
		r.off = start
		r.fail("block of %d bytes in %d bytes left: %w", n, len(r.b)-r.off, errTruncated)
		return 0
	}
	return int(n)
}

// int32 reads a count that a window keeps as an int32.
func (r *stateReader) int32(what string) int32 { return int32(r.bounded(what, math.MaxInt32)) }

// int reads a count that a window keeps as an int.
func (r *stateReader) int(what string) int { return int(r.bounded(what, math.MaxInt)) }

func (r *stateReader) bounded(what string, limit uint64) uint64 {
	start := r.off
	n := r.uvarint()
	if n > limit {
		r.off = start
		r.fail("%s %d is out of range", what, n)
		return 0
	}
	return n
}
