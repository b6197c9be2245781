package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
)

// Limits of the list endpoints.
const (
	defaultListLimit = 1000
	maxListLimit     = 10000
)

// routes is the service's HTTP handler. Every /api route needs the admin
// bearer token; the health checks and metrics do not, so that probes and
// scrapers need no secret (they show no event content).
func (s *Service) routes() http.Handler {
	auth := bearer{token: []byte(s.token)}
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/events", httpin.NewEventsHandler(s.sinkFor("http"), s.quar, auth, httpin.Options{Log: s.log}))
	mux.Handle("GET /api/v1/events", s.authed(auth, s.handleSearch))
	s.fhir = newFHIRHandler(s.sinkFor(fhirListener), s.quar, auth, s.log.With("listener", fhirListener))
	s.fhir.register(mux)
	mux.Handle("GET /api/v1/alerts", s.authed(auth, s.handleAlerts))
	mux.Handle("GET /api/v1/incidents", s.authed(auth, s.handleIncidents))
	mux.Handle("GET /api/v1/alerts/{id}", s.authed(auth, s.handleAlert))
	mux.Handle("GET /api/v1/incidents/{id}", s.authed(auth, s.handleIncident))
	mux.Handle("POST /api/v1/alerts/{id}", s.authed(auth, s.handleAlertChange))
	mux.Handle("POST /api/v1/incidents/{id}", s.authed(auth, s.handleIncidentChange))
	mux.Handle("GET /api/v1/stats", s.authed(auth, s.handleStats))
	mux.Handle("GET /api/v1/sources", s.authed(auth, s.handleSources))
	mux.Handle("/api/", s.authed(auth, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{"no such API route: " + r.URL.Path})
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	return mux
}

type errorBody struct {
	Error string `json:"error"`
}

func (s *Service) authed(auth bearer, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Authorize(r); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
			writeJSON(w, http.StatusUnauthorized, errorBody{err.Error()})
			return
		}
		h(w, r)
	})
}

func (s *Service) handleAlerts(w http.ResponseWriter, r *http.Request) {
	q, err := alertQuery(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	alerts, err := s.store.Alerts(r.Context(), q)
	if err != nil {
		s.log.Error("API: read alerts", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading alerts failed"})
		return
	}
	if alerts == nil {
		alerts = []*alert.Alert{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": alerts})
}

// alertQuery reads the filters of GET /api/v1/alerts; an error names the
// parameter.
func alertQuery(v url.Values) (alert.Query, error) {
	q := alert.Query{Level: v.Get("level"), RuleID: v.Get("rule"), Host: v.Get("host"), Status: v.Get("status")}
	var err error
	if q.Limit, err = listLimit(v); err != nil {
		return q, err
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		s := v.Get(t.name)
		if s == "" {
			continue
		}
		if *t.dst, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return q, fmt.Errorf("parameter %s: %q is not an RFC 3339 time such as 2024-06-03T09:00:00Z", t.name, s)
		}
	}
	switch q.Level {
	case "", "informational", "low", "medium", "high", "critical":
	default:
		return q, fmt.Errorf("parameter level: %q is not informational, low, medium, high or critical", q.Level)
	}
	return q, nil
}

func listLimit(v url.Values) (int, error) {
	s := v.Get("limit")
	if s == "" {
		return defaultListLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxListLimit {
		return 0, fmt.Errorf("parameter limit: %q is not a number from 1 to %d", s, maxListLimit)
	}
	return n, nil
}

func (s *Service) handleIncidents(w http.ResponseWriter, r *http.Request) {
	limit, err := listLimit(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	incidents, err := s.store.Incidents(r.Context(), limit)
	if err != nil {
		s.log.Error("API: read incidents", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading incidents failed"})
		return
	}
	if incidents == nil {
		incidents = []*alert.Incident{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": incidents})
}

// Stats is the answer of GET /api/v1/stats.
type Stats struct {
	EventsStored    uint64           `json:"events_stored"`    // events the event store retains
	LogPosition     uint64           `json:"log_position"`     // last record in the event log
	StorePosition   uint64           `json:"store_position"`   // last log record in the event store
	EventsProcessed uint64           `json:"events_processed"` // records the detector has committed
	Alerts          int              `json:"alerts"`
	Quarantined     int64            `json:"quarantined"`
	EventsIn        map[string]int64 `json:"events_in"` // accepted per listener since start
	Detections      int64            `json:"detections"`
	Ready           bool             `json:"ready"`
	UptimeSeconds   float64          `json:"uptime_seconds"`
}

func (s *Service) handleStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.log.Error("API: stats", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading stats failed"})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Service) stats(r *http.Request) (Stats, error) {
	alerts, err := s.store.Alerts(r.Context(), alert.Query{Limit: restoreLimit})
	if err != nil {
		return Stats{}, err
	}
	es, err := s.events.Stats(r.Context())
	if err != nil {
		return Stats{}, err
	}
	st := Stats{
		EventsStored:    uint64(es.Events),
		LogPosition:     s.wal.Stats().Last,
		StorePosition:   es.Position,
		EventsProcessed: s.processed.Load(),
		Alerts:          len(alerts),
		Quarantined:     s.quar.Total(),
		EventsIn:        map[string]int64{},
		Detections:      s.det.detections.Load(),
		Ready:           s.det.ready.Load(),
		UptimeSeconds:   time.Since(s.started).Seconds(),
	}
	for k, v := range s.eventsIn {
		st.EventsIn[k] = v.Load()
	}
	return st, nil
}

func (s *Service) handleReady(w http.ResponseWriter, r *http.Request) {
	if !s.det.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{
			"status": "catching up", "processed": s.processed.Load(), "target": s.det.target,
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

// SourceStatus is one source in GET /api/v1/sources: its key, when it last
// sent, its count and expected count over the flow watch's window (expected
// is negative while it has no baseline) and its state: ok, silent, drop or
// surge.
type SourceStatus struct {
	Listener string    `json:"listener"`
	Host     string    `json:"host"`
	Kind     string    `json:"kind,omitempty"`
	LastSeen time.Time `json:"last_seen"`
	Observed float64   `json:"observed"`
	Expected float64   `json:"expected"`
	State    string    `json:"state"`
}

func (s *Service) handleSources(w http.ResponseWriter, r *http.Request) {
	src := s.flow.Sources()
	out := make([]SourceStatus, len(src))
	for i, st := range src {
		out[i] = SourceStatus{
			Listener: st.Key.Listener, Host: st.Key.Host, Kind: st.Key.Kind, LastSeen: st.LastSeen,
			Observed: st.Observed, Expected: st.Expected, State: st.State,
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": out})
}
