package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/auth"
)

// apiRoute is one route of the API with its access policy. Every /api/
// and /fhir route is one of these, listed in apiRoutes next to its
// handler; a route registered any other way is refused to everyone.
type apiRoute struct {
	pattern string      // http.ServeMux pattern, method first
	roles   []auth.Role // who may call it; admin always may (auth.Admits)
	public  bool        // no credentials needed (the login itself)
	audit   auditMode
	handler http.Handler
	// page marks a console page: refusals answer in HTML (a redirect to
	// the login page, a 403 page) rather than JSON.
	page bool
}

// auditMode says which calls of a route the self-audit log records.
type auditMode int

const (
	// auditChanges records every state-changing call (not GET or HEAD):
	// the default.
	auditChanges auditMode = iota
	// auditAll records every call, granted or refused: routes that show
	// patient-identifiable data (events, alerts' event detail, privacy
	// cases, patient reports).
	auditAll
	// auditNone records nothing: event ingest, whose record is the event
	// log itself (auditing each batch would put an fsync on the ingest
	// path), and login and logout, which audit themselves with their
	// outcome.
	auditNone
)

// Roles of the routes.
var (
	ingestRoles  = []auth.Role{auth.RoleIngest}
	analystRoles = []auth.Role{auth.RoleAnalyst}
	privacyRoles = []auth.Role{auth.RolePrivacyOfficer}
	// figureRoles see counts and statuses, no event or patient detail.
	figureRoles = []auth.Role{auth.RoleAnalyst, auth.RolePrivacyOfficer, auth.RoleBoard}
	// peopleRoles are the roles people log in with.
	peopleRoles = figureRoles
	anyRole     = auth.Roles()
)

// openAuth opens the token and account stores, the sessions, the login
// limit and the self-audit log (with its HMAC key when audit.key_file is
// set): the data folder's and the process's memory, or in role api the
// shared database's, so that every API node sees the same tokens,
// accounts and sessions and appends to one audit chain.
func (s *Service) openAuth() error {
	var key []byte
	if s.cfg.Audit.KeyFile != "" {
		var err error
		if key, err = audit.ReadKeyFile(s.cfg.Audit.KeyFile); err != nil {
			return fmt.Errorf("config key audit.key_file: %w", err)
		}
	}
	s.auth = &auth.Authenticator{
		AdminToken:   s.token,
		Limiter:      auth.NewLoginLimiter(),
		SecureCookie: s.cfg.TLSCert != "",
		Log:          s.log,
		OnLogin:      s.auditLogin,
	}
	if s.node != nil && s.node.db != nil {
		s.sharedAuth(key)
		return nil
	}
	a, err := audit.Open(filepath.Join(s.cfg.Data, "audit"), audit.Options{Key: key, Logger: s.log.With("component", "audit")})
	if err != nil {
		return fmt.Errorf("open the audit log: %w", err)
	}
	s.audit = a
	s.auth.Tokens = auth.OpenTokens(s.cfg.Data)
	s.auth.Users = auth.OpenUsers(s.cfg.Data, auth.DefaultArgon2)
	s.auth.Sessions = auth.NewSessions()
	return nil
}

// guard is the one gate of the API and the console: it authenticates the
// request, authorises it by its route's policy, audits it, and answers
// 401 or 403 with {"error": ...} when it may not pass (a console page:
// a redirect to the login page, or an HTML 403). Routes outside /api/ and
// /fhir that are not console pages (health, metrics) pass untouched.
func (s *Service) guard(mux *http.ServeMux, policy map[string]apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		rt, listed := policy[pattern]
		if (!guarded(r.URL.Path) && !listed) || pattern == "" { // "": not found or bad method, no handler runs
			mux.ServeHTTP(w, r)
			return
		}
		id := requestID()
		w.Header().Set("X-Request-Id", id)
		if !listed {
			s.log.Error("API route without an access policy: refused; list it in apiRoutes", "route", pattern)
			writeJSON(w, http.StatusForbidden, errorBody{"this route has no access policy"})
			return
		}
		if rt.public {
			mux.ServeHTTP(w, r.WithContext(withRequestID(r.Context(), id)))
			return
		}
		p, ok := s.admit(w, r, rt, id)
		if !ok {
			return
		}
		mux.ServeHTTP(w, r.WithContext(auth.WithPrincipal(withRequestID(r.Context(), id), p)))
	})
}

// admit authenticates and authorises r for rt and audits it; it answers
// and returns false when r may not go on.
func (s *Service) admit(w http.ResponseWriter, r *http.Request, rt apiRoute, id string) (auth.Principal, bool) {
	p, err := s.auth.Authenticate(r)
	switch {
	case errors.Is(err, auth.ErrCSRF):
		s.record(r, p, rt, id, "denied: "+err.Error())
		s.refuse(w, r, rt, p, http.StatusForbidden, err.Error())
		return p, false
	case err != nil:
		if !rt.page {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
		}
		s.refuse(w, r, rt, p, http.StatusUnauthorized, err.Error())
		return p, false
	}
	if !auth.Admits(rt.roles, p.Role) {
		s.record(r, p, rt, id, "denied: role "+string(p.Role))
		s.refuse(w, r, rt, p, http.StatusForbidden, fmt.Sprintf("role %s may not use %s", p.Role, rt.pattern))
		return p, false
	}
	if err := s.record(r, p, rt, id, "granted"); err != nil {
		// Nothing is shown that the audit log could not record.
		s.refuse(w, r, rt, p, http.StatusServiceUnavailable, "the audit log cannot be written; nothing was done")
		return p, false
	}
	return p, true
}

// refuse answers a request that may not pass: {"error": msg} with code
// for the API, an HTML answer for a console page.
func (s *Service) refuse(w http.ResponseWriter, r *http.Request, rt apiRoute, p auth.Principal, code int, msg string) {
	if rt.page {
		s.refusePage(w, r, rt, p, code)
		return
	}
	writeJSON(w, code, errorBody{msg})
}

// record writes r to the audit log if rt's audit mode asks for it.
func (s *Service) record(r *http.Request, p auth.Principal, rt apiRoute, id, outcome string) error {
	switch {
	case rt.audit == auditNone:
		return nil
	case rt.audit == auditChanges && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return nil
	}
	_, err := s.audit.Append(audit.Entry{
		Who: p.Name, Role: string(p.Role), Action: r.Method + " " + r.URL.Path, Object: r.URL.RequestURI(),
		Outcome: outcome, Remote: r.RemoteAddr, RequestID: id,
	})
	if err != nil {
		s.log.Error("audit log", "err", err, "request_id", id)
	}
	return err
}

// auditLogin records a login attempt or a logout (auth.Authenticator.OnLogin).
func (s *Service) auditLogin(r *http.Request, name string, role auth.Role, outcome string) {
	action := "login"
	if outcome == "logout" {
		action, outcome = "logout", "granted"
	}
	if _, err := s.audit.Append(audit.Entry{
		Who: name, Role: string(role), Action: action, Object: r.URL.Path, Outcome: outcome,
		Remote: r.RemoteAddr, RequestID: requestIDOf(r.Context()),
	}); err != nil {
		s.log.Error("audit log", "err", err)
	}
}

// principalAdmits is the ingest handlers' own check, behind guard's: the
// request's principal has one of roles.
func principalAdmits(roles []auth.Role) func(r *http.Request) error {
	return func(r *http.Request) error {
		p, ok := auth.FromContext(r.Context())
		if !ok || !auth.Admits(roles, p.Role) {
			return errors.New("missing or wrong bearer token")
		}
		return nil
	}
}

// guarded reports whether path is under the access policy.
func guarded(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/fhir" || strings.HasPrefix(path, "/fhir/")
}

type requestIDKey struct{}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID returns a random id for one request (X-Request-Id, audit).
func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
