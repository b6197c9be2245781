package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
)

// SessionCookie is the name of the session cookie; CSRFHeader carries the
// session's CSRF token on every change made by script, CSRFField on every
// change made by an HTML form (application/x-www-form-urlencoded).
const (
	SessionCookie = "vigil_session"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf_token"
)

// Ways a principal authenticated (Principal.Via).
const (
	ViaAdminToken = "admin-token" // the service's own admin token (VIGIL_ADMIN_TOKEN or DIR/admin-token)
	ViaToken      = "token"       // a stored API token
	ViaSession    = "session"     // a session cookie
)

// AdminTokenName is Principal.Name of the service's admin token.
const AdminTokenName = "admin-token"

// Principal is who made a request.
type Principal struct {
	Name string // account or token name
	Role Role
	Via  string // ViaAdminToken, ViaToken or ViaSession
	// SessionID is the session's id when Via is ViaSession (for logout).
	SessionID string
	// CSRF is the session's CSRF token when Via is ViaSession, for the
	// console to put in its forms.
	CSRF string
}

// Errors of Authenticate. ErrUnauthenticated answers 401, ErrCSRF 403.
var (
	ErrUnauthenticated = errors.New("not authenticated: send Authorization: Bearer TOKEN, or log in")
	ErrBadToken        = errors.New("invalid or revoked bearer token")
	ErrBadSession      = errors.New("session expired or logged out: log in again")
	ErrCSRF            = errors.New("missing or wrong " + CSRFHeader + " header (or " + CSRFField + " form field): send the csrf_token the login answered")
)

// Authenticator finds the principal of a request: a bearer token (the
// admin token, or a stored token) or a session cookie. A nil store is
// skipped.
type Authenticator struct {
	AdminToken   string // "" disables it
	Tokens       TokenStore
	Users        UserStore
	Sessions     SessionStore
	Limiter      LoginLimit
	SecureCookie bool // set Secure on the cookie (the API serves HTTPS)
	Log          *slog.Logger
	// OnLogin, when set, is told of every login attempt and logout with
	// its outcome ("granted", "denied", "rate limited", "logout"), for
	// the audit log.
	OnLogin func(r *http.Request, name string, role Role, outcome string)
}

// Authenticate returns the request's principal. A request carrying an
// Authorization header is judged by it alone, never by a cookie too. A
// state-changing request (any method but GET, HEAD, OPTIONS) on a session
// must carry the session's CSRF token, in the header or, from an HTML form,
// in the csrf_token field: a browser sends the cookie on a forged
// cross-site request, but the forger cannot know the token; a bearer token
// is never sent by a browser on its own, so token calls need no CSRF token.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return a.bearer(h)
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || a.Sessions == nil {
		return Principal{}, ErrUnauthenticated
	}
	sess, ok := a.Sessions.Get(c.Value)
	if !ok {
		return Principal{}, ErrBadSession
	}
	p := Principal{Name: sess.User, Role: sess.Role, Via: ViaSession, SessionID: c.Value, CSRF: sess.CSRF}
	if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(csrfToken(r)), []byte(sess.CSRF)) != 1 {
		return p, ErrCSRF
	}
	return p, nil
}

// maxFormBody bounds a form read for its CSRF token: the console's forms
// carry a status, a name and a comment.
const maxFormBody = 64 << 10

// csrfToken is the CSRF token r carries: the header, or the csrf_token
// field of a url-encoded form body. The form is parsed here, so a handler
// after this finds it in r.PostForm.
func csrfToken(r *http.Request) string {
	if h := r.Header.Get(CSRFHeader); h != "" {
		return h
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return ""
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return ""
	}
	return r.PostForm.Get(CSRFField)
}

func (a *Authenticator) bearer(h string) (Principal, error) {
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Principal{}, errors.New("Authorization header: send Authorization: Bearer TOKEN")
	}
	if a.AdminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(a.AdminToken)) == 1 {
		return Principal{Name: AdminTokenName, Role: RoleAdmin, Via: ViaAdminToken}, nil
	}
	if a.Tokens == nil {
		return Principal{}, ErrBadToken
	}
	t, ok, err := a.Tokens.Lookup(tok)
	if err != nil && a.Log != nil {
		a.Log.Error("token store unreadable; using its last good contents", "err", err)
	}
	if !ok {
		return Principal{}, ErrBadToken
	}
	return Principal{Name: t.Name, Role: t.Role, Via: ViaToken}, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p, for the handlers after the
// middleware.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal the middleware put in ctx.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
