package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testAuth returns an authenticator with one account, sam (analyst).
func testAuth(t *testing.T) (*Authenticator, *clock) {
	t.Helper()
	dir := t.TempDir()
	users := OpenUsers(dir, cheapArgon2)
	if err := users.Add("sam", RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	sessions := NewSessions()
	limiter := NewLoginLimiter()
	a := &Authenticator{AdminToken: "admin-secret", Tokens: OpenTokens(dir), Users: users,
		Sessions: sessions, Limiter: limiter}
	sessions.Now, limiter.Now = clk.Now, clk.Now
	return a, clk
}

// login posts a login and returns the recorder.
func login(a *Authenticator, name, pw, remote string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"name": name, "password": pw})
	r := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	a.Login(w, r)
	return w
}

// loggedIn logs sam in and returns the cookie and CSRF token.
func loggedIn(t *testing.T, a *Authenticator) (*http.Cookie, string) {
	t.Helper()
	w := login(a, "sam", "three random words", "10.0.0.1:4000")
	var ans LoginAnswer
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ans) != nil || ans.Role != RoleAnalyst || ans.CSRFToken == "" {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("login set %d cookies", len(cookies))
	}
	return cookies[0], ans.CSRFToken
}

func TestLoginCookie(t *testing.T) {
	a, _ := testAuth(t)
	a.SecureCookie = true
	c, _ := loggedIn(t, a)
	if c.Name != SessionCookie || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || len(c.Value) != 43 {
		t.Errorf("cookie %+v: want HttpOnly, Secure, SameSite=Strict, Path=/ and a 256-bit id", c)
	}
}

func TestAuthenticate(t *testing.T) {
	a, _ := testAuth(t)
	cookie, csrf := loggedIn(t, a)
	secret, _, err := a.Tokens.Create(RoleBoard, "board")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		method  string
		auth    string
		cookie  bool
		csrf    string
		wantErr error
		want    Principal
	}{
		{"nothing", "GET", "", false, "", ErrUnauthenticated, Principal{}},
		{"admin token", "POST", "Bearer admin-secret", false, "", nil, Principal{Name: AdminTokenName, Role: RoleAdmin, Via: ViaAdminToken}},
		{"stored token", "GET", "Bearer " + secret, false, "", nil, Principal{Name: "board", Role: RoleBoard, Via: ViaToken}},
		{"stored token, lower-case scheme", "GET", "bearer " + secret, false, "", nil, Principal{Name: "board", Role: RoleBoard, Via: ViaToken}},
		{"wrong token", "GET", "Bearer nope", false, "", ErrBadToken, Principal{}},
		{"wrong token beside a good cookie", "GET", "Bearer nope", true, csrf, ErrBadToken, Principal{}},
		{"session read", "GET", "", true, "", nil, Principal{Name: "sam", Role: RoleAnalyst, Via: ViaSession}},
		{"session change with CSRF", "POST", "", true, csrf, nil, Principal{Name: "sam", Role: RoleAnalyst, Via: ViaSession}},
		{"session change without CSRF", "POST", "", true, "", ErrCSRF, Principal{}},
		{"session change with a wrong CSRF", "DELETE", "", true, csrf[:42] + "x", ErrCSRF, Principal{}},
		{"session PATCH without CSRF", "PATCH", "", true, "", ErrCSRF, Principal{}},
		{"token change needs no CSRF", "POST", "Bearer " + secret, false, "", nil, Principal{Name: "board", Role: RoleBoard, Via: ViaToken}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, "/api/v1/alerts", nil)
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			if c.cookie {
				r.AddCookie(cookie)
			}
			if c.csrf != "" {
				r.Header.Set(CSRFHeader, c.csrf)
			}
			p, err := a.Authenticate(r)
			if !errors.Is(err, c.wantErr) && !(c.wantErr == ErrBadToken && err != nil) {
				t.Fatalf("err %v, want %v", err, c.wantErr)
			}
			p.SessionID, p.CSRF = "", ""
			if err == nil && p != c.want {
				t.Errorf("principal %+v, want %+v", p, c.want)
			}
		})
	}
}

func TestLogoutRefusesTheReplayedCookie(t *testing.T) {
	a, _ := testAuth(t)
	cookie, csrf := loggedIn(t, a)
	r := httptest.NewRequest("POST", "/api/v1/logout", nil)
	r.AddCookie(cookie)
	r.Header.Set(CSRFHeader, csrf)
	p, err := a.Authenticate(r)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.Logout(w, r.WithContext(WithPrincipal(r.Context(), p)))
	if w.Code != 200 {
		t.Fatalf("logout: %d %s", w.Code, w.Body)
	}
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("logout cookies %+v: want the cookie cleared", c)
	}
	replay := httptest.NewRequest("GET", "/api/v1/alerts", nil)
	replay.AddCookie(cookie)
	if _, err := a.Authenticate(replay); !errors.Is(err, ErrBadSession) {
		t.Errorf("replayed cookie after logout: %v, want ErrBadSession", err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	a, clk := testAuth(t)
	var outcomes []string
	a.OnLogin = func(_ *http.Request, name string, _ Role, outcome string) {
		outcomes = append(outcomes, name+" "+outcome)
	}
	for i := range DefaultLoginFailures {
		if w := login(a, "sam", "wrong password!", "10.0.0.9:1"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, w.Code)
		}
	}
	w := login(a, "sam", "three random words", "10.0.0.8:1") // right password, other address: the account is locked
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("after %d failures: %d, want 429", DefaultLoginFailures, w.Code)
	}
	if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra != int(DefaultLoginWindow/time.Second) {
		t.Errorf("Retry-After %q, want %d seconds", w.Header().Get("Retry-After"), int(DefaultLoginWindow/time.Second))
	}
	if w := login(a, "kim", "whatever at all", "10.0.0.9:2"); w.Code != http.StatusTooManyRequests {
		t.Errorf("another account from the failing address: %d, want 429", w.Code)
	}
	clk.Add(DefaultLoginWindow)
	if w := login(a, "sam", "three random words", "10.0.0.8:1"); w.Code != 200 {
		t.Errorf("after the window: %d, want 200", w.Code)
	}
	if len(outcomes) != 8 || outcomes[0] != "sam denied" || outcomes[5] != "sam rate limited" || outcomes[7] != "sam granted" {
		t.Errorf("OnLogin saw %q", outcomes)
	}
}

func TestLoginRefusesBadRequests(t *testing.T) {
	a, _ := testAuth(t)
	cases := []struct {
		name, ctype, body string
		want              int
	}{
		{"form post", "application/x-www-form-urlencoded", "name=sam&password=x", http.StatusUnsupportedMediaType},
		{"no name", "application/json", `{"password":"x"}`, http.StatusBadRequest},
		{"not json", "application/json", `name`, http.StatusBadRequest},
		{"huge", "application/json", `{"name":"` + string(bytes.Repeat([]byte("a"), 8<<10)) + `"}`, http.StatusBadRequest},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader([]byte(c.body)))
		r.Header.Set("Content-Type", c.ctype)
		w := httptest.NewRecorder()
		a.Login(w, r)
		if w.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	cases := []struct {
		path    string
		tls     bool
		hsts    bool
		noStore bool
	}{
		{"/api/v1/alerts", false, false, true},
		{"/api/v1/alerts", true, true, true},
		{"/", true, true, false},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		SecurityHeaders(ok, c.tls).ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		h := w.Header()
		if h.Get("Content-Security-Policy") != ContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", c.path, h)
		}
		if (h.Get("Strict-Transport-Security") != "") != c.hsts || (h.Get("Cache-Control") == "no-store") != c.noStore {
			t.Errorf("%s tls=%v: HSTS %q Cache-Control %q", c.path, c.tls, h.Get("Strict-Transport-Security"), h.Get("Cache-Control"))
		}
	}
}

// TestCSRFFromFormField: an HTML form carries the token in its csrf_token
// field; a form without it, with a wrong one, or a token in a body that
// is not a form, is refused.
func TestCSRFFromFormField(t *testing.T) {
	a, _ := testAuth(t)
	cookie, csrf := loggedIn(t, a)
	for _, c := range []struct {
		name, ctype, body string
		want              error
	}{
		{"form with the token", "application/x-www-form-urlencoded", "action=close&csrf_token=" + csrf, nil},
		{"form with a charset", "application/x-www-form-urlencoded; charset=utf-8", "csrf_token=" + csrf, nil},
		{"form without the token", "application/x-www-form-urlencoded", "action=close", ErrCSRF},
		{"form with a wrong token", "application/x-www-form-urlencoded", "csrf_token=" + csrf[1:], ErrCSRF},
		{"JSON carrying the field", "application/json", `{"csrf_token":"` + csrf + `"}`, ErrCSRF},
		{"multipart is not read", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + csrf + "\r\n--x--\r\n", ErrCSRF},
	} {
		r := httptest.NewRequest("POST", "/alerts/a1", strings.NewReader(c.body))
		r.Header.Set("Content-Type", c.ctype)
		r.AddCookie(cookie)
		p, err := a.Authenticate(r)
		if !errors.Is(err, c.want) || (err == nil && (p.Name != "sam" || p.CSRF != csrf)) {
			t.Errorf("%s: %+v, %v; want %v", c.name, p, err, c.want)
		}
		if c.want == nil && r.PostForm.Get("csrf_token") != csrf {
			t.Errorf("%s: the form is not left parsed for the handler", c.name)
		}
	}
}
