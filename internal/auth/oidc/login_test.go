package oidc

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLogin runs whole logins through the test provider: a good one opens
// a session with the mapped role; each tampered answer is refused with
// no session, and audited.
func TestLogin(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*Config)
		claims    map[string]any // the ID token's claims
		userinfo  map[string]any // the userinfo endpoint's
		tamper    func(map[string]any)
		forge     bool
		wantCode  int
		wantWho   string // whoami after the login; "" for no session
		wantAudit string
		wantPage  string
	}{
		{name: "good login", claims: map[string]any{"groups": []any{"staff", "vigil-analysts"}, "preferred_username": "alice"},
			wantCode: 200, wantWho: "oidc:alice analyst", wantAudit: "oidc:alice analyst granted", wantPage: "signed in"},
		{name: "several roles take admin first", claims: map[string]any{"groups": []any{"vigil-analysts", "vigil-admins"}, "email": "bob@trust.example"},
			wantCode: 200, wantWho: "oidc:bob@trust.example admin", wantAudit: "granted"},
		{name: "role from userinfo, CIS2 style",
			change: func(c *Config) { c.RoleClaim = "nhsid_nrbac_roles.role_code" },
			claims: map[string]any{"sub": "555000111222"},
			userinfo: map[string]any{"nhsid_nrbac_roles": []any{
				map[string]any{"org_code": "RX1", "role_code": "S0080:G0450:R5080"},
				map[string]any{"org_code": "RX1", "role_code": "S8000:G8000:R8001"},
			}},
			wantCode: 200, wantWho: "oidc:555000111222 privacy_officer", wantAudit: "granted"},
		{name: "unmapped role", claims: map[string]any{"groups": []any{"cleaners"}, "preferred_username": "carol"},
			wantCode: 403, wantAudit: "oidc:carol  denied: oidc: no Vigil role for claim groups", wantPage: "cleaners"},
		{name: "no role claim at all", claims: map[string]any{"preferred_username": "dan"},
			wantCode: 403, wantAudit: "denied", wantPage: "(none)"},
		{name: "wrong nonce", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper: func(c map[string]any) { c["nonce"] = "not-the-nonce" }, wantCode: 401, wantAudit: "nonce"},
		{name: "no nonce", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper: func(c map[string]any) { delete(c, "nonce") }, wantCode: 401, wantAudit: "nonce"},
		{name: "expired token", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }, wantCode: 401, wantAudit: "expired"},
		{name: "wrong audience", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper: func(c map[string]any) { c["aud"] = "another-app" }, wantCode: 401, wantAudit: "audience"},
		{name: "several audiences, azp another", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper:   func(c map[string]any) { c["aud"] = []any{testClient, "another-app"}; c["azp"] = "another-app" },
			wantCode: 401, wantAudit: "azp"},
		{name: "wrong issuer", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			tamper: func(c map[string]any) { c["iss"] = "https://idp.attacker.example" }, wantCode: 401, wantAudit: "issued by a different provider"},
		{name: "forged signature", claims: map[string]any{"groups": []any{"vigil-analysts"}},
			forge: true, wantCode: 401, wantAudit: "signature"},
		{name: "wrong client secret", change: func(c *Config) { c.ClientSecret = "guessed" },
			claims: map[string]any{"groups": []any{"vigil-analysts"}}, wantCode: 502, wantAudit: "code exchange"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rg := newRig(t, tt.change)
			rg.idp.SetClaims(tt.claims, tt.userinfo)
			rg.idp.Tamper(tt.tamper)
			rg.idp.Forge(tt.forge)
			b := browser(t)
			code, body := get(t, b, rg.srv.URL+StartPath)
			if code != tt.wantCode {
				t.Fatalf("callback answered %d, want %d: %s", code, tt.wantCode, body)
			}
			contains(t, "page", strings.ToLower(body), strings.ToLower(tt.wantPage))
			contains(t, "audit", rg.lastAudit(), tt.wantAudit)
			code, who := get(t, b, rg.srv.URL+"/whoami")
			switch {
			case tt.wantWho == "" && code != http.StatusUnauthorized:
				t.Errorf("refused login left a session: whoami %d %q", code, who)
			case tt.wantWho != "" && who != tt.wantWho:
				t.Errorf("whoami = %d %q, want %q", code, who, tt.wantWho)
			}
		})
	}
}

// TestStartSendsPKCEStateAndNonce checks the authorisation request and
// the state cookie that ties the callback to this browser.
func TestStartSendsPKCEStateAndNonce(t *testing.T) {
	rg := newRig(t, func(c *Config) { c.Scopes = []string{"profile", "nationalrbacaccess"} })
	c := noFollow(browser(t))
	resp, err := c.Get(rg.srv.URL + StartPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("start answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := loc.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": testClient, "code_challenge_method": "S256",
		"scope": "openid profile nationalrbacaccess", "redirect_uri": rg.srv.URL + CallbackPath} {
		if q.Get(k) != want {
			t.Errorf("authorisation request %s = %q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 43 { // 256 bits in base64url
			t.Errorf("authorisation request %s = %q: want at least 256 random bits", k, q.Get(k))
		}
	}
	var state *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == stateCookie {
			state = ck
		}
	}
	if state == nil || state.Value != q.Get("state") || !state.HttpOnly || state.SameSite != http.SameSiteLaxMode || state.Path != StartPath {
		t.Errorf("state cookie %+v: want HttpOnly, SameSite=Lax, Path %s, holding the state", state, StartPath)
	}
}

// TestCallbackState: a callback is refused unless its state is the one
// this browser began, and a state is good for one callback only.
func TestCallbackState(t *testing.T) {
	tests := []struct {
		name   string
		change func(callback *url.URL, c *http.Client, rg *rig) *http.Client // returns the client that calls back
		want   int
	}{
		{"own state", func(u *url.URL, c *http.Client, _ *rig) *http.Client { return c }, 200},
		{"state changed", func(u *url.URL, c *http.Client, _ *rig) *http.Client { setQuery(u, "state", "forged"); return c }, 400},
		{"state missing", func(u *url.URL, c *http.Client, _ *rig) *http.Client { setQuery(u, "state", ""); return c }, 400},
		{"another browser (login CSRF)", func(u *url.URL, c *http.Client, _ *rig) *http.Client { return browser(t) }, 400},
		{"provider error", func(u *url.URL, c *http.Client, _ *rig) *http.Client {
			setQuery(u, "error", "access_denied")
			return c
		}, 401},
		{"expired", func(u *url.URL, c *http.Client, rg *rig) *http.Client {
			rg.login.pending.now = func() time.Time { return time.Now().Add(pendingTTL) }
			return c
		}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rg := newRig(t, nil)
			rg.idp.SetClaims(map[string]any{"groups": []any{"vigil-analysts"}}, nil)
			c := browser(t)
			cb := callbackURL(t, rg, c)
			caller := tt.change(cb, c, rg)
			code, body := get(t, caller, cb.String())
			if code != tt.want {
				t.Fatalf("callback answered %d, want %d: %s", code, tt.want, body)
			}
			if code == 200 {
				if code, _ := get(t, c, cb.String()); code != 400 {
					t.Errorf("the same callback again answered %d, want 400", code)
				}
			}
		})
	}
}

// TestLoginGoesToNext: the signed-in page moves on to the page the
// login began from, if it is on this site.
func TestLoginGoesToNext(t *testing.T) {
	rg := newRig(t, nil)
	rg.idp.SetClaims(map[string]any{"groups": []any{"vigil-analysts"}}, nil)
	for next, want := range map[string]string{"/alerts?level=high": `url=/alerts?level=high"`, "https://evil.example/": `url=/"`} {
		code, body := get(t, browser(t), rg.srv.URL+StartPath+"?next="+url.QueryEscape(next))
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("login with next=%s: %d, want a refresh to %s in %s", next, code, want, body)
		}
	}
}

// TestSessionRefusedAfterLogout: a session opened through the provider
// ends at logout like any other, and its cookie is refused when replayed.
func TestSessionRefusedAfterLogout(t *testing.T) {
	rg := newRig(t, nil)
	rg.idp.SetClaims(map[string]any{"groups": []any{"vigil-analysts"}, "preferred_username": "alice"}, nil)
	b := browser(t)
	if code, body := get(t, b, rg.srv.URL+StartPath); code != 200 {
		t.Fatalf("login answered %d: %s", code, body)
	}
	id := rg.sessionCookie(b)
	sess, ok := rg.auth.Sessions.Get(id)
	if !ok {
		t.Fatal("no session after the login")
	}
	req, _ := http.NewRequest("POST", rg.srv.URL+"/logout", nil)
	req.Header.Set("X-CSRF-Token", sess.CSRF)
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || rg.lastAudit() != "oidc:alice analyst logout" {
		t.Fatalf("logout answered %d, audit %q", resp.StatusCode, rg.lastAudit())
	}
	replay, _ := http.NewRequest("GET", rg.srv.URL+"/whoami", nil)
	replay.AddCookie(&http.Cookie{Name: "vigil_session", Value: id})
	resp, err = http.DefaultClient.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session cookie replayed after logout answered %d, want 401", resp.StatusCode)
	}
}

// TestProviderUnreachable: Vigil starts without the provider, shows a
// page while it cannot be reached, and discovers it once it can.
func TestProviderUnreachable(t *testing.T) {
	rg := newRig(t, nil)
	rg.idp.SetClaims(map[string]any{"groups": []any{"vigil-analysts"}}, nil)
	real := rg.login.cfg.Issuer
	rg.login.cfg.Issuer = rg.srv.URL + "/no-provider-here"
	if code, body := get(t, browser(t), rg.srv.URL+StartPath); code != http.StatusBadGateway || !strings.Contains(body, "cannot be reached") {
		t.Fatalf("start without a provider answered %d: %s", code, body)
	}
	rg.login.cfg.Issuer = real
	if code, body := get(t, browser(t), rg.srv.URL+StartPath); code != 200 {
		t.Fatalf("start after the provider came back answered %d: %s", code, body)
	}
}

// callbackURL begins a login in c and returns the callback URL the
// provider redirects to, without calling it.
func callbackURL(t *testing.T, rg *rig, c *http.Client) *url.URL {
	t.Helper()
	nf := noFollow(c)
	loc := ""
	for _, u := range []string{rg.srv.URL + StartPath, ""} {
		if u == "" {
			u = loc
		}
		resp, err := nf.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("%s answered %d, want a redirect", u, resp.StatusCode)
		}
		loc = resp.Header.Get("Location")
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// noFollow is c (sharing its cookies) without following redirects.
func noFollow(c *http.Client) *http.Client {
	return &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func setQuery(u *url.URL, k, v string) {
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
}
