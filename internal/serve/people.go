package serve

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/mail"
	"slices"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/people"
)

// PeopleConfig configures the people routes. Mailbox is the address staff
// forward suspicious email to, shown on the pulse page; the mail gateway
// forwards that mailbox to POST /api/v1/phishing-reports with an
// ingest-role token. PulseRounds are the pulse rounds open for answers
// (YYYY-MM or YYYY-Qn): each has its own link, printed by
// vigil people pulse-link. Reload is how often an import made while the
// service runs is looked for (peoplereload.go).
type PeopleConfig struct {
	Mailbox     string         `yaml:"mailbox"`
	PulseRounds []string       `yaml:"pulse_rounds"`
	Reload      time.Duration  `yaml:"reload"`
	Guidance    GuidanceConfig `yaml:"guidance"` // just-in-time guidance (guidance.go)
}

func (c *PeopleConfig) validate() error {
	if c.Reload <= 0 {
		return fmt.Errorf("config key people.reload: %v is not a positive duration", c.Reload)
	}
	if c.Mailbox != "" {
		if _, err := mail.ParseAddress(c.Mailbox); err != nil {
			return fmt.Errorf("config key people.mailbox: %q is not an email address: %w", c.Mailbox, err)
		}
	}
	for i, r := range c.PulseRounds {
		if !people.ValidRound(r) {
			return fmt.Errorf("config key people.pulse_rounds[%d]: %q is not YYYY-MM or YYYY-Qn", i, r)
		}
	}
	return nil
}

// Roles of the people routes. Reporting a phishing email is open to every
// role people log in with and to ingest, the role of the mail gateway's
// token; reading reports is analysts' work, as they name staff and hold
// the suspect messages. Pulse results are for the board.
var (
	reportRoles = []auth.Role{auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard, auth.RoleIngest}
	boardRoles  = []auth.Role{auth.RoleBoard}
	assetRoles  = []auth.Role{auth.RoleAnalyst, auth.RoleBoard}
)

// openPeople opens the people store: the data folder's, or on an API node
// the shared database's (every node then sees the others' reports,
// guidance and pulse answers).
func (s *Service) openPeople() error {
	var st *people.Store
	var err error
	if s.node != nil && s.node.db != nil {
		st, err = people.NewStore(s.node.db.People())
	} else {
		st, err = people.OpenStore(s.cfg.Data)
	}
	if err != nil {
		return err
	}
	s.people = st
	s.pulseLimit = auth.NewLoginLimiter()
	s.pulseLimit.Max, s.pulseLimit.Window = pulseRequestsPerWindow, pulseWindow
	if st.Directory() == nil && len(s.cfg.People.PulseRounds) > 0 {
		s.log.Warn("pulse rounds are open but no staff directory is imported: answers are refused until vigil people import --staff FILE",
			"taken_in_within", s.cfg.People.Reload)
	}
	return nil
}

// peopleRoutes are the people routes of the route table.
func (s *Service) peopleRoutes() []apiRoute {
	var reports http.Handler = notShared("Phishing reports")
	if s.people != nil {
		reports = people.NewReportHandler(s.people, people.ReportHandlerOptions{Log: s.log.With("component", "phishing")})
	}
	routes := []apiRoute{
		{pattern: "POST /api/v1/phishing-reports", roles: reportRoles, handler: s.phishingReport(reports)},
		{pattern: "GET /api/v1/phishing-reports", roles: analystRoles, audit: auditAll, handler: http.HandlerFunc(s.handleReports)},
		{pattern: "GET /api/v1/pulse", roles: boardRoles, handler: http.HandlerFunc(s.handlePulseResults)},
		{pattern: "GET /api/v1/assets", roles: assetRoles, handler: http.HandlerFunc(s.handleAssets)},
		// The pulse form is answered by link, without logging in: the
		// link's token is the round's, not a person's.
		{pattern: "GET /pulse/{round}", public: true, audit: auditNone, handler: http.HandlerFunc(s.handlePulseForm)},
		{pattern: "POST /pulse/{round}", public: true, audit: auditNone, handler: http.HandlerFunc(s.handlePulseAnswer)},
	}
	if s.people == nil { // an ingest node, which routes only the phishing reports' POST
		return unshared(routes, "Staff, phishing reports, pulse rounds and assets")
	}
	return routes
}

// phishingReport takes a report as JSON (from the console or a client),
// or as the forwarded message itself (message/rfc822, from the mail
// gateway).
func (s *Service) phishingReport(reports http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "message/rfc822" {
			reports.ServeHTTP(w, r)
			return
		}
		rep, err := people.ReadReportMail(http.MaxBytesReader(w, r.Body, people.MaxMailBytes), "forwarded message")
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
			return
		}
		rep.ReportedAt = time.Now().UTC()
		id, err := s.people.AddReport(r.Context(), rep)
		if err != nil {
			s.log.Error("phishing report not stored", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, errorBody{"report not stored; send it again"})
			return
		}
		w.Header().Set("Location", "/api/v1/phishing-reports/"+id)
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	})
}

// handleReports answers GET /api/v1/phishing-reports: the newest reports
// first, up to limit.
func (s *Service) handleReports(w http.ResponseWriter, r *http.Request) {
	limit, err := listLimit(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	all, err := s.people.Reports(r.Context())
	if err != nil {
		s.log.Error("phishing reports not read", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"reports could not be read; try again"})
		return
	}
	if all == nil {
		all = []people.Report{} // [] rather than null for clients that iterate it
	}
	slices.Reverse(all)
	writeJSON(w, http.StatusOK, map[string]any{"reports": all[:min(len(all), limit)], "total": len(all), "mailbox": s.cfg.People.Mailbox})
}

// handlePulseResults answers GET /api/v1/pulse: one round's results
// (?round=) or every round's, weighted and with small groups suppressed.
func (s *Service) handlePulseResults(w http.ResponseWriter, r *http.Request) {
	round := r.URL.Query().Get("round")
	var res []people.PulseResults
	var err error
	if round != "" {
		if !people.ValidRound(round) {
			writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf("parameter round: %q is not YYYY-MM or YYYY-Qn", round)})
			return
		}
		var one people.PulseResults
		if one, err = s.people.PulseResults(r.Context(), round); err == nil {
			res = []people.PulseResults{one}
		}
	} else {
		res, err = s.people.PulseTrend(r.Context())
	}
	switch {
	case errors.Is(err, people.ErrNoDirectory):
		writeJSON(w, http.StatusConflict, errorBody{err.Error()})
		return
	case err != nil:
		writeJSON(w, http.StatusNotFound, errorBody{err.Error()})
		return
	}
	if res == nil {
		res = []people.PulseResults{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rounds": res, "open": s.cfg.People.PulseRounds, "min_group_size": people.MinGroupSize})
}
