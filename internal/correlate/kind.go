package correlate

import "github.com/vigilhealth/vigil/internal/sigma"

// kind is a correlation type, as a small integer for switches on the hot path.
type kind uint8

const (
	eventCount kind = iota
	valueCount
	temporal
	temporalOrdered
	valueSum
	valueAvg
	valuePercentile
)

var kinds = map[sigma.CorrelationType]kind{
	sigma.EventCount:      eventCount,
	sigma.ValueCount:      valueCount,
	sigma.Temporal:        temporal,
	sigma.TemporalOrdered: temporalOrdered,
	sigma.ValueSum:        valueSum,
	sigma.ValueAvg:        valueAvg,
	sigma.ValuePercentile: valuePercentile,
}

func (k kind) needsField() bool { return k == valueCount || k.numeric() }

func (k kind) numeric() bool { return k == valueSum || k == valueAvg || k == valuePercentile }

// growing reports whether the value only grows as events join a window (a
// sum can shrink with negative values, a mean or percentile either way).
func (k kind) growing() bool { return k <= temporalOrdered }

// slidable reports whether a lower-bound condition on the value can be
// decided at each event over a sliding window.
func (k kind) slidable() bool { return k.growing() || k == valueSum }

// perRule reports whether an event counts once per rule it matches.
func (k kind) perRule() bool { return k == temporal || k == temporalOrdered }
