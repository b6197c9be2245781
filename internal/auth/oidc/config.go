package oidc

import (
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/vigilhealth/vigil/internal/auth"
)

// Config is one provider and how its people map to Vigil roles.
type Config struct {
	Issuer       string   // the provider's issuer URL; discovery is at Issuer/.well-known/openid-configuration
	ClientID     string   // Vigil's client id at the provider
	ClientSecret string   // "" for a public client, which PKCE alone protects
	RedirectURL  string   // this service's /login/oidc/callback as the browser reaches it
	Scopes       []string // requested scopes; "openid" is always added
	// RoleClaim names the claim that carries the person's roles: a
	// string, a list of strings, or a list of objects when written
	// CLAIM.FIELD (CIS2's nhsid_nrbac_roles.role_code). It is read from
	// the ID token, or from the userinfo endpoint when the token lacks it.
	RoleClaim string
	// Roles maps a claim value to a Vigil role.
	Roles map[string]auth.Role
}

// personRoles are the roles a person may be given; ingest is for log
// shippers' tokens only.
var personRoles = []auth.Role{auth.RoleAdmin, auth.RolePrivacyOfficer, auth.RoleAnalyst, auth.RoleBoard}

// Validate names the first field that is wrong.
func (c *Config) Validate() error {
	for _, u := range []struct{ name, value string }{{"issuer", c.Issuer}, {"redirect_url", c.RedirectURL}} {
		p, err := url.Parse(u.value)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("%s: %q is not an absolute http(s) URL", u.name, u.value)
		}
	}
	if c.ClientID == "" {
		return errors.New("client_id: the provider's id for Vigil is needed")
	}
	if c.RoleClaim == "" {
		return errors.New("role_claim: name the claim that carries the person's roles (such as groups)")
	}
	if len(c.Roles) == 0 {
		return errors.New("roles: map at least one claim value to a role, or nobody can log in")
	}
	for v, r := range c.Roles {
		if !slices.Contains(personRoles, r) {
			return fmt.Errorf("roles[%q]: %q is not a role a person may have: use admin, privacy_officer, analyst or board", v, r)
		}
	}
	return nil
}

// scopes are the scopes asked for: c.Scopes with openid first, or
// openid, profile and email when none are configured.
func (c *Config) scopes() []string {
	if len(c.Scopes) == 0 {
		return []string{"openid", "profile", "email"}
	}
	out := []string{"openid"}
	for _, s := range c.Scopes {
		if s != "openid" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
