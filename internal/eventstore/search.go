package eventstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// target is one segment as a search reads it.
type target struct {
	path   string
	limit  int64 // bytes to read: the whole frames at snapshot time
	sum    summary
	info   *indexInfo // nil: no index on disk
	sealed bool       // damage is an error, not the end of what was written
	ruled  bool       // the active segment's filters ruled it out
}

// Search implements Store. It reads the segments newest first, skipping
// those that the time range or their index rule out, and within a segment
// decodes only the records in range whose bytes hold the query's literals.
func (l *Local) Search(ctx context.Context, q Query) (*Result, error) {
	q, err := q.normalize()
	if err != nil {
		return nil, err
	}
	n := compileExpr(q.Expr)
	targets, err := l.snapshot(n)
	if err != nil {
		return nil, err
	}
	s := newSearch(ctx, q, n)
	for i := len(targets) - 1; i >= 0; i-- {
		if err := s.segment(targets[i]); err != nil {
			return nil, err
		}
	}
	return s.result(), nil
}

// normalize applies the defaults and limits of q and parses its Text.
func (q Query) normalize() (Query, error) {
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultLimit
	case q.Limit > MaxLimit:
		q.Limit = MaxLimit
	}
	if q.Buckets < 0 || q.Buckets > MaxBuckets {
		return q, fmt.Errorf("eventstore: %d histogram buckets: want 0 to %d", q.Buckets, MaxBuckets)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, fmt.Errorf("eventstore: the range since %s until %s is empty", q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))
	}
	if q.Expr == nil && q.Text != "" {
		x, err := ParseQuery(q.Text)
		if err != nil {
			return q, err
		}
		q.Expr = x
	}
	return q, nil
}

// snapshot lists what a search reads, as the store stands now; records
// appended later are not read. The active segment's filters are consulted
// here, under the lock, since appends change them.
func (l *Local) snapshot(n node) ([]target, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	if l.readOnly {
		if err := l.refresh(); err != nil {
			return nil, err
		}
	}
	ts := make([]target, 0, len(l.sealed)+1)
	for _, s := range l.sealed {
		ts = append(ts, target{path: s.path, limit: s.sum.bytes, sum: s.sum, info: s.info, sealed: true})
	}
	if a := l.act; a != nil {
		ts = append(ts, target{path: a.path, limit: a.size, sum: a.b.sum, ruled: !n.may(a.b.f)})
	}
	if t := l.tail; t != nil {
		ts = append(ts, target{path: t.path, limit: t.b.sum.bytes, sum: t.b.sum})
	}
	return ts, nil
}

// noFilter answers every index question with no: a node that may match
// against it cannot be ruled out by an index, nor by literals.
type noFilter struct{}

func (noFilter) hasName(string) bool         { return false }
func (noFilter) hasTrigrams(string) bool     { return false }
func (noFilter) hasPair(string, string) bool { return false }

// search is one Search in progress.
type search struct {
	ctx      context.Context
	q        Query
	n        node
	decode   bool // the query looks at more than the time
	useIndex bool // an index can rule segments out
	useRaw   bool // literals can rule records out
	ev       event.Event
	lower    []byte
	top      topHits
	times    []int64 // matched event times, for the histogram
	matched  int64
	scanned  int64
}

func newSearch(ctx context.Context, q Query, n node) *search {
	_, all := n.(matchAll)
	return &search{
		ctx: ctx, q: q, n: n, decode: !all,
		useIndex: !n.may(noFilter{}), useRaw: !n.raw(""),
		top: topHits{limit: q.Limit},
	}
}

// segment searches one segment.
func (s *search) segment(t target) error { return s.scanTarget(t, s.record) }

// scanTarget runs fn over the records of one segment, unless its time range
// or its index rule it out.
func (s *search) scanTarget(t target, fn func(seq uint64, data []byte, off int64) error) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if t.ruled || !t.sum.overlaps(s.q.Since, s.q.Until) {
		return nil
	}
	if t.info != nil && s.useIndex {
		f, err := t.info.loadFilters(indexPath(t.path))
		if errors.Is(err, os.ErrNotExist) {
			return nil // deleted by retention since the snapshot
		}
		if err != nil {
			return err
		}
		if !s.n.may(f) {
			return nil
		}
	}
	_, err := scanFile(t.path, t.limit, t.sealed, fn)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// record looks at one record.
func (s *search) record(seq uint64, data []byte, _ int64) error {
	s.scanned++
	if s.scanned%4096 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	t, ok := s.keep(data)
	if !ok {
		return nil
	}
	s.matched++
	if s.q.Buckets > 0 {
		s.times = append(s.times, unixNano(t))
	}
	s.top.offer(t, seq, data)
	return nil
}

// keep reports whether a record is in the time range and matches the
// query, and returns its event time. A record that does not decode
// matches nothing.
func (s *search) keep(data []byte) (time.Time, bool) {
	t, err := event.BinaryTime(data)
	if err != nil || !s.inRange(t) {
		return t, false
	}
	if s.useRaw && !s.rawMay(data) {
		return t, false
	}
	if s.decode && (s.ev.UnmarshalBinary(data) != nil || !s.n.match(&s.ev)) {
		return t, false
	}
	return t, true
}

func (s *search) inRange(t time.Time) bool {
	if t.IsZero() { // no time: before every time
		return s.q.Since.IsZero()
	}
	return (s.q.Since.IsZero() || !t.Before(s.q.Since)) && (s.q.Until.IsZero() || t.Before(s.q.Until))
}

// rawMay lower-cases the record's ASCII letters and asks the query whether
// its literals are all there. Literals with non-ASCII bytes are not tested
// (see termNode.raw); for ASCII ones, folding only ASCII is enough, as
// Unicode folding turns no other byte into ASCII except in two runes, the
// Kelvin sign and the dotted capital I, whose records are let through.
func (s *search) rawMay(data []byte) bool {
	if cap(s.lower) < len(data) {
		s.lower = make([]byte, 2*len(data))
	}
	if foldsToASCII(data) {
		return true
	}
	low := s.lower[:len(data)]
	for i, c := range data {
		low[i] = asciiLower[c]
	}
	return s.n.raw(bytesString(low))
}

// asciiLower maps each byte to its ASCII lower case.
var asciiLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// foldsToASCII reports whether b holds U+212A (Kelvin sign) or U+0130
// (capital I with dot), the only runes Unicode lower-cases to ASCII.
func foldsToASCII(b []byte) bool {
	return bytes.Contains(b, []byte("\u212a")) || bytes.Contains(b, []byte("\u0130"))
}

// unixNano is t in nanoseconds, saturated outside the years 1678 to 2262.
func unixNano(t time.Time) int64 {
	const maxSec = (1<<63 - 1) / 1_000_000_000
	switch sec := t.Unix(); {
	case sec > maxSec:
		return 1<<63 - 1
	case sec < -maxSec:
		return -1 << 63
	}
	return t.UnixNano()
}

func (s *search) result() *Result {
	r := &Result{Matched: s.matched, Scanned: s.scanned, Events: s.top.hits(), Histogram: []Bucket{}}
	r.Truncated = r.Matched > int64(len(r.Events))
	if s.q.Buckets > 0 {
		r.Histogram = histogram(s.times, s.q.Since, s.q.Until, s.q.Buckets)
	}
	return r
}

// histogram counts times into n equal buckets over [since, until), each
// open bound taken from the times themselves; times outside fall into the
// first or last bucket, so that the counts add up to len(times).
func histogram(times []int64, since, until time.Time, n int) []Bucket {
	lo, hi := int64(1<<63-1), int64(-1<<63)
	for _, t := range times {
		lo, hi = min(lo, t), max(hi, t)
	}
	if len(times) == 0 {
		lo, hi = 0, 0
	}
	if !since.IsZero() {
		lo = unixNano(since)
	}
	if !until.IsZero() {
		hi = unixNano(until) - 1
	}
	span := uint64(hi-lo) + 1
	width := max(int64((span+uint64(n)-1)/uint64(n)), 1)
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = time.Unix(0, lo+int64(i)*width).UTC()
	}
	for _, t := range times {
		i := int64(0)
		if t > lo {
			i = min(int64(uint64(t-lo)/uint64(width)), int64(n-1))
		}
		out[i].Count++
	}
	return out
}
