// Package alert turns detections into alerts a person can work through: the
// same rule on the same host and key within a window is one alert with a
// count, alerts linked by host, user, the hosts and addresses their events
// name, or a correlation group into incidents, people's changes (status,
// assignee, comments) are kept beside the detector's, and every change is
// committed with the position in the event log it came from, so that a
// restart neither loses nor repeats an alert.
package alert

import (
	"context"
	"errors"
	"time"
)

// Alert is one rule firing, possibly many times, on one host and key.
type Alert struct {
	ID         string    `json:"id"` // stable: derived from rule, host, key and window start
	RuleID     string    `json:"rule_id"`
	RuleTitle  string    `json:"rule_title"`
	Level      string    `json:"level"`
	Tags       []string  `json:"tags"`
	Host       string    `json:"host"`
	User       string    `json:"user,omitempty"`
	Key        string    `json:"key,omitempty"` // the correlation's group-by values, if any
	Count      int       `json:"count"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	IncidentID string    `json:"incident_id"`
	Records    []uint64  `json:"records"` // EventRecordIDs (or event ids) it was raised on, capped
	Status     string    `json:"status"`  // open, acknowledged, closed
	Assignee   string    `json:"assignee,omitempty"`
	History    []Note    `json:"history,omitempty"` // people's changes and Vigil's own (reopened), oldest first
	// Updated is the Deduper's clock (the newest event time it had seen)
	// when it last counted the alert: how recent the alert is in the
	// stream even when its events are old, as in an import of old logs.
	Updated time.Time      `json:"updated,omitzero"`
	Event   map[string]any `json:"event,omitempty"`
}

// Incident groups the alerts that belong to one intrusion within a window:
// those of one host or real user, those linked by the hosts and addresses
// their events name (lateral movement), and those linked by a correlation.
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
	Assignee  string    `json:"assignee,omitempty"`
	History   []Note    `json:"history,omitempty"`
	// Entities are what links other alerts to the incident, each as
	// "kind:value" (see EntityKind): its hosts' addresses and the hosts,
	// addresses and artefacts its alerts' events name. They are kept so
	// that a restart links as the first run did.
	Entities []string `json:"entities,omitempty"`
	// MergedInto is set when a later alert linked this incident to an
	// older one: its alerts now belong to that one.
	MergedInto string    `json:"merged_into,omitempty"`
	Updated    time.Time `json:"updated,omitzero"` // as Alert.Updated
	// Links are the keys (as LinkKeys gives them) under which its alerts,
	// when placed, looked for other incidents by the hosts, addresses and
	// artefacts their events and sightings named: what the cross-partition
	// linker matches against other partitions' incidents. Only a Deduper
	// told to (KeepLinks) records them; the single process needs none.
	Links []string `json:"links,omitempty"`
}

// Note is one entry of an alert's or incident's history.
type Note struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"` // status, assign, comment, reopened, merged
	Text   string    `json:"text,omitempty"`
}

// Statuses of alerts and incidents.
const (
	StatusOpen         = "open"
	StatusAcknowledged = "acknowledged"
	StatusClosed       = "closed"
)

// Change is a person's change to an alert or incident. Zero fields change
// nothing; a change with none set but a Comment only adds the comment.
type Change struct {
	Status   string  // "" (unchanged), open, acknowledged or closed
	Assignee *string // nil: unchanged; "": unassigned
	Comment  string
	// Reason is required when closing: why, such as true_positive,
	// false_positive, benign or duplicate.
	Reason string
	By     string    // who made the change
	At     time.Time // when; zero means now
	// Mark, when set, adds a note of the caller's own kind to the
	// history, as a comment is added: the console's playbook steps and
	// clocks. The store gives it no meaning beyond keeping it.
	Mark *Mark
}

// Mark is a note of a kind the store does not interpret: Action names the
// kind (lower-case letters and underscores, none of the store's own
// actions: status, assign, comment, reopened, merged), Text what it says.
type Mark struct {
	Action, Text string
}

// ErrNotFound is returned for an alert or incident id the store does not
// hold.
var ErrNotFound = errors.New("alert: not found")

// ChangeError is a Change the store refuses, naming the field at fault.
type ChangeError struct {
	Field, Reason string
}

func (e *ChangeError) Error() string { return "alert: change: field " + e.Field + ": " + e.Reason }

// Query selects alerts; zero fields do not filter.
type Query struct {
	Since, Until time.Time // on LastSeen: Since <= LastSeen < Until
	Level        string    // this level and above (see LevelRank); an unknown level is an error
	RuleID       string
	Host         string // case-insensitive
	Status       string
	IncidentID   string // the alerts of this incident
	Limit        int    // default 1000 (DefaultLimit)
}

// IncidentQuery selects incidents. By default it leaves out those merged
// into another (MergedInto set): a person reading a list should see each
// attack once, under the incident that absorbed the others.
type IncidentQuery struct {
	// Since selects the incidents last seen at or after it, so that a
	// reader of one period (a report) need not read every incident; zero
	// selects all.
	Since time.Time
	// Merged includes the incidents merged into another, as the detector
	// needs to restore its windows.
	Merged bool
	// Limit applies after the other filters: default 1000 (DefaultLimit).
	Limit int
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
	// Count is how many alerts and incidents the store holds, without
	// reading them.
	Count(ctx context.Context) (alerts, incidents int, err error)
	// Alerts returns matching alerts, newest LastSeen first (ties by ID).
	Alerts(ctx context.Context, q Query) ([]*Alert, error)
	// Incidents returns the incidents q selects, newest LastSeen first
	// (ties by ID), at most q.Limit of them.
	Incidents(ctx context.Context, q IncidentQuery) ([]*Incident, error)
	// Alert and Incident return one item by id, or ErrNotFound.
	Alert(ctx context.Context, id string) (*Alert, error)
	Incident(ctx context.Context, id string) (*Incident, error)
	// UpdateAlert and UpdateIncident apply a person's change durably and
	// return the item as it now stands: ErrNotFound for an unknown id, a
	// *ChangeError for a bad status or closing without a reason. Commit
	// keeps what people changed (status, assignee, history) when the
	// detector commits a new version of the same item, except that a
	// closed alert counted again is reopened, with a note saying so.
	UpdateAlert(ctx context.Context, id string, ch Change) (*Alert, error)
	UpdateIncident(ctx context.Context, id string, ch Change) (*Incident, error)
	Close() error
}
