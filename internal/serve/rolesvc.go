package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// connectTimeout bounds connecting to the NATS cluster and to PostgreSQL
// at start.
const connectTimeout = 30 * time.Second

// roleParts are what the scaled-out roles hold beside the Service's own
// fields: the bus connection, the shared database and the partition
// detector, each nil where the role has none.
type roleParts struct {
	bus    *bus.Bus
	db     *pgstore.DB
	part   *partitionDetector
	linker *incidentLinker     // role detect: the cross-partition incident linker
	events *pgstore.EventStore // role api: the events the detect nodes store
	follow *privacyFollower    // role api with privacy.analyse: feeds the live analysis
	// keyBus and keys are a detect node's key pass (keypass.go), nil
	// when no correlation is re-keyed.
	keyBus *bus.Bus
	keys   *keyPass
}

// openRole prepares a scaled-out role: ingest connects to the bus (and,
// when store.postgres.dsn is set, to the database for its tokens) and
// binds the listeners; detect connects to the database and the bus and
// prepares the partition detector; api connects to the database and binds
// the API. Only the role's own parts are loaded or connected.
func (s *Service) openRole() error {
	s.node = &roleParts{}
	if s.cfg.Role != RoleIngest || s.cfg.Store.Postgres.Enabled() {
		if err := s.openDB(); err != nil {
			return err
		}
	}
	if s.cfg.Role != RoleDetect {
		if err := os.MkdirAll(s.cfg.Data, 0o700); err != nil {
			return fmt.Errorf("data folder: %w", err)
		}
		// Tokens, accounts, sessions, login failures and the self-audit
		// log: the shared database's when the node has one, else (an
		// ingest node without store.postgres.dsn) the node's own.
		if s.node.db == nil {
			s.log.Warn("ingest node without store.postgres.dsn: its tokens, accounts and audit log are its own data folder's, not shared with the other nodes")
		}
		if err := s.openAccess(); err != nil {
			return err
		}
	}
	if s.cfg.Role != RoleAPI {
		if err := s.connectBus(); err != nil {
			return err
		}
	}
	switch s.cfg.Role {
	case RoleIngest:
		s.accept = s.node.bus.Sink()
		return s.openListeners()
	case RoleDetect:
		if err := s.openDetect(); err != nil {
			return err
		}
		return s.openHTTP(s.probeRoutes(http.NewServeMux()))
	case RoleAPI:
		if err := s.openAPI(); err != nil {
			return err
		}
	}
	return s.openHTTP(s.routes())
}

// openDB connects to the shared database, applying its migrations.
func (s *Service) openDB() error {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	pg := s.cfg.Store.Postgres
	db, err := pgstore.Open(ctx, pg.DSN, pgstore.Options{MaxConns: pg.MaxConns, Logger: s.log.With("component", "pgstore")})
	if err != nil {
		return fmt.Errorf("config key store.postgres.dsn: %w", err)
	}
	s.node.db = db
	if s.cfg.Role != RoleIngest { // an ingest node reads only the auth tables
		s.store = db.Alerts()
	}
	return nil
}

// connectBus connects to the NATS cluster, creating the stream and the
// lease bucket if they are missing.
func (s *Service) connectBus() error {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	b, err := bus.Connect(ctx, *s.cfg.Bus.NATS, s.log.With("component", "bus"))
	if err != nil {
		return fmt.Errorf("config key bus.nats.urls: %w", err)
	}
	s.node.bus = b
	return nil
}

// openDetect loads the rules and prepares the partition detector and the
// notifications it sends.
func (s *Service) openDetect() error {
	if err := s.loadRules(); err != nil {
		return err
	}
	var events partitionEvents // nil: store.postgres.events is false, no event is kept for search
	if s.cfg.Store.Postgres.StoresEvents() {
		events = s.node.db.Events(s.eventOptions())
	}
	s.node.part = newPartitionDetector(s.log.With("component", "detect"), s.node.db.Alerts(), events, s.set, s.cfg, s.node.bus.Partitions())
	b := s.node.bus
	s.node.part.flow = newPartitionFlow(s.log.With("component", "flow"), s.cfg.Flow, s.node.db.FlowProfiles(),
		func(p int) bool { return b.Stats().Lag[p] > 0 })
	if err := s.openKeyPass(); err != nil {
		return err
	}
	if err := s.openNotify(os.Getenv); err != nil {
		return err
	}
	if s.notify != nil {
		s.node.part.notify = s.notify.Notify
		if s.node.keys != nil {
			s.node.keys.notify = s.notify.Notify
		}
	}
	s.learnOnDetect()
	s.node.linker = &incidentLinker{
		log: s.log.With("component", "linker"), store: s.node.db.Alerts(), lock: s.node.db.TryLinkerLock,
		window: s.cfg.Alert.IncidentWindow, partitions: s.node.bus.Partitions(),
	}
	return nil
}

// openKeyPass classifies the correlations and, when some are re-keyed
// (grouped by no host field), connects to the key stream (the event
// stream's name with _CORR, same partitions and replicas) and prepares
// the key pass; otherwise nothing of it runs and nothing is published.
func (s *Service) openKeyPass() error {
	plan, err := newRekeyPlan(s.set)
	if err != nil {
		return err
	}
	if !plan.active() {
		return nil
	}
	cfg := *s.cfg.Bus.NATS
	if cfg.Stream == "" {
		cfg.Stream = bus.DefaultStream
	}
	cfg.Stream += keyStreamSuffix
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	kb, err := bus.Connect(ctx, cfg, s.log.With("component", "bus", "pass", "key"))
	if err != nil {
		return fmt.Errorf("config key bus.nats.stream: key pass stream: %w", err)
	}
	s.node.keyBus = kb
	s.node.part.plan, s.node.part.keyBus = plan, kb
	s.node.keys = newKeyPass(s.log.With("component", "detect", "pass", "key"), s.node.db.Alerts(), s.set, plan, s.cfg, kb.Partitions(), &s.node.part.counts)
	s.log.Info("correlations split between the host and key passes", "host", len(plan.host), "rekeyed", len(plan.rekeyed), "stream", cfg.Stream)
	return nil
}

// ingestPatterns are the routes that take events.
var ingestPatterns = []string{"POST /api/v1/events", "POST /fhir/AuditEvent", "POST /fhir", "POST /fhir/Bundle"}

// roleRoutes are the routes a scaled-out role serves: an ingest node takes
// events and lets callers ask who they are; an API node serves every
// route but those (the console included, over the shared database, with
// what only the single process holds answered as such: notShared,
// unsharedPages).
func (s *Service) roleRoutes(all []apiRoute) []apiRoute {
	var out []apiRoute
	for _, rt := range all {
		ingest := slices.Contains(ingestPatterns, rt.pattern)
		keep := ingest == (s.cfg.Role == RoleIngest)
		if s.cfg.Role == RoleIngest {
			keep = keep || slices.Contains([]string{"GET /api/v1/whoami", "POST /api/v1/login", "POST /api/v1/logout", "/api/"}, rt.pattern)
		}
		if rt.pattern == "GET /api/v1/events" && s.cfg.Role == RoleAPI && s.events == nil {
			rt.handler = noEventSearch()
		}
		if keep {
			out = append(out, rt)
		}
	}
	return out
}

// probeRoutes adds the health check, readiness and metrics to mux.
func (s *Service) probeRoutes(mux *http.ServeMux) http.Handler {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "role": s.cfg.Role.String()})
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	return auth.SecurityHeaders(mux, s.cfg.TLSCert != "")
}

// runRole serves a scaled-out role until ctx is cancelled: the API (all
// roles), the listeners (ingest), the detector group (detect) and the
// notifications (detect). At the end the listeners hand on what they
// read, a detect node commits its batch in hand and gives its partitions
// up, so that the others take them at once.
func (s *Service) runRole(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("API server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		return s.srv.Shutdown(sctx)
	})
	if s.syslog != nil {
		g.Go(func() error { return s.syslog.Run(gctx) })
	}
	if s.mllp != nil {
		g.Go(func() error { return s.mllp.Run(gctx) })
	}
	if s.node.part != nil {
		s.runDetect(gctx, g)
	}
	if s.people != nil { // an API node
		g.Go(func() error { return s.watchPeople(gctx) })
	}
	if s.node.events != nil { // the event store's retention; an API node has no log to truncate
		g.Go(func() error { return s.maintain(gctx) })
	}
	if s.node.follow != nil {
		g.Go(func() error { return s.runPrivacyNode(gctx) })
	}
	s.log.Info("serving", "role", s.cfg.Role.String(), "http", s.Addr().String())
	return g.Wait()
}

// runDetect joins the detector group and runs the held partitions' flow
// watch; notifications and the inventory go on until the node has left it, so that its last commits are notified
// and its last events learned from.
func (s *Service) runDetect(ctx context.Context, g *errgroup.Group) {
	notifyCtx, stopNotify := context.WithCancel(context.Background())
	if s.notify != nil {
		g.Go(func() error { return s.notify.Run(notifyCtx) })
		g.Go(func() error { return s.watchTargets(ctx) })
	}
	stopEstate := s.runNodeEstate(g)
	g.Go(func() error { return s.node.linker.run(ctx) })
	g.Go(func() error { return s.node.part.runFlow(ctx) })
	g.Go(func() error {
		defer stopNotify()
		defer stopEstate()
		var joins errgroup.Group
		joins.Go(func() error { return s.node.bus.Join(ctx, s.cfg.Node, s.node.part) })
		if s.node.keys != nil {
			joins.Go(func() error { return s.node.keyBus.Join(ctx, s.cfg.Node, s.node.keys) })
		}
		if err := joins.Wait(); err != nil {
			return fmt.Errorf("config key node: %w", err)
		}
		return nil
	})
}

// writeRoleReady answers /readyz for a scaled-out role: ready once
// running, as it holds nothing to catch up with at start (a detect node
// catches up per partition, which vigil_bus_lag_messages shows).
func (s *Service) writeRoleReady(w http.ResponseWriter) {
	if !s.ran.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting", "role": s.cfg.Role.String()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "role": s.cfg.Role.String()})
}

// roleMetrics writes a scaled-out role's metrics: events in per listener,
// and the bus's counters.
func (s *Service) roleMetrics(m metricWriter) {
	m.family("vigil_events_in_total", "counter", "Events accepted (stored by the stream), per listener.")
	for _, l := range sortedKeys(s.eventsIn) {
		m.sample("vigil_events_in_total", "listener", l, float64(s.eventsIn[l].Load()))
	}
	if l := s.node.linker; l != nil {
		m.one("vigil_incidents_linked_total", "counter", "Incidents this node merged into an incident of another partition (the cross-partition linker).", float64(l.merged.Load()))
	}
	if b := s.node.bus; b != nil {
		st := b.Stats()
		m.one("vigil_bus_published_total", "counter", "Messages sent to the stream, retries included.", float64(st.Published))
		m.one("vigil_bus_acked_total", "counter", "Messages the stream acknowledged as stored.", float64(st.Acked))
		m.one("vigil_bus_duplicates_total", "counter", "Acknowledged messages the stream already had (a batch sent again).", float64(st.Duplicates))
		m.one("vigil_bus_overloaded_total", "counter", "Batches refused as overloaded.", float64(st.Overloaded))
		m.one("vigil_bus_pending", "gauge", "Publishes awaiting their acknowledgement.", float64(st.Pending))
		m.one("vigil_bus_processed_total", "counter", "Messages processed and committed by this detect node.", float64(st.Processed))
		m.one("vigil_bus_partitions_held", "gauge", "Partitions this detect node holds.", float64(len(st.Lag)))
		var lag uint64
		for _, l := range st.Lag {
			lag += l
		}
		m.one("vigil_bus_lag_messages", "gauge", "Messages in the held partitions not yet processed.", float64(lag))
	}
	if kb := s.node.keyBus; kb != nil {
		st := kb.Stats()
		m.one("vigil_bus_key_published_total", "counter", "Matches published to the key pass's stream, retries included.", float64(st.Published))
		m.one("vigil_bus_key_processed_total", "counter", "Key pass messages processed and committed by this detect node.", float64(st.Processed))
		m.one("vigil_bus_key_partitions_held", "gauge", "Key pass partitions this detect node holds.", float64(len(st.Lag)))
	}
	if p := s.node.part; p != nil {
		m.one("vigil_detector_decode_errors_total", "counter", "Events that did not decode.", float64(p.counts.decodeErrs.Load()))
		m.one("vigil_detections_total", "counter", "Rule and correlation detections since start.", float64(p.counts.detections.Load()))
		m.one("vigil_alert_changes_total", "counter", "Alerts created or updated since start.", float64(p.counts.changed.Load()))
		s.estateMetrics(m)
	}
	s.privacyFollowMetrics(m)
	s.privacyMetrics(m)
	s.peopleMetrics(m)
}

// close closes the bus and the database after the stores made from them;
// nil (role all) closes nothing.
func (r *roleParts) close() {
	if r == nil {
		return
	}
	if r.bus != nil {
		r.bus.Close()
	}
	if r.keyBus != nil {
		r.keyBus.Close()
	}
	if r.db != nil {
		r.db.Close()
	}
}
