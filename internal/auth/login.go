package auth

import (
	"encoding/json"
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
	keys := []string{"user:" + req.Name, "addr:" + remoteHost(r)}
	if wait := a.Limiter.Check(keys...); wait > 0 {
		a.told(r, req.Name, "", "rate limited")
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		WriteError(w, http.StatusTooManyRequests, "too many failed logins: try again later")
		return
	}
	u, ok, err := a.Users.Authenticate(req.Name, req.Password)
	if err != nil && a.Log != nil {
		a.Log.Error("login: account store", "user", req.Name, "err", err)
	}
	if !ok {
		a.Limiter.Fail(keys...)
		a.told(r, req.Name, "", "denied")
		WriteError(w, http.StatusUnauthorized, "wrong name or password")
		return
	}
	a.Limiter.Reset(keys[0])
	sess, err := a.OpenSession(w, r, u.Name, u.Role)
	if err != nil {
		WriteError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, LoginAnswer{CSRFToken: sess.CSRF, Role: sess.Role})
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
	http.SetCookie(w, a.cookie(id, int(a.Sessions.TTL/time.Second)))
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
	p, ok := FromContext(r.Context())
	if !ok || p.Via != ViaSession {
		WriteError(w, http.StatusBadRequest, "logout ends a session; a bearer token is revoked with vigil token revoke")
		return
	}
	a.Sessions.Delete(p.SessionID)
	a.told(r, p.Name, p.Role, "logout")
	http.SetCookie(w, a.cookie("", -1))
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
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
