package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

// TestNavShowsOnlyTheRolesPages: each role sees the links of the pages it
// may open, and the current page is marked.
func TestNavShowsOnlyTheRolesPages(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		role         auth.Role
		want, unwant []string
	}{
		{auth.RoleBoard, []string{`<a href="/" aria-current="page">Overview</a>`, `href="/incidents"`}, []string{`href="/alerts"`}},
		{auth.RoleAnalyst, []string{`aria-current="page">Overview</a>`, `href="/alerts"`, `href="/incidents"`}, nil},
		{auth.RoleAdmin, []string{`href="/alerts"`, `href="/incidents"`}, nil},
		{auth.RolePrivacyOfficer, nil, []string{`href="/alerts"`, `href="/incidents"`}},
	} {
		w := f.get(t, as(c.role), "/")
		if w.Code != http.StatusOK {
			t.Fatalf("overview as %s: %d", c.role, w.Code)
		}
		contains(t, "overview as "+string(c.role), w.Body.String(), c.want...)
		lacks(t, "overview as "+string(c.role), w.Body.String(), c.unwant...)
	}
}

func TestLayout(t *testing.T) {
	f := newFixture(t)
	w := f.get(t, as(auth.RoleAnalyst), "/")
	body := w.Body.String()
	contains(t, "layout", body, `<html lang="en-GB">`, `href="#main-content">Skip to main content</a>`,
		`<main id="main-content"`, `<nav class="nav" aria-label="Main">`, `name="csrf_token" value="csrf-analyst"`,
		"<title>Overview – Vigil</title>", "analyst-1 (security analyst)")
	if w.Header().Get("Cache-Control") != "no-store" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("headers %v", w.Header())
	}
}

func TestStaticAssets(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/static/console.css", 200, "text/css"},
		{"/static/console.js", 200, "javascript"},
		{"/static/", 404, ""},
		{"/static/nothing.css", 404, ""},
	} {
		w := f.get(t, auth.Principal{}, c.path)
		if w.Code != c.code || !strings.Contains(w.Header().Get("Content-Type"), c.want) {
			t.Errorf("GET %s: %d %q, want %d %q", c.path, w.Code, w.Header().Get("Content-Type"), c.code, c.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/alerts?level=high":    "/alerts?level=high",
		"//evil.example/":       "/",
		"https://evil.example/": "/",
		"/\\evil.example":       "/",
		"alerts":                "/",
		"/incidents/i1":         "/incidents/i1",
		"/x\r\nSet-Cookie: a=b": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginForm logs in through the form, refuses a wrong password and a
// cross-site form, and goes to next.
func TestLoginForm(t *testing.T) {
	f := newFixture(t)
	w := f.get(t, auth.Principal{}, "/login?next=/alerts")
	contains(t, "login page", w.Body.String(), `<label class="label" for="name">User name</label>`, `name="next" value="/alerts"`)
	lacks(t, "login page without OIDC", w.Body.String(), "/login/oidc", "organisation's account</a>")

	form := url.Values{"name": {"sam"}, "password": {"wrong"}, "next": {"/alerts"}}
	w = f.post(t, auth.Principal{}, "/login", form)
	if w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
		t.Errorf("wrong password: %d", w.Code)
	}
	contains(t, "refused login", w.Body.String(), "The user name or password is wrong.", `value="sam"`)

	form.Set("password", "three random words")
	r := formRequest("/login", form)
	r.Header.Set("Origin", "https://evil.example")
	w = f.serve(t, auth.Principal{}, r)
	if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
		t.Errorf("cross-site login form: %d, cookies %v", w.Code, w.Result().Cookies())
	}

	r = formRequest("/login", form)
	r.Header.Set("Origin", "http://example.com") // httptest's Host
	w = f.serve(t, auth.Principal{}, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/alerts" {
		t.Fatalf("login: %d to %q", w.Code, w.Header().Get("Location"))
	}
	ck := w.Result().Cookies()
	if len(ck) != 1 || ck[0].Name != auth.SessionCookie || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Errorf("cookies %v", ck)
	}
}
