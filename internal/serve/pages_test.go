package serve

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

// noRedirect is a client that shows redirects rather than following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// page sends a request for a console page with the token (when not "")
// and returns the status, the Location header and the body.
func (ts *testService) page(t *testing.T, method, route, token string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.base+route, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// checkPageRoute checks a console page's policy: without credentials (or
// with a wrong token) a redirect to the login page that returns to it,
// 403 with an HTML page naming the roles needed for a role it does not
// admit, and neither for the roles it admits.
func checkPageRoute(t *testing.T, ts *testService, pattern string, roles []auth.Role, public bool, tokens map[auth.Role]string) {
	t.Helper()
	method, path := examplePath(pattern)
	code, loc, _ := ts.page(t, method, path, "")
	if public {
		if code == http.StatusSeeOther && strings.HasPrefix(loc, "/login") || code == http.StatusUnauthorized || code == http.StatusForbidden {
			t.Errorf("public page %s %s without credentials: %d %s", method, path, code, loc)
		}
		return
	}
	want := "/login?next=" + url.QueryEscape(path)
	for _, tok := range []string{"", "vigil_wrong"} {
		if code, loc, _ := ts.page(t, method, path, tok); code != http.StatusSeeOther || loc != want {
			t.Errorf("%s %s with token %q: %d to %q, want 303 to %q", method, path, tok, code, loc, want)
		}
	}
	for _, r := range auth.Roles() {
		code, loc, body := ts.page(t, method, path, tokens[r])
		admitted := r == auth.RoleAdmin || slices.Contains(roles, r)
		if admitted && (code == http.StatusSeeOther && strings.HasPrefix(loc, "/login") || code == http.StatusUnauthorized || code == http.StatusForbidden) {
			t.Errorf("%s %s as %s: %d, want it admitted", method, path, r, code)
		}
		if !admitted && (code != http.StatusForbidden || !strings.Contains(body, "This page needs the") || !strings.Contains(body, "<html")) {
			t.Errorf("%s %s as %s: %d, want an HTML 403 naming the role needed:\n%.300s", method, path, r, code, body)
		}
	}
}

// TestConsoleSessionForms logs in through the login form, opens pages on
// the session, is refused a form without the CSRF token (HTML 403,
// audited), logs out through the form, and is sent to the login page
// with the old cookie.
func TestConsoleSessionForms(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	if err := auth.OpenUsers(cfg.Data, auth.DefaultArgon2).Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	post := func(route string, form url.Values, cookie *http.Cookie) *http.Response {
		req, _ := http.NewRequest("POST", ts.base+route, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", ts.base)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	get := func(route string, cookie *http.Cookie) (int, string, string) {
		req, _ := http.NewRequest("GET", ts.base+route, nil)
		req.AddCookie(cookie)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	resp := post("/login", url.Values{"name": {"sam"}, "password": {"three random words"}, "next": {"/alerts"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/alerts" || len(resp.Cookies()) != 1 {
		t.Fatalf("form login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := resp.Cookies()[0]
	code, _, body := get("/alerts", cookie)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("alerts on the session: %d, CSRF token in the page: %v", code, m)
	}
	if resp := post("/logout", url.Values{}, cookie); resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("logout form without the CSRF token: %d %s, want an HTML 403", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := post("/logout", url.Values{"csrf_token": {"wrong"}}, cookie); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout form with a wrong CSRF token: %d, want 403", resp.StatusCode)
	}
	if code, _, _ := get("/", cookie); code != 200 {
		t.Fatalf("the refused forms ended the session: %d", code)
	}
	if resp := post("/logout", url.Values{"csrf_token": {m[1]}}, cookie); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?logged_out=1" {
		t.Fatalf("logout form: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, loc, _ := get("/alerts", cookie); code != http.StatusSeeOther || loc != "/login?next=%2Falerts" {
		t.Errorf("the cookie replayed after logout: %d to %q, want the login page", code, loc)
	}
	var actions []string
	for _, e := range auditEntries(t, cfg.Data) {
		actions = append(actions, e.Who+" "+e.Action+" "+e.Outcome)
	}
	for _, want := range []string{"sam login granted", "sam GET /alerts granted", "sam POST /logout denied: " + auth.ErrCSRF.Error(), "sam logout granted"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log lacks %q: %q", want, actions)
		}
	}
}
