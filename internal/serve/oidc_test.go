package serve

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth/oidc"
	"github.com/vigilhealth/vigil/internal/auth/oidc/fakeidp"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// oidcService starts a service whose console logs in through a test
// OpenID provider (fakeidp, standing in for NHS CIS2, which does not run
// here), mapping the groups claim's vigil-analysts to analyst.
func oidcService(t *testing.T) (*testService, *fakeidp.Provider) {
	t.Helper()
	idp := fakeidp.New("vigil", "s3cret-for-tests")
	t.Cleanup(idp.Close)
	cfg := testConfig(t)
	cfg.HTTP = sharedtest.FreeTCPAddr(t) // the redirect URL must name the address before the service binds it
	secret := filepath.Join(t.TempDir(), "oidc-secret")
	if err := os.WriteFile(secret, []byte("s3cret-for-tests\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.OIDC = OIDCConfig{Issuer: idp.URL, ClientID: "vigil", ClientSecretFile: secret,
		RedirectURL: "http://" + cfg.HTTP + oidc.CallbackPath, RoleClaim: "groups",
		Roles: map[string]string{"vigil-analysts": "analyst"}}
	return startService(t, cfg), idp
}

// TestOIDCLoginThroughService: the service's routes log a person in
// through the provider; the session reaches the API with the mapped role,
// the pages carry the security headers, and the login is audited as a
// password login is; a person with no mapped role is refused and audited.
func TestOIDCLoginThroughService(t *testing.T) {
	ts, idp := oidcService(t)
	tests := []struct {
		name       string
		groups     []any
		wantCode   int
		wantWhoami int
		wantAudit  string
	}{
		{"mapped role", []any{"vigil-analysts"}, 200, 200, "granted"},
		{"no mapped role", []any{"porters"}, 403, 401, "denied: oidc: no Vigil role for claim groups"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idp.SetClaims(map[string]any{"groups": tt.groups, "preferred_username": "alice"}, nil)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			resp, err := c.Get(ts.base + oidc.StartPath)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode || resp.Header.Get("Content-Security-Policy") == "" {
				t.Fatalf("login answered %d with CSP %q, want %d and the security headers",
					resp.StatusCode, resp.Header.Get("Content-Security-Policy"), tt.wantCode)
			}
			resp, err = c.Get(ts.base + "/api/v1/whoami")
			if err != nil {
				t.Fatal(err)
			}
			var who map[string]string
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			json.Unmarshal(body, &who)
			if resp.StatusCode != tt.wantWhoami || (tt.wantWhoami == 200 && (who["role"] != "analyst" || who["name"] != "oidc:alice" || who["via"] != "session")) {
				t.Errorf("whoami after the login: %d %s", resp.StatusCode, body)
			}
			entries := auditEntries(t, ts.svc.cfg.Data)
			last := entries[len(entries)-1]
			if last.Action != "login" || last.Who != "oidc:alice" || last.Outcome != tt.wantAudit {
				t.Errorf("last audit entry %+v, want a login of oidc:alice with outcome %q", last, tt.wantAudit)
			}
		})
	}
}

// TestOIDCRoutesOffByDefault: without an oidc section the routes do not
// exist.
func TestOIDCRoutesOffByDefault(t *testing.T) {
	ts := startService(t, testConfig(t))
	resp, err := http.Get(ts.base + oidc.StartPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s without oidc configured: %d, want 404", oidc.StartPath, resp.StatusCode)
	}
}

func TestOIDCConfigValidate(t *testing.T) {
	good := func() OIDCConfig {
		return OIDCConfig{Issuer: "https://idp.trust.example", ClientID: "vigil", RedirectURL: "https://vigil.trust.example/login/oidc/callback",
			RoleClaim: "groups", Roles: map[string]string{"g": "board"}}
	}
	tests := []struct {
		name   string
		change func(*OIDCConfig)
		want   string
	}{
		{"good", func(*OIDCConfig) {}, ""},
		{"off", func(c *OIDCConfig) { *c = OIDCConfig{} }, ""},
		{"no issuer but a client", func(c *OIDCConfig) { c.Issuer = "" }, "config key oidc.issuer"},
		{"relative redirect", func(c *OIDCConfig) { c.RedirectURL = "/cb" }, "config key oidc.redirect_url"},
		{"unknown role", func(c *OIDCConfig) { c.Roles["g"] = "boss" }, `config key oidc.roles["g"]`},
		{"ingest role", func(c *OIDCConfig) { c.Roles["g"] = "ingest" }, `config key oidc.roles["g"]`},
		{"no role claim", func(c *OIDCConfig) { c.RoleClaim = "" }, "config key oidc.role_claim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.OIDC = good()
			tt.change(&cfg.OIDC)
			err := cfg.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// TestOIDCSecretFile: the secret is the file's first line; a missing or
// empty file stops the service at start, naming the key.
func TestOIDCSecretFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		want          string // the secret, or the error's text
		fails         bool
	}{
		{"line", "  abc123 \nignored\n", "abc123", false},
		{"empty", "\n", "is empty", true},
		{"missing", "", "config key oidc.client_secret_file", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if tt.content != "" {
				os.WriteFile(path, []byte(tt.content), 0o600)
			}
			c := OIDCConfig{ClientSecretFile: path}
			got, err := c.readSecret()
			if tt.fails != (err != nil) || (err == nil && got != tt.want) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("readSecret() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestOIDCEnv(t *testing.T) {
	env := map[string]string{
		"VIGIL_OIDC_ISSUER": "https://idp.example", "VIGIL_OIDC_CLIENT_ID": "vigil",
		"VIGIL_OIDC_CLIENT_SECRET_FILE": "/etc/vigil/oidc-secret", "VIGIL_OIDC_REDIRECT_URL": "https://v.example/login/oidc/callback",
		"VIGIL_OIDC_SCOPES": "profile, nationalrbacaccess", "VIGIL_OIDC_ROLE_CLAIM": "nhsid_nrbac_roles.role_code",
		"VIGIL_OIDC_ROLES": "S8000:G8000:R8001=privacy_officer; CN=Vigil Board,OU=Groups,DC=trust=board;",
	}
	cfg := DefaultConfig()
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	o := cfg.OIDC
	if o.Issuer != "https://idp.example" || o.ClientID != "vigil" || o.ClientSecretFile != "/etc/vigil/oidc-secret" ||
		o.RedirectURL != "https://v.example/login/oidc/callback" || strings.Join(o.Scopes, " ") != "profile nationalrbacaccess" ||
		o.RoleClaim != "nhsid_nrbac_roles.role_code" || len(o.Roles) != 2 ||
		o.Roles["S8000:G8000:R8001"] != "privacy_officer" || o.Roles["CN=Vigil Board,OU=Groups,DC=trust"] != "board" {
		t.Errorf("oidc from the environment: %+v", o)
	}
	for _, bad := range []string{"analyst", "=analyst", "a=analyst;b"} {
		if _, err := parseRoleMap(bad); err == nil {
			t.Errorf("parseRoleMap(%q) accepted it", bad)
		}
	}
}

// FuzzParseRoleMap: any text either is refused or gives a map whose
// every entry's value and role came from the text.
func FuzzParseRoleMap(f *testing.F) {
	f.Add("S8000:G8000:R8001=privacy_officer; vigil-analysts=analyst")
	f.Add("CN=Vigil Board,OU=Groups,DC=trust=board")
	f.Add(";;=;a==b")
	f.Fuzz(func(t *testing.T, v string) {
		m, err := parseRoleMap(v)
		if err != nil {
			return
		}
		for value, role := range m {
			if value == "" || strings.Contains(role, "=") || !strings.Contains(v, value) {
				t.Fatalf("parseRoleMap(%q) gave %q=%q", v, value, role)
			}
		}
	})
}
