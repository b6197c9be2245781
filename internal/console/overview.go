package console

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
)

// Overview limits: how many alerts the charts read, and the heat map's
// window.
const (
	overviewAlerts = 10000
	heatWindow     = 30 * 24 * time.Hour
)

// OverviewPage is the data of the overview. Board members see counts and
// statuses only: Board hides the incidents' titles and hosts.
type OverviewPage struct {
	Board     bool
	Stats     Stats
	Listeners []ListenerRate
	Signal    *StackedBars // events in 5-minute bars over the last hour; nil with neither source
	Sources   []Source     // every source, quiet ones first
	Quiet     int          // sources silent or dropping
	Range     string       // the alerts chart's range: 24h or 7d
	Alerts    StackedBars
	Incidents []*alert.Incident // open and acknowledged
	Heat      HeatMap
	Notes     []string // parts that could not be read

	Live bool // the listeners' recent rates are known (Stats.Recent)
	// SignalFrom says where Signal's figures come from: the listeners'
	// own counts, by listener, or the event store's, all together.
	SignalFrom string
	ByListener bool // Signal has a series per listener
}

// ListenerRate is one listener's events since start and its mean rate
// since then and, where the process counts them live, its events a minute
// over the last 1 and 5 minutes.
type ListenerRate struct {
	Name      string
	Total     int64
	PerMinute float64 // since start

	// Live is true when LastMinute and LastFive are known: the process
	// counts its listeners and this one is set up.
	Live       bool
	LastMinute float64
	LastFive   float64
	// Quiet is true when the rates are live and the listener accepted
	// nothing in the last 5 minutes.
	Quiet bool
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rng := r.URL.Query().Get("range")
	if rng != "7d" {
		rng = "24h"
	}
	st, err := c.deps.Stats(ctx)
	if err != nil {
		c.deps.Log.Error("console: overview stats", "err", err)
		c.Error(w, r, http.StatusServiceUnavailable, "The overview could not be shown", "Vigil could not read its figures. Try again in a minute.")
		return
	}
	p, _ := auth.FromContext(ctx)
	page := OverviewPage{Board: p.Role == auth.RoleBoard, Stats: st, Range: rng, Listeners: listenerRates(st), Live: st.Recent != nil}
	if page.Sources, err = c.deps.Sources(ctx); err != nil {
		c.deps.Log.Error("console: overview sources", "err", err)
		page.Notes = append(page.Notes, "The sources' status could not be read.")
	}
	page.Quiet = sortSources(page.Sources)
	if err = c.signal(ctx, &page); err != nil {
		c.deps.Log.Error("console: overview signal", "err", err)
		page.Notes = append(page.Notes, "The signal rate could not be read from the event store.")
	}
	now := c.deps.Now()
	alerts, err := c.deps.Alerts.Alerts(ctx, alert.Query{Since: now.Add(-heatWindow), Limit: overviewAlerts})
	if err != nil {
		c.storeFailed(w, r, "alerts", err)
		return
	}
	page.Alerts = c.alertsChart(alerts, rng, now)
	page.Heat = heatMap(alerts)
	if page.Incidents, err = c.openIncidents(ctx); err != nil {
		c.storeFailed(w, r, "incidents", err)
		return
	}
	c.Render(w, r, http.StatusOK, "overview", page)
}

// listenerRates are the listeners' counts since start and their recent
// rates where known, by name.
func listenerRates(st Stats) []ListenerRate {
	var out []ListenerRate
	mins := max(st.Uptime.Minutes(), 1)
	for name, n := range st.EventsIn {
		l := ListenerRate{Name: name, Total: n, PerMinute: float64(n) / mins}
		if r, ok := st.Recent[name]; ok {
			l.LastMinute, l.LastFive, l.Live, l.Quiet = r.LastMinute, r.LastFive, true, r.LastFive == 0
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b ListenerRate) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// sortSources puts quiet sources (silent, then dropping) first, then the
// rest by listener and host, and returns how many are quiet.
func sortSources(src []Source) int {
	rank := func(s Source) int {
		switch s.State {
		case "silent":
			return 0
		case "drop":
			return 1
		}
		return 2
	}
	slices.SortFunc(src, func(a, b Source) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		if d := strings.Compare(a.Listener, b.Listener); d != 0 {
			return d
		}
		return strings.Compare(a.Host, b.Host)
	})
	n := 0
	for _, s := range src {
		if rank(s) < 2 {
			n++
		}
	}
	return n
}

// alertsChart counts alerts by level per hour (24h) or per local day
// (7d), by when they were last seen.
func (c *Console) alertsChart(alerts []*alert.Alert, rng string, now time.Time) StackedBars {
	now = now.In(c.deps.Location)
	n, layout, title := 24, "15:04", "Alerts by level, last 24 hours"
	first := now.Truncate(time.Hour).Add(-23 * time.Hour)
	bucket := func(i int) time.Time { return first.Add(time.Duration(i) * time.Hour) }
	if rng == "7d" {
		n, layout, title = 7, "Mon 2 Jan", "Alerts by level, last 7 days"
		y, m, d := now.Date()
		bucket = func(i int) time.Time { return time.Date(y, m, d-6+i, 0, 0, 0, 0, c.deps.Location) } // local days: 23 or 25 hours at a clock change
	}
	series := []string{"informational", "low", "medium", "high", "critical"}
	ch := StackedBars{Title: title, Series: series, Counts: make([][]int, n)}
	for i := range n {
		ch.Labels = append(ch.Labels, bucket(i).Format(layout))
		ch.Counts[i] = make([]int, len(series))
	}
	total := 0
	for _, a := range alerts {
		s := slices.Index(series, a.Level)
		for i := range n {
			if s >= 0 && !a.LastSeen.Before(bucket(i)) && a.LastSeen.Before(bucket(i+1)) {
				ch.Counts[i][s]++
				total++
			}
		}
	}
	ch.Desc = plural(total, "alert") + ", stacked by level in each bar; the table below gives the figures."
	return ch
}

// openIncidents are the incidents not closed nor merged, newest first.
func (c *Console) openIncidents(ctx context.Context) ([]*alert.Incident, error) {
	all, err := c.deps.Alerts.Incidents(ctx, alert.IncidentQuery{Limit: maxIncidentsShown})
	if err != nil {
		return nil, err
	}
	var out []*alert.Incident
	for _, inc := range all {
		if inc.Status != alert.StatusClosed {
			out = append(out, inc)
		}
	}
	return out, nil
}
