package serve

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// eventOptions are the event store's limits from the events section.
func (s *Service) eventOptions() eventstore.Options {
	c := s.cfg.Events
	return eventstore.Options{MaxAge: c.MaxAge, MaxBytes: int64(c.MaxBytes), Logger: s.log.With("component", "eventstore")}
}

// openAPI prepares an API node over the shared database: the rules (for
// the rules page), the events the detect nodes store, and the console.
func (s *Service) openAPI() error {
	if err := s.loadRules(); err != nil {
		return err
	}
	if s.cfg.Store.Postgres.StoresEvents() {
		s.node.events = s.node.db.Events(s.eventOptions())
		s.events = s.node.events
	}
	if err := s.openEstate(); err != nil { // the feeds, and the assets of estate.assets
		return err
	}
	if err := s.openPeople(); err != nil {
		return err
	}
	if s.cfg.Privacy.Analyse {
		if err := s.openPrivacyNode(); err != nil {
			return err
		}
	}
	return s.openConsole()
}

// noEventSearch answers GET /api/v1/events on an API node of a deployment
// that keeps no events in PostgreSQL (store.postgres.events: false).
func noEventSearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotImplemented, errorBody{"event search is off in this deployment: the detect nodes keep " +
			"no events in PostgreSQL (store.postgres.events: false); search the events where the deployment keeps them"})
	})
}

// sharedAuth puts the shared database's tokens, accounts, sessions,
// failed logins and audit chain in the authenticator, for the API and
// ingest nodes: a token revoked, a logout or an account's failures on one
// node hold on all.
func (s *Service) sharedAuth(key []byte) {
	db := s.node.db
	s.audit = db.Audit(key)
	s.auth.Tokens = db.Tokens()
	s.auth.Users = db.Users(auth.DefaultArgon2)
	s.auth.Sessions = db.Sessions(pgstore.SessionOptions{})
	s.auth.Limiter = db.LoginLimits(pgstore.LoginLimitOptions{})
}

// notShared answers a route whose data only the single process holds
// (role all): the live privacy cases, the people's and the estate's
// stores. The answer says so, rather than showing nothing as if there
// were nothing.
func notShared(what string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotImplemented, errorBody{what + " are kept by the single-process service (role all) only; " +
			"this API node of a scaled-out deployment has none: see docs/scale-out.md"})
	})
}

// unshared gives every route of routes the notShared answer.
func unshared(routes []apiRoute, what string) []apiRoute {
	for i := range routes {
		routes[i].handler = notShared(what)
	}
	return routes
}

// unsharedPages are the console pages an API node answers its own way:
// the privacy officer's pages (the live guardian's in a single process
// and on an analysing node) with the shared saved analysis, and search,
// when no events are kept in PostgreSQL, with a page saying why.
func (s *Service) unsharedPages() []apiRoute {
	var out []apiRoute
	if s.privacy == nil {
		page := s.sharedPrivacyPage()
		for _, p := range []string{"GET /privacy", "GET /privacy/{rest...}"} {
			out = append(out, apiRoute{pattern: p, roles: privacyRoles, audit: auditAll, page: true, handler: page})
		}
	}
	if s.events == nil {
		out = append(out, apiRoute{pattern: "GET /search", roles: analystRoles, audit: auditAll, page: true, handler: s.noSearchPage()})
	}
	return out
}

// noSearchPage is the search page of an API node whose deployment keeps
// no events in PostgreSQL.
func (s *Service) noSearchPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.console.Error(w, r, http.StatusNotImplemented, "Event search is off in this deployment",
			"The detect nodes keep no events in PostgreSQL (store.postgres.events: false), so this node has none to search. "+
				"Alerts, incidents and their matched events are shown as usual; search the events where the deployment keeps them.")
	})
}

// roleStats answers GET /api/v1/stats on an API node: the alerts and the
// searchable events in the shared database. Events processed are those
// stored, as a detect node stores a batch's events before it commits the
// batch; the per-listener counts are each ingest node's (its /metrics).
func (s *Service) roleStats(ctx context.Context) (Stats, error) {
	alerts, es, err := s.storedCounts(ctx)
	if err != nil {
		return Stats{}, err
	}
	return Stats{
		Role: s.cfg.Role.String(), EventsStored: uint64(es.Events), EventsProcessed: uint64(es.Events), StorePosition: es.Position,
		Alerts: alerts, Quarantined: s.quar.Total(), EventsIn: map[string]int64{}, Ready: s.ran.Load(),
		UptimeSeconds: time.Since(s.started).Seconds(),
	}, nil
}

// sourceWindow is the span sources are shown over: the flow watch's.
func (s *Service) sourceWindow() time.Duration {
	if s.flow != nil {
		return s.flow.Window()
	}
	return flow.New(s.cfg.Flow.Watch).Window() // its defaults filled in
}

// roleSources are the sources an API node can know: the flow watch's
// judgement as the detect nodes last saved it (each partition's profile,
// savedFlow), with the counts of the events stored over the window, and
// the stored events' sources no profile holds yet (expected -1, "ok").
func (s *Service) roleSources(ctx context.Context) ([]console.Source, error) {
	now, at := time.Now(), time.Now()
	if c := s.cfg.Flow.Watch.Clock; c != nil { // the watch's clock, as on the detect nodes
		at = c()
	}
	judged, err := s.savedFlow().sources(ctx, at)
	if err != nil && !errors.Is(err, errNoSavedFlow) {
		return nil, err
	}
	var seen []pgstore.SourceSeen
	if s.node.events != nil { // store.postgres.events: false keeps no events to count
		if seen, err = s.node.events.Sources(ctx, now.Add(-s.sourceWindow())); err != nil {
			return nil, err
		}
	}
	return mergeSources(judged, seen), nil
}

// savedFlow reads the flow profiles the detect nodes save, judged with
// the watch's options.
func (s *Service) savedFlow() savedFlow {
	return savedFlow{store: s.node.db.FlowProfiles(), opts: s.cfg.Flow.Watch, log: s.log.With("component", "flow")}
}

// privacyCases is GET /api/v1/privacy/cases: the live guardian's, or on
// an API node the analysis saved in the shared database.
func (s *Service) privacyCases() http.Handler {
	if s.privacy == nil {
		if s.node != nil && s.node.db != nil {
			return s.sharedPrivacyCases()
		}
		return notShared("Privacy cases") // an ingest node, which does not route it
	}
	return s.privacy.CasesHandler()
}
