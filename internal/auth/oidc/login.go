package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/vigilhealth/vigil/internal/auth"
)

// The routes Login serves.
const (
	StartPath    = "/login/oidc"          // GET: begin a login at the provider
	CallbackPath = "/login/oidc/callback" // GET: the provider sends the person back here
)

// stateCookie ties a callback to the browser that began the login: a
// callback whose state is not this browser's is refused (login CSRF).
const stateCookie = "vigil_oidc_state"

// providerTimeout bounds each call to the provider (discovery, token,
// userinfo, JWKS) made while a person waits.
const providerTimeout = 15 * time.Second

// Options are Login's optional parts.
type Options struct {
	Log       *slog.Logger     // nil: discard
	Client    *http.Client     // for the provider's endpoints; nil: one with providerTimeout
	Home      string           // where a signed-in person goes; "" is "/"
	LoginPage string           // where a refused person may start again; "" is "/login"
	Now       func() time.Time // nil: time.Now
}

// Login serves the OpenID Connect login routes (StartPath, CallbackPath)
// for one provider. It discovers the provider at the first login, and
// again at the next while discovery fails, so that Vigil starts even
// when the provider cannot be reached (local accounts still work).
type Login struct {
	cfg     Config
	auth    *auth.Authenticator
	opt     Options
	pending *pendingStore

	mu       sync.Mutex
	provider *gooidc.Provider // nil until discovery succeeds
	verifier *gooidc.IDTokenVerifier
	oauth    oauth2.Config
}

// New checks cfg and returns the login for it; a successful login opens
// its session through a (auth.Authenticator.OpenSession), which sets the
// cookie and audits it as any login.
func New(cfg Config, a *auth.Authenticator, opt Options) (*Login, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if a == nil || a.Sessions == nil {
		return nil, errors.New("oidc: an authenticator with a session store is needed")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: providerTimeout}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.Home = cmpOr(opt.Home, "/")
	opt.LoginPage = cmpOr(opt.LoginPage, "/login")
	return &Login{cfg: cfg, auth: a, opt: opt, pending: newPendingStore(opt.Now)}, nil
}

// discover returns the provider's endpoints and verifier, discovering
// them on first use.
func (l *Login) discover(ctx context.Context) (*gooidc.Provider, *gooidc.IDTokenVerifier, oauth2.Config, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.provider != nil {
		return l.provider, l.verifier, l.oauth, nil
	}
	p, err := gooidc.NewProvider(l.clientContext(ctx), l.cfg.Issuer)
	if err != nil {
		return nil, nil, oauth2.Config{}, fmt.Errorf("discovery at %s: %w", l.cfg.Issuer, err)
	}
	l.provider = p
	// The verifier checks the signature against the provider's JWKS
	// (fetched again when a token names a key it does not hold), the
	// issuer, the audience (our client id) and the expiry.
	l.verifier = p.Verifier(&gooidc.Config{ClientID: l.cfg.ClientID, Now: l.opt.Now})
	l.oauth = oauth2.Config{
		ClientID: l.cfg.ClientID, ClientSecret: l.cfg.ClientSecret,
		Endpoint: p.Endpoint(), RedirectURL: l.cfg.RedirectURL, Scopes: l.cfg.scopes(),
	}
	return l.provider, l.verifier, l.oauth, nil
}

func (l *Login) clientContext(ctx context.Context) context.Context {
	return gooidc.ClientContext(ctx, l.opt.Client)
}

// Start serves GET /login/oidc[?next=/local/page]: it remembers a new
// state, nonce and PKCE verifier (and where to go after) for this browser
// and sends it to the provider.
func (l *Login) Start(w http.ResponseWriter, r *http.Request) {
	_, _, oc, err := l.discover(r.Context())
	if err != nil {
		l.opt.Log.Error("oidc: provider unreachable", "issuer", l.cfg.Issuer, "err", err)
		l.fail(w, http.StatusBadGateway, "The sign-in service cannot be reached just now. Try again in a minute, or use a local account.")
		return
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	if !l.pending.put(state, pending{nonce: nonce, verifier: verifier, next: localPath(r.URL.Query().Get("next"), l.opt.Home), created: l.opt.Now()}) {
		l.fail(w, http.StatusServiceUnavailable, "Too many sign-ins are under way. Try again in a few minutes.")
		return
	}
	http.SetCookie(w, l.stateCookie(state, int(pendingTTL/time.Second)))
	http.Redirect(w, r, oc.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// stateCookie holds the state of the login this browser began. It is
// SameSite=Lax, not Strict, because the provider's redirect back is a
// cross-site navigation that must carry it.
func (l *Login) stateCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: stateCookie, Value: value, Path: StartPath, MaxAge: maxAge,
		HttpOnly: true, Secure: l.auth.SecureCookie, SameSite: http.SameSiteLaxMode}
}

// fail shows an error page with a link to start again.
func (l *Login) fail(w http.ResponseWriter, code int, msg string) {
	show(w, code, page{Title: "Sign-in failed", Message: msg, Link: l.opt.LoginPage, LinkText: "Back to sign in"})
}

func random() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// localPath is next when it is a path on this site, else def: the page
// to go to after the login must not lead to another site.
func localPath(next, def string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return def
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return next
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sameString compares secrets in constant time.
func sameString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
