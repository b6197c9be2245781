package people

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"
)

// ReportStore keeps phishing reports. AddReport gives the report an ID,
// stores it durably (as the implementation defines) and returns the ID.
type ReportStore interface {
	AddReport(ctx context.Context, r Report) (string, error)
}

// NewReportID returns a random report ID ("phr-" and 16 hex digits).
func NewReportID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("report id: %w", err)
	}
	return "phr-" + hex.EncodeToString(b[:]), nil
}

// DefaultMaxReportBody is the largest report body the handler takes: a
// raw message with modest attachments.
const DefaultMaxReportBody = 10 << 20

// ReportHandlerOptions tune the report handler; zero values take defaults.
type ReportHandlerOptions struct {
	MaxBody int64            // default DefaultMaxReportBody
	Now     func() time.Time // stamps ReportedAt; default time.Now
	Log     *slog.Logger     // store failures; nil logs nothing
}

// NewReportHandler returns the handler for POST /api/v1/phishing-reports.
// It takes one JSON report (see ParseReportJSON) and answers 201 with
// {"id": "..."} and a Location once the store has it; 400 with
// {"error": "...", "field": "..."} naming the field at fault; 413 when the
// body is larger than MaxBody; 415 for a body that is not JSON; 405 for
// other methods; 503 when the store fails. Who may report is the
// service's concern: wrap the handler with its authentication.
func NewReportHandler(store ReportStore, opts ReportHandlerOptions) http.Handler {
	if store == nil {
		panic("people: NewReportHandler needs a store")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxReportBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &reportHandler{store: store, opts: opts}
}

type reportHandler struct {
	store ReportStore
	opts  ReportHandlerOptions
}

// reportAnswer is the handler's JSON answer.
type reportAnswer struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
	Field string `json:"field,omitempty"`
}

func (h *reportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(w, http.StatusMethodNotAllowed, reportAnswer{Error: "method " + r.Method + " not allowed; send reports with POST"})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		answer(w, http.StatusUnsupportedMediaType, reportAnswer{Error: fmt.Sprintf("content type %q not supported; send application/json", r.Header.Get("Content-Type"))})
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		answer(w, http.StatusRequestEntityTooLarge, reportAnswer{Error: fmt.Sprintf("body larger than %d bytes", h.opts.MaxBody)})
		return
	case err != nil:
		answer(w, http.StatusBadRequest, reportAnswer{Error: "body: " + err.Error()})
		return
	}
	rep, err := ParseReportJSON(data)
	if err != nil {
		a := reportAnswer{Error: err.Error()}
		var fe *FieldError
		if errors.As(err, &fe) {
			a.Field = fe.Field
		}
		answer(w, http.StatusBadRequest, a)
		return
	}
	rep.ReportedAt = h.opts.Now().UTC()
	id, err := h.store.AddReport(r.Context(), rep)
	if err != nil {
		h.opts.Log.Error("phishing report not stored", "reporter", rep.Reporter, "err", err)
		answer(w, http.StatusServiceUnavailable, reportAnswer{Error: "report not stored; send it again"})
		return
	}
	w.Header().Set("Location", "/api/v1/phishing-reports/"+id)
	answer(w, http.StatusCreated, reportAnswer{ID: id})
}

// answer writes a JSON answer with a status.
func answer(w http.ResponseWriter, status int, a reportAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}
