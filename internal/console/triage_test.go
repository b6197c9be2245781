package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/sigma"
)

const testRule = `title: Mimikatz command line
id: 11111111-2222-3333-4444-555555555555
status: test
description: A process ran with Mimikatz's sekurlsa module on its command line.
references:
    - https://attack.mitre.org/software/S0002/
    - internal runbook 7
tags:
    - attack.credential_access
    - attack.t1003.001
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        CommandLine|contains: 'sekurlsa::'
    condition: selection
level: high
`

// seed commits one alert (a1, with the rule above) in incident i1.
func (f *fixture) seed(t testing.TB) {
	t.Helper()
	set := sigma.Parse("test.yml", []byte(testRule), sigma.Options{})
	if len(set.Rules) != 1 {
		t.Fatalf("rule refused: %v", set.Refused)
	}
	f.deps.Rules = set
	var err error
	if f.c, err = New(f.deps); err != nil {
		t.Fatal(err)
	}
	f.mux = http.NewServeMux()
	for _, p := range f.c.Pages() {
		f.mux.Handle(p.Pattern, p.Handler)
	}
	seen := testNow.Add(-2 * time.Hour)
	a := &alert.Alert{ID: "a1", RuleID: set.Rules[0].ID, RuleTitle: "Mimikatz command line", Level: "high",
		Tags: []string{"attack.credential_access", "attack.t1003.001"}, Host: "WS-WARD7-01", User: "jsmith", Count: 3,
		FirstSeen: seen, LastSeen: seen.Add(time.Minute), IncidentID: "i1", Status: alert.StatusOpen,
		Event: map[string]any{"CommandLine": "mimikatz.exe sekurlsa::logonpasswords", "Image": `C:\Temp\m.exe`, "PatientNHSNumber": "9434765919"}}
	inc := &alert.Incident{ID: "i1", Title: "Mimikatz command line", Level: "high", Hosts: []string{"WS-WARD7-01"},
		AlertIDs: []string{"a1"}, FirstSeen: seen, LastSeen: seen.Add(time.Minute), Status: alert.StatusOpen}
	if err := f.store.Commit(context.Background(), 1, []*alert.Alert{a}, []*alert.Incident{inc}); err != nil {
		t.Fatal(err)
	}
}

func TestAlertsQueue(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	for _, c := range []struct {
		path   string
		code   int
		want   []string
		unwant []string
	}{
		{"/alerts", 200, []string{`<a href="/alerts/a1">Mimikatz command line</a>`, "WS-WARD7-01", "28 Nov 2026 14:06 GMT", "Alerts 1 to 1"}, nil},
		{"/alerts?level=critical", 200, []string{"No alerts match these filters."}, []string{"/alerts/a1"}},
		{"/alerts?host=ws-ward7-01&status=open&since=24h", 200, []string{"/alerts/a1", `<option value="24h" selected>`}, nil},
		{"/alerts?since=1h", 200, []string{"No alerts match"}, []string{"/alerts/a1"}},
		{"/alerts?level=urgent", 400, []string{"Choose a level from the list."}, nil},
		{"/alerts?page=0", 400, []string{"The page number must be"}, nil},
	} {
		w := f.get(t, as(auth.RoleAnalyst), c.path)
		if w.Code != c.code {
			t.Errorf("GET %s: %d, want %d", c.path, w.Code, c.code)
		}
		contains(t, c.path, w.Body.String(), c.want...)
		lacks(t, c.path, w.Body.String(), c.unwant...)
	}
}

func TestAlertPage(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	w := f.get(t, as(auth.RoleAnalyst), "/alerts/a1")
	if w.Code != 200 {
		t.Fatalf("GET /alerts/a1: %d", w.Code)
	}
	body := w.Body.String()
	contains(t, "alert page", body,
		"A process ran with Mimikatz&#39;s sekurlsa module on its command line.",
		`<a href="https://attack.mitre.org/software/S0002/" rel="noreferrer">`, "<li>internal runbook 7</li>",
		`<a href="https://attack.mitre.org/techniques/T1003/001/" rel="noreferrer">attack.t1003.001 (MITRE ATT&amp;CK)</a>`,
		"<code>11111111-2222-3333-4444-555555555555</code>",
		`<th scope="row">CommandLine</th><td><mark class="matched">mimikatz.exe sekurlsa::logonpasswords</mark>`,
		`<th scope="row">Image</th><td>C:\Temp\m.exe</td>`,
		`<a href="/incidents/i1">Incident i1</a>`, `name="csrf_token" value="csrf-analyst"`,
		`<label class="label" for="reason">Why it is closed</label>`)
	if w := f.get(t, as(auth.RoleAnalyst), "/alerts/nope"); w.Code != 404 || !strings.Contains(w.Body.String(), "Alert not found") {
		t.Errorf("unknown alert: %d", w.Code)
	}
}

// TestAlertForms: each form changes the alert through the store, in the
// logged-in person's name; a refused change shows why and keeps the form.
func TestAlertForms(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	sam := as(auth.RoleAnalyst)
	for _, c := range []struct {
		form             url.Values
		code             int
		status, assignee string
		say              string
	}{
		{url.Values{"action": {"acknowledge"}}, 303, "acknowledged", "", ""},
		{url.Values{"action": {"assign"}, "assignee": {"n.patel"}}, 303, "acknowledged", "n.patel", ""},
		{url.Values{"action": {"comment"}, "comment": {"looking at WS-WARD7-01"}}, 303, "acknowledged", "n.patel", ""},
		{url.Values{"action": {"comment"}}, 400, "acknowledged", "n.patel", "Nothing was changed"},
		{url.Values{"action": {"close"}, "comment": {"kept"}}, 400, "acknowledged", "n.patel", "Choose why you are closing it."},
		{url.Values{"action": {"explode"}}, 400, "acknowledged", "n.patel", "That action is not known"},
		{url.Values{"action": {"close"}, "reason": {"true_positive"}}, 303, "closed", "n.patel", ""},
	} {
		w := f.post(t, sam, "/alerts/a1", c.form)
		if w.Code != c.code || c.code == 303 && w.Header().Get("Location") != "/alerts/a1" {
			t.Errorf("%v: %d to %q, want %d", c.form, w.Code, w.Header().Get("Location"), c.code)
		}
		contains(t, "answer to "+c.form.Encode(), w.Body.String(), c.say)
		a, _ := f.store.Alert(context.Background(), "a1")
		if a.Status != c.status || a.Assignee != c.assignee {
			t.Errorf("after %v: status %q assignee %q", c.form, a.Status, a.Assignee)
		}
	}
	a, _ := f.store.Alert(context.Background(), "a1")
	if len(a.History) != 4 || a.History[0].By != sam.Name || a.History[2].Text != "looking at WS-WARD7-01" {
		t.Errorf("history %+v", a.History)
	}
	w := f.post(t, sam, "/alerts/a1", url.Values{"action": {"close"}, "comment": {"kept"}})
	contains(t, "refused close", w.Body.String(), ">kept</textarea>")
}

func TestIncidentsList(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	w := f.get(t, as(auth.RoleAnalyst), "/incidents")
	contains(t, "incidents as analyst", w.Body.String(), `<a href="/incidents/i1">Mimikatz command line</a>`, "WS-WARD7-01")
	w = f.get(t, as(auth.RoleBoard), "/incidents")
	if w.Code != 200 {
		t.Fatalf("incidents as board: %d", w.Code)
	}
	contains(t, "incidents as board", w.Body.String(), `<span class="figure">1</span> open`, "tag-status-open")
	lacks(t, "incidents as board", w.Body.String(), "WS-WARD7-01", "Mimikatz", "/incidents/i1")
	if w := f.get(t, as(auth.RoleAnalyst), "/incidents?status=closed"); strings.Contains(w.Body.String(), "/incidents/i1") {
		t.Error("the closed list shows an open incident")
	}
}

// TestIncidentPlaybookAndClocks: the playbook is suggested from the
// alerts' techniques, steps are ticked and kept in the history, and the
// clocks show time left or overdue.
func TestIncidentPlaybookAndClocks(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	sam := as(auth.RoleAnalyst)
	w := f.get(t, sam, "/incidents/i1")
	contains(t, "incident page", w.Body.String(), "Playbook: Account compromise", "Suggested from the alerts",
		`<a href="/alerts/a1">Mimikatz command line</a>`, "No clock is running.")
	for _, form := range []url.Values{
		{"action": {"kind"}, "kind": {"data_breach"}},
		{"action": {"check"}, "step": {"data_breach/contain"}},
		{"action": {"clock_start"}, "clock": {"breach_aware"}, "at": {"2026-11-25T09:00"}},
		{"action": {"clock_start"}, "clock": {"cyber_alert_published"}, "at": {"2026-11-28T10:05"}, "note": {"CC-4321"}},
	} {
		if w := f.post(t, sam, "/incidents/i1", form); w.Code != 303 {
			t.Fatalf("%v: %d\n%s", form, w.Code, w.Body)
		}
	}
	body := f.get(t, sam, "/incidents/i1").Body.String()
	contains(t, "incident after changes", body, "Playbook: Personal-data breach", "Yes, by analyst-1, 28 Nov 2026 16:05 GMT",
		"Personal-data breach reported to the ICO</strong>: started 25 Nov 2026 09:00 GMT", `<span class="clock-overdue">Overdue by 7 hours 5 minutes</span>`,
		"(CC-4321)", `<span class="clock-ok">42 hours left</span>`, "Mark the breach reported to the ICO")
	lacks(t, "incident after changes", body, "Suggested from the alerts")
	for _, c := range []struct {
		form url.Values
		say  string
	}{
		{url.Values{"action": {"kind"}, "kind": {"alien"}}, "Choose a kind of incident"},
		{url.Values{"action": {"check"}, "step": {"ransomware/nope"}}, "That checklist step is not known."},
		{url.Values{"action": {"clock_start"}, "clock": {"ico_reported"}}, "Choose a clock from the list."},
		{url.Values{"action": {"clock_start"}, "clock": {"breach_aware"}, "at": {"2027-01-01T00:00"}}, "is in the future"},
		{url.Values{"action": {"clock_start"}, "clock": {"breach_aware"}, "at": {"yesterday"}}, "The time is not right"},
	} {
		w := f.post(t, sam, "/incidents/i1", c.form)
		if w.Code != 400 || !strings.Contains(w.Body.String(), c.say) {
			t.Errorf("%v: %d, want 400 saying %q", c.form, w.Code, c.say)
		}
	}
	if w := f.post(t, sam, "/incidents/i1", url.Values{"action": {"clock_stop"}, "clock": {"ico_reported"}}); w.Code != 303 {
		t.Fatalf("stop the ICO clock: %d", w.Code)
	}
	contains(t, "incident after reporting", f.get(t, sam, "/incidents/i1").Body.String(),
		"Done 28 Nov 2026 16:05 GMT by analyst-1, <span class=\"clock-overdue\">7 hours 5 minutes late</span>")
}
