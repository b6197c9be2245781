package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/auth"
)

// wantRoles is the access policy as the product defines it (issue 5,
// docs/security.md): for each API route, the roles that may call it.
// Admin may call every route. A route added to apiRoutes without a line
// here fails TestEveryRouteEnforcesItsRoles.
var wantRoles = map[string][]auth.Role{
	"POST /api/v1/events":           {auth.RoleIngest},
	"POST /fhir/AuditEvent":         {auth.RoleIngest},
	"POST /fhir":                    {auth.RoleIngest},
	"POST /fhir/Bundle":             {auth.RoleIngest},
	"GET /api/v1/alerts":            {auth.RoleAnalyst},
	"GET /api/v1/incidents":         {auth.RoleAnalyst, auth.RoleBoard},
	"GET /api/v1/alerts/{id}":       {auth.RoleAnalyst},
	"GET /api/v1/incidents/{id}":    {auth.RoleAnalyst},
	"POST /api/v1/alerts/{id}":      {auth.RoleAnalyst},
	"POST /api/v1/incidents/{id}":   {auth.RoleAnalyst},
	"GET /api/v1/events":            {auth.RoleAnalyst},
	"GET /api/v1/stats":             {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /api/v1/sources":           {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /api/v1/privacy/cases":     {auth.RolePrivacyOfficer},
	"GET /api/v1/whoami":            auth.Roles(),
	"POST /api/v1/logout":           {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"POST /api/v1/phishing-reports": {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard, auth.RoleIngest},
	"GET /api/v1/phishing-reports":  {auth.RoleAnalyst},
	"GET /api/v1/pulse":             {auth.RoleBoard},
	"GET /api/v1/assets":            {auth.RoleAnalyst, auth.RoleBoard},
	// Notification targets: admin only.
	"GET /api/v1/notify/targets":            {},
	"POST /api/v1/notify/targets":           {},
	"DELETE /api/v1/notify/targets/{id}":    {},
	"POST /api/v1/notify/targets/{id}/test": {},
	"/api/":                                 {}, // any other path: admin only, then 404
	// The console's pages (internal/console), under the same guard.
	"GET /{$}":             {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"POST /logout":         {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /alerts":          {auth.RoleAnalyst},
	"GET /alerts/{id}":     {auth.RoleAnalyst},
	"POST /alerts/{id}":    {auth.RoleAnalyst},
	"GET /incidents":       {auth.RoleAnalyst, auth.RoleBoard},
	"GET /incidents/{id}":  {auth.RoleAnalyst},
	"POST /incidents/{id}": {auth.RoleAnalyst},
	// Search, privacy, rules and sources, settings.
	"GET /search":                                 {auth.RoleAnalyst},
	"GET /privacy":                                {auth.RolePrivacyOfficer},
	"GET /privacy/cases/{id}":                     {auth.RolePrivacyOfficer},
	"POST /privacy/cases/{id}":                    {auth.RolePrivacyOfficer},
	"GET /privacy/patients":                       {auth.RolePrivacyOfficer},
	"GET /privacy/patients/{nhs}":                 {auth.RolePrivacyOfficer},
	"GET /privacy/patients/{nhs}/report/{format}": {auth.RolePrivacyOfficer},
	"GET /rules":                                  {auth.RoleAnalyst},
	"GET /sources":                                {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /reports":                                {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /reports/board":                          {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /reports/staff":                          {auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard},
	"GET /settings":                               {},
	"POST /settings/users":                        {},
	"POST /settings/users/password":               {},
	"POST /settings/tokens":                       {},
	"POST /settings/tokens/revoke":                {},
	"POST /settings/notify":                       {},
	"POST /settings/notify/remove":                {},
	"POST /settings/notify/test":                  {},
}

// publicRoutes need no credentials.
var publicRoutes = []string{"POST /api/v1/login", "GET /login", "POST /login", "GET /static/", "GET /pulse/{round}", "POST /pulse/{round}"}

// roleTokens creates one stored token per role in the service's data
// folder, as vigil token create does while the service runs.
func roleTokens(t *testing.T, data string) map[auth.Role]string {
	t.Helper()
	tokens := map[auth.Role]string{}
	for _, r := range auth.Roles() {
		secret, _, err := auth.OpenTokens(data).Create(r, "")
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = secret
	}
	return tokens
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// examplePath turns a route pattern into a request: its method (GET when
// the pattern has none) and a path it matches.
func examplePath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = wildcard.ReplaceAllString(strings.TrimSuffix(path, "{$}"), "x1")
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "no-such-route"
	}
	return method, path
}

// TestEveryRouteEnforcesItsRoles walks the route table and calls every
// route with no credentials, a wrong token, and a token of each role.
func TestEveryRouteEnforcesItsRoles(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	patterns := make([]string, 0, len(ts.svc.policy))
	for p := range ts.svc.policy {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	for _, pattern := range patterns {
		roles, listed := wantRoles[pattern]
		public := slices.Contains(publicRoutes, pattern)
		if !listed && !public {
			t.Errorf("route %s has no expected policy in wantRoles: add one", pattern)
			continue
		}
		if ts.svc.policy[pattern].page {
			checkPageRoute(t, ts, pattern, roles, public, tokens)
			continue
		}
		method, path := examplePath(pattern)
		if code := ts.do(t, method, path, "", nil, nil); public == (code == http.StatusUnauthorized) {
			t.Errorf("%s %s without credentials: %d", method, path, code)
		}
		if public {
			continue
		}
		if code := ts.do(t, method, path, "vigil_wrong", nil, nil); code != http.StatusUnauthorized {
			t.Errorf("%s %s with a wrong token: %d, want 401", method, path, code)
		}
		for _, r := range auth.Roles() {
			code := ts.do(t, method, path, tokens[r], nil, nil)
			admitted := r == auth.RoleAdmin || slices.Contains(roles, r)
			if admitted && (code == http.StatusUnauthorized || code == http.StatusForbidden) {
				t.Errorf("%s %s as %s: %d, want it admitted", method, path, r, code)
			}
			if !admitted && code != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", method, path, r, code)
			}
		}
	}
	for pattern := range wantRoles {
		if _, ok := ts.svc.policy[pattern]; !ok {
			t.Errorf("wantRoles lists %s, which is not a route", pattern)
		}
	}
}

// TestRoleInterface checks the answers that outside checks rely on.
func TestRoleInterface(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	cases := []struct {
		role  auth.Role
		route string
		want  int
	}{
		{auth.RoleBoard, "/api/v1/events", http.StatusForbidden},
		{auth.RoleBoard, "/api/v1/privacy/cases", http.StatusForbidden},
		{auth.RoleAnalyst, "/api/v1/privacy/cases", http.StatusForbidden},
		{auth.RoleAnalyst, "/api/v1/alerts", http.StatusOK},
		{auth.RolePrivacyOfficer, "/api/v1/privacy/cases", http.StatusOK},
		{auth.RoleBoard, "/api/v1/alerts", http.StatusForbidden},
		{auth.RoleBoard, "/api/v1/stats", http.StatusOK},
		{auth.RoleIngest, "/api/v1/alerts", http.StatusForbidden},
		{"", "/api/v1/events", http.StatusUnauthorized},
		{"", "/api/v1/privacy/cases", http.StatusUnauthorized},
		{"", "/api/v1/alerts", http.StatusUnauthorized},
	}
	for _, c := range cases {
		var body map[string]any
		if code := ts.do(t, "GET", c.route, tokens[c.role], nil, &body); code != c.want {
			t.Errorf("GET %s as %q: %d, want %d", c.route, c.role, code, c.want)
		}
	}
	if code := ts.do(t, "POST", "/api/v1/events", tokens[auth.RoleIngest], []byte(`{"EventID": 1}`+"\n"), nil); code != http.StatusOK {
		t.Errorf("POST /api/v1/events as ingest: %d, want 200", code)
	}
	if code := ts.do(t, "POST", "/api/v1/events", testToken, []byte(`{"EventID": 1}`+"\n"), nil); code != http.StatusOK {
		t.Errorf("POST /api/v1/events with the admin token: %d, want 200", code)
	}
}

// TestErrorsAndHeaders: refusals answer {"error": ...}, and API answers
// carry the security headers and no-store.
func TestErrorsAndHeaders(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	board := roleTokens(t, cfg.Data)[auth.RoleBoard]
	for _, c := range []struct {
		token string
		want  int
	}{{"", 401}, {board, 403}, {testToken, 200}} {
		req, _ := http.NewRequest("GET", ts.base+"/api/v1/alerts", nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != c.want || (c.want != 200 && body["error"] == nil) {
			t.Errorf("status %d body %v, want %d with an error", resp.StatusCode, body, c.want)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Security-Policy") == "" ||
			len(resp.Header.Get("X-Request-Id")) != 16 {
			t.Errorf("headers %v", resp.Header)
		}
	}
}

// TestUnlistedRouteIsRefused: a handler registered on the mux without a
// line in apiRoutes is refused to everyone, admin too.
func TestUnlistedRouteIsRefused(t *testing.T) {
	ts := startService(t, testConfig(t))
	mux := http.NewServeMux()
	for p, rt := range ts.svc.policy {
		mux.Handle(p, rt.handler)
	}
	mux.HandleFunc("GET /api/v1/secret", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("patient list"))
	})
	h := ts.svc.guard(mux, ts.svc.policy)
	for _, tok := range []string{"", testToken} {
		r := httptest.NewRequest("GET", "/api/v1/secret", nil)
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "patient") {
			t.Errorf("token %q: %d %s, want 403", tok, w.Code, w.Body)
		}
	}
}

// client is a browser-like client of the test service: it keeps the
// session cookie and sends the CSRF token when told to.
type client struct {
	ts     *testService
	cookie *http.Cookie
	csrf   string
}

func (c *client) call(t *testing.T, method, route string, body []byte, csrf string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, c.ts.base+route, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	if csrf != "" {
		req.Header.Set(auth.CSRFHeader, csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.SessionCookie && ck.MaxAge > 0 {
			c.cookie = ck
		}
	}
	return resp.StatusCode, out.Bytes()
}

// TestSessionLoginCSRFLogout logs in through the API, checks CSRF on a
// change, logs out, and replays the old cookie.
func TestSessionLoginCSRFLogout(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	if err := auth.OpenUsers(cfg.Data, auth.DefaultArgon2).Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	c := &client{ts: ts}
	code, body := c.call(t, "POST", "/api/v1/login", []byte(`{"name":"sam","password":"three random words"}`), "")
	var ans auth.LoginAnswer
	if code != 200 || json.Unmarshal(body, &ans) != nil || ans.Role != auth.RoleAnalyst || c.cookie == nil {
		t.Fatalf("login: %d %s", code, body)
	}
	if code, body := c.call(t, "GET", "/api/v1/alerts", nil, ""); code != 200 {
		t.Errorf("GET alerts on the session: %d %s", code, body)
	}
	if code, _ := c.call(t, "GET", "/api/v1/privacy/cases", nil, ""); code != 403 {
		t.Errorf("GET privacy cases as analyst on a session: %d, want 403", code)
	}
	for _, bad := range []string{"", "wrong-token"} {
		if code, body := c.call(t, "POST", "/api/v1/logout", nil, bad); code != 403 || !strings.Contains(string(body), auth.CSRFHeader) {
			t.Errorf("logout with CSRF token %q: %d %s, want 403", bad, code, body)
		}
	}
	if code, body := c.call(t, "POST", "/api/v1/logout", nil, ans.CSRFToken); code != 200 {
		t.Fatalf("logout: %d %s", code, body)
	}
	if code, _ := c.call(t, "GET", "/api/v1/alerts", nil, ""); code != 401 {
		t.Errorf("the cookie replayed after logout: %d, want 401", code)
	}
	entries := auditEntries(t, cfg.Data)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Who+" "+e.Action+" "+e.Outcome)
	}
	for _, want := range []string{"sam login granted", "sam GET /api/v1/alerts granted", "sam GET /api/v1/privacy/cases denied: role analyst", "sam logout granted"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %q: %q", want, actions)
		}
	}
}

// TestViewsAreAudited: views of patient-identifiable data are in the
// audit log, figures are not, and the chain verifies.
func TestViewsAreAudited(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	ts.do(t, "GET", "/api/v1/alerts?limit=5", tokens[auth.RoleAnalyst], nil, nil)
	ts.do(t, "GET", "/api/v1/privacy/cases", tokens[auth.RoleBoard], nil, nil)
	ts.do(t, "GET", "/api/v1/stats", tokens[auth.RoleBoard], nil, nil)
	entries := auditEntries(t, cfg.Data)
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2: %+v", len(entries), entries)
	}
	a, b := entries[0], entries[1]
	if !strings.HasPrefix(a.Who, "analyst-") || a.Role != "analyst" || a.Object != "/api/v1/alerts?limit=5" || a.Outcome != "granted" || a.RequestID == "" {
		t.Errorf("first entry %+v", a)
	}
	if b.Role != "board" || b.Outcome != "denied: role board" {
		t.Errorf("second entry %+v", b)
	}
	if n, err := audit.Verify(filepath.Join(cfg.Data, "audit")); err != nil || n != 2 {
		t.Errorf("verify: %d, %v", n, err)
	}
}

// TestNoViewWithoutAudit: when the audit log cannot be written, views of
// patient data are refused rather than served unrecorded.
func TestNoViewWithoutAudit(t *testing.T) {
	ts := startService(t, testConfig(t))
	ts.svc.audit.Close()
	if code := ts.do(t, "GET", "/api/v1/alerts", testToken, nil, nil); code != http.StatusServiceUnavailable {
		t.Errorf("GET alerts with the audit log closed: %d, want 503", code)
	}
	if code := ts.do(t, "GET", "/api/v1/stats", testToken, nil, nil); code != http.StatusOK {
		t.Errorf("GET stats (not audited) with the audit log closed: %d, want 200", code)
	}
}

// auditEntries reads the audit log's entries.
func auditEntries(t *testing.T, data string) []audit.Entry {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(data, "audit", "audit-*.jsonl"))
	var out []audit.Entry
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var e audit.Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		f.Close()
	}
	return out
}
