package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/oidc"
	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/ingest/syslog"
	"github.com/vigilhealth/vigil/internal/notify"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/internal/wal"
	"github.com/vigilhealth/vigil/rules"
)

// Shutdown bounds: how long in-flight HTTP requests may take to finish, and
// how long the detector may take to catch up with the log after the
// listeners stopped. Records left unprocessed are processed at the next start.
const (
	shutdownTimeout = 15 * time.Second
	drainTimeout    = 30 * time.Second
)

// Service is one running Vigil: listeners, the write-ahead log, the detector,
// the alert store and the HTTP API. New prepares it (opening files and
// binding sockets); Run serves until its context is cancelled.
type Service struct {
	cfg     Config
	log     *slog.Logger
	set     *sigma.Set
	wal     *wal.Log
	store   alert.Store
	events  eventstore.Store // searchable events, copied from the log
	evf     *eventsFollower
	floors  []func() uint64 // first log record each consumer still needs
	quar    *quarantine
	sink    *walSink
	accept  ingest.Sink // what the listeners hand events to: sink, or the bus in role ingest
	node    *roleParts  // the scaled-out roles' parts; nil in role all
	det     *detector
	notify  *notify.Dispatcher // nil when no target is configured
	flow    *flow.Watch
	now     func() time.Time // the flow watch's clock
	syslog  *syslog.Listener
	mllp    *hl7.Listener // nil when the hl7 section sets no address
	fhir    *fhirHandler
	privacy *privacy.Live // explains accesses to patients' records
	estate  *estateWatch  // assets learned from events, checked against the feeds
	people  *people.Store // staff, training, phishing reports, pulse
	// peopleReload looks for a new import, counting the failed looks.
	peopleReload reloader
	// targets are the notification targets: the file's and those added
	// at run time (notifytargets.go); nil on an ingest node.
	targets *notifyTargets
	// notifyReload looks for targets added or removed elsewhere,
	// counting the failed looks (watchTargets).
	notifyReload reloader
	// guidance sends staff named by alerts short guidance; nil when off.
	guidance *guidance
	// pulseLimit counts pulse requests per address, in memory only.
	pulseLimit *auth.LoginLimiter
	ln         net.Listener
	srv        *http.Server
	token      string
	tokenPath  string
	auth       *auth.Authenticator // API tokens, accounts, sessions
	oidc       *oidc.Login         // nil unless an OpenID provider is configured
	audit      audit.Chain         // the self-audit log: the data folder's, or PostgreSQL's in role api
	policy     map[string]apiRoute // the API's routes and console pages by pattern (apiRoutes, pageRoutes)
	console    *console.Console
	processed  atomic.Uint64 // the detector's committed position
	eventsIn   map[string]*atomic.Int64
	signal     *signalRing // samples of the listeners' eventsIn for the live rates; nil on a scaled-out node
	started    time.Time
	ran        atomic.Bool
}

// New validates cfg, loads the rules, opens the data folder (recovering the
// log and the alert store after a crash) and binds the listeners, so that
// Addr is known before Run. A nil log discards logs.
func New(cfg Config, log *slog.Logger) (s *Service, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s = &Service{cfg: cfg, log: log, started: time.Now(), eventsIn: map[string]*atomic.Int64{"http": {}, "syslog": {}, fhirListener: {}, hl7Listener: {}}}
	opened := s // a failed return sets s to nil; what was opened must still close
	defer func() {
		if err != nil {
			opened.closeAll()
		}
	}()
	if cfg.Role != RoleAll {
		return s, s.openRole()
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := s.loadRules(); err != nil {
		return nil, err
	}
	if err := s.openData(); err != nil {
		return nil, err
	}
	if err := s.openPrivacy(); err != nil {
		return nil, err
	}
	s.rebuildPrivacyInputs()
	s.det.privacy = s.privacy
	if err := s.openEstate(); err != nil {
		return nil, err
	}
	s.det.estate = &estateOfferer{w: s.estate}
	if err := s.openPeople(); err != nil {
		return nil, err
	}
	if err := s.openConsole(); err != nil {
		return nil, err
	}
	if err := s.openNotify(os.Getenv); err != nil {
		return nil, err
	}
	if err := s.openGuidance(os.Getenv); err != nil { // after openNotify: it wraps the detector's hook
		return nil, err
	}
	if err := s.openListeners(); err != nil {
		return nil, err
	}
	s.signal = newSignalRing(s.listening(), signalEvery, signalKeep)
	return s, nil
}

// loadRules loads cfg.Rules, or Vigil's own pack when none are given, and
// logs every rule refused; a bad rule never stops the others.
func (s *Service) loadRules() error {
	set, err := rules.Load(s.cfg.Rules, sigma.Options{})
	if err != nil {
		return fmt.Errorf("config key %w", err) // "config key rules: ..."
	}
	s.set = set
	for _, r := range s.set.Refused {
		s.log.Warn("rule refused", "err", r.Error())
	}
	s.log.Info("rules loaded", "rules", len(s.set.Rules), "correlations", len(s.set.Correlations), "refused", len(s.set.Refused))
	return nil
}

// openData opens the log, the alert store, the quarantine, the admin
// token, the access-control stores and the self-audit log,
// and prepares the detector to resume where the store's last commit ended.
func (s *Service) openData() error {
	var err error
	if s.wal, err = wal.Open(filepath.Join(s.cfg.Data, "wal"), wal.Options{Logger: s.log, SegmentBytes: walSegmentBytes}); err != nil {
		return fmt.Errorf("open the event log: %w", err)
	}
	if s.store, err = openStore(filepath.Join(s.cfg.Data, "alerts")); err != nil {
		return fmt.Errorf("open the alert store: %w", err)
	}
	ctx := context.Background()
	pos, err := s.store.Position(ctx)
	if err != nil {
		return fmt.Errorf("alert store position: %w", err)
	}
	last := s.wal.Stats().Last
	if pos > last {
		return fmt.Errorf("the alert store in %s has processed record %d but the event log ends at %d: the log was lost or replaced", s.cfg.Data, pos, last)
	}
	s.processed.Store(pos)
	if err := s.openEvents(last); err != nil {
		return err
	}
	dedup, err := s.restoreDeduper(ctx)
	if err != nil {
		return err
	}
	corr, err := correlate.New(s.set.Rules, s.set.Correlations)
	if err != nil { // rules.Load set every refused correlation aside
		return fmt.Errorf("correlations: %w", err)
	}
	s.det = &detector{
		wal: s.wal, store: s.store, matcher: detect.NewMatcher(s.set.Rules),
		processed: &s.processed, target: last,
	}
	s.det.deriver = newDeriver(s.log, dedup, corr, s.set.Rules, &s.det.detectCounts)
	s.det.snap = s.openCorrState(corr, pos)
	s.floors = append(s.floors, func() uint64 { return s.det.snap.pos.Load() + 1 }) // replay starts after the snapshot
	if err := s.openAccess(); err != nil {
		return err
	}
	s.sink = newWALSink(s.wal, &s.processed, DefaultMaxLag)
	s.accept = s.sink
	return s.openFlow()
}

// openAccess opens what the API and the listeners need beside the events:
// the admin token, the access-control stores, the self-audit log and the
// quarantine.
func (s *Service) openAccess() error {
	var err error
	if s.token, s.tokenPath, err = adminToken(s.cfg.AdminToken, s.cfg.Data); err != nil {
		return err
	}
	if err := s.openAuth(); err != nil {
		return err
	}
	if err := s.openOIDC(); err != nil {
		return err
	}
	if s.quar, err = openQuarantine(filepath.Join(s.cfg.Data, "quarantine.jsonl"), DefaultQuarantineBytes, s.log); err != nil {
		return err
	}
	return nil
}

// openFlow creates the flow watch, loads its saved profile and lets the sink
// count arrivals and the detector commit its alerts.
func (s *Service) openFlow() error {
	opts := s.cfg.Flow.Watch
	s.now = opts.Clock
	if s.now == nil {
		s.now = time.Now
		opts.Clock = time.Now
	}
	s.flow = flow.New(opts)
	if err := s.loadFlow(); err != nil {
		return err
	}
	s.sink.flow, s.sink.now = s.flow, s.now
	s.det.flowIn = make(chan *alert.Alert, flowQueue)
	return nil
}

// openNotify builds the dispatcher from the notify section, reading the
// secrets it names with getenv, and the targets added at run time; the
// detector notifies what it commits. The dispatcher runs even with no
// target, as an administrator may add one at any time.
func (s *Service) openNotify(getenv func(string) string) error {
	targets, err := s.cfg.Notify.targets(getenv)
	if err != nil {
		return err
	}
	if err := s.openTargets(getenv); err != nil {
		return err
	}
	s.notify = notify.NewDispatcher(nil, notify.Options{MinLevel: s.cfg.Notify.MinLevel}, s.log.With("component", "notify"))
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := s.targets.attach(ctx, s.notify, targets); err != nil {
		return fmt.Errorf("notification targets: %w", err)
	}
	if s.det != nil { // a detect node's partition detector takes it in openDetect
		s.det.notify = s.notify.Notify
	}
	for _, t := range targets {
		s.log.Info("notifying", "target", t.Name())
	}
	return nil
}

// restoreDeduper rebuilds the deduplication windows from the store, so that
// records replayed after a crash update the alerts they updated before.
func (s *Service) restoreDeduper(ctx context.Context) (deduper, error) {
	alerts, err := s.store.Alerts(ctx, alert.Query{Limit: restoreLimit})
	if err != nil {
		return nil, fmt.Errorf("read alerts to restore: %w", err)
	}
	incidents, err := s.store.Incidents(ctx, alert.IncidentQuery{Merged: true, Limit: restoreLimit})
	if err != nil {
		return nil, fmt.Errorf("read incidents to restore: %w", err)
	}
	d := newDeduper(s.cfg.Alert.Window, s.cfg.Alert.IncidentWindow)
	d.Restore(alerts, incidents)
	return d, nil
}

// restoreLimit bounds the alerts read back at start; only the newest matter,
// as older ones are past every window.
const restoreLimit = 100_000

// The alert store and deduplicator; variables so that a test could put
// others in their place.
var (
	openStore  = func(dir string) (alert.Store, error) { return alert.OpenFileStore(dir) }
	newDeduper = func(window, incidentWindow time.Duration) deduper { return alert.NewDeduper(window, incidentWindow) }
)

// openListeners binds the API (HTTPS when tls_cert is set) and then the
// syslog and MLLP listeners (when configured), last because only their Run
// releases their sockets.
func (s *Service) openListeners() error {
	if err := s.openHTTP(s.routes()); err != nil {
		return err
	}
	if err := s.openSyslog(); err != nil {
		return err
	}
	return s.openMLLP()
}

// openHTTP binds the API's address (HTTPS when tls_cert is set) for h.
func (s *Service) openHTTP(h http.Handler) error {
	ln, err := net.Listen("tcp", s.cfg.HTTP)
	if err != nil {
		return fmt.Errorf("config key http: %w", err)
	}
	s.ln = ln
	if s.cfg.TLSCert != "" {
		tc, err := serverTLS("tls_cert/tls_key", s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			return err
		}
		s.ln = tls.NewListener(ln, tc)
	}
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	return nil
}

// openSyslog binds the syslog listener when a transport is configured.
func (s *Service) openSyslog() error {
	var err error
	sc := s.cfg.Syslog
	if sc.UDP != "" || sc.TCP != "" || sc.TLS != "" {
		lc := syslog.ListenerConfig{UDP: sc.UDP, TCP: sc.TCP, TLS: sc.TLS}
		if sc.TLS != "" {
			if lc.TLSConfig, err = serverTLS("syslog.tls_cert/tls_key", sc.TLSCert, sc.TLSKey); err != nil {
				return err
			}
		}
		l, err := syslog.NewListener(lc, s.sinkFor("syslog"), s.quar, s.log.With("listener", "syslog"))
		if err != nil {
			return fmt.Errorf("syslog listener: %w", err)
		}
		s.syslog = l
	}
	return nil
}

func (s *Service) sinkFor(listener string) ingest.Sink {
	return countingSink{next: s.accept, n: s.eventsIn[listener]}
}

// Addr is the address the API listens on.
func (s *Service) Addr() net.Addr { return s.ln.Addr() }

// APIURL is the API's base URL: https:// when tls_cert is set, else
// http://, then the bound address.
func (s *Service) APIURL() string {
	if s.cfg.TLSCert != "" {
		return "https://" + s.Addr().String()
	}
	return "http://" + s.Addr().String()
}

// SyslogAddrs are the bound syslog addresses; nil for a transport that is off.
func (s *Service) SyslogAddrs() (udp, tcp, tls net.Addr) {
	if s.syslog == nil {
		return nil, nil, nil
	}
	return s.syslog.Addrs()
}

// TokenPath is the file holding the generated admin token, or "" when the
// token came from the configuration or VIGIL_ADMIN_TOKEN.
func (s *Service) TokenPath() string { return s.tokenPath }

// Run serves until ctx is cancelled, then drains: the API stops taking
// requests and finishes those in flight, the syslog listener hands on what it
// read, the MLLP listener answers the messages in hand, the detector
// processes the log up to its end and commits, and the files are closed.
// Run may be called once.
func (s *Service) Run(ctx context.Context) error {
	if s.ran.Swap(true) {
		return errors.New("serve: Run called twice")
	}
	defer s.closeAll()
	if s.node != nil {
		return s.runRole(ctx)
	}
	g, gctx := errgroup.WithContext(ctx)
	detCtx, stopDetector := context.WithCancel(context.Background())
	defer stopDetector()
	httpDone, syslogDone, mllpDone, detDone := make(chan struct{}), make(chan struct{}), make(chan struct{}), make(chan struct{})
	evCtx, stopEvents := context.WithCancel(context.Background())
	defer stopEvents()
	evDone := make(chan struct{})
	g.Go(func() error {
		defer close(evDone)
		return s.evf.run(evCtx)
	})
	g.Go(func() error { return s.maintain(gctx) })
	s.signal.sample(s.now()) // the listeners' baseline, before any runs
	g.Go(func() error { return s.signal.run(gctx, s.now) })
	// Notifications go on until the detector has committed its last
	// alerts, so that the drain's alerts are notified too.
	notifyCtx, stopNotify := context.WithCancel(context.Background())
	defer stopNotify()
	if s.notify != nil {
		g.Go(func() error { return s.notify.Run(notifyCtx) })
	}
	if s.guidance != nil {
		g.Go(func() error { return s.guidance.run(notifyCtx) })
	}
	g.Go(func() error { return s.watchPeople(gctx) })
	g.Go(func() error { return s.watchTargets(gctx) })
	g.Go(func() error { return s.watchFlow(gctx) })
	// The inventory learns until the detector has stopped offering.
	estCtx, stopEstate := context.WithCancel(context.Background())
	defer stopEstate()
	g.Go(func() error { return s.estate.run(estCtx, s.saveEstate) })
	g.Go(func() error {
		if err := s.privacy.Run(gctx, s.cfg.Privacy.Every); err != nil && gctx.Err() == nil {
			return fmt.Errorf("privacy analysis: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("API server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		defer close(httpDone)
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		return s.srv.Shutdown(sctx)
	})
	g.Go(func() error {
		defer close(syslogDone)
		if s.syslog == nil {
			return nil
		}
		return s.syslog.Run(gctx)
	})
	g.Go(func() error {
		defer close(mllpDone)
		if s.mllp == nil {
			return nil
		}
		return s.mllp.Run(gctx)
	})
	g.Go(func() error {
		defer close(detDone)
		return s.det.run(detCtx)
	})
	g.Go(func() error {
		<-gctx.Done()
		<-httpDone
		<-syslogDone
		<-mllpDone
		if err := s.saveFlow(); err != nil { // nothing more arrives
			s.log.Error("shutdown: save the flow profile", "err", err)
		}
		s.drain(detDone)
		stopDetector()
		<-detDone
		stopEstate()
		stopEvents() // nothing more is appended: the follower copies the rest
		<-evDone
		stopNotify()
		return nil
	})
	s.log.Info("serving", "http", s.Addr().String(), "data", s.cfg.Data)
	return g.Wait()
}

// drain waits until the detector has processed the whole log, has stopped,
// or drainTimeout has passed.
func (s *Service) drain(detDone <-chan struct{}) {
	deadline := time.NewTimer(drainTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.processed.Load() < s.wal.Stats().Last {
		select {
		case <-detDone:
			return
		case <-deadline.C:
			s.log.Warn("shutdown: detector did not catch up; the rest is processed at the next start",
				"processed", s.processed.Load(), "last", s.wal.Stats().Last)
			return
		case <-tick.C:
		}
	}
}

// closeAll closes what New opened, in reverse order of dependence.
func (s *Service) closeAll() {
	if s.ln != nil && !s.ran.Load() {
		s.ln.Close()
	}
	if s.auth != nil {
		if err := s.auth.Tokens.FlushUsage(); err != nil {
			s.log.Warn("save the tokens' last use", "err", err)
		}
	}
	if s.audit != nil {
		if err := s.audit.Close(); err != nil {
			s.log.Error("close the audit log", "err", err)
		}
	}
	if s.quar != nil {
		if err := s.quar.Close(); err != nil {
			s.log.Error("close the quarantine", "err", err)
		}
	}
	if s.privacy != nil {
		if err := s.privacy.Close(); err != nil {
			s.log.Error("close the privacy state", "err", err)
		}
	}
	if s.targets != nil {
		s.targets.store.Close()
	}
	if s.people != nil {
		if err := s.people.Close(); err != nil {
			s.log.Error("close the people store", "err", err)
		}
	}
	if s.store != nil {
		if err := s.store.Close(); err != nil {
			s.log.Error("close the alert store", "err", err)
		}
	}
	if s.events != nil {
		if err := s.events.Close(); err != nil {
			s.log.Error("close the event store", "err", err)
		}
	}
	if s.wal != nil {
		if err := s.wal.Close(); err != nil {
			s.log.Error("close the event log", "err", err)
		}
	}
	s.node.close()
}
