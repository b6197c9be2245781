package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilhealth/vigil/internal/auth"
)

// LoginPage is the data of the login page.
type LoginPage struct {
	Next      string // where to go after login: a local path
	Name      string // the name tried, kept in the form after a refusal
	Error     string // why the last attempt was refused
	LoggedOut bool
	OIDC      bool   // show the organisation-account button
	OIDCPath  string // where it leads
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.Render(w, r, http.StatusOK, "login", LoginPage{
		Next: safeNext(r.URL.Query().Get("next")), LoggedOut: r.URL.Query().Has("logged_out"),
		OIDC: c.deps.OIDCEnabled, OIDCPath: OIDCLoginPath,
	})
}

// loginPost checks the login form (name, password, next) through the same
// path as the API's login (rate limit, audit), and on success goes to
// next. A form another site made the browser send is refused (login
// CSRF: it would log the victim in to the attacker's account).
func (c *Console) loginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	page := LoginPage{Next: safeNext(r.PostFormValue("next")), Name: r.PostFormValue("name"),
		OIDC: c.deps.OIDCEnabled, OIDCPath: OIDCLoginPath}
	if !SameOrigin(r) {
		page.Error = "This login form was sent from another website, so Vigil refused it. Open Vigil's own login page and log in there."
		c.Render(w, r, http.StatusForbidden, "login", page)
		return
	}
	if page.Name == "" {
		page.Error = "Enter your user name."
		c.Render(w, r, http.StatusBadRequest, "login", page)
		return
	}
	_, err := c.deps.Auth.LogIn(w, r, page.Name, r.PostFormValue("password"))
	var le *auth.LoginError
	switch {
	case errors.As(err, &le):
		if le.RetryAfter > 0 {
			w.Header().Set("Retry-After", auth.RetryAfterSeconds(le.RetryAfter))
			page.Error = "Too many failed logins. Wait " + humanDuration(le.RetryAfter) + " and try again."
		} else {
			page.Error = "The user name or password is wrong."
		}
		c.Render(w, r, le.Code, "login", page)
	case err != nil:
		c.Error(w, r, http.StatusServiceUnavailable, "You could not be logged in", err.Error())
	default:
		http.Redirect(w, r, page.Next, http.StatusSeeOther)
	}
}

// logoutPost ends the session (the guard checked its CSRF token) and goes
// to the login page.
func (c *Console) logoutPost(w http.ResponseWriter, r *http.Request) {
	if err := c.deps.Auth.LogOut(w, r); err != nil {
		c.Error(w, r, http.StatusBadRequest, "You are not logged in with a session", err.Error())
		return
	}
	http.Redirect(w, r, "/login?logged_out=1", http.StatusSeeOther)
}

// maxFormBytes bounds a console form.
const maxFormBytes = 64 << 10

// SameOrigin reports whether a form post came from a page of this site.
// Sec-Fetch-Site decides when the browser sent it (every current browser
// does, and a page cannot forge it): Origin cannot, as a browser sends
// "Origin: null" on a same-origin form post under the console's
// Referrer-Policy: no-referrer (Fetch standard, "serializing a request
// origin"). Without it, Origin must name this host; a client sending
// neither is not a browser, so no victim of a forged form.
func SameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "same-site", "cross-site":
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && o != "null" && strings.EqualFold(u.Host, r.Host)
	}
	return true
}

// safeNext is next when it is a path of this site, else "/": the login
// must never send a person on to another site (an open redirect).
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
