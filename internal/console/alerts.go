package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// alertsPerPage is the length of a page of the triage queue.
const alertsPerPage = 50

// maxAlertPages bounds paging: the store answers at most this many pages'
// worth of alerts for one query.
const maxAlertPages = 200

// AlertFilter is the triage queue's filter form, as in the query string.
type AlertFilter struct {
	Level, Status, Host, Rule, Since string
	Page                             int // from 1
}

// AlertsPage is the data of the triage queue.
type AlertsPage struct {
	Filter           AlertFilter
	Alerts           []*alert.Alert
	Prev, Next       string // links to the previous and next page; "" when none
	First, Last      int    // the numbers of the alerts shown, from 1
	Error            string // a filter that could not be read
	Levels, Statuses []string
	Periods          []Period
}

// Period is a choice of the time filter.
type Period struct {
	Value, Label string
	Back         time.Duration
}

// periods are the time filter's choices; "" is any time.
var periods = []Period{{"1h", "Last hour", time.Hour}, {"24h", "Last 24 hours", 24 * time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour}, {"30d", "Last 30 days", 30 * 24 * time.Hour}, {"", "Any time", 0}}

var (
	levelsDesc = []string{"critical", "high", "medium", "low", "informational"}
	statuses   = []string{alert.StatusOpen, alert.StatusAcknowledged, alert.StatusClosed}
)

func (c *Console) alertsPage(w http.ResponseWriter, r *http.Request) {
	f, q, err := c.alertFilter(r.URL.Query())
	page := AlertsPage{Filter: f, Levels: levelsDesc, Statuses: statuses, Periods: periods}
	if err != nil {
		page.Error = err.Error()
		c.Render(w, r, http.StatusBadRequest, "alerts", page)
		return
	}
	q.Limit = f.Page*alertsPerPage + 1 // one more than shown: is there a next page?
	all, err := c.deps.Alerts.Alerts(r.Context(), q)
	if err != nil {
		c.storeFailed(w, r, "alerts", err)
		return
	}
	from := min((f.Page-1)*alertsPerPage, len(all))
	to := min(from+alertsPerPage, len(all))
	page.Alerts, page.First, page.Last = all[from:to], from+1, to
	if f.Page > 1 {
		page.Prev = f.link(f.Page - 1)
	}
	if len(all) > to && f.Page < maxAlertPages {
		page.Next = f.link(f.Page + 1)
	}
	c.Render(w, r, http.StatusOK, "alerts", page)
}

// alertFilter reads the queue's filters; an error names the one at fault
// in plain English.
func (c *Console) alertFilter(v url.Values) (AlertFilter, alert.Query, error) {
	f := AlertFilter{Level: v.Get("level"), Status: v.Get("status"), Host: v.Get("host"), Rule: v.Get("rule"), Since: v.Get("since"), Page: 1}
	q := alert.Query{Level: f.Level, Status: f.Status, Host: f.Host, RuleID: f.Rule}
	if f.Level != "" && alert.LevelRank(f.Level) == 0 {
		return f, q, errors.New("Choose a level from the list.")
	}
	if f.Status != "" && !slices.Contains(statuses, f.Status) {
		return f, q, errors.New("Choose a status from the list.")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxAlertPages {
			return f, q, errors.New("The page number must be a whole number from 1 to " + strconv.Itoa(maxAlertPages) + ".")
		}
		f.Page = n
	}
	for _, p := range periods {
		if p.Value == f.Since {
			if p.Back > 0 {
				q.Since = c.deps.Now().Add(-p.Back)
			}
			return f, q, nil
		}
	}
	return f, q, errors.New("Choose a time from the list.")
}

// link is the queue's URL with f's filters on page n.
func (f AlertFilter) link(n int) string {
	v := url.Values{}
	for k, s := range map[string]string{"level": f.Level, "status": f.Status, "host": f.Host, "rule": f.Rule, "since": f.Since} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/alerts"
	}
	return "/alerts?" + v.Encode()
}

// storeFailed answers 503 when the alert store cannot be read.
func (c *Console) storeFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	c.deps.Log.Error("console: read "+what, "path", r.URL.Path, "err", err)
	c.Error(w, r, http.StatusServiceUnavailable, "This page could not be shown", "Vigil could not read its "+what+". Try again in a minute; if it goes on, tell the administrator.")
}
