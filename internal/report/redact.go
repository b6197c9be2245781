package report

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

// WithoutDetail returns a copy of f for a reader who may not see event
// detail, such as the board in the console: incidents keep their level,
// times, status and how many systems they involved, but not their title
// (a rule's title), systems, users or notes; alerts keep their level,
// times, status and rule, not their host, user, matched event or who did
// what. The figures, the charts and the CAF assessment are those of f,
// which were computed before. f itself is not changed: its alerts and
// incidents may be shared with the store they came from.
func (f *Facts) WithoutDetail() *Facts {
	g := *f
	g.Redacted = true
	g.Alerts = make([]*alert.Alert, len(f.Alerts))
	for i, a := range f.Alerts {
		g.Alerts[i] = &alert.Alert{
			ID: a.ID, RuleID: a.RuleID, RuleTitle: a.RuleTitle, Level: a.Level, Tags: a.Tags, Count: a.Count,
			FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, Status: a.Status, Updated: a.Updated,
			History: statusOnly(a.History),
		}
	}
	g.Incidents = make([]*alert.Incident, len(f.Incidents))
	for i, inc := range f.Incidents {
		g.Incidents[i] = &alert.Incident{
			ID: inc.ID, Level: inc.Level, FirstSeen: inc.FirstSeen, LastSeen: inc.LastSeen, Status: inc.Status,
			Hosts:   make([]string, len(inc.Hosts)), // how many, not which
			History: statusOnly(inc.History),
		}
	}
	return &g
}

// statusOnly keeps the status changes of a history (the triage times are
// measured from them), without who made them unless it was Vigil.
func statusOnly(h []alert.Note) []alert.Note {
	var out []alert.Note
	for _, n := range h {
		if n.Action != "status" {
			continue
		}
		by := "a person"
		if n.By == alert.ByVigil {
			by = alert.ByVigil
		}
		out = append(out, alert.Note{At: n.At, By: by, Action: n.Action, Text: statusText(n.Text)})
	}
	return out
}

// statusText keeps the statuses of a status note ("open to closed
// (false_positive)" gives "open to closed"), not the reason a person
// typed.
func statusText(text string) string {
	st, _, _ := strings.Cut(text, " (")
	return st
}
