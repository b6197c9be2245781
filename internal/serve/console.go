package serve

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/console"
)

// openConsole builds the web console on the service's stores.
func (s *Service) openConsole() error {
	d := console.Deps{
		Alerts: s.store, Events: s.events, Privacy: s.privacy, Rules: s.set, Auth: s.auth,
		Stats: s.consoleStats, Sources: s.consoleSources,
		Log: s.log.With("component", "console"), Now: s.now,
		OIDCEnabled: s.cfg.OIDC.enabled(),
	}
	if s.node == nil { // the single process counts its listeners (s.signal, made once they are bound)
		d.ListenerBars = func(start time.Time, width time.Duration, n int) ([]string, [][]int) {
			return s.signal.bars(s.now(), start, width, n)
		}
	}
	if err := s.consolePageDeps(&d); err != nil {
		return err
	}
	c, err := console.New(d)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	s.console = c
	return nil
}

// pageRoutes are the console's pages as routes of the one guard: a page
// that shows event or patient detail has every view audited, the others
// their changes.
func (s *Service) pageRoutes() []apiRoute {
	if s.console == nil { // an ingest node has none
		return nil
	}
	var out []apiRoute
	if s.cfg.Role == RoleAPI {
		out = s.unsharedPages()
	}
	for _, p := range s.console.Pages() {
		mode := auditChanges
		if p.Audit {
			mode = auditAll
		}
		if p.Public {
			mode = auditNone // the login audits itself with its outcome
		}
		out = append(out, apiRoute{pattern: p.Pattern, roles: p.Roles, public: p.Public, audit: mode, page: true, handler: p.Handler})
	}
	return out
}

// refusePage answers a page request that may not pass: to the login page
// when not authenticated, an HTML 403 saying which role is needed, or
// why a change was refused.
func (s *Service) refusePage(w http.ResponseWriter, r *http.Request, rt apiRoute, p auth.Principal, code int) {
	switch {
	case code == http.StatusUnauthorized:
		console.RedirectToLogin(w, r)
	case code == http.StatusForbidden && p.Role != "" && !auth.Admits(rt.roles, p.Role):
		s.console.Forbidden(w, r, p, rt.roles)
	case code == http.StatusForbidden:
		s.console.CSRFRefused(w, r, p)
	default:
		s.console.Error(w, r, code, "This page could not be shown", "Vigil's audit log cannot be written, so nothing was shown or done. Tell the administrator.")
	}
}

func (s *Service) consoleStats(ctx context.Context) (console.Stats, error) {
	st, err := s.stats(ctx)
	if err != nil {
		return console.Stats{}, err
	}
	return console.Stats{
		EventsStored: st.EventsStored, Alerts: st.Alerts, Quarantined: st.Quarantined, EventsIn: st.EventsIn,
		Detections: st.Detections, Ready: st.Ready, Uptime: time.Duration(st.UptimeSeconds * float64(time.Second)),
		Recent: recentRates(st.EventsPerMinute),
	}, nil
}

func (s *Service) consoleSources(ctx context.Context) ([]console.Source, error) {
	if s.node != nil {
		return s.roleSources(ctx)
	}
	src := s.flow.Sources()
	out := make([]console.Source, len(src))
	for i, st := range src {
		out[i] = console.Source{Listener: st.Key.Listener, Host: st.Key.Host, Kind: st.Key.Kind, LastSeen: st.LastSeen,
			Observed: st.Observed, Expected: st.Expected, State: st.State}
	}
	return out, nil
}

// recentRates are the stats' live rates for the console; nil where the
// process has none.
func recentRates(in map[string]ListenerRate) map[string]console.RecentRate {
	if in == nil {
		return nil
	}
	out := make(map[string]console.RecentRate, len(in))
	for k, r := range in {
		out[k] = console.RecentRate{LastMinute: r.LastMinute, LastFive: r.LastFiveMinutes}
	}
	return out
}
