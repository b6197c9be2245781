// Package hunt runs Sigma rules over log files after the fact, as an
// incident responder does: it reads every input, evaluates the compiled rules
// on both cores, runs correlation rules in event-time order, and reports
// detections with a summary of what was read and what was skipped.
package hunt

import (
	"fmt"
	"strings"
	"time"
)

// Level is a Sigma rule level, ordered by severity.
type Level int

// The Sigma levels, least severe first.
const (
	Informational Level = iota
	Low
	Medium
	High
	Critical
)

var levelNames = []string{"informational", "low", "medium", "high", "critical"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "unknown"
}

// ParseLevel reads a level name (case-insensitive).
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if strings.EqualFold(s, n) {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want one of %s)", s, strings.Join(levelNames, ", "))
}

// levelOf maps a rule's level to a Level; a rule without a level counts as
// informational so that --min-level never hides a rule by accident of typing.
func levelOf(s string) Level {
	l, err := ParseLevel(s)
	if err != nil {
		return Informational
	}
	return l
}

// Detection is one finding: a rule that matched one event, or a correlation
// rule whose condition held over a group of events.
type Detection struct {
	RuleID    string         `json:"rule_id"`
	RuleTitle string         `json:"rule_title"`
	Level     string         `json:"level"`
	Tags      []string       `json:"tags"`
	Timestamp time.Time      `json:"timestamp"`
	Source    string         `json:"source"`
	Record    uint64         `json:"record"`
	Computer  string         `json:"computer"`
	Event     map[string]any `json:"event,omitempty"`

	// Correlation results only.
	Correlation *CorrelationInfo `json:"correlation,omitempty"`
}

// CorrelationInfo describes the group of events a correlation rule matched.
type CorrelationInfo struct {
	Type       string            `json:"type"`
	GroupBy    map[string]string `json:"group_by,omitempty"`
	Value      float64           `json:"value"`
	First      time.Time         `json:"first"`
	Last       time.Time         `json:"last"`
	EventCount int               `json:"event_count"`
	Events     []EventRef        `json:"events"`
}

// EventRef names one event of a correlation by where it was read.
type EventRef struct {
	RuleID string    `json:"rule_id"`
	Source string    `json:"source"`
	Record uint64    `json:"record"`
	Time   time.Time `json:"timestamp"`
}
