package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
)

// maxIncidentsShown bounds the incidents list.
const maxIncidentsShown = 500

// IncidentsPage is the data of the incidents list. Board members see
// counts and statuses only: no titles, hosts or users.
type IncidentsPage struct {
	Incidents []*alert.Incident
	Status    string // the filter: open (open and acknowledged), closed or all
	// Merged lists the incidents merged into another too; by default they
	// are left out, as the incident they joined shows the same attack.
	Merged bool
	Counts map[string]int // of the incidents not merged
	Board  bool
}

func (c *Console) incidentsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = "open"
	}
	if !slices.Contains([]string{"open", "closed", "all"}, status) {
		c.Error(w, r, http.StatusBadRequest, "Choose open, closed or all incidents", "The status filter can only be open, closed or all.")
		return
	}
	merged := q.Get("merged")
	if merged != "" && merged != "true" && merged != "false" {
		c.Error(w, r, http.StatusBadRequest, "Choose whether to show merged incidents", "The merged filter can only be true or false.")
		return
	}
	all, err := c.deps.Alerts.Incidents(r.Context(), alert.IncidentQuery{Merged: merged == "true", Limit: maxIncidentsShown})
	if err != nil {
		c.storeFailed(w, r, "incidents", err)
		return
	}
	p, _ := auth.FromContext(r.Context())
	page := IncidentsPage{Status: status, Merged: merged == "true", Counts: map[string]int{}, Board: p.Role == auth.RoleBoard}
	for _, inc := range all {
		if inc.MergedInto == "" {
			page.Counts[inc.Status]++
		}
		closed := inc.Status == alert.StatusClosed
		if status == "all" || closed == (status == "closed") {
			page.Incidents = append(page.Incidents, inc)
		}
	}
	c.Render(w, r, http.StatusOK, "incidents", page)
}

// IncidentPage is the data of an incident's page.
type IncidentPage struct {
	Incident   *alert.Incident
	Alerts     []*alert.Alert
	Timeline   []TimelineEntry
	Kind       string // the playbook kind: chosen, or suggested from the alerts
	Chosen     bool   // Kind was chosen by a person
	Playbook   Playbook
	Playbooks  []Playbook
	Checklist  []ChecklistItem
	Clocks     []Clock
	ClockKinds []ClockKind
	Now        string // now as a datetime-local value, the clock form's default
	Error      string
	Form       ChangeForm
	Reasons    []Reason
	PostURL    string
}

// TimelineEntry is one moment of an incident: an alert raised, or a
// person's or Vigil's note.
type TimelineEntry struct {
	At      time.Time
	By      string
	Text    string
	AlertID string // set for an alert's first sighting
}

func (c *Console) incidentPage(w http.ResponseWriter, r *http.Request) {
	c.showIncident(w, r, http.StatusOK, ChangeForm{}, "")
}

func (c *Console) showIncident(w http.ResponseWriter, r *http.Request, code int, form ChangeForm, msg string) {
	id := r.PathValue("id")
	inc, err := c.deps.Alerts.Incident(r.Context(), id)
	if errors.Is(err, alert.ErrNotFound) {
		c.Error(w, r, http.StatusNotFound, "Incident not found", "There is no incident with this id. Go back to the incidents list.")
		return
	}
	if err != nil {
		c.storeFailed(w, r, "incidents", err)
		return
	}
	alerts, err := c.deps.Alerts.Alerts(r.Context(), alert.Query{IncidentID: id, Limit: alert.MaxIncidentAlerts})
	if err != nil {
		c.storeFailed(w, r, "alerts", err)
		return
	}
	now := c.deps.Now()
	page := IncidentPage{Incident: inc, Alerts: alerts, Playbooks: playbooks, ClockKinds: clockKinds,
		Clocks: clocksOf(inc.History, now), Now: now.In(c.deps.Location).Format(localTimeLayout),
		Error: msg, Form: form, Reasons: closeReasons, PostURL: "/incidents/" + urlPathEscape(id)}
	kind, ticked := checklistState(inc.History)
	page.Kind, page.Chosen = kind, kind != ""
	if kind == "" {
		page.Kind = suggestKind(alerts)
	}
	page.Playbook = playbookOf(page.Kind)
	for _, s := range page.Playbook.Steps {
		key := page.Playbook.Kind + "/" + s.ID
		n, done := ticked[key]
		item := ChecklistItem{Step: s, Key: key, Done: done}
		if done {
			item.By, item.At = n.By, c.when(n.At)
		}
		page.Checklist = append(page.Checklist, item)
	}
	page.Timeline = timelineOf(inc, alerts)
	c.Render(w, r, code, "incident", page)
}

// timelineOf merges an incident's alerts' first sightings and its notes,
// oldest first.
func timelineOf(inc *alert.Incident, alerts []*alert.Alert) []TimelineEntry {
	var out []TimelineEntry
	for _, a := range alerts {
		out = append(out, TimelineEntry{At: a.FirstSeen, By: "vigil", AlertID: a.ID,
			Text: a.Level + " alert on " + a.Host + ": " + a.RuleTitle + " (" + plural(a.Count, "match") + ")"})
	}
	for _, n := range inc.History {
		out = append(out, TimelineEntry{At: n.At, By: n.By, Text: noteText(n)})
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int { return a.At.Compare(b.At) })
	return out
}

// noteText says what a note of the history records.
func noteText(n alert.Note) string {
	switch n.Action {
	case markKind:
		return "playbook chosen: " + playbookOf(n.Text).Title
	case markCheck:
		return "ticked: " + n.Text
	case markUncheck:
		return "unticked: " + n.Text
	case markClock:
		if event, at, note, ok := parseClock(n.Text); ok {
			return "clock: " + event + " at " + at.UTC().Format(time.RFC3339) + " " + note
		}
	}
	if n.Text == "" {
		return n.Action
	}
	return n.Action + ": " + n.Text
}

// incidentChange applies the incident forms: the changes an alert takes,
// and the playbook's kind, ticks and clocks.
func (c *Console) incidentChange(w http.ResponseWriter, r *http.Request) {
	form, ch, err := c.incidentChangeOf(r)
	if err != nil {
		c.showIncident(w, r, http.StatusBadRequest, form, err.Error())
		return
	}
	ch.At = c.deps.Now() // the console's clock, which the clocks and checklist show
	_, err = c.deps.Alerts.UpdateIncident(r.Context(), r.PathValue("id"), ch)
	if msg, code, ok := c.changeRefused(w, r, "incident", err); !ok {
		if code != 0 {
			c.showIncident(w, r, code, form, msg)
		}
		return
	}
	c.deps.Log.Info("incident changed", "id", r.PathValue("id"), "by", ch.By, "action", form.Action)
	http.Redirect(w, r, "/incidents/"+urlPathEscape(r.PathValue("id")), http.StatusSeeOther)
}

// incidentChangeOf reads an incident form into a change; an error says in
// plain English what is wrong with the form.
func (c *Console) incidentChangeOf(r *http.Request) (ChangeForm, alert.Change, error) {
	form, ch := changeOf(r)
	by := principalName(r)
	mark := func(action, text string) (ChangeForm, alert.Change, error) {
		return form, alert.Change{By: by, Mark: &alert.Mark{Action: action, Text: text}}, nil
	}
	switch form.Action {
	case "kind":
		kind := r.PostFormValue("kind")
		if playbookOf(kind).Kind != kind {
			return form, ch, errors.New("Choose a kind of incident from the list.")
		}
		return mark(markKind, kind)
	case "check", "uncheck":
		step := r.PostFormValue("step")
		if !validStep(step) {
			return form, ch, errors.New("That checklist step is not known.")
		}
		return mark(form.Action, step)
	case "clock_start", "clock_stop":
		return c.clockChange(r, form, by)
	}
	return form, ch, nil
}

// validStep reports whether key is kind/step of a playbook.
func validStep(key string) bool {
	for _, p := range playbooks {
		for _, s := range p.Steps {
			if p.Kind+"/"+s.ID == key {
				return true
			}
		}
	}
	return false
}

// clockChange reads the clock form: start a clock at a time (now when
// blank) with an optional reference, or stop it now.
func (c *Console) clockChange(r *http.Request, form ChangeForm, by string) (ChangeForm, alert.Change, error) {
	event := r.PostFormValue("clock")
	k, ok := clockKind(event)
	if !ok || (form.Action == "clock_start") != (event == k.ID) {
		return form, alert.Change{}, errors.New("Choose a clock from the list.")
	}
	now := c.deps.Now()
	at, err := parseLocalTime(r.PostFormValue("at"), c.deps.Location, now)
	if err != nil {
		return form, alert.Change{}, errors.New("The time is not right: " + err.Error() + ".")
	}
	note := r.PostFormValue("note")
	if len(note) > 200 {
		return form, alert.Change{}, errors.New("The reference is too long: at most 200 characters, " + strconv.Itoa(len(note)) + " given.")
	}
	return form, alert.Change{By: by, Mark: &alert.Mark{Action: markClock, Text: clockText(event, at, note)}}, nil
}
