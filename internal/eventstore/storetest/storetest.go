// Package storetest is the test suite every eventstore.Store must pass, the
// embedded segment store and PostgreSQL alike, so that search behaves the
// same on either.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Run runs the cases that need only a fresh store: open returns a new,
// empty one (the suite closes it).
func Run(t *testing.T, open func(t *testing.T) eventstore.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, eventstore.Store)
	}{
		{"Empty", testEmpty},
		{"AppendReplay", testAppendReplay},
		{"Gaps", testGaps},
		{"OrderAndLimit", testOrderAndLimit},
		{"TimeRange", testTimeRange},
		{"Fields", testFields},
		{"FreeText", testFreeText},
		{"NotOr", testNotOr},
		{"Histogram", testHistogram},
		{"HitContent", testHitContent},
		{"BadQuery", testBadQuery},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

// Opener opens the store kept at dir (a folder for an embedded store; a
// database name would do for others) with opts; opening dir again after
// Close must give back what was appended there.
type Opener func(t *testing.T, dir string, opts eventstore.Options) eventstore.Store

// RunDurable runs the cases about reopening and retention. tear, if not
// nil, damages the end of what a closed store at dir wrote as a crash
// part-way through a write would; a store without such a tail (a
// database) passes nil.
func RunDurable(t *testing.T, open Opener, tear func(t *testing.T, dir string)) {
	t.Run("Reopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("RetentionByAge", func(t *testing.T) { testRetentionByAge(t, open) })
	t.Run("RetentionBySize", func(t *testing.T) { testRetentionBySize(t, open) })
	if tear != nil {
		t.Run("TornTail", func(t *testing.T) { testTornTail(t, open, tear) })
	}
}

// Base is the suite's reference time; event i of the corpus happens i
// minutes after it.
var Base = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

// Event describes one test event.
type Event struct {
	Time      time.Time
	Host      string
	Source    string
	LogSource event.LogSource
	Fields    [][2]string
}

// Encode returns the event as the write-ahead log holds it.
func (e Event) Encode() []byte {
	var ev event.Event
	ev.Time, ev.Host, ev.Source, ev.LogSource = e.Time, e.Host, e.Source, e.LogSource
	for _, f := range e.Fields {
		ev.Set(f[0], f[1])
	}
	return ev.AppendBinary(nil)
}

// Records encodes events as records numbered from first on.
func Records(first uint64, evs ...Event) []eventstore.Record {
	recs := make([]eventstore.Record, len(evs))
	for i, e := range evs {
		recs[i] = eventstore.Record{Seq: first + uint64(i), Data: e.Encode()}
	}
	return recs
}

// Numbered returns n plain events, event i at Base + i minutes.
func Numbered(n int) []Event {
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{
			Time: Base.Add(time.Duration(i) * time.Minute), Host: fmt.Sprintf("WS%02d", i%7), Source: "test",
			LogSource: event.LogSource{Product: "windows", Service: "security"},
			Fields:    [][2]string{{"EventID", "4624"}, {"Index", fmt.Sprint(i)}, {"Message", fmt.Sprintf("logon number %d of the suite", i)}},
		}
	}
	return evs
}

func appendRecs(t *testing.T, s eventstore.Store, recs []eventstore.Record) {
	t.Helper()
	if err := s.Append(context.Background(), recs); err != nil {
		t.Fatalf("Append: %v", err)
	}
}

func position(t *testing.T, s eventstore.Store) uint64 {
	t.Helper()
	p, err := s.Position(context.Background())
	if err != nil {
		t.Fatalf("Position: %v", err)
	}
	return p
}

func stats(t *testing.T, s eventstore.Store) eventstore.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func search(t *testing.T, s eventstore.Store, q eventstore.Query) *eventstore.Result {
	t.Helper()
	r, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	if r.Matched < int64(len(r.Events)) || r.Truncated != (r.Matched > int64(len(r.Events))) {
		t.Fatalf("Search(%q): %d events of %d matched, truncated %v", q.Text, len(r.Events), r.Matched, r.Truncated)
	}
	return r
}

// seqs returns the sequence numbers of a result's events.
func seqs(r *eventstore.Result) []uint64 {
	out := make([]uint64, len(r.Events))
	for i, h := range r.Events {
		out[i] = h.Seq
	}
	return out
}

// sortedSeqs returns them ascending, for comparing sets.
func sortedSeqs(r *eventstore.Result) []uint64 {
	s := seqs(r)
	slices.Sort(s)
	return s
}

func span(first, last uint64) []uint64 {
	var out []uint64
	for s := first; s <= last; s++ {
		out = append(out, s)
	}
	return out
}
