package oidc

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/oidc/fakeidp"
)

// rig is Vigil's login routes in front of a test provider. The provider
// (fakeidp) stands in for NHS CIS2 or any other OpenID provider, since
// none runs on a test machine; it speaks the same protocol: discovery,
// JWKS, authorisation code with PKCE, token, userinfo.
type rig struct {
	idp   *fakeidp.Provider
	auth  *auth.Authenticator
	login *Login
	srv   *httptest.Server

	mu     sync.Mutex
	audits []string // "name role outcome" of every OnLogin call
}

const (
	testClient = "vigil-test"
	testSecret = "a client secret for tests"
)

// newRig starts a provider and Vigil's routes; change adjusts the
// configuration (the role claim is groups by default).
func newRig(t *testing.T, change func(*Config)) *rig {
	t.Helper()
	rg := &rig{idp: fakeidp.New(testClient, testSecret)}
	t.Cleanup(rg.idp.Close)
	var handler http.Handler
	rg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(rg.srv.Close)
	rg.auth = &auth.Authenticator{Sessions: auth.NewSessions(), OnLogin: func(r *http.Request, name string, role auth.Role, outcome string) {
		rg.mu.Lock()
		defer rg.mu.Unlock()
		rg.audits = append(rg.audits, name+" "+string(role)+" "+outcome)
	}}
	cfg := Config{
		Issuer: rg.idp.URL, ClientID: testClient, ClientSecret: testSecret,
		RedirectURL: rg.srv.URL + CallbackPath, RoleClaim: "groups",
		Roles: map[string]auth.Role{"vigil-analysts": auth.RoleAnalyst, "vigil-admins": auth.RoleAdmin, "S8000:G8000:R8001": auth.RolePrivacyOfficer},
	}
	if change != nil {
		change(&cfg)
	}
	var err error
	if rg.login, err = New(cfg, rg.auth, Options{}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+StartPath, rg.login.Start)
	mux.HandleFunc("GET "+CallbackPath, rg.login.Callback)
	mux.HandleFunc("GET /whoami", rg.whoami)
	mux.HandleFunc("POST /logout", rg.logout)
	handler = mux
	return rg
}

// whoami answers the session's name and role, or 401.
func (rg *rig) whoami(w http.ResponseWriter, r *http.Request) {
	p, err := rg.auth.Authenticate(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	io.WriteString(w, p.Name+" "+string(p.Role))
}

func (rg *rig) logout(w http.ResponseWriter, r *http.Request) {
	p, err := rg.auth.Authenticate(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	rg.auth.Logout(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
}

// browser is a client with its own cookies that follows redirects, as a
// browser does (the signed-in page's refresh aside).
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// get fetches url with c and returns the status and body.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// sessionCookie is the browser's session cookie for the rig, or "".
func (rg *rig) sessionCookie(c *http.Client) string {
	req := httptest.NewRequest("GET", rg.srv.URL+"/", nil)
	for _, ck := range c.Jar.Cookies(req.URL) {
		if ck.Name == auth.SessionCookie {
			return ck.Value
		}
	}
	return ""
}

func (rg *rig) lastAudit() string {
	rg.mu.Lock()
	defer rg.mu.Unlock()
	if len(rg.audits) == 0 {
		return ""
	}
	return rg.audits[len(rg.audits)-1]
}

func contains(t *testing.T, what, body, want string) {
	t.Helper()
	if !strings.Contains(body, want) {
		t.Errorf("%s: %q does not contain %q", what, body, want)
	}
}
