// Package alert turns detections into alerts a person can work through: the
// same rule on the same host and key within a window is one alert with a
// count, alerts close together on one host or user group into incidents,
// and every change is committed with the position in the event log it
// came from, so that a restart neither loses nor repeats an alert.
package alert

import (
	"context"
	"time"
)

// Alert is one rule firing, possibly many times, on one host and key.
type Alert struct {
	ID         string         `json:"id"` // stable: derived from rule, host, key and window start
	RuleID     string         `json:"rule_id"`
	RuleTitle  string         `json:"rule_title"`
	Level      string         `json:"level"`
	Tags       []string       `json:"tags"`
	Host       string         `json:"host"`
	User       string         `json:"user,omitempty"`
	Key        string         `json:"key,omitempty"` // the correlation's group-by values, if any
	Count      int            `json:"count"`
	FirstSeen  time.Time      `json:"first_seen"`
	LastSeen   time.Time      `json:"last_seen"`
	IncidentID string         `json:"incident_id"`
	Records    []uint64       `json:"records"` // EventRecordIDs (or event ids) it was raised on, capped
	Status     string         `json:"status"`  // open, acknowledged, closed
	Event      map[string]any `json:"event,omitempty"`
}

// Incident groups the alerts of one host or user within a window, or the
// alerts linked by a correlation.
type Incident struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Level     string    `json:"level"` // the highest level of its alerts
	Hosts     []string  `json:"hosts"`
	Users     []string  `json:"users,omitempty"`
	AlertIDs  []string  `json:"alert_ids"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Status    string    `json:"status"`
}

// Query selects alerts; zero fields do not filter.
type Query struct {
	Since, Until time.Time // on LastSeen: Since <= LastSeen < Until
	Level        string    // this level and above (see LevelRank); an unknown level is an error
	RuleID       string
	Host         string // case-insensitive
	Status       string
	Limit        int // default 1000 (DefaultLimit)
}

// Store keeps alerts and incidents. Implementations: the embedded default
// and, later, PostgreSQL; both pass the same test suite.
type Store interface {
	// Commit records, in one atomic and durable step, the alerts and
	// incidents created or updated by processing the event log up to and
	// including position pos. After a crash, Position tells where to resume.
	Commit(ctx context.Context, pos uint64, alerts []*Alert, incidents []*Incident) error
	// Position is the event-log position of the last Commit (0 if none).
	Position(ctx context.Context) (uint64, error)
	// Alerts returns matching alerts, newest LastSeen first (ties by ID).
	Alerts(ctx context.Context, q Query) ([]*Alert, error)
	// Incidents returns incidents, newest LastSeen first (ties by ID), at
	// most limit (DefaultLimit if limit <= 0).
	Incidents(ctx context.Context, limit int) ([]*Incident, error)
	Close() error
}
