package auth

import (
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"strconv"
	"time"
)

// maxLoginBody bounds a login request.
const maxLoginBody = 4 << 10

// LoginAnswer is the answer of a successful login.
type LoginAnswer struct {
	CSRFToken string `json:"csrf_token"`
	Role      Role   `json:"role"`
}

// Login serves POST /api/v1/login: JSON {"name", "password"}. It answers
// 200 with LoginAnswer and sets the session cookie; 401 for a wrong name
// or password (the same answer for both); 429 with Retry-After once the
// account or the client address has failed too often; 415 for a body
// that is not JSON, which also makes a cross-site form post impossible.
func (a *Authenticator) Login(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		WriteError(w, http.StatusUnsupportedMediaType, "send the login as application/json")
		return
	}
	var req struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxLoginBody)).Decode(&req); err != nil || req.Name == "" {
		WriteError(w, http.StatusBadRequest, "send {\"name\": ..., \"password\": ...}")
		return
	}
	sess, err := a.LogIn(w, r, req.Name, req.Password)
	if err != nil {
		writeLoginError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, LoginAnswer{CSRFToken: sess.CSRF, Role: sess.Role})
}

// LoginError is a refused login: the status to answer, a message for the
// person, and for a rate-limited one when to try again.
type LoginError struct {
	Code       int
	Msg        string
	RetryAfter time.Duration
}

func (e *LoginError) Error() string { return e.Msg }

// LogIn is the one login path, of the JSON API and of the console's form:
// it checks name and password through the rate limiter and the account
// store, tells OnLogin the outcome, and on success opens a session and
// sets its cookie on w. A refusal is a *LoginError: 401 for a wrong name
// or password (the same for both), 429 once the account or the client
// address has failed too often, 503 when no session can be opened.
func (a *Authenticator) LogIn(w http.ResponseWriter, r *http.Request, name, password string) (Session, error) {
	keys := []string{"user:" + name, "addr:" + remoteHost(r)}
	if wait := a.Limiter.Check(keys...); wait > 0 {
		a.told(r, name, "", "rate limited")
		return Session{}, &LoginError{http.StatusTooManyRequests, "too many failed logins: try again later", wait}
	}
	u, ok, err := a.Users.Authenticate(name, password)
	if err != nil && a.Log != nil {
		a.Log.Error("login: account store", "user", name, "err", err)
	}
	if !ok {
		a.Limiter.Fail(keys...)
		a.told(r, name, "", "denied")
		return Session{}, &LoginError{Code: http.StatusUnauthorized, Msg: "wrong name or password"}
	}
	a.Limiter.Reset(keys[0])
	sess, err := a.OpenSession(w, r, u.Name, u.Role)
	if err != nil {
		return Session{}, &LoginError{Code: http.StatusServiceUnavailable, Msg: err.Error()}
	}
	return sess, nil
}

// writeLoginError answers a refused login as JSON, with Retry-After when
// rate limited.
func writeLoginError(w http.ResponseWriter, err error) {
	le, ok := err.(*LoginError)
	if !ok {
		le = &LoginError{Code: http.StatusInternalServerError, Msg: err.Error()}
	}
	if le.RetryAfter > 0 {
		w.Header().Set("Retry-After", RetryAfterSeconds(le.RetryAfter))
	}
	WriteError(w, le.Code, le.Msg)
}

// RetryAfterSeconds is d as a Retry-After value: whole seconds, rounded up.
func RetryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

// OpenSession opens a session for a person whose login succeeded, by
// password or through an OpenID provider: it sets the session cookie on
// w and tells OnLogin, so that every way in is audited alike. The error
// is ErrTooManySessions when the store is full.
func (a *Authenticator) OpenSession(w http.ResponseWriter, r *http.Request, name string, role Role) (Session, error) {
	id, sess, err := a.Sessions.New(name, role)
	if err != nil {
		return Session{}, err
	}
	a.told(r, name, role, "granted")
	http.SetCookie(w, a.cookie(id, int(a.Sessions.Lifetime()/time.Second)))
	return sess, nil
}

// Refused tells OnLogin of a login refused for reason (outcome
// "denied: reason"), for ways in other than Login, which tells its own.
func (a *Authenticator) Refused(r *http.Request, name string, reason string) {
	a.told(r, name, "", "denied: "+reason)
}

// Logout serves POST /api/v1/logout for a session principal (the
// middleware checked its CSRF token): the session is deleted on the
// server, so that its cookie is refused even if replayed, and the cookie
// is cleared in the browser.
func (a *Authenticator) Logout(w http.ResponseWriter, r *http.Request) {
	if err := a.LogOut(w, r); err != nil {
		WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
}

// ErrNotSession is LogOut's answer to a principal that is not a session.
var ErrNotSession = errors.New("logout ends a session; a bearer token is revoked with vigil token revoke")

// LogOut is the one logout path, of the API and the console: the
// request's session is deleted on the server, so that its cookie is
// refused even if replayed, OnLogin is told, and the cookie is cleared in
// the browser.
func (a *Authenticator) LogOut(w http.ResponseWriter, r *http.Request) error {
	p, ok := FromContext(r.Context())
	if !ok || p.Via != ViaSession {
		return ErrNotSession
	}
	a.Sessions.Delete(p.SessionID)
	a.told(r, p.Name, p.Role, "logout")
	http.SetCookie(w, a.cookie("", -1))
	return nil
}

// cookie is the session cookie: HttpOnly (no script reads it),
// SameSite=Strict (no cross-site request carries it), Path=/, and Secure
// when the API serves HTTPS.
func (a *Authenticator) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.SecureCookie, SameSite: http.SameSiteStrictMode}
}

func (a *Authenticator) told(r *http.Request, name string, role Role, outcome string) {
	if a.OnLogin != nil {
		a.OnLogin(r, name, role, outcome)
	}
}

// remoteHost is the client's address without its port. Vigil does not
// trust X-Forwarded-For: behind a proxy every client shares the proxy's
// address limit (the per-account limit still holds).
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

// WriteError answers code with {"error": msg}, as every API error is.
func WriteError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
