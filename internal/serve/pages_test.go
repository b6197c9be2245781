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
