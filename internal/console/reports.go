package console

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/report"
)

// reportRoles may open the reports: the board above all, and the analyst
// and privacy officer, who answer for parts of them.
var reportRoles = []auth.Role{auth.RoleBoard, auth.RoleAnalyst, auth.RolePrivacyOfficer}

// detailRoles see the reports with what each incident was and the
// systems it involved, as they see the incidents themselves; the others
// get report.Facts.WithoutDetail.
var detailRoles = analystRoles

// staffReportTo is how the staff briefing tells staff to report a
// concern, as vigil report staff says by default.
const staffReportTo = "the IT service desk"

// reportKinds are the reports the console produces: the name of the
// file each is saved as, and how it is laid out from the figures.
var reportKinds = map[string]struct {
	file   string
	layout func(*report.Facts) *report.Doc
}{
	"board": {"board-report", report.Board},
	"staff": {"staff-briefing", func(f *report.Facts) *report.Doc { return report.Staff(f, staffReportTo) }},
}

// reportPages are the reports page and the reports it serves. Producing
// a report is audited (who, which, for what period), and each report is
// audited again by the guard, as it may name systems and incidents.
func (c *Console) reportPages() []Page {
	if c.deps.Reports == nil {
		return nil
	}
	return []Page{
		{Pattern: "GET /reports", Roles: reportRoles, Nav: "Reports", Handler: http.HandlerFunc(c.reportsPage)},
		{Pattern: "GET /reports/board", Roles: reportRoles, Audit: true, Handler: c.reportHandler("board")},
		{Pattern: "GET /reports/staff", Roles: reportRoles, Audit: true, Handler: c.reportHandler("staff")},
	}
}

// reportsView is the reports page's data.
type reportsView struct {
	Period   string // as typed, for the form
	Error    string // why the period was refused
	Chosen   report.Period
	Recent   []periodLink // periods offered as links
	Redacted bool         // the viewer gets reports without incident detail
	Board    reportLinks
	Staff    reportLinks
}

// reportLinks are one report's addresses for the chosen period.
type reportLinks struct{ HTML, PDF string }

// reportsPage answers GET /reports: a period to choose, the board pack
// for it shown in a frame, and the links to download both reports.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	now := c.deps.Now()
	v := reportsView{Period: strings.TrimSpace(r.URL.Query().Get("period")), Redacted: !auth.Admits(detailRoles, p.Role)}
	v.Recent = recentPeriods(now)
	chosen, err := choosePeriod(v.Period, now)
	if err != nil {
		v.Error = err.Error()
		c.Render(w, r, http.StatusBadRequest, "reports", v)
		return
	}
	v.Chosen, v.Period = chosen, chosen.Name
	v.Board, v.Staff = linksFor("board", chosen), linksFor("staff", chosen)
	c.Render(w, r, http.StatusOK, "reports", v)
}

// periodLink is a period offered on the reports page.
type periodLink struct {
	Which  string // "This quarter"
	Period report.Period
}

// recentPeriods are the periods a reader most often wants: this quarter
// and the last, this month and the last, and the last 30 days.
func recentPeriods(now time.Time) []periodLink {
	q, m := report.QuarterOf(now), report.MonthOf(now)
	return []periodLink{
		{"This quarter", q}, {"Last quarter", report.QuarterOf(q.Start.AddDate(0, 0, -1))},
		{"This month", m}, {"Last month", report.MonthOf(m.Start.AddDate(0, 0, -1))},
		{"Last 30 days", report.LastDays(30, now)},
	}
}

// choosePeriod reads the period typed: a quarter (2026-Q3), a month
// (2026-11) or the last N days (last-30-days, or the words "last 30
// days"), counted back from now; the current quarter when none was typed.
func choosePeriod(s string, now time.Time) (report.Period, error) {
	if s = strings.TrimSpace(s); s == "" {
		return report.QuarterOf(now), nil
	}
	return report.ParsePeriodAt(s, now)
}

// linksFor are the addresses of one report for period p.
func linksFor(kind string, p report.Period) reportLinks {
	base := "/reports/" + kind + "?period=" + url.QueryEscape(p.Name) + "&format="
	return reportLinks{HTML: base + "html", PDF: base + "pdf"}
}

// reportHandler answers GET /reports/{kind}?period=P&format=html|pdf:
// the report for the period (choosePeriod: the current quarter when none
// is given),
// gathered from the data as it stands. The HTML is shown in the page (it
// is what the reports page frames) with a Content-Security-Policy of its
// own that admits its one style element; the PDF is a download.
func (c *Console) reportHandler(kind string) http.Handler {
	k := reportKinds[kind]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		format := cmp.Or(q.Get("format"), "html")
		if format != "html" && format != "pdf" {
			c.Error(w, r, http.StatusBadRequest, "No such format", fmt.Sprintf("A report comes as html or pdf, not %q.", format))
			return
		}
		period, err := choosePeriod(q.Get("period"), c.deps.Now())
		if err != nil {
			c.Error(w, r, http.StatusBadRequest, "That period is not one Vigil knows", err.Error()+". Go back to the reports page and choose one.")
			return
		}
		p, _ := auth.FromContext(r.Context())
		detail := auth.Admits(detailRoles, p.Role)
		object := kind + " " + period.Name + " " + format
		if !detail {
			object += " without incident detail"
		}
		body, err := c.produce(r, k.layout, period, format, detail)
		c.audit(r, "report produced", object, err)
		if err != nil {
			c.deps.Log.Error("console: report", "report", kind, "period", period.Name, "err", err)
			c.Error(w, r, http.StatusInternalServerError, "The report could not be produced", "Vigil could not gather or write its figures. Tell the administrator.")
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", report.HTMLPolicy)
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Cache-Control", "no-store")
		name := k.file + "-" + fileSafe(period.Name) + "." + format
		if format == "pdf" {
			h.Set("Content-Type", "application/pdf")
			h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		} else {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Content-Disposition", `inline; filename="`+name+`"`)
		}
		w.Write(body) // a failed write means the client went away
	})
}

// produce gathers the figures for period and writes the report laid out
// by layout in format, without incident detail unless detail is set.
func (c *Console) produce(r *http.Request, layout func(*report.Facts) *report.Doc, period report.Period, format string, detail bool) ([]byte, error) {
	facts, err := c.deps.Reports(r.Context(), period)
	if err != nil {
		return nil, err
	}
	if !detail {
		facts = facts.WithoutDetail()
	}
	write := report.WriteHTML
	if format == "pdf" {
		write = report.WritePDF
	}
	var b bytes.Buffer
	if err := write(&b, layout(facts)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
