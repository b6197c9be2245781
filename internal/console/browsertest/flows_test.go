package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// text is the visible text of the page's main content.
func (b *browser) text(t *testing.T) string {
	t.Helper()
	return run(t, b, "read the page", chromedp.Text(chromedp.CSS("main")))
}

// follow clicks the first link matching css and waits for the page it
// leads to, returning that page's path.
func (b *browser) follow(t *testing.T, css string) string {
	t.Helper()
	href := run(t, b, "find "+css, chromedp.Evaluate[string](`(() => { const a = document.querySelector(`+jsString(css)+`); return a ? a.getAttribute("href") : ""; })()`))
	if href == "" {
		t.Fatalf("no link %s on %s:\n%s", css, b.location(t), b.text(t))
	}
	if status := b.respond(t, "follow "+href, chromedp.Click(chromedp.CSS(css))); status != 200 {
		t.Fatalf("%s answered %d", href, status)
	}
	return href
}

// page opens path, checks it answers 200, and takes its screenshot.
func (b *browser) page(t *testing.T, v *vigil, path, shot string) string {
	t.Helper()
	if status := b.open(t, v.base+path); status != 200 {
		t.Fatalf("%s answered %d:\n%s", path, status, b.text(t))
	}
	b.shot(t, shot)
	return b.text(t)
}

// TestAnalystTriagesTheAttack: an analyst logs in, sees the demo trust's
// attack in the overview, opens an alert, follows it to its incident and
// closes the incident with a reason.
func TestAnalystTriagesTheAttack(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.page(t, v, "/login", "login")
	b.login(t, v, "ana.lyst")
	overview := b.page(t, v, "/", "overview")
	if !strings.Contains(strings.ToLower(overview), "incident") {
		t.Errorf("the overview does not show the attack's incidents:\n%s", overview)
	}
	b.page(t, v, "/alerts", "alerts")
	alert := b.follow(t, `main tbody a[href^="/alerts/"]`)
	b.shot(t, "alert")
	incident := b.follow(t, `main a[href^="/incidents/"]`)
	b.shot(t, "incident")
	b.do(t, "choose a reason", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("reason"); s.value = s.options[1].value; })()`))
	if status := b.respond(t, "close the incident", chromedp.Click(chromedp.CSS(`button[name="action"][value="close"]`))); status != 200 {
		t.Fatalf("closing %s answered %d:\n%s", incident, status, b.text(t))
	}
	api := b.fetch(t, "GET", "/api/v1"+incident, nil, "")
	if api.Status != 200 || !strings.Contains(api.Body, `"status":"closed"`) {
		t.Errorf("after closing from the page, the API has %s (from %s): %d %.300s", incident, alert, api.Status, api.Body)
	}
	b.page(t, v, "/incidents", "incidents")
	// WannaCry's tasksche.exe deletes the shadow copies with vssadmin.
	if text := b.page(t, v, "/search?q=vssadmin", "search"); !strings.Contains(text, "vssadmin") || strings.Contains(text, "No event matches") {
		t.Errorf("searching vssadmin finds none of the attack's events:\n%.500s", text)
	}
	b.page(t, v, "/rules", "rules")
	b.page(t, v, "/sources", "sources")
}

// TestAdminSettings: the settings page (users, tokens, notification
// targets) is an admin's.
func TestAdminSettings(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "adam.inistra")
	text := b.page(t, v, "/settings", "settings")
	if !strings.Contains(text, "ana.lyst") {
		t.Errorf("the settings page does not list the local accounts:\n%s", text)
	}
}

// TestPrivacyOfficerExportsAPatientReport: a privacy officer opens a
// privacy case and exports the patient's access report.
func TestPrivacyOfficerExportsAPatientReport(t *testing.T) {
	v := sharedVigil(t)
	if err := v.waitFor("privacy cases", func() bool { return len(v.list("/api/v1/privacy/cases", "cases")) > 0 }); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t)
	b.login(t, v, "priya.vacy")
	b.page(t, v, "/privacy", "privacy")
	b.follow(t, `main a[href^="/privacy/cases/"]`)
	b.shot(t, "privacy-case")
	patient := b.follow(t, `main a[href^="/privacy/patients/"]`)
	b.shot(t, "patient-report")
	export := run(t, b, "find the export", chromedp.Evaluate[string](`(() => { const a = document.querySelector('main a[href*="/report/"]'); return a ? a.getAttribute("href") : ""; })()`))
	if export == "" {
		t.Fatalf("no export link on %s:\n%s", patient, b.text(t))
	}
	got := b.fetch(t, "GET", export, nil, "")
	if got.Status != 200 || len(got.Body) < 100 {
		t.Errorf("export %s answered %d, %d bytes", export, got.Status, len(got.Body))
	}
}

// TestBoardRefusedEventDetail: a board member sees the overview, but an
// alert's page (the matched event) answers the 403 page, and the events
// API called from the page answers 403.
func TestBoardRefusedEventDetail(t *testing.T) {
	v := sharedVigil(t)
	alerts := v.list("/api/v1/alerts", "alerts")
	if len(alerts) == 0 {
		t.Fatal("no alerts to try")
	}
	b := startBrowser(t)
	b.login(t, v, "bo.ard")
	id := jsonID(alerts[0]["id"])
	if status := b.open(t, v.base+"/alerts/"+id); status != 403 {
		t.Errorf("the board opened alert %s: %d\n%s", id, status, b.text(t))
	}
	b.shot(t, "forbidden")
	for _, path := range []string{"/api/v1/events?q=*", "/api/v1/alerts/" + id, "/api/v1/privacy/cases"} {
		if got := b.fetch(t, "GET", path, nil, ""); got.Status != 403 {
			t.Errorf("the board's page fetched %s: %d %.200s", path, got.Status, got.Body)
		}
	}
}
