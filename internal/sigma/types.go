package sigma

import (
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// LogSource is a rule's logsource section.
type LogSource struct {
	Product    string
	Category   string
	Service    string
	Definition string
}

// Meta is what detection, correlation and filter rules share: who wrote
// them, what they mean, where they came from.
type Meta struct {
	Path           string // file the rule was read from
	Line           int    // 1-based line of the rule's document in Path
	ID             string
	Name           string // optional unique name, referenced by correlations and filters
	Title          string
	Status         string
	Description    string
	Author         string
	Date           string
	Modified       string
	Level          string // informational, low, medium, high, critical (lower case)
	Tags           []string
	References     []string
	FalsePositives []string
}

// Rule is a compiled Sigma detection rule. Match is safe for concurrent use.
type Rule struct {
	Meta
	LogSource LogSource
	Fields    []string // the rule's "fields" list, for output

	// CorrelationOnly is set when correlation rules reference this rule and
	// none of them sets generate: its matches feed those correlations and
	// raise no alert of their own (correlation specification, "Generate").
	CorrelationOnly bool

	match    matcher // compiled condition (filters already folded in)
	required []Literal
}

// Literal is a lower-cased string that must occur in the event for a rule to
// be able to match: in the value of Field, or in any value when Field is 0
// (keyword search). Required returns a set of literals of which at least one
// occurs in every event the rule matches.
type Literal struct {
	Field event.FieldID
	Text  string
}

// CorrelationType names the seven Sigma correlation types.
type CorrelationType string

const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
	ValueSum        CorrelationType = "value_sum"
	ValueAvg        CorrelationType = "value_avg"
	ValuePercentile CorrelationType = "value_percentile"
)

// Range is a correlation condition: every bound that is set must hold.
type Range struct {
	GT, GTE, LT, LTE, EQ, NEQ *float64
}

// Correlation is a parsed and validated Sigma correlation rule.
type Correlation struct {
	Meta
	Type     CorrelationType
	Rules    []string // referenced rules (id or name), as written
	GroupBy  []string
	Timespan time.Duration
	Field    string // value_count, value_sum, value_avg, value_percentile
	// Fields lists every field of condition.field when it is a list (the
	// fields are combined with AND); Field is its first entry.
	Fields    []string
	Condition Range
	// Aliases maps alias name -> referenced rule name or id -> event field.
	Aliases  map[string]map[string]string
	Generate bool
}

// Set is the outcome of loading rule files: what loaded and what was refused.
type Set struct {
	Rules        []*Rule
	Correlations []*Correlation
	Filters      []*Filter // filters loaded, already folded into Rules
	Refused      []Refusal
	Documents    int // YAML documents seen, loaded or refused

	rulesByRef map[string]*Rule
	corrsByRef map[string]*Correlation
}

// Refusal says why one rule document did not load.
type Refusal struct {
	Path string
	Line int // 1-based; 0 when unknown
	Err  error
}

func (r Refusal) Error() string {
	if r.Line > 0 {
		return r.Path + ":" + itoa(r.Line) + ": " + r.Err.Error()
	}
	return r.Path + ": " + r.Err.Error()
}

// Options configure loading.
type Options struct {
	// Placeholders are the values of %name% placeholders used with the
	// expand modifier. A rule using an undefined placeholder is refused.
	Placeholders map[string][]string
}
