package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
)

// testNow is the fixed clock of the tests: 28 Nov 2026 16:05 GMT.
var testNow = time.Date(2026, 11, 28, 16, 5, 0, 0, time.UTC)

// fixture is a console on real stores in a temporary folder.
type fixture struct {
	c     *Console
	deps  Deps
	store *alert.FileStore
	mux   *http.ServeMux
	pages map[string]Page
	stats Stats
	src   []Source
}

// newFixture opens a console on an empty alert store, with an account
// "sam" (analyst, password "three random words").
func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := alert.OpenFileStore(dir + "/alerts")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	users := auth.OpenUsers(dir, auth.Argon2Params{Time: 1, Memory: 8 << 10, Threads: 1})
	if err := users.Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, stats: Stats{EventsStored: 1234, Alerts: 0, EventsIn: map[string]int64{"http": 1000, "syslog": 234}, Ready: true, Uptime: time.Hour}}
	f.deps = Deps{
		Alerts:  store,
		Auth:    &auth.Authenticator{Users: users, Sessions: auth.NewSessions(), Limiter: auth.NewLoginLimiter()},
		Stats:   func(context.Context) (Stats, error) { return f.stats, nil },
		Sources: func(context.Context) ([]Source, error) { return f.src, nil },
		Now:     func() time.Time { return testNow },
	}
	if f.c, err = New(f.deps); err != nil {
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

// as is a principal of role, with a CSRF token as a session has.
func as(role auth.Role) auth.Principal {
	return auth.Principal{Name: string(role) + "-1", Role: role, Via: auth.ViaSession, CSRF: "csrf-" + string(role)}
}

// get serves GET path to p (no principal when p.Role is "") as the guard
// would after admitting it, and returns the answer.
func (f *fixture) get(t testing.TB, p auth.Principal, path string) *httptest.ResponseRecorder {
	t.Helper()
	return f.serve(t, p, httptest.NewRequest("GET", path, nil))
}

// post serves a form post of form to path as p.
func (f *fixture) post(t *testing.T, p auth.Principal, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.serve(t, p, r)
}

func (f *fixture) serve(t testing.TB, p auth.Principal, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if p.Role != "" {
		r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	}
	w := httptest.NewRecorder()
	f.mux.ServeHTTP(w, r)
	return w
}

// contains fails t for each want missing from body.
func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// lacks fails t for each unwanted string found in body.
func lacks(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s shows %q", what, u)
		}
	}
}

// formRequest is a form post of form to path.
func formRequest(path string, form url.Values) *http.Request {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// serveWith serves GET path on c's pages, with no principal, and returns
// the body.
func (f *fixture) serveWith(t *testing.T, c *Console, path string) string {
	t.Helper()
	mux := http.NewServeMux()
	for _, p := range c.Pages() {
		mux.Handle(p.Pattern, p.Handler)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w.Body.String()
}
