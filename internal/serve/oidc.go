package serve

import (
	"net/http"

	"github.com/vigilhealth/vigil/internal/auth/oidc"
)

// openOIDC prepares login through the configured OpenID provider, if
// any. The provider is not called here: it is discovered at the first
// login, so that Vigil starts while the provider is unreachable.
func (s *Service) openOIDC() error {
	if !s.cfg.OIDC.enabled() {
		return nil
	}
	secret, err := s.cfg.OIDC.readSecret()
	if err != nil {
		return err
	}
	lc, err := s.cfg.OIDC.loginConfig(secret)
	if err != nil {
		return err
	}
	s.oidc, err = oidc.New(lc, s.auth, oidc.Options{Log: s.log.With("component", "oidc")})
	return err
}

// oidcRoutes adds the OpenID Connect login routes to mux when a provider
// is configured. They are outside /api/: a browser navigates to them, and
// they need no session (they make one).
func (s *Service) oidcRoutes(mux *http.ServeMux) {
	if s.oidc == nil {
		return
	}
	mux.HandleFunc("GET "+oidc.StartPath, s.oidc.Start)
	mux.HandleFunc("GET "+oidc.CallbackPath, s.oidc.Callback)
}
