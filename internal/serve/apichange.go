package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/vigilhealth/vigil/internal/auth"
	"io"
	"net/http"

	"github.com/vigilhealth/vigil/internal/alert"
)

// maxChangeBody bounds the body of a change: a status, a name and a
// comment.
const maxChangeBody = 64 << 10

// changeRequest is the body of POST /api/v1/alerts/{id} and
// /api/v1/incidents/{id}. A missing assignee leaves it as it is; "" clears
// it.
type changeRequest struct {
	Status   string  `json:"status"`
	Assignee *string `json:"assignee"`
	Comment  string  `json:"comment"`
	Reason   string  `json:"reason"`
	By       string  `json:"by"`
}

// IncidentDetail is the answer of GET /api/v1/incidents/{id}: the incident
// and its alerts, newest first.
type IncidentDetail struct {
	*alert.Incident
	Alerts []*alert.Alert `json:"alerts"`
}

func (s *Service) handleAlert(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.Alert(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, "alert", r.PathValue("id"), err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Service) handleIncident(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	inc, err := s.store.Incident(r.Context(), id)
	if err != nil {
		s.storeError(w, "incident", id, err)
		return
	}
	alerts, err := s.store.Alerts(r.Context(), alert.Query{IncidentID: id, Limit: alert.MaxIncidentAlerts})
	if err != nil {
		s.storeError(w, "incident", id, err)
		return
	}
	if alerts == nil {
		alerts = []*alert.Alert{}
	}
	writeJSON(w, http.StatusOK, IncidentDetail{Incident: inc, Alerts: alerts})
}

func (s *Service) handleAlertChange(w http.ResponseWriter, r *http.Request) {
	ch, ok := readChange(w, r)
	if !ok {
		return
	}
	a, err := s.store.UpdateAlert(r.Context(), r.PathValue("id"), ch)
	if err != nil {
		s.storeError(w, "alert", r.PathValue("id"), err)
		return
	}
	s.log.Info("alert changed", "id", a.ID, "by", ch.By, "status", a.Status, "assignee", a.Assignee)
	writeJSON(w, http.StatusOK, a)
}

func (s *Service) handleIncidentChange(w http.ResponseWriter, r *http.Request) {
	ch, ok := readChange(w, r)
	if !ok {
		return
	}
	inc, err := s.store.UpdateIncident(r.Context(), r.PathValue("id"), ch)
	if err != nil {
		s.storeError(w, "incident", r.PathValue("id"), err)
		return
	}
	s.log.Info("incident changed", "id", inc.ID, "by", ch.By, "status", inc.Status, "assignee", inc.Assignee)
	writeJSON(w, http.StatusOK, inc)
}

// readChange decodes a change body, answering 400 naming what is wrong.
// The change is the authenticated caller's: only automation using the
// admin token may name someone else in "by", as it acts for them.
func readChange(w http.ResponseWriter, r *http.Request) (alert.Change, bool) {
	var req changeRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxChangeBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf("body: %v (want a JSON object with status, assignee, comment, reason, by)", err)})
		return alert.Change{}, false
	}
	p, _ := auth.FromContext(r.Context())
	if req.By == "" || p.Via != auth.ViaAdminToken {
		req.By = p.Name
	}
	if req.By == "" {
		req.By = auth.AdminTokenName
	}
	return alert.Change{Status: req.Status, Assignee: req.Assignee, Comment: req.Comment, Reason: req.Reason, By: req.By}, true
}

// storeError answers a store error: 404 for an unknown id, 400 for a
// refused change, 503 otherwise.
func (s *Service) storeError(w http.ResponseWriter, kind, id string, err error) {
	var ce *alert.ChangeError
	switch {
	case errors.Is(err, alert.ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorBody{fmt.Sprintf("no %s with id %q", kind, id)})
	case errors.As(err, &ce):
		writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf("field %s: %s", ce.Field, ce.Reason)})
	default:
		s.log.Error("API: "+kind, "id", id, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"the alert store failed: " + kind + " " + id})
	}
}
