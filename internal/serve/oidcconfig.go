package serve

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/oidc"
)

// OIDCConfig is login through an OpenID Connect provider (NHS CIS2, or
// any standard one); an empty Issuer leaves it off. Roles maps values of
// the RoleClaim claim to Vigil roles. See docs/security.md.
type OIDCConfig struct {
	Issuer           string            `yaml:"issuer"`
	ClientID         string            `yaml:"client_id"`
	ClientSecretFile string            `yaml:"client_secret_file"` // "" for a public client (PKCE only)
	RedirectURL      string            `yaml:"redirect_url"`       // https://vigil.example/login/oidc/callback
	Scopes           []string          `yaml:"scopes"`
	RoleClaim        string            `yaml:"role_claim"`
	Roles            map[string]string `yaml:"roles"`
}

func (c *OIDCConfig) enabled() bool { return c.Issuer != "" }

// validate checks the section without reading the secret or calling the
// provider, and names the key that is wrong.
func (c *OIDCConfig) validate() error {
	if !c.enabled() {
		if c.ClientID != "" || c.RedirectURL != "" || len(c.Roles) > 0 {
			return errors.New("config key oidc.issuer: the oidc section is set but has no issuer; give the provider's issuer URL")
		}
		return nil
	}
	lc, err := c.loginConfig("")
	if err != nil {
		return err
	}
	if err := lc.Validate(); err != nil {
		return fmt.Errorf("config key oidc.%w", err)
	}
	return nil
}

// loginConfig is the section as the oidc package takes it, with secret.
func (c *OIDCConfig) loginConfig(secret string) (oidc.Config, error) {
	roles := make(map[string]auth.Role, len(c.Roles))
	for v, r := range c.Roles {
		role, err := auth.ParseRole(r)
		if err != nil {
			return oidc.Config{}, fmt.Errorf("config key oidc.roles[%q]: %w", v, err)
		}
		roles[v] = role
	}
	return oidc.Config{Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: secret, RedirectURL: c.RedirectURL,
		Scopes: c.Scopes, RoleClaim: c.RoleClaim, Roles: roles}, nil
}

// readSecret reads the client secret from ClientSecretFile: the first
// line, spaces trimmed; "" when no file is set.
func (c *OIDCConfig) readSecret() (string, error) {
	if c.ClientSecretFile == "" {
		return "", nil
	}
	b, err := os.ReadFile(c.ClientSecretFile)
	if err != nil {
		return "", fmt.Errorf("config key oidc.client_secret_file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return "", fmt.Errorf("config key oidc.client_secret_file: %s is empty", c.ClientSecretFile)
	}
	return line, nil
}

// parseRoleMap reads VIGIL_OIDC_ROLES: VALUE=ROLE entries separated by
// semicolons; the role follows the last "=", so that a value may hold
// "=" and "," (an LDAP group name such as CN=Vigil,OU=Groups).
func parseRoleMap(v string) (map[string]string, error) {
	m := map[string]string{}
	for entry := range strings.SplitSeq(v, ";") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		i := strings.LastIndex(entry, "=")
		if i <= 0 {
			return nil, fmt.Errorf("%q is not VALUE=ROLE", entry)
		}
		m[strings.TrimSpace(entry[:i])] = strings.TrimSpace(entry[i+1:])
	}
	return m, nil
}
