package browsertest

import (
	"net/url"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// auditPage is one page to audit, as a role sees it: path opened, then
// (for a form showing what went wrong) a script that fills in and sends
// its form; want is the HTTP status of the page audited, and shows a
// CSS selector that must match on it (so that the audit sees the page's
// content, not an empty state).
type auditPage struct {
	name   string
	path   string
	submit string
	want   int64
	shows  string
}

// Scripts that send a form wrongly, so that the page shows the error. A
// form's own checks (required, minlength) are a convenience the browser
// may not have; form.submit() goes past them, as such a browser would.
const (
	submitWrongLogin = `(() => {
		document.getElementById("name").value = "nobody.here";
		document.getElementById("password").value = "not the password";
		document.querySelector('main form[action="/login"]').submit();
	})()`
	submitCloseWithoutReason = `(() => {
		document.getElementById("reason").value = "";
		document.querySelector('button[name="action"][value="close"]').click();
	})()`
	submitShortPassword = `(() => {
		document.getElementById("user-name").value = "a11y.audit";
		document.getElementById("user-password").value = "short";
		document.querySelector('form[action="/settings/users"]').submit();
	})()`
	submitNewToken = `(() => {
		document.getElementById("token-name").value = "a11y-audit";
		document.querySelector('form[action="/settings/tokens"]').submit();
	})()`
	submitPlainHTTPTarget = `(() => {
		document.getElementById("target-name").value = "a11y audit hook";
		document.getElementById("target-url").value = "http://hooks.example.nhs.uk/x";
		document.querySelector('form[action="/settings/notify"]').submit();
	})()`
	submitNoOutcome = `(() => {
		const f = document.querySelector('form[action^="/privacy/cases/"]');
		f.querySelectorAll('input[name="outcome"]').forEach(r => { r.checked = false; });
		f.submit();
	})()`
)

// errorSummary is the box at the top of a form's page saying what went
// wrong.
const errorSummary = "main .error-summary"

// reasonError is a close without a reason: the summary links to the
// reason's field, which is marked invalid and described by the error.
const reasonError = `main:has(.error-summary a[href="#reason"]):has(select#reason[aria-invalid="true"][aria-describedby="reason-error"])`

// targetURLError is a notification target refused for its address: the
// summary links to the field, which is marked invalid and described by
// its hint and the error.
const targetURLError = `main:has(.error-summary a[href="#target-url"]):has(input#target-url[aria-invalid="true"][aria-describedby="target-url-hint target-url-error"])`

// auditPages are the pages each person sees, by the account they log in
// with ("" is nobody logged in): every page of the console, as each role
// that may open it sees it, the refusal page, and each form with an
// error showing.
func auditPages(ids auditIDs) map[string][]auditPage {
	alert, incident := "/alerts/"+ids.alert, "/incidents/"+ids.incident
	privacyCase, patient := "/privacy/cases/"+url.PathEscape(ids.privacyCase), "/privacy/patients/"+url.PathEscape(ids.patient)
	return map[string][]auditPage{
		"": {
			{name: "login", path: "/login", want: 200, shows: "#password"},
			{name: "login, wrong password", path: "/login", submit: submitWrongLogin, want: 401, shows: errorSummary},
			{name: "login, logged out", path: "/login?logged_out=1", want: 200, shows: "main [role=status]"},
		},
		"ana.lyst": {
			{name: "overview", path: "/", want: 200, shows: "svg.chart"},
			{name: "overview, 7 days", path: "/?range=7d", want: 200},
			{name: "alerts", path: "/alerts", want: 200, shows: "main tbody tr"},
			{name: "alert", path: alert, want: 200, shows: "mark.matched"},
			{name: "alert, close without a reason", path: alert, submit: submitCloseWithoutReason, want: 400, shows: reasonError},
			{name: "incidents", path: "/incidents?status=all", want: 200, shows: "main tbody a"},
			{name: "incident", path: incident, want: 200, shows: "main tbody a"},
			{name: "incident, close without a reason", path: incident, submit: submitCloseWithoutReason, want: 400, shows: reasonError},
			{name: "search with results", path: "/search?q=", want: 200, shows: "main svg.chart rect"},
			{name: "search, a query that does not parse", path: "/search?q=" + url.QueryEscape("(host:"), want: 400, shows: errorSummary},
			{name: "rules", path: "/rules", want: 200, shows: "main tbody tr"},
			{name: "sources", path: "/sources", want: 200, shows: "main tbody tr"},
			{name: "refused: privacy cases", path: "/privacy", want: 403},
		},
		"priya.vacy": {
			{name: "overview", path: "/", want: 200},
			{name: "privacy cases", path: "/privacy", want: 200, shows: "main tbody tr"},
			{name: "privacy case", path: privacyCase, want: 200, shows: "input[name=outcome]"},
			{name: "privacy case, no outcome chosen", path: privacyCase, submit: submitNoOutcome, want: 400},
			{name: "patient report", path: patient, want: 200, shows: "main tbody tr"},
			{name: "patient look-up without a number", path: "/privacy/patients?nhs=", want: 400},
		},
		"bo.ard": {
			{name: "overview", path: "/", want: 200},
			{name: "incidents", path: "/incidents?status=all", want: 200, shows: "main tbody tr"},
			{name: "sources", path: "/sources", want: 200},
			{name: "refused: alert", path: alert, want: 403},
		},
		"adam.inistra": {
			{name: "overview", path: "/", want: 200},
			{name: "settings", path: "/settings", want: 200, shows: "main tbody tr"},
			{name: "settings, password too short", path: "/settings", submit: submitShortPassword, want: 400, shows: errorSummary},
			{name: "settings, a new token", path: "/settings", submit: submitNewToken, want: 200, shows: "#new-token"},
			{name: "settings, a target's address refused", path: "/settings", submit: submitPlainHTTPTarget, want: 400, shows: targetURLError},
		},
	}
}

// auditIDs are the items the audited pages show.
type auditIDs struct {
	alert, incident, privacyCase, patient string
}

// findAuditIDs picks an alert, an incident and a privacy case from the
// service, waiting for the first privacy analysis.
func findAuditIDs(t *testing.T, v *vigil) auditIDs {
	t.Helper()
	if err := v.waitFor("privacy cases", func() bool { return len(v.list("/api/v1/privacy/cases", "cases")) > 0 }); err != nil {
		t.Fatal(err)
	}
	alerts, incidents, cases := v.list("/api/v1/alerts", "alerts"), v.list("/api/v1/incidents", "incidents"), v.list("/api/v1/privacy/cases", "cases")
	if len(alerts) == 0 || len(incidents) == 0 {
		t.Fatalf("nothing to audit: %d alerts, %d incidents", len(alerts), len(incidents))
	}
	ids := auditIDs{alert: jsonID(alerts[0]["id"]), incident: jsonID(incidents[0]["id"]),
		privacyCase: jsonID(cases[0]["case_id"]), patient: jsonID(cases[0]["patient_id"])}
	if ids.alert == "" || ids.incident == "" || ids.privacyCase == "" || ids.patient == "" {
		t.Fatalf("an id is missing: %+v", ids)
	}
	return ids
}

// TestAccessibility audits every page of the console with axe-core in
// the browser, as each role sees it, against WCAG 2.0, 2.1 and 2.2 A and
// AA and axe's best practices; any violation fails, listed with its rule,
// impact, element and help.
func TestAccessibility(t *testing.T) {
	axeScript(t) // fail at once, with how to get it, when axe-core is missing
	v := sharedVigil(t)
	pages := auditPages(findAuditIDs(t, v))
	for _, who := range []string{"", "ana.lyst", "priya.vacy", "bo.ard", "adam.inistra"} {
		name := who
		if name == "" {
			name = "nobody logged in"
		}
		t.Run(name, func(t *testing.T) {
			b := startBrowser(t)
			if who != "" {
				b.login(t, v, who)
			}
			for _, p := range pages[who] {
				t.Run(p.name, func(t *testing.T) { b.auditPage(t, v, p) })
			}
		})
	}
}

// auditPage opens p, sends its form when it has one, and fails on any
// violation axe-core finds.
func (b *browser) auditPage(t *testing.T, v *vigil, p auditPage) {
	t.Helper()
	status := b.open(t, v.base+p.path)
	if p.submit != "" {
		status = b.respond(t, "send the form", chromedp.Evaluate[chromedp.Void](p.submit))
	}
	if status != p.want {
		t.Fatalf("%s answered %d, want %d:\n%s", p.path, status, p.want, b.text(t))
	}
	if p.shows != "" && !run(t, b, "look for "+p.shows, chromedp.Evaluate[bool](`document.querySelector(`+jsString(p.shows)+`) !== null`)) {
		t.Fatalf("%s shows no %s, so its audit would miss it:\n%s", p.path, p.shows, b.text(t))
	}
	res := b.audit(t)
	for _, id := range axeMustRun {
		if !slices.Contains(res.Ran, id) {
			t.Errorf("axe-core %s did not run rule %s on %s", res.Version, id, res.URL)
		}
	}
	if len(res.Violations) > 0 {
		t.Errorf("axe-core %s found %d kinds of violation on %s:%s", res.Version, len(res.Violations), res.URL, report(res.Violations))
	}
	if len(res.Incomplete) > 0 {
		t.Logf("axe-core could not decide these, for a person to check on %s:%s", res.URL, report(res.Incomplete))
	}
}
