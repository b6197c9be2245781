package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

// ChangeForm is what the alert and incident forms send: the action (the
// button pressed) and its fields.
type ChangeForm struct {
	Action   string // acknowledge, assign, comment, close, reopen
	Assignee string
	Comment  string
	Reason   string
}

// changeOf reads a change form into the store's Change, made by the
// logged-in person. The store validates it, as it does the API's: a close
// without a reason is refused there, with the same words.
func changeOf(r *http.Request) (ChangeForm, alert.Change) {
	f := ChangeForm{Action: r.PostFormValue("action"), Assignee: strings.TrimSpace(r.PostFormValue("assignee")),
		Comment: strings.TrimSpace(r.PostFormValue("comment")), Reason: r.PostFormValue("reason")}
	ch := alert.Change{By: principalName(r), Comment: f.Comment}
	switch f.Action {
	case "acknowledge":
		ch.Status = alert.StatusAcknowledged
	case "assign":
		ch.Assignee = &f.Assignee
	case "close":
		ch.Status, ch.Reason = alert.StatusClosed, f.Reason
	case "reopen":
		ch.Status = alert.StatusOpen
	case "comment":
	default:
		ch = alert.Change{By: ch.By, Status: "(" + f.Action + ")"} // refused by the store, naming the action
	}
	return f, ch
}

// changeRefused explains a store's refusal of a change: the message and
// status to show the form again with, and ok when there was none. For an
// unknown id or a failed store it answers itself and returns code 0.
func (c *Console) changeRefused(w http.ResponseWriter, r *http.Request, kind string, err error) (msg string, code int, ok bool) {
	var ce *alert.ChangeError
	switch {
	case err == nil:
		return "", 0, true
	case errors.Is(err, alert.ErrNotFound):
		c.Error(w, r, http.StatusNotFound, "Not found", "There is no "+kind+" with this id.")
		return "", 0, false
	case errors.As(err, &ce):
		return changeMessage(ce), http.StatusBadRequest, false
	default:
		c.storeFailed(w, r, kind+"s", err)
		return "", 0, false
	}
}

// changeMessage says in plain English why a change was refused.
func changeMessage(ce *alert.ChangeError) string {
	switch ce.Field {
	case "reason":
		return "Choose why you are closing it."
	case "status":
		if strings.Contains(ce.Reason, "sets no") {
			return "Nothing was changed: write a comment, or choose what to do."
		}
		return "That action is not known: use one of the buttons."
	}
	return "The change was refused: " + ce.Reason + "."
}

func urlPathEscape(s string) string { return url.PathEscape(s) }
