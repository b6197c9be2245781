// Package fakeidp is an OpenID Connect provider for tests: discovery, a
// JWKS with a freshly generated RSA key, an authorisation endpoint that
// signs the configured person in at once and redirects back with a code,
// a token endpoint that checks the client, the redirect URI and the PKCE
// verifier before answering a signed ID token, and a userinfo endpoint.
//
// It stands in for NHS CIS2 or any other provider, none of which runs on
// a test machine. Tests change what it answers (the person's claims, or a
// tampered token) through Provider's fields.
package fakeidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Provider is a running test provider. Its methods may be called while
// logins go on.
type Provider struct {
	URL          string // the issuer, http://127.0.0.1:PORT
	ClientID     string
	ClientSecret string

	mu sync.Mutex
	// claims are the person's claims put in the ID token beside the
	// standard ones (sub defaults to "user-1").
	claims map[string]any
	// userinfo claims are answered by the userinfo endpoint only.
	userinfo map[string]any
	// tamper, when set, changes the ID token's claims just before signing.
	tamper     func(claims map[string]any)
	codes      map[string]grant
	key        *rsa.PrivateKey
	forge      *rsa.PrivateKey // signs instead of key when set (Forge)
	kid        string
	srv        *httptest.Server
	now        func() time.Time
	authorized int // requests to the authorisation endpoint
}

// grant is what an issued code stands for.
type grant struct {
	clientID, redirectURI, nonce, challenge string
}

// New starts a provider for one client; Close stops it.
func New(clientID, clientSecret string) *Provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fakeidp: generate RSA key: " + err.Error())
	}
	p := &Provider{ClientID: clientID, ClientSecret: clientSecret, key: key, kid: randomString(),
		codes: map[string]grant{}, claims: map[string]any{}, now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userInfo)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	return p
}

// Close stops the provider.
func (p *Provider) Close() { p.srv.Close() }

// SetClaims sets the claims of the person the next logins sign in
// (replacing earlier ones) and those answered by the userinfo endpoint.
func (p *Provider) SetClaims(idToken, userinfo map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims, p.userinfo = idToken, userinfo
}

// Tamper sets a function that changes each ID token's claims before it
// is signed (nil: none), to test what the client refuses.
func (p *Provider) Tamper(f func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
}

// Authorized is how many authorisation requests the provider answered.
func (p *Provider) Authorized() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.authorized
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	e := big64(int64(pub.E))
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), "e": e,
	}}})
}

// authorize signs the person in at once and redirects to the client's
// redirect URI with a code, as a provider does after its own login page.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != p.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "fakeidp: want response_type=code, the client id and an S256 code challenge", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Scheme == "" {
		http.Error(w, "fakeidp: bad redirect_uri", http.StatusBadRequest)
		return
	}
	code := randomString()
	p.mu.Lock()
	p.authorized++
	p.codes[code] = grant{clientID: q.Get("client_id"), redirectURI: back.String(), nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code once, checking the client's credentials, the
// redirect URI and the PKCE verifier, as RFC 6749 and RFC 7636 ask.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		tokenError(w, "invalid_client")
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || g.redirectURI != r.PostForm.Get("redirect_uri") ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		tokenError(w, "invalid_grant")
		return
	}
	idToken, access := p.issue(g)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": idToken,
	})
}

// issue signs the ID token for grant g and returns it with an access token.
func (p *Provider) issue(g grant) (idToken, access string) {
	now := p.now()
	claims := map[string]any{
		"iss": p.URL, "aud": g.clientID, "sub": "user-1", "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	}
	p.mu.Lock()
	for k, v := range p.claims {
		claims[k] = v
	}
	tamper, key := p.tamper, p.key
	if p.forge != nil {
		key = p.forge
	}
	p.mu.Unlock()
	if tamper != nil {
		tamper(claims)
	}
	return p.sign(key, claims), randomString()
}

// userInfo answers the userinfo claims to any bearer of an access token
// (the fake does not remember which tokens it issued).
func (p *Provider) userInfo(w http.ResponseWriter, r *http.Request) {
	if len(r.Header.Get("Authorization")) < len("Bearer x") {
		http.Error(w, "fakeidp: no access token", http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	claims := map[string]any{"sub": "user-1"}
	if s, ok := p.claims["sub"]; ok {
		claims["sub"] = s
	}
	for k, v := range p.userinfo {
		claims[k] = v
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, claims)
}

func tokenError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func randomString() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
