package correlate

import (
	"time"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// Limits that bound the memory one window can hold (see the package comment).
const (
	// MaxEventRefs is how many event references a Result carries.
	MaxEventRefs = 100
	// MaxWindowEntries is how many entries (events, or distinct values for a
	// value_count window decided at its close) one window keeps.
	MaxWindowEntries = 4096
	// MaxPercentileValues is how many values a value_percentile window keeps;
	// past it, it keeps a uniform sample of them.
	MaxPercentileValues = 4096
	// DefaultPercentile is the percentile rank value_percentile computes.
	DefaultPercentile = 50
)

// EventRef identifies one base event that a result grouped. It holds copies,
// never the caller's event.
type EventRef struct {
	Source string    // Event.Source
	Record uint64    // Event.Record
	Time   time.Time // Event.Time
	RuleID string    // the detection rule that matched it: its id, or its name when it has none
}

// Result is one correlation match.
type Result struct {
	Correlation *sigma.Correlation
	// GroupBy maps each group-by entry of the correlation, as written (a
	// field or an alias), to the group's value.
	GroupBy map[string]string
	// First and Last are the times of the first and the last event counted
	// (for a chain, of the inner results).
	First, Last time.Time
	// Time is when the result was decided: the event that completed it, or
	// the end of a window decided when it closed.
	Time time.Time
	// Value is the count, distinct count, sum, average or percentile that met
	// the condition.
	Value float64
	// Events are the base events grouped, oldest first (for a chain, the
	// underlying base events), at most MaxEventRefs of them; EventCount is
	// their full number.
	Events     []EventRef
	EventCount int
	// Ignored counts the events in the window (for a chain, the inner
	// results) left out of Value because Field was missing or not a number.
	Ignored int
	// Suppressed is set when the correlation only feeds other correlations,
	// none of which sets generate: true; it should not be reported on its own.
	Suppressed bool
}

// Stats counts what the engine has seen, for metrics.
type Stats struct {
	Windows        int    // windows open now
	MissingGroupBy uint64 // events left out because a group-by field was missing
	Ignored        uint64 // events whose Field was missing or not a number
	Late           uint64 // events older than the latest one in their window
	Merged         uint64 // entries merged because a window was full
}
