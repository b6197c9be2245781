package console

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/report"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Page is one console route with its access policy, registered by serve
// through the same guard as the API.
type Page struct {
	Pattern string      // http.ServeMux pattern, method first: "GET /alerts"
	Roles   []auth.Role // who may open it; admin always may (auth.Admits)
	// Audit is set on pages that show event or patient-identifiable
	// detail: every view is written to the audit log, granted or refused.
	// Changes (POST) are audited whatever it says.
	Audit bool
	// Public pages need no login: the login page and the static assets.
	Public bool
	// Nav is the label of the page's link in the navigation; "" for
	// detail pages and form posts, which have none.
	Nav     string
	Handler http.Handler
}

// Stats are the service's figures the overview shows (serve's
// GET /api/v1/stats, without the internals).
type Stats struct {
	EventsStored uint64
	Alerts       int
	Quarantined  int64
	EventsIn     map[string]int64 // accepted per listener since start
	Detections   int64
	Ready        bool
	Uptime       time.Duration
	// Recent are each listener's events a minute over the last 1 and 5
	// minutes, by name, for the listeners set up (one missing is shown as
	// not set up); nil where the process counts no listener (a scaled-out
	// API node), and the overview then shows the rates since start alone.
	Recent map[string]RecentRate
}

// Source is one log source as the flow watch sees it: its listener and
// host, when it last sent, its count and its expected count over the
// watch's window (Expected is negative while it has no baseline), and its
// state: ok, silent, drop or surge.
type Source struct {
	Listener string
	Host     string
	Kind     string
	LastSeen time.Time
	Observed float64
	Expected float64
	State    string
}

// Deps is what the console reads and changes. Alerts, Auth, Stats and
// Sources are required; a nil Events, Privacy or Rules leaves out what
// needs it.
type Deps struct {
	Alerts  alert.Store
	Events  eventstore.Store
	Privacy *privacy.Live
	Rules   *sigma.Set
	Auth    *auth.Authenticator
	Stats   func(context.Context) (Stats, error)
	Sources func(context.Context) ([]Source, error)
	// Location is where times are shown; nil means Europe/London.
	Location *time.Location
	Log      *slog.Logger // nil discards
	// Now is the clock of the clocks and charts; nil means time.Now.
	Now func() time.Time
	// OIDCEnabled shows the "Log in with your organisation's account"
	// button on the login page, linking to OIDCLoginPath.
	OIDCEnabled bool

	// Decisions keeps the outcomes of privacy cases (the data folder's
	// log, or the shared database's on an API node); nil leaves the
	// outcome form out.
	Decisions privacy.DecisionStore
	// RuleCounts gives each rule's detections since start; nil shows none.
	RuleCounts RuleCounts
	// ListenerBars counts each listener's accepted events in n bars of
	// width from start, from the process's own counts: the listeners
	// sorted, and counts[bar][listener]. Nil where the process counts
	// none (a scaled-out API node): the overview's hour chart then comes
	// from the event store.
	ListenerBars func(start time.Time, width time.Duration, n int) (listeners []string, counts [][]int)
	// SourceWindow is the span the flow watch measures sources' rates
	// over (flow.Options.Window).
	SourceWindow time.Duration
	// Notify lists, adds, removes and tests the notification targets on
	// the settings page; nil shows none.
	Notify NotifyTargets
	// Audit writes what a change or a download was (who, from the
	// request's principal; action; object; outcome) to the audit log,
	// beside the guard's entry for the request; nil writes nothing.
	Audit func(r *http.Request, action, object, outcome string) error

	// Reports gathers the figures of the board pack and the staff
	// briefing for a period, as vigil report does (from the service's
	// data folder, or on an API node the shared database); nil leaves
	// the reports pages out.
	Reports func(ctx context.Context, p report.Period) (*report.Facts, error)
	// PatientReports records every patient access report downloaded (the
	// data folder's log, or on an API node the shared database); nil
	// records none.
	PatientReports privacy.PatientReportStore
	// PrivacyCaughtUp, on an API node that analyses the events the detect
	// nodes store, says when the analysis last caught up with them (zero:
	// not yet); the privacy page shows it. nil (role all, fed as events
	// arrive) shows nothing.
	PrivacyCaughtUp func() time.Time
}

// OIDCLoginPath is where the login page's organisation-account button
// leads; the OpenID Connect login serves it.
const OIDCLoginPath = "/login/oidc"

// Console is the web console: its pages and the templates they render.
type Console struct {
	deps  Deps
	tmpl  map[string]*template.Template // page template name -> layout + partials + page
	pages []Page
	nav   []navLink
}

// New checks d and parses the embedded templates.
func New(d Deps) (*Console, error) {
	if d.Alerts == nil || d.Auth == nil || d.Stats == nil || d.Sources == nil {
		return nil, errors.New("console: Deps needs Alerts, Auth, Stats and Sources")
	}
	if d.Location == nil {
		d.Location = London
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	c := &Console{deps: d}
	var err error
	if c.tmpl, err = parseTemplates(c.funcs()); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	for _, group := range pageGroups {
		c.pages = append(c.pages, group(c)...)
	}
	c.nav = navOf(c.pages)
	return c, nil
}

// Pages returns every page route, the public ones (GET /static/, the
// login) included, for serve to register through its guard.
func (c *Console) Pages() []Page { return c.pages }
