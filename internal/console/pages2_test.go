package console

import (
	"context"
	"html"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// auditLine is one entry Deps.Audit was given.
type auditLine struct{ who, action, object, outcome string }

// pagesFixture is the skeleton's fixture with the search, privacy, rules,
// sources and settings pages' dependencies: an event store holding
// failed logons, the generated trust's live analysis, a decision log, the
// test rules with counts, sources, targets and an audit recorder.
type pagesFixture struct {
	*fixture
	live    *privacy.Live
	audited []auditLine
}

func newPagesFixture(t *testing.T) *pagesFixture {
	t.Helper()
	f := &pagesFixture{fixture: newFixture(t), live: testLive(t)}
	dir := t.TempDir()
	events, err := eventstore.Open(filepath.Join(dir, "events"), eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { events.Close() })
	appendLogons(t, events, 120)
	dl, err := privacy.OpenDecisionLog(filepath.Join(dir, "decisions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dl.Close() })
	set := sigma.Parse("rules/test.yml", []byte(testRules), sigma.Options{})
	d := &f.deps
	d.Events, d.Privacy, d.Rules, d.Decisions = events, f.live, set, dl
	d.Auth.Tokens = auth.OpenTokens(dir)
	d.RuleCounts = func() map[*sigma.Meta]int64 { return map[*sigma.Meta]int64{&set.Rules[1].Meta: 7} }
	d.SourceWindow = 30 * time.Minute
	d.Notify = &fakeTargets{list: []NotifyTarget{{ID: "file-0", Kind: "Slack", Where: "https://hooks.slack.com/…", Note: "alerts of level high and above", MinLevel: "high", FromFile: true}}}
	d.Audit = func(r *http.Request, action, object, outcome string) error {
		p, _ := auth.FromContext(r.Context())
		f.audited = append(f.audited, auditLine{p.Name, action, object, outcome})
		return nil
	}
	f.src = []Source{{Listener: "syslog", Host: "fw-1", LastSeen: testNow.Add(-20 * time.Minute), Observed: 0, Expected: 900, State: "silent"}}
	if f.c, err = New(*d); err != nil {
		t.Fatal(err)
	}
	f.mux = http.NewServeMux()
	f.pages = map[string]Page{}
	for _, p := range f.c.Pages() {
		f.mux.Handle(p.Pattern, p.Handler)
		f.pages[p.Pattern] = p
	}
	return f
}

// appendLogons stores n failed logons of user jsmith on ward-pc-7, a
// minute apart, ending at testNow.
func appendLogons(t *testing.T, s eventstore.Store, n int) {
	t.Helper()
	recs := make([]eventstore.Record, n)
	for i := range recs {
		ev := &event.Event{Time: testNow.Add(-time.Duration(i) * time.Minute), Host: "ward-pc-7", Source: "syslog",
			LogSource: event.LogSource{Product: "windows", Service: "security"}}
		ev.Set("EventID", "4625")
		ev.Set("TargetUserName", "jsmith")
		recs[i] = eventstore.Record{Seq: uint64(i + 1), Data: ev.AppendBinary(nil)}
	}
	if err := s.Append(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func TestSearchPage(t *testing.T) {
	f := newPagesFixture(t)
	tests := []struct {
		name, path    string
		code          int
		wants, unwant []string
	}{
		{"the form", "/search", 200, []string{`<label class="label" for="q">Search</label>`, `name="since" type="text" value="24h"`}, []string{"events match", "<svg"}},
		{"first page", "/search?q=TargetUserName:jsmith&since=", 200,
			[]string{"120 events match", "Events 1 to 50, newest first", "28 Nov 2026 16:05:00 GMT", "ward-pc-7", "syslog (windows/security)",
				"EventID=4625  TargetUserName=jsmith", `<svg class="chart"`, `role="img"`, "Matches over time as a table", `rel="next"`, "page=1"},
			[]string{`rel="prev"`}},
		{"last page, chosen columns", "/search?q=jsmith&since=&columns=TargetUserName&page=2", 200,
			[]string{"Events 101 to 120", `<th scope="col">TargetUserName</th>`, "<td>jsmith</td>", `rel="prev"`, "<code>EventID</code>"},
			[]string{`rel="next"`, "EventID=4625"}},
		{"no match", "/search?q=mimikatz&since=", 200, []string{"No event matches"}, []string{"<svg"}},
		{"bad query", "/search?q=EventID:(&since=", 400, []string{"There is a problem", "Search:"}, []string{"events match"}},
		{"bad time", "/search?q=x&since=last+tuesday", 400, []string{"From: &#34;last tuesday&#34; is not a time"}, nil},
	}
	for _, tc := range tests {
		w := f.get(t, as(auth.RoleAnalyst), tc.path)
		if w.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.code)
		}
		contains(t, tc.name, w.Body.String(), tc.wants...)
		lacks(t, tc.name, w.Body.String(), tc.unwant...)
	}
	if !f.pages["GET /search"].Audit || !slicesEqual(f.pages["GET /search"].Roles, analystRoles) {
		t.Errorf("search page policy %+v: want analysts, every view audited", f.pages["GET /search"])
	}
}

func slicesEqual(a, b []auth.Role) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPrivacyPages(t *testing.T) {
	f := newPagesFixture(t)
	po := as(auth.RolePrivacyOfficer)
	first := f.live.Cases()[0]
	w := f.get(t, po, "/privacy")
	contains(t, "privacy cases", w.Body.String(), "Privacy cases", `href="/privacy/cases/`+first.ID+`"`, first.Evidence[0],
		html.EscapeString(kindLabel(first.Kinds[0])), "not yet decided", `<label class="label" for="nhs">Patient's NHS number</label>`)

	path := "/privacy/cases/" + first.ID
	w = f.get(t, po, path)
	if w.Code != 200 {
		t.Fatalf("GET %s: %d", path, w.Code)
	}
	contains(t, "case page", w.Body.String(), "Privacy case "+first.ID, "The openings and the explanations tried", "<th scope=\"col\">Held?</th>",
		"What the care records and roster say", "Everything "+orID(first.UserName, first.UserID)+" opened",
		`name="csrf_token" value="csrf-privacy_officer"`, `value="breach"`, "starts the 72-hour clock", `<label for="outcome-reported">`)
	lacks(t, "undecided case page", w.Body.String(), "UK GDPR 72-hour clock</h2>", "<td>direct_care</td>", "<td>ward</td>")

	tests := []struct {
		name, outcome string
		code          int
		page          []string
		audit         string
	}{
		{"confirm a breach", "breach", 303, []string{"UK GDPR 72-hour clock", "1 Dec 2026 16:05 GMT", "3 days left", `value="breach" checked`}, "done"},
		{"unknown outcome", "shrugged", 400, nil, "refused: record outcome of"},
		{"no outcome", "", 400, nil, "refused: no outcome was chosen"},
		{"reported to the ICO", "reported", 303, []string{"reported to the ICO", "reported 3 days before the deadline", `value="reported" checked`}, "done"},
	}
	for _, tc := range tests {
		n := len(f.audited)
		w := f.post(t, po, path, map[string][]string{"outcome": {tc.outcome}, "note": {"ICO ref 42"}})
		if w.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.code)
		}
		if tc.code == 303 && w.Header().Get("Location") != path+"#outcome" {
			t.Errorf("%s: to %q", tc.name, w.Header().Get("Location"))
		}
		if len(f.audited) != n+1 || f.audited[n].who != po.Name || !strings.HasPrefix(f.audited[n].outcome, tc.audit) {
			t.Errorf("%s: audited %+v, want one entry by %s %q", tc.name, f.audited[n:], po.Name, tc.audit)
		}
		if tc.page != nil {
			contains(t, tc.name, f.get(t, po, path).Body.String(), tc.page...)
		}
	}
	if w := f.get(t, po, "/privacy/cases/PC-NONE"); w.Code != 404 || !strings.Contains(w.Body.String(), "No such case") {
		t.Errorf("missing case: %d", w.Code)
	}
}

func TestPatientReportPages(t *testing.T) {
	f := newPagesFixture(t)
	po := as(auth.RolePrivacyOfficer)
	nhs := f.live.Cases()[0].PatientID
	if w := f.get(t, po, "/privacy/patients?nhs="+nhs[:3]+"+"+nhs[3:6]+"+"+nhs[6:]); w.Code != 303 || w.Header().Get("Location") != "/privacy/patients/"+nhs {
		t.Errorf("look-up with spaces: %d to %q", w.Code, w.Header().Get("Location"))
	}
	w := f.get(t, po, "/privacy/patients/"+nhs)
	contains(t, "patient page", w.Body.String(), "NHS number "+nhs, privacy.UnderReviewText, "report/fhir", "report/csv", "report/pdf", "28 Nov 2026 16:05 GMT")
	if len(f.audited) != 0 {
		t.Errorf("viewing the page wrote %v beside the guard's entry", f.audited)
	}
	tests := []struct{ format, ctype, start string }{
		{"csv", "text/csv", "time,"},
		{"fhir", "application/fhir+json", `{`},
		{"pdf", "application/pdf", "%PDF-"},
	}
	for i, tc := range tests {
		w := f.get(t, po, "/privacy/patients/"+nhs+"/report/"+tc.format)
		body := w.Body.String()
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.ctype) || !strings.HasPrefix(strings.ToLower(body), strings.ToLower(tc.start)) ||
			!strings.Contains(w.Header().Get("Content-Disposition"), "attachment; filename=\"access-report-"+nhs) {
			t.Errorf("%s download: %d %v %.40q", tc.format, w.Code, w.Header(), body)
		}
		if len(f.audited) != i+1 || f.audited[i].action != "patient report download" || f.audited[i].object != "patient "+nhs+" format "+tc.format {
			t.Errorf("%s download audited as %+v", tc.format, f.audited)
		}
	}
	if w := f.get(t, po, "/privacy/patients/"+nhs+"/report/docx"); w.Code != 404 {
		t.Errorf("unknown format: %d", w.Code)
	}
}

func TestRulesAndSourcesPages(t *testing.T) {
	f := newPagesFixture(t)
	w := f.get(t, as(auth.RoleAnalyst), "/rules")
	contains(t, "rules page", w.Body.String(), "3 rules and correlations are loaded (1 high, 1 medium, 1 low)", "raised 7 detections",
		"Mimikatz on the command line", `href="https://attack.mitre.org/techniques/T1003.001/">T1003.001</a>`, "credential access",
		"correlation event count", "feeds a correlation only", "Rules that could not be loaded", "detection: defines no search identifier",
		`<td class="num">7</td>`)
	w = f.get(t, as(auth.RoleBoard), "/sources")
	contains(t, "sources page", w.Body.String(), "Log sources", "1 source gone quiet", "fw-1", "gone quiet", "20 minutes ago", "30 a minute", "last 30 minutes")
	for pattern, roles := range map[string][]auth.Role{"GET /rules": analystRoles, "GET /sources": figureRoles} {
		if p := f.pages[pattern]; p.Audit || !slicesEqual(p.Roles, roles) {
			t.Errorf("%s policy %+v, want roles %v, not audited (no event detail)", pattern, p, roles)
		}
	}
}

func TestSettingsPage(t *testing.T) {
	f := newPagesFixture(t)
	admin := as(auth.RoleAdmin)
	w := f.get(t, admin, "/settings")
	contains(t, "settings", w.Body.String(), "People and their roles", "<td>sam</td>", "security analyst", "API tokens", "No API token yet",
		"Notification targets", "From the configuration file", "https://hooks.slack.com/…", `name="csrf_token" value="csrf-admin"`,
		`<label class="label" for="user-role">Role</label>`, `<option value="ingest">`)
	for _, p := range []string{"GET /settings", "POST /settings/users", "POST /settings/users/password", "POST /settings/tokens", "POST /settings/tokens/revoke",
		"POST /settings/notify", "POST /settings/notify/remove", "POST /settings/notify/test"} {
		if len(f.pages[p].Roles) != 0 {
			t.Errorf("%s admits %v: want admin only", p, f.pages[p].Roles)
		}
	}
	users, tokens := f.deps.Auth.Users, f.deps.Auth.Tokens

	// Each change: its answer, what the page says after, and its audit entry.
	tests := []struct {
		name, path string
		form       map[string][]string
		code       int
		wants      []string
		audit      string
	}{
		{"add a person", "/settings/users", map[string][]string{"name": {"priya"}, "role": {"privacy_officer"}, "password": {"three other words"}}, 303,
			[]string{"<td>priya</td>", "The account was made"}, "done"},
		{"short password", "/settings/users", map[string][]string{"name": {"kim"}, "role": {"analyst"}, "password": {"short"}}, 400,
			[]string{"The change was not made", "at least 12 characters"}, "refused: password"},
		{"a person may not be ingest", "/settings/users", map[string][]string{"name": {"kim"}, "role": {"ingest"}, "password": {"long enough password"}}, 400,
			[]string{"not for people"}, "refused:"},
		{"reset a password", "/settings/users/password", map[string][]string{"name": {"priya"}, "password": {"a fresh passphrase"}}, 303,
			[]string{"The password was reset"}, "done"},
		{"reset an unknown account", "/settings/users/password", map[string][]string{"name": {"nobody"}, "password": {"a fresh passphrase"}}, 400,
			[]string{"no local account named"}, "refused:"},
	}
	for _, tc := range tests {
		n := len(f.audited)
		w := f.post(t, admin, tc.path, tc.form)
		if w.Code != tc.code {
			t.Errorf("%s: %d, want %d\n%.300s", tc.name, w.Code, tc.code, w.Body.String())
		}
		body := w.Body.String()
		if tc.code == 303 {
			loc, _, _ := strings.Cut(w.Header().Get("Location"), "#") // a browser keeps the fragment to itself
			body = f.get(t, admin, loc).Body.String()
		}
		contains(t, tc.name, body, tc.wants...)
		if len(f.audited) != n+1 || !strings.HasPrefix(f.audited[n].outcome, tc.audit) || f.audited[n].who != admin.Name {
			t.Errorf("%s: audited %+v, want %q", tc.name, f.audited[n:], tc.audit)
		}
	}
	if _, ok, _ := users.Authenticate("priya", "a fresh passphrase"); !ok {
		t.Error("the reset password does not log in")
	}

	// A token: shown once, works, then revoked.
	w = f.post(t, admin, "/settings/tokens", map[string][]string{"name": {"siem-forwarder"}, "role": {"analyst"}})
	body := w.Body.String()
	i := strings.Index(body, `value="vigil_`)
	if w.Code != 200 || i < 0 || !strings.Contains(body, "Token siem-forwarder was made") {
		t.Fatalf("token creation: %d\n%.500s", w.Code, body)
	}
	secret := body[i+len(`value="`):]
	secret = secret[:strings.IndexByte(secret, '"')]
	tok, ok, err := tokens.Lookup(secret)
	if !ok || err != nil || tok.Role != auth.RoleAnalyst {
		t.Fatalf("the token shown does not work: %+v %v %v", tok, ok, err)
	}
	if strings.Contains(f.get(t, admin, "/settings").Body.String(), secret) {
		t.Error("the token's text is shown again")
	}
	if a := f.audited[len(f.audited)-1]; a.action != "settings: create token" || !strings.Contains(a.object, "siem-forwarder") || strings.Contains(a.object, secret) {
		t.Errorf("token creation audited as %+v", a)
	}
	w = f.post(t, admin, "/settings/tokens/revoke", map[string][]string{"id": {tok.ID}})
	if w.Code != 303 {
		t.Errorf("revoke: %d", w.Code)
	}
	if _, ok, _ := tokens.Lookup(secret); ok {
		t.Error("a revoked token still works")
	}
	// The page shows the day the store stamped, which is not time.Now's day
	// when the test runs across midnight in London.
	contains(t, "settings after revoking", f.get(t, admin, "/settings?done=revoked").Body.String(), "revoked "+revokedAt(t, tokens, tok.ID).In(London).Format("2 Jan 2006"), "The token was revoked")
	if w := f.post(t, admin, "/settings/tokens/revoke", map[string][]string{"id": {tok.ID}}); w.Code != 400 || !strings.Contains(w.Body.String(), "revoked already") {
		t.Errorf("revoking twice: %d", w.Code)
	}
	if w := f.get(t, admin, "/settings?done=%3Cscript%3E"); strings.Contains(w.Body.String(), "<script>") {
		t.Error("the done message echoes the link")
	}
}

// revokedAt is the time the token store stamped on token id's revocation.
func revokedAt(t *testing.T, tokens auth.TokenStore, id string) time.Time {
	t.Helper()
	all, err := tokens.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range all {
		if tok.ID == id && !tok.Revoked.IsZero() {
			return tok.Revoked
		}
	}
	t.Fatalf("token %s is not listed as revoked: %+v", id, all)
	return time.Time{}
}
