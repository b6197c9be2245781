package oidc

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

func TestConfigValidate(t *testing.T) {
	good := func() Config {
		return Config{Issuer: "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc",
			ClientID: "vigil", RedirectURL: "https://vigil.trust.example/login/oidc/callback",
			RoleClaim: "groups", Roles: map[string]auth.Role{"g": auth.RoleAnalyst}}
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // in the error; "" for none
	}{
		{"good", func(*Config) {}, ""},
		{"no issuer", func(c *Config) { c.Issuer = "" }, "issuer"},
		{"issuer not a URL", func(c *Config) { c.Issuer = "am.nhsidentity" }, "issuer"},
		{"relative redirect", func(c *Config) { c.RedirectURL = "/login/oidc/callback" }, "redirect_url"},
		{"no client id", func(c *Config) { c.ClientID = "" }, "client_id"},
		{"no role claim", func(c *Config) { c.RoleClaim = "" }, "role_claim"},
		{"no roles", func(c *Config) { c.Roles = nil }, "roles"},
		{"ingest role", func(c *Config) { c.Roles["g"] = auth.RoleIngest }, `roles["g"]`},
		{"unknown role", func(c *Config) { c.Roles["g"] = "root" }, `roles["g"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(&c)
			err := c.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

func TestScopes(t *testing.T) {
	tests := []struct{ in, want []string }{
		{nil, []string{"openid", "profile", "email"}},
		{[]string{"profile", "openid", "nationalrbacaccess", "profile"}, []string{"openid", "profile", "nationalrbacaccess"}},
	}
	for _, tt := range tests {
		c := Config{Scopes: tt.in}
		if got := c.scopes(); !slices.Equal(got, tt.want) {
			t.Errorf("scopes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLocalPath: the page to go to after the login stays on this site.
func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/alerts/42?x=1", "/alerts/42?x=1"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/a\r\nSet-Cookie: x", "/"},
		{"alerts", "/"},
	}
	for _, tt := range tests {
		if got := localPath(tt.in, "/"); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
