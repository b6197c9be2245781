package serve

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// maxTargetBody bounds the body of POST /api/v1/notify/targets.
const maxTargetBody = 16 << 10

// NotifyTargetInfo is one notification target as the API shows it:
// never a secret (a URL shows only its scheme and host).
type NotifyTargetInfo struct {
	ID        string    `json:"id"`             // file-N for the configuration file's
	Name      string    `json:"name,omitempty"` // what the administrator called one added at run time
	Kind      string    `json:"kind"`           // webhook, teams, slack, syslog; email for the file's
	Where     string    `json:"where"`
	MinLevel  string    `json:"min_level"`
	Source    string    `json:"source"` // "file" or "console" (added in the console or the API)
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// targetInfo is t as the API shows it.
func targetInfo(t console.NotifyTarget) NotifyTargetInfo {
	src := "console"
	if t.FromFile {
		src = "file"
	}
	return NotifyTargetInfo{ID: t.ID, Name: t.Name, Kind: kindCode(t.Kind), Where: t.Where, MinLevel: t.MinLevel, Source: src,
		Note: t.Note, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy}
}

// TestSendResult is the answer of POST /api/v1/notify/targets/{id}/test.
type TestSendResult struct {
	Target    NotifyTargetInfo `json:"target"`
	Delivered bool             `json:"delivered"`
	Error     string           `json:"error,omitempty"` // why not, without the URL's secret
}

// targetRequest is the body of POST /api/v1/notify/targets.
type targetRequest struct {
	Name       string            `json:"name"`
	Kind       string            `json:"kind"`
	URL        string            `json:"url"`
	HeadersEnv map[string]string `json:"headers_env"`
	Network    string            `json:"network"`
	Addr       string            `json:"addr"`
	MinLevel   string            `json:"min_level"`
}

// fieldErrorBody is a refusal naming the field that is wrong.
type fieldErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// notifyRoutes are the routes of the notification targets: admin only.
func (s *Service) notifyRoutes() []apiRoute {
	if s.targets == nil { // an ingest node
		return nil
	}
	return []apiRoute{
		{pattern: "GET /api/v1/notify/targets", handler: http.HandlerFunc(s.handleTargets)},
		{pattern: "POST /api/v1/notify/targets", handler: http.HandlerFunc(s.handleAddTarget)},
		{pattern: "DELETE /api/v1/notify/targets/{id}", handler: http.HandlerFunc(s.handleRemoveTarget)},
		{pattern: "POST /api/v1/notify/targets/{id}/test", handler: http.HandlerFunc(s.handleTestTarget)},
	}
}

// handleTargets answers GET /api/v1/notify/targets: the file's targets,
// then those added at run time.
func (s *Service) handleTargets(w http.ResponseWriter, r *http.Request) {
	ts, err := s.targets.list(r.Context())
	if err != nil {
		s.log.Error("API: read notification targets", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading the notification targets failed"})
		return
	}
	out := make([]NotifyTargetInfo, len(ts))
	for i, t := range ts {
		out[i] = targetInfo(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"targets": out})
}

// handleAddTarget answers POST /api/v1/notify/targets: 201 with the new
// target, or 400 naming the wrong field.
func (s *Service) handleAddTarget(w http.ResponseWriter, r *http.Request) {
	var req targetRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTargetBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"body: not a notification target as JSON (name, kind, url, headers_env, network, addr, min_level): " + err.Error()})
		return
	}
	p, _ := auth.FromContext(r.Context())
	t, err := s.targets.add(r.Context(), targetstore.Target{Name: req.Name, Kind: req.Kind, URL: req.URL,
		HeadersEnv: req.HeadersEnv, Network: req.Network, Addr: req.Addr, MinLevel: req.MinLevel}, p.Name)
	desc := describeTarget(t)
	s.auditTarget(r, "add", desc, req.Name, err)
	var fe *targetstore.FieldError
	switch {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusBadRequest, fieldErrorBody{err.Error(), fe.Field})
	case err != nil:
		s.log.Error("API: add a notification target", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"storing the notification target failed"})
	default:
		writeJSON(w, http.StatusCreated, targetInfo(desc))
	}
}

// handleRemoveTarget answers DELETE /api/v1/notify/targets/{id}: 204, 404,
// or 409 for a target of the configuration file.
func (s *Service) handleRemoveTarget(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t, err := s.targets.remove(r.Context(), id)
	desc := describeTarget(t)
	desc.ID = id
	s.auditTarget(r, "remove", desc, "", err)
	switch {
	case errors.Is(err, errNoTarget):
		writeJSON(w, http.StatusNotFound, errorBody{"notification target " + id + ": " + err.Error()})
	case errors.Is(err, errFileTarget):
		writeJSON(w, http.StatusConflict, errorBody{"notification target " + id + ": " + err.Error()})
	case err != nil:
		s.log.Error("API: remove a notification target", "id", id, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"removing the notification target failed"})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleTestTarget answers POST /api/v1/notify/targets/{id}/test: one
// test notification sent straight to the target, 200 when delivered, 502
// with why when not.
func (s *Service) handleTestTarget(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t, sent, err := s.targets.test(r.Context(), id)
	if t.ID == "" {
		t.ID = id
	}
	s.auditTarget(r, "test", t, "", errors.Join(err, sent))
	switch {
	case errors.Is(err, errNoTarget):
		writeJSON(w, http.StatusNotFound, errorBody{"notification target " + id + ": " + err.Error()})
		return
	case err != nil: // the target cannot be built here, or the store failed
		writeJSON(w, http.StatusBadGateway, TestSendResult{Target: targetInfo(t), Error: err.Error()})
		return
	}
	res := TestSendResult{Target: targetInfo(t), Delivered: sent == nil}
	code := http.StatusOK
	if sent != nil {
		res.Error, code = sent.Error(), http.StatusBadGateway
	}
	writeJSON(w, code, res)
}

// auditTarget writes a change to the targets to the audit log beside the
// guard's line for the request: the target's ID, name, kind and where it
// sends, never its URL's path or token.
func (s *Service) auditTarget(r *http.Request, verb string, t console.NotifyTarget, asked string, err error) {
	outcome := "done"
	if err != nil {
		outcome = "refused: " + err.Error()
	}
	if aerr := s.consoleAudit(r, "notify: "+verb+" target", console.TargetObject(t, asked), outcome); aerr != nil {
		s.log.Error("audit log", "action", "notify: "+verb+" target", "err", aerr)
	}
}
