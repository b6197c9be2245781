package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
)

// Limits of the list endpoints.
const (
	defaultListLimit = 1000
	maxListLimit     = 10000
)

// routes is the service's HTTP handler. Every /api/ and /fhir route is
// in apiRoutes, and every console page in pageRoutes, with the roles that
// may call it, and passes through guard,
// which authenticates, authorises and audits it; the health checks and
// metrics need no credentials, so that probes and scrapers need no secret
// (they show no event content). Every answer carries the security headers.
func (s *Service) routes() http.Handler {
	mux := http.NewServeMux()
	policy := map[string]apiRoute{}
	routes := append(s.apiRoutes(), s.pageRoutes()...)
	if s.node != nil {
		routes = s.roleRoutes(routes)
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, rt.handler)
		policy[rt.pattern] = rt
	}
	s.policy = policy
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	s.oidcRoutes(mux)
	return auth.SecurityHeaders(s.guard(mux, policy), s.cfg.TLSCert != "")
}

// apiRoutes is the API's route table: each route's pattern, the roles
// that may call it (admin may call every one), what the audit log records
// of it, and its handler. A route that is not listed here is refused.
func (s *Service) apiRoutes() []apiRoute {
	ingest := httpin.AuthorizerFunc(principalAdmits(ingestRoles))
	s.fhir = newFHIRHandler(s.sinkFor(fhirListener), s.quar, ingest, s.log.With("listener", fhirListener))
	routes := []apiRoute{
		{pattern: "POST /api/v1/events", roles: ingestRoles, audit: auditNone,
			handler: httpin.NewEventsHandler(s.sinkFor("http"), s.quar, ingest, httpin.Options{Log: s.log})},
		{pattern: "POST /fhir/AuditEvent", roles: ingestRoles, audit: auditNone, handler: http.HandlerFunc(s.fhir.auditEvent)},
		{pattern: "POST /fhir", roles: ingestRoles, audit: auditNone, handler: http.HandlerFunc(s.fhir.bundle)},
		{pattern: "POST /fhir/Bundle", roles: ingestRoles, audit: auditNone, handler: http.HandlerFunc(s.fhir.bundle)},
		// Alerts carry the matched event, which may name a patient.
		{pattern: "GET /api/v1/alerts", roles: analystRoles, audit: auditAll, handler: http.HandlerFunc(s.handleAlerts)},
		{pattern: "GET /api/v1/incidents", roles: []auth.Role{auth.RoleAnalyst, auth.RoleBoard}, handler: http.HandlerFunc(s.handleIncidents)},
		{pattern: "GET /api/v1/alerts/{id}", roles: analystRoles, audit: auditAll, handler: http.HandlerFunc(s.handleAlert)},
		{pattern: "GET /api/v1/incidents/{id}", roles: analystRoles, audit: auditAll, handler: http.HandlerFunc(s.handleIncident)},
		{pattern: "POST /api/v1/alerts/{id}", roles: analystRoles, handler: http.HandlerFunc(s.handleAlertChange)},
		{pattern: "POST /api/v1/incidents/{id}", roles: analystRoles, handler: http.HandlerFunc(s.handleIncidentChange)},
		// Events are the raw record: who opened which patient's record.
		{pattern: "GET /api/v1/events", roles: analystRoles, audit: auditAll, handler: http.HandlerFunc(s.handleSearch)},
		{pattern: "GET /api/v1/stats", roles: figureRoles, handler: http.HandlerFunc(s.handleStats)},
		{pattern: "GET /api/v1/sources", roles: figureRoles, handler: http.HandlerFunc(s.handleSources)},
		{pattern: "GET /api/v1/privacy/cases", roles: privacyRoles, audit: auditAll, handler: s.privacyCases()},
		{pattern: "GET /api/v1/whoami", roles: anyRole, handler: http.HandlerFunc(handleWhoami)},
		{pattern: "POST /api/v1/login", public: true, audit: auditNone, handler: http.HandlerFunc(s.auth.Login)},
		{pattern: "POST /api/v1/logout", roles: peopleRoles, audit: auditNone, handler: http.HandlerFunc(s.auth.Logout)},
	}
	routes = append(routes, s.peopleRoutes()...)
	routes = append(routes, s.notifyRoutes()...)
	return append(routes, apiRoute{
		// Any other /api/ path: admin only, so that a route without its
		// own line here is refused to every other role, then not found.
		pattern: "/api/", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, errorBody{"no such API route: " + r.URL.Path})
		})})
}

// handleWhoami answers GET /api/v1/whoami: the caller's name, role and how
// it authenticated, for the console to show and to choose its pages.
func handleWhoami(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"name": p.Name, "role": string(p.Role), "via": p.Via})
}

type errorBody struct {
	Error string `json:"error"`
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

// handleIncidents lists the incidents, leaving out those merged into
// another unless ?merged=true: the incident they joined holds their
// alerts, and listing both shows one attack twice.
func (s *Service) handleIncidents(w http.ResponseWriter, r *http.Request) {
	limit, err := listLimit(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	merged, err := boolParam(r.URL.Query(), "merged")
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	incidents, err := s.store.Incidents(r.Context(), alert.IncidentQuery{Merged: merged, Limit: limit})
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

// boolParam reads an optional true/false query parameter (absent is false).
func boolParam(q url.Values, name string) (bool, error) {
	switch v := q.Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, fmt.Errorf("parameter %s: %q is not true or false", name, v)
	}
}

// Stats is the answer of GET /api/v1/stats.
type Stats struct {
	Role            string           `json:"role,omitempty"`   // a scaled-out role; empty for the single process
	EventsStored    uint64           `json:"events_stored"`    // durable events held: searchable, or in the log on their way
	LogPosition     uint64           `json:"log_position"`     // last record in the event log
	StorePosition   uint64           `json:"store_position"`   // last log record in the event store
	EventsProcessed uint64           `json:"events_processed"` // records the detector has committed
	Alerts          int              `json:"alerts"`
	Quarantined     int64            `json:"quarantined"`
	EventsIn        map[string]int64 `json:"events_in"` // accepted per listener since start
	Detections      int64            `json:"detections"`
	Ready           bool             `json:"ready"`
	UptimeSeconds   float64          `json:"uptime_seconds"`
	// EventsPerMinute are the live rates of each listener set up; absent
	// where the process counts no listener (a scaled-out role).
	EventsPerMinute map[string]ListenerRate `json:"events_per_minute,omitempty"`
}

func (s *Service) handleStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r.Context())
	if err != nil {
		s.log.Error("API: stats", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading stats failed"})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Service) stats(ctx context.Context) (Stats, error) {
	if s.node != nil {
		return s.roleStats(ctx)
	}
	alerts, es, err := s.storedCounts(ctx)
	if err != nil {
		return Stats{}, err
	}
	last := s.wal.Stats().Last // after the store's stats: what it appends meanwhile is counted once
	st := Stats{
		EventsStored:    uint64(es.Events) + last - min(last, es.Position),
		LogPosition:     last,
		StorePosition:   es.Position,
		EventsProcessed: s.processed.Load(),
		Alerts:          alerts,
		Quarantined:     s.quar.Total(),
		EventsIn:        map[string]int64{},
		Detections:      s.det.detections.Load(),
		Ready:           s.det.ready.Load(),
		UptimeSeconds:   time.Since(s.started).Seconds(),
	}
	for k, v := range s.eventsIn {
		st.EventsIn[k] = v.Load()
	}
	st.EventsPerMinute = s.signal.rates(s.now())
	return st, nil
}

// storedCounts are the alerts and the event store's figures.
func (s *Service) storedCounts(ctx context.Context) (int, eventstore.Stats, error) {
	alerts, _, err := s.store.Count(ctx)
	if err != nil || s.events == nil { // no events: an API node with store.postgres.events false
		return alerts, eventstore.Stats{}, err
	}
	es, err := s.events.Stats(ctx)
	return alerts, es, err
}

func (s *Service) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.node != nil {
		s.writeRoleReady(w)
		return
	}
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
	src, err := s.consoleSources(r.Context())
	if err != nil {
		s.log.Error("API: sources", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reading sources failed"})
		return
	}
	out := make([]SourceStatus, len(src))
	for i, st := range src {
		out[i] = SourceStatus(st)
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": out})
}
