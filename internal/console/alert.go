package console

import (
	"errors"
	"net/http"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
)

// AlertPage is the data of an alert's page.
type AlertPage struct {
	Alert      *alert.Alert
	Rule       *RuleInfo // nil when the rule is no longer loaded
	Fields     []EventField
	Related    []RelatedEvent
	RelatedErr string // why the timeline is missing
	Error      string // a refused change, with the form's values kept
	Form       ChangeForm
	Reasons    []Reason
	PostURL    string // where the change forms post
}

// Reason is a choice of why an alert or incident is closed.
type Reason struct{ Value, Label string }

// closeReasons are the reasons offered when closing.
var closeReasons = []Reason{
	{"true_positive", "True positive: a real attack or misuse, dealt with"},
	{"false_positive", "False positive: the rule matched something harmless"},
	{"benign", "Benign: real, but expected and allowed"},
	{"duplicate", "Duplicate of another alert or incident"},
}

func (c *Console) alertPage(w http.ResponseWriter, r *http.Request) {
	c.showAlert(w, r, http.StatusOK, ChangeForm{}, "")
}

// showAlert renders the alert of the request's id, with a refused
// change's message and form values.
func (c *Console) showAlert(w http.ResponseWriter, r *http.Request, code int, form ChangeForm, msg string) {
	a, err := c.deps.Alerts.Alert(r.Context(), r.PathValue("id"))
	if errors.Is(err, alert.ErrNotFound) {
		c.Error(w, r, http.StatusNotFound, "Alert not found", "There is no alert with this id. It may have been removed; go back to the alerts list.")
		return
	}
	if err != nil {
		c.storeFailed(w, r, "alerts", err)
		return
	}
	page := AlertPage{Alert: a, Rule: c.ruleInfo(a.RuleID), Error: msg, Form: form, Reasons: closeReasons,
		PostURL: "/alerts/" + urlPathEscape(a.ID)}
	page.Fields = eventFields(a.Event, c.rule(a.RuleID), c.correlation(a.RuleID))
	if page.Related, err = c.relatedEvents(r.Context(), a.Host, a.User, a.FirstSeen, a.LastSeen); err != nil {
		c.deps.Log.Error("console: related events", "alert", a.ID, "err", err)
		page.RelatedErr = "The events around this alert could not be read."
	}
	c.Render(w, r, code, "alert", page)
}

// alertChange applies the alert form's change through the store, as
// POST /api/v1/alerts/{id} does, and goes back to the alert.
func (c *Console) alertChange(w http.ResponseWriter, r *http.Request) {
	form, ch := changeOf(r)

	ch.At = c.deps.Now() // the console's clock, which the clocks and checklist show
	_, err := c.deps.Alerts.UpdateAlert(r.Context(), r.PathValue("id"), ch)
	if msg, code, ok := c.changeRefused(w, r, "alert", err); !ok {
		if code != 0 {
			c.showAlert(w, r, code, form, msg)
		}
		return
	}
	c.deps.Log.Info("alert changed", "id", r.PathValue("id"), "by", ch.By, "action", form.Action)
	http.Redirect(w, r, "/alerts/"+urlPathEscape(r.PathValue("id")), http.StatusSeeOther)
}

// principalName is the name changes are made in: the logged-in person.
func principalName(r *http.Request) string {
	p, _ := auth.FromContext(r.Context())
	if p.Name == "" {
		return auth.AdminTokenName
	}
	return p.Name
}
