// Package correlate is the stateful engine for Sigma correlation rules
// (Sigma specification 2.1, "Sigma Correlation Rules"). A detector feeds it
// the matches of detection rules in event-time order; it keeps one window per
// correlation and group, and reports the correlations those matches complete.
//
// # Inputs
//
// New resolves every correlation's rules among the detection rules and
// correlations it is given, as internal/sigma does: a rule by name, a rule by
// id (ids compare without case), a correlation by name, a correlation by id.
// A reference to a
// correlation makes a chain: the inner correlation's results act as events of
// that correlation, whose fields are the inner result's group-by values (so an
// outer correlation can group by, and count, only what the inner one groups
// by; New refuses anything else). New refuses a correlation with an unknown
// type, an unknown or ambiguous reference, a reference cycle, a timespan that
// is not positive, a missing condition or field, several fields for a
// numeric type, or an aliases entry for a rule it does not reference, and
// every correlation that uses a refused one; the Engine it returns runs the
// others, and the error (an errors.Join of *Error)
// names each refused correlation and the reference at fault.
//
// Group-by values and Field are read from event fields interned once at New.
// An alias in group-by (or in field) is replaced, per referenced rule, by the
// field its aliases entry names for that rule (the entry may be keyed by the
// rule's name, its id, or the reference as written); a rule without an entry
// uses the alias as a field name. New refuses an aliases entry for a rule
// the correlation does not reference. A field with several values gives its
// first. An event that lacks a group-by field is left out of that
// correlation (as SQL's GROUP BY and SIEM "stats by" leave out nulls) and
// counted in Stats.MissingGroupBy.
//
// # What is counted
//
//   - event_count: the events in the window.
//   - value_count: the distinct values of Field in the window (compared as
//     written, case-sensitive); with several fields (Fields), the distinct
//     combinations of their values.
//   - temporal: the distinct referenced rules that matched in the window.
//   - temporal_ordered: the length of the longest prefix of the rules, in the
//     order listed, matched by events in that order within the window (a rule
//     may be listed twice; one event never counts as both a step and the step
//     after it).
//   - value_sum, value_avg: the sum and mean of Field read as a number
//     (decimal, or 0x hexadecimal); NaN and infinities are not numbers.
//   - value_percentile: the DefaultPercentile-th percentile (the median) of
//     Field, interpolated linearly between the closest ranks; sigma's types
//     carry no percentile rank yet, and the specification says only that "median
//     is a percentile 50".
//
// For the value types an event whose Field is missing or, for the numeric
// types, not a number stays in the window (in Events and EventCount) but not
// in Value; Result.Ignored and Stats.Ignored count it. A sum, mean or
// percentile needs at least one number to hold.
//
// An event that matches several rules of one correlation counts once, as in
// a query over the union of the rules, except for temporal and
// temporal_ordered, where it counts for each rule it matches. ObserveAll
// takes all of an event's matches at once; Observe, called once per rule,
// takes consecutive calls with the same *event.Event, time, record, source,
// number of fields and first field value for one event.
//
// The condition holds when every bound it sets (gt, gte, lt, lte, eq, neq)
// holds. A temporal or temporal_ordered correlation without a condition
// needs all its rules.
//
// # Windows and when a result is emitted
//
// Time is event time (Event.Time). A window covers Timespan: events at t0
// and t0+Timespan are in one window. Two kinds of window are used, chosen
// per correlation at New:
//
//   - A condition with only lower bounds (gt, gte, or none) on a count or a
//     sum (event_count, value_count, temporal, temporal_ordered, value_sum)
//     is decided at each event, over a sliding window: the events of the group
//     in the Timespan up to and including this one. The result is emitted the
//     moment the condition first holds, and the group starts afresh: the
//     events that made the result do not count again. So a burst of 1,000
//     events against "gte: 100" gives 10 results, not 901. This reads the
//     specification's "the time frame should not be restricted to boundaries"
//     literally; its backends' queries, which bucket time and emit one row per
//     bucket, give one result per bucket and can miss a burst that straddles
//     two buckets.
//   - Any other condition (with lt, lte, eq or neq, which later events could
//     still break) and every value_avg and value_percentile (which describe a
//     whole window; deciding early would alert on the first large value) is
//     decided when its window closes. Such a window opens at the group's
//     first event after the previous one closed and closes Timespan later: at
//     the first Observe or Advance past that time, or at Flush. A window that
//     can no longer meet an upper bound (a count past lt) stops keeping its
//     events. Result.Time is the window's end.
//
// Events should arrive in event-time order. A late event (older than the
// latest one in its window) is taken as happening at that latest time and
// counted in Stats.Late; an event without a time is taken as happening at
// the latest time seen.
//
// A chained correlation receives its inner correlation's results as events
// at the result's Time.
//
// # Results and generate
//
// Observe, Advance and Flush return the results in the order they were
// decided (windows that close together come correlation by correlation,
// inner correlations first), including the results of correlations that feed other
// correlations (the outer correlation's Events list the underlying base
// events). Per the specification's generate (default false), a detection
// rule or correlation that is referenced by correlations, none of which sets
// generate: true, is not reported on its own: Suppressed and
// SuppressedCorrelation say so, and Result.Suppressed marks such results. Only
// direct references count: generate on an outer correlation releases the
// rules and correlations it lists, not those their inner correlations list.
// (Where pySigma suppresses a rule referenced by any non-generating
// correlation, this engine reports it when any of its correlations asks; a
// missed alert costs more than a repeated one.)
//
// # Memory
//
// Closed and expired windows are dropped at once. A window keeps at most
// MaxEventRefs event references (Result.EventCount has the full count) and
// MaxWindowEntries entries: past that its two oldest entries are merged,
// which keeps counts and sums, and leaves the window with the older time (so
// the engine can miss a match under such load, never invent one); Stats.Merged
// counts this. A percentile window samples at most MaxPercentileValues values.
package correlate
