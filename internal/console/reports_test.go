package console

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/report"
)

// reportsFixture is a console whose reports come from fixed facts: an
// incident naming systems and a user, and its alerts.
type reportsFixture struct {
	*fixture
	audited []auditLine
	asked   []report.Period
	fail    error // what gathering answers, when set
}

func newReportsFixture(t *testing.T) *reportsFixture {
	t.Helper()
	f := &reportsFixture{fixture: newFixture(t)}
	f.deps.Reports = func(_ context.Context, p report.Period) (*report.Facts, error) {
		f.asked = append(f.asked, p)
		if f.fail != nil {
			return nil, f.fail
		}
		return reportFacts(p), nil
	}
	f.deps.Audit = func(r *http.Request, action, object, outcome string) error {
		p, _ := auth.FromContext(r.Context())
		f.audited = append(f.audited, auditLine{p.Name, action, object, outcome})
		return nil
	}
	f.rebuild(t)
	return f
}

// rebuild makes the console again from f.deps.
func (f *fixture) rebuild(t *testing.T) {
	t.Helper()
	c, err := New(f.deps)
	if err != nil {
		t.Fatal(err)
	}
	f.c, f.mux, f.pages = c, http.NewServeMux(), map[string]Page{}
	for _, p := range c.Pages() {
		f.mux.Handle(p.Pattern, p.Handler)
		f.pages[p.Pattern] = p
	}
}

// reportFacts are a period's facts with detail the board may not see.
func reportFacts(p report.Period) *report.Facts {
	seen := p.Start.Add(48 * time.Hour)
	a := &alert.Alert{ID: "a1", RuleTitle: "WannaCry SMB worm spreading", Level: "critical", Host: "WARD7-PC12", User: "jsmith",
		FirstSeen: seen, LastSeen: seen, Status: "open", Event: map[string]any{"PatientID": "9434765919"}}
	inc := &alert.Incident{ID: "i1", Title: "WannaCry SMB worm spreading", Level: "critical", Hosts: []string{"WARD7-PC12", "PACS-SRV1"},
		Users: []string{"jsmith"}, FirstSeen: seen, LastSeen: seen, Status: "open"}
	return &report.Facts{Period: p, Generated: testNow, Alerts: []*alert.Alert{a}, Incidents: []*alert.Incident{inc}}
}

// detail is what only analysts and admins see in a report.
var detail = []string{"WARD7-PC12", "PACS-SRV1", "jsmith", "WannaCry", "9434765919"}

// TestReportsPagePerRole: every role that may open the page sees the
// period form, the pack in a frame and the download links; the board
// and the privacy officer are told their copy leaves incident detail out.
func TestReportsPagePerRole(t *testing.T) {
	f := newReportsFixture(t)
	cases := []struct {
		role     auth.Role
		redacted bool
	}{
		{auth.RoleBoard, true},
		{auth.RolePrivacyOfficer, true},
		{auth.RoleAnalyst, false},
		{auth.RoleAdmin, false},
	}
	for _, c := range cases {
		w := f.get(t, as(c.role), "/reports")
		body := w.Body.String()
		if w.Code != 200 {
			t.Fatalf("%s: %d", c.role, w.Code)
		}
		contains(t, string(c.role)+" reports page", body, `<iframe class="report-frame" src="/reports/board?period=2026-Q4&amp;format=html" title="Board pack for October to December 2026">`,
			`href="/reports/board?period=2026-Q4&amp;format=pdf"`, `href="/reports/staff?period=2026-Q4&amp;format=pdf"`,
			`href="/reports?period=2026-Q3"`, `Last month: October 2026`, `href="/reports" aria-current="page">Reports</a>`,
			`href="/reports?period=last-30-days">Last 30 days: 30 October to 28 November 2026</a>`)
		if got := strings.Contains(body, "Your copy leaves out"); got != c.redacted {
			t.Errorf("%s: redaction note shown %v, want %v", c.role, got, c.redacted)
		}
		checkHTML(t, "reports page as "+string(c.role), body)
	}
	if len(f.asked) != 0 || len(f.audited) != 0 {
		t.Errorf("the page itself gathered %v or audited %v: only the reports should", f.asked, f.audited)
	}
	w := f.get(t, as(auth.RoleBoard), "/reports?period=2026-M3")
	if w.Code != http.StatusBadRequest {
		t.Errorf("bad period: %d", w.Code)
	}
	contains(t, "bad period", w.Body.String(), `period &#34;2026-M3&#34;`, `aria-invalid="true"`, "There is a problem")
	lacks(t, "bad period", w.Body.String(), "<iframe")
	checkHTML(t, "reports page with a bad period", w.Body.String())
}

// TestReportDownloads: each report in each format, for the board (no
// incident detail) and an analyst (with it), with its headers, and an
// audit entry naming who, which report, the period and the format.
func TestReportDownloads(t *testing.T) {
	f := newReportsFixture(t)
	cases := []struct {
		role   auth.Role
		path   string
		ctype  string
		start  string
		disp   string
		detail bool
		object string
	}{
		{auth.RoleBoard, "/reports/board?period=2026-Q3&format=pdf", "application/pdf", "%PDF-", `attachment; filename="board-report-2026-Q3.pdf"`, false, "board 2026-Q3 pdf without incident detail"},
		{auth.RoleBoard, "/reports/board?period=2026-Q3&format=html", "text/html", "<!DOCTYPE html>", `inline; filename="board-report-2026-Q3.html"`, false, "board 2026-Q3 html without incident detail"},
		{auth.RoleBoard, "/reports/staff?period=2026-11", "text/html", "<!DOCTYPE html>", `inline; filename="staff-briefing-2026-11.html"`, false, "staff 2026-11 html without incident detail"},
		{auth.RolePrivacyOfficer, "/reports/board?period=2026-q3&format=pdf", "application/pdf", "%PDF-", `attachment; filename="board-report-2026-Q3.pdf"`, false, "board 2026-Q3 pdf without incident detail"},
		{auth.RoleAnalyst, "/reports/board?period=2026-Q3&format=html", "text/html", "<!DOCTYPE html>", `inline; filename="board-report-2026-Q3.html"`, true, "board 2026-Q3 html"},
		{auth.RoleAdmin, "/reports/staff?period=2026-Q3&format=pdf", "application/pdf", "%PDF-", `attachment; filename="staff-briefing-2026-Q3.pdf"`, true, "staff 2026-Q3 pdf"},
		{auth.RoleBoard, "/reports/board", "text/html", "<!DOCTYPE html>", `inline; filename="board-report-2026-Q4.html"`, false, "board 2026-Q4 html without incident detail"},
		{auth.RoleBoard, "/reports/staff?period=last+30+days&format=pdf", "application/pdf", "%PDF-", `attachment; filename="staff-briefing-last-30-days.pdf"`, false, "staff last-30-days pdf without incident detail"},
	}
	for i, c := range cases {
		w := f.get(t, as(c.role), c.path)
		body, h := w.Body.String(), w.Header()
		what := string(c.role) + " " + c.path
		if w.Code != 200 || !strings.HasPrefix(h.Get("Content-Type"), c.ctype) || !strings.HasPrefix(body, c.start) || h.Get("Content-Disposition") != c.disp {
			t.Errorf("%s: %d %q %q %.30q", what, w.Code, h.Get("Content-Type"), h.Get("Content-Disposition"), body)
		}
		if h.Get("Content-Security-Policy") != report.HTMLPolicy || h.Get("X-Frame-Options") != "SAMEORIGIN" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", what, h)
		}
		for _, s := range detail {
			if !c.detail && strings.Contains(body, s) {
				t.Errorf("%s shows %q", what, s)
			}
		}
		if strings.Contains(body, "9434765919") {
			t.Errorf("%s shows the matched event's patient", what)
		}
		if len(f.audited) != i+1 || f.audited[i] != (auditLine{string(c.role) + "-1", "report produced", c.object, "done"}) {
			t.Errorf("%s audited as %+v, want object %q", what, f.audited[len(f.audited)-1], c.object)
		}
	}
	w := f.get(t, as(auth.RoleAnalyst), "/reports/board?period=2026-Q3&format=html")
	contains(t, "analyst's board pack", w.Body.String(), "WannaCry SMB worm spreading", "WARD7-PC12, PACS-SRV1")
}

// TestReportRefusals: a bad period is named in the error; a bad format
// is refused; a report that cannot be gathered answers 500 and is
// audited as refused.
func TestReportRefusals(t *testing.T) {
	f := newReportsFixture(t)
	cases := []struct {
		path string
		code int
		want string
	}{
		{"/reports/board?period=2026-Q5&format=pdf", 400, `period &#34;2026-Q5&#34;: the quarter must be Q1 to Q4`},
		{"/reports/staff?period=last+30+weeks", 400, `period &#34;last 30 weeks&#34;: write the last N days as last-30-days or last 30 days`},
		{"/reports/board?period=last-400-days", 400, `period &#34;last-400-days&#34;: the number of days must be 1 to 366`},
		{"/reports/board?period=yesterday", 400, `or the last N days such as last-30-days`},
		{"/reports/board?period=2026-Q3&format=docx", 400, `not &#34;docx&#34;`},
	}
	for _, c := range cases {
		w := f.get(t, as(auth.RoleBoard), c.path)
		if w.Code != c.code {
			t.Errorf("%s: %d, want %d", c.path, w.Code, c.code)
		}
		contains(t, c.path, w.Body.String(), c.want)
		if w.Header().Get("Content-Security-Policy") == report.HTMLPolicy {
			t.Errorf("%s: an error page got the report's policy", c.path)
		}
	}
	if len(f.asked) != 0 {
		t.Errorf("refused requests gathered %v", f.asked)
	}
	f.fail = errors.New("disk on fire")
	w := f.get(t, as(auth.RoleBoard), "/reports/board?period=2026-Q3&format=pdf")
	if w.Code != 500 || strings.Contains(w.Body.String(), "disk on fire") {
		t.Errorf("gather failed: %d %.200s", w.Code, w.Body.String())
	}
	if n := len(f.audited); n != 1 || f.audited[0].outcome != "refused: disk on fire" {
		t.Errorf("failed report audited as %+v", f.audited)
	}
}

// TestNoReportsWithoutGatherer: without Deps.Reports there are no report
// pages and no navigation link.
func TestNoReportsWithoutGatherer(t *testing.T) {
	f := newFixture(t)
	if _, ok := f.pages["GET /reports"]; ok {
		t.Error("reports page without a gatherer")
	}
	lacks(t, "overview", f.get(t, as(auth.RoleBoard), "/").Body.String(), `href="/reports"`)
}

// TestPatientReportDownloadRecorded: each patient report downloaded is
// recorded with who, the format and the patient as a keyed hash; when
// the record cannot be written, no report is given.
func TestPatientReportDownloadRecorded(t *testing.T) {
	f := newPagesFixture(t)
	data := t.TempDir()
	l, err := privacy.OpenPatientReportLog(data)
	if err != nil {
		t.Fatal(err)
	}
	f.deps.PatientReports = l
	f.rebuild(t)
	po := as(auth.RolePrivacyOfficer)
	nhs := f.live.Cases()[0].PatientID
	for _, format := range []string{"pdf", "csv"} {
		if w := f.get(t, po, "/privacy/patients/"+nhs+"/report/"+format); w.Code != 200 {
			t.Fatalf("%s download: %d", format, w.Code)
		}
	}
	got, err := privacy.ReadPatientReports(data)
	if err != nil || len(got.Records) != 2 {
		t.Fatalf("records %+v, %v", got, err)
	}
	for i, format := range []string{"pdf", "csv"} {
		r := got.Records[i]
		if r.By != po.Name || r.Format != format || r.Via != privacy.ViaConsole || r.Patient != l.PatientRef(nhs) || !r.At.Equal(testNow) {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if w := f.get(t, po, "/privacy/patients/"+nhs); w.Code != 200 {
		t.Fatalf("patient page: %d", w.Code)
	}
	if got, _ := privacy.ReadPatientReports(data); len(got.Records) != 2 {
		t.Errorf("viewing the page recorded a report: %d records", len(got.Records))
	}
	// A record that cannot be written: the report is not given.
	path := filepath.Join(data, privacy.StateDir, privacy.PatientReportsFile)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	f.audited = nil
	w := f.get(t, po, "/privacy/patients/"+nhs+"/report/pdf")
	if w.Code != 500 || strings.HasPrefix(w.Body.String(), "%PDF") {
		t.Errorf("unrecorded download: %d %.20q", w.Code, w.Body.String())
	}
	if len(f.audited) != 1 || !strings.HasPrefix(f.audited[0].outcome, "refused: ") {
		t.Errorf("unrecorded download audited as %+v", f.audited)
	}
}

// TestReportsPageLastDays: the last 30 days, typed in words, are read as
// the 30 London days to today; the page names them, marks their link and
// asks for the reports of exactly that span.
func TestReportsPageLastDays(t *testing.T) {
	f := newReportsFixture(t)
	w := f.get(t, as(auth.RoleBoard), "/reports?period=last+30+days")
	if w.Code != 200 {
		t.Fatalf("last 30 days: %d", w.Code)
	}
	body := w.Body.String()
	contains(t, "last 30 days", body, `30 October to 28 November 2026 (last-30-days)`, `value="last-30-days"`,
		`href="/reports?period=last-30-days" aria-current="true"`, `src="/reports/board?period=last-30-days&amp;format=html"`)
	checkHTML(t, "reports page for the last 30 days", body)
	f.get(t, as(auth.RoleBoard), "/reports/board?period=last-30-days&format=html")
	start := time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC) // GMT: the clocks went back on 25 October
	end := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	if len(f.asked) != 1 || !f.asked[0].Start.Equal(start) || !f.asked[0].End.Equal(end) || f.asked[0].Days != 30 {
		t.Errorf("asked for %+v, want the 30 days from %v to %v", f.asked, start, end)
	}
}
