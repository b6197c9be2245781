package serve

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

func TestConsoleTargetsHideSecrets(t *testing.T) {
	n := &NotifyConfig{
		MinLevel: "medium",
		Webhooks: []WebhookConfig{{URL: "https://soc.example.nhs.uk/hook?token=s3cret", Headers: map[string]string{"Authorization": "Bearer s3cret"}}},
		Teams:    []URLRef{{URLEnv: "TEAMS_URL"}},
		Slack:    []URLRef{{URL: "https://hooks.slack.com/services/T000/B000/s3cret"}},
		SMTP:     &SMTPConfig{Addr: "smtp.nhs.net:587", Username: "vigil", PasswordEnv: "SMTP_PW", From: "vigil@nhs.net", To: []string{"soc@nhs.net"}},
		Syslog:   []SyslogTarget{{Network: "tcp", Addr: "siem:514"}},
	}
	got := consoleTargets(n)
	want := []struct{ kind, where string }{
		{"webhook (JSON)", "https://soc.example.nhs.uk/…"},
		{"Microsoft Teams", "the address in environment variable TEAMS_URL"},
		{"Slack", "https://hooks.slack.com/…"},
		{"email", "soc@nhs.net"},
		{"syslog (CEF)", "tcp siem:514"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Where != w.where || !strings.Contains(g.Note, "medium and above") {
			t.Errorf("target %d: %+v, want %s at %s", i, g, w.kind, w.where)
		}
		if strings.Contains(g.Where+g.Note, "s3cret") || strings.Contains(g.Where+g.Note, "SMTP_PW") {
			t.Errorf("target %d shows a secret: %+v", i, g)
		}
	}
	if len(consoleTargets(&NotifyConfig{})) != 0 {
		t.Error("no configured target, yet some are listed")
	}
}

// form posts a console form on c's session, with the CSRF token when
// csrf is not "", and returns the status and body without following a
// redirect.
func (c *client) form(t *testing.T, route string, v url.Values, csrf string) (int, string) {
	t.Helper()
	if csrf != "" {
		v.Set("csrf_token", csrf)
	}
	req, _ := http.NewRequest("POST", c.ts.base+route, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(c.cookie)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestConsoleSettingsEndToEnd: an administrator logged in to the console
// makes an API token, which the API accepts at once, and revokes it, after
// which the API refuses it; a form without the session's CSRF token
// changes nothing; every change is in the audit log.
func TestConsoleSettingsEndToEnd(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	c, ans := adminSession(t, ts, cfg.Data)
	mk := url.Values{"name": {"siem"}, "role": {"analyst"}}
	for _, bad := range []string{"", "not-the-token"} {
		if code, page := c.form(t, "/settings/tokens", mk, bad); code != 403 || !strings.Contains(page, "Your change was not made") {
			t.Errorf("token form with CSRF %q: %d", bad, code)
		}
	}
	if toks, _ := auth.OpenTokens(cfg.Data).List(); len(toks) != 0 {
		t.Fatalf("a form without the CSRF token made %d tokens", len(toks))
	}
	code, page := c.form(t, "/settings/tokens", mk, ans.CSRFToken)
	i := strings.Index(page, `value="vigil_`)
	if code != 200 || i < 0 {
		t.Fatalf("token form: %d\n%.400s", code, page)
	}
	secret := page[i+len(`value="`):]
	secret = secret[:strings.IndexByte(secret, '"')]
	if code := ts.do(t, "GET", "/api/v1/alerts", secret, nil, nil); code != 200 {
		t.Errorf("the new analyst token on GET /api/v1/alerts: %d, want 200", code)
	}
	if code := ts.do(t, "GET", "/api/v1/privacy/cases", secret, nil, nil); code != 403 {
		t.Errorf("the new analyst token on GET /api/v1/privacy/cases: %d, want 403", code)
	}
	toks, _ := auth.OpenTokens(cfg.Data).List()
	if len(toks) != 1 {
		t.Fatalf("%d tokens", len(toks))
	}
	if code, _ := c.form(t, "/settings/tokens/revoke", url.Values{"id": {toks[0].ID}}, ans.CSRFToken); code != 303 {
		t.Errorf("revoke: %d", code)
	}
	if code := ts.do(t, "GET", "/api/v1/alerts", secret, nil, nil); code != 401 {
		t.Errorf("the revoked token: %d, want 401", code)
	}
	var got []string
	for _, e := range auditEntries(t, cfg.Data) {
		got = append(got, e.Who+" "+e.Action+" "+e.Outcome)
	}
	for _, want := range []string{
		"ada POST /settings/tokens denied: " + auth.ErrCSRF.Error(),
		"ada POST /settings/tokens granted", "ada settings: create token done",
		"ada POST /settings/tokens/revoke granted", "ada settings: revoke token done",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("audit log lacks %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

// TestConsolePagesByRole: the board sees sources but no event or patient
// detail, in the pages as in the API; views of events and privacy cases
// are audited.
func TestConsolePagesByRole(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	ts.post(t, []byte(`{"Computer":"ward-pc-7","EventID":4625,"TargetUserName":"jsmith","patient.nhs_number":"9434765919"}`+"\n"))
	waitFor(t, "the event searchable", func() bool {
		_, _, page := ts.page(t, "GET", "/search?q=jsmith&since=", tokens[auth.RoleAnalyst])
		return strings.Contains(page, "1 event matches")
	})
	tests := []struct {
		role   auth.Role
		path   string
		code   int
		wants  []string
		unwant []string
	}{
		{auth.RoleBoard, "/search?q=jsmith&since=", 403, []string{"This page needs the"}, []string{"jsmith", "9434765919", "ward-pc-7"}},
		{auth.RoleBoard, "/privacy", 403, []string{"privacy officer"}, []string{"9434765919"}},
		{auth.RoleBoard, "/privacy/patients/9434765919", 403, nil, []string{"Who opened"}},
		{auth.RoleBoard, "/rules", 403, nil, []string{"Detection rules"}},
		{auth.RoleBoard, "/settings", 403, nil, []string{"API tokens"}},
		{auth.RoleBoard, "/sources", 200, []string{"Log sources", "ward-pc-7"}, []string{"jsmith", "9434765919"}},
		{auth.RoleAnalyst, "/privacy", 403, nil, nil},
		{auth.RoleAnalyst, "/rules", 200, []string{"Detection rules"}, nil},
		{auth.RolePrivacyOfficer, "/privacy", 200, []string{"Privacy cases"}, nil},
		{auth.RolePrivacyOfficer, "/settings", 403, nil, nil},
	}
	for _, tc := range tests {
		code, _, page := ts.page(t, "GET", tc.path, tokens[tc.role])
		if code != tc.code {
			t.Errorf("GET %s as %s: %d, want %d", tc.path, tc.role, code, tc.code)
		}
		for _, w := range tc.wants {
			if !strings.Contains(page, w) {
				t.Errorf("GET %s as %s lacks %q", tc.path, tc.role, w)
			}
		}
		for _, u := range tc.unwant {
			if strings.Contains(page, u) {
				t.Errorf("GET %s as %s shows %q", tc.path, tc.role, u)
			}
		}
	}
	if code := ts.do(t, "GET", "/api/v1/events?q=jsmith", tokens[auth.RoleBoard], nil, nil); code != 403 {
		t.Errorf("board on GET /api/v1/events: %d, want 403", code)
	}
	var got []string
	for _, e := range auditEntries(t, cfg.Data) {
		got = append(got, e.Role+" "+e.Action+" "+e.Outcome)
	}
	for _, want := range []string{"analyst GET /search granted", "board GET /search denied: role board", "privacy_officer GET /privacy granted", "board GET /privacy/patients/9434765919 denied: role board"} {
		if !slices.Contains(got, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	if slices.Contains(got, "board GET /sources granted") {
		t.Error("a view of figures was audited as patient data")
	}
}
