package alert

import (
	"fmt"
	"slices"
	"time"
)

// ByVigil is the author of the notes Vigil writes itself (reopened, merged).
const ByVigil = "vigil"

// validate checks ch before it is applied to an item whose status is cur.
func (ch Change) validate() error {
	switch ch.Status {
	case "", StatusOpen, StatusAcknowledged, StatusClosed:
	default:
		return &ChangeError{"status", fmt.Sprintf("%q is not open, acknowledged or closed", ch.Status)}
	}
	if ch.Status == StatusClosed && ch.Reason == "" {
		return &ChangeError{"reason", "closing needs a reason, such as true_positive, false_positive, benign or duplicate"}
	}
	if ch.Mark != nil {
		if err := ch.Mark.validate(); err != nil {
			return err
		}
	}
	if ch.Status == "" && ch.Assignee == nil && ch.Comment == "" && ch.Mark == nil {
		return &ChangeError{"status", "the change sets no status, assignee or comment"}
	}
	return nil
}

// maxMarkText bounds a mark's text: a checklist item or a clock's time
// and reference.
const maxMarkText = 1000

func (m *Mark) validate() error {
	switch m.Action {
	case "", "status", "assign", "comment", "reopened", "merged":
		return &ChangeError{"mark", fmt.Sprintf("action %q is empty or one of the store's own", m.Action)}
	}
	for _, r := range m.Action {
		if (r < 'a' || r > 'z') && r != '_' {
			return &ChangeError{"mark", fmt.Sprintf("action %q: use lower-case letters and underscores", m.Action)}
		}
	}
	if len(m.Text) > maxMarkText {
		return &ChangeError{"mark", fmt.Sprintf("text of %d bytes: at most %d", len(m.Text), maxMarkText)}
	}
	return nil
}

// people is what people change on an alert or incident, and Commit keeps.
type people struct {
	status, assignee *string
	history          *[]Note
}

func alertPeople(a *Alert) people { return people{&a.Status, &a.Assignee, &a.History} }

func incidentPeople(i *Incident) people { return people{&i.Status, &i.Assignee, &i.History} }

// apply makes ch on p, noting each part in the history. now is the time
// for a Change without one.
func (p people) apply(ch Change, now time.Time) {
	at := ch.At
	if at.IsZero() {
		at = now
	}
	note := func(action, text string) {
		*p.history = append(*p.history, Note{At: at, By: ch.By, Action: action, Text: text})
	}
	if ch.Status != "" && ch.Status != *p.status {
		text := *p.status + " to " + ch.Status
		if ch.Reason != "" {
			text += " (" + ch.Reason + ")"
		}
		note("status", text)
		*p.status = ch.Status
	}
	if ch.Assignee != nil && *ch.Assignee != *p.assignee {
		note("assign", *ch.Assignee)
		*p.assignee = *ch.Assignee
	}
	if ch.Comment != "" {
		note("comment", ch.Comment)
	}
	if ch.Mark != nil {
		note(ch.Mark.Action, ch.Mark.Text)
	}
}

// keep carries what people changed from the stored version old into the
// detector's new version p: status, assignee, and the history, to which
// p's own new notes (Vigil's) are added.
func (p people) keep(old people) {
	*p.status, *p.assignee = *old.status, *old.assignee
	merged := slices.Clone(*old.history)
	for _, n := range *p.history {
		if !slices.Contains(merged, n) {
			merged = append(merged, n)
		}
	}
	*p.history = merged
}

// mergeAlert returns the version of a to store when old is stored: people's
// changes are kept, and a closed alert that was counted again is reopened.
func mergeAlert(old, a *Alert) *Alert {
	if old == nil {
		return a
	}
	m := cloneAlert(a)
	m.History = slices.Clone(a.History)
	alertPeople(m).keep(alertPeople(old))
	if old.Status == StatusClosed && a.Count > old.Count {
		m.Status = StatusOpen
		m.History = append(m.History, Note{At: a.LastSeen, By: ByVigil, Action: "reopened",
			Text: fmt.Sprintf("fired again after it was closed (count %d to %d)", old.Count, a.Count)})
	}
	return m
}

// mergeIncident is mergeAlert for incidents: a closed incident that gains
// an alert is reopened.
func mergeIncident(old, inc *Incident) *Incident {
	if old == nil {
		return inc
	}
	m := cloneIncident(inc)
	m.History = slices.Clone(inc.History)
	incidentPeople(m).keep(incidentPeople(old))
	if old.Status == StatusClosed && m.MergedInto == "" && hasNew(old.AlertIDs, inc.AlertIDs) {
		m.Status = StatusOpen
		m.History = append(m.History, Note{At: inc.LastSeen, By: ByVigil, Action: "reopened", Text: "a new alert joined it after it was closed"})
	}
	return m
}

func hasNew(old, cur []string) bool {
	for _, id := range cur {
		if !slices.Contains(old, id) {
			return true
		}
	}
	return false
}
