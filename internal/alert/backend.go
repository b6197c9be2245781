package alert

import "time"

// This file is for Store implementations outside this package (PostgreSQL):
// they must treat people's changes exactly as the FileStore does.

// Validate checks a person's change before it is applied: a *ChangeError
// names the field at fault.
func (ch Change) Validate() error { return ch.validate() }

// ApplyToAlert makes ch on a, noting each part in a's history; now is the
// time of a change without one. Validate ch first.
func (ch Change) ApplyToAlert(a *Alert, now time.Time) { alertPeople(a).apply(ch, now) }

// ApplyToIncident is ApplyToAlert for an incident.
func (ch Change) ApplyToIncident(inc *Incident, now time.Time) { incidentPeople(inc).apply(ch, now) }

// MergeAlert returns the version of a to store when old (nil if none) is
// stored: people's status, assignee and history are kept, and a closed
// alert counted again is reopened with a note. a is not changed.
func MergeAlert(old, a *Alert) *Alert { return mergeAlert(old, a) }

// MergeIncident is MergeAlert for incidents: a closed incident that gains
// an alert is reopened.
func MergeIncident(old, inc *Incident) *Incident { return mergeIncident(old, inc) }
