package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/vigilhealth/vigil/internal/auth"
)

// settingsPages are the administrator's: accounts, API tokens and the
// notification targets. No role but admin may open them (an empty role
// list admits only admin). Every change is audited twice: the guard
// records the request, and the handler what it changed.
func (c *Console) settingsPages() []Page {
	return append([]Page{
		{Pattern: "GET /settings", Nav: "Settings", Handler: http.HandlerFunc(c.settings)},
		{Pattern: "POST /settings/users", Handler: http.HandlerFunc(c.addUser)},
		{Pattern: "POST /settings/users/password", Handler: http.HandlerFunc(c.resetPassword)},
		{Pattern: "POST /settings/tokens", Handler: http.HandlerFunc(c.createToken)},
		{Pattern: "POST /settings/tokens/revoke", Handler: http.HandlerFunc(c.revokeToken)},
	}, c.notifyPages()...)
}

// settingsDone are the messages a change returns to the settings page
// with (?done=KEY): fixed texts, so that a link cannot make the page say
// anything else.
var settingsDone = map[string]string{
	"user":           "The account was made. Tell its owner their user name and password in person or by another channel.",
	"password":       "The password was reset and the account's sessions were ended. Tell its owner the new password in person or by another channel.",
	"revoked":        "The token was revoked: it no longer opens anything.",
	"target":         "The notification target was added. Vigil tells it of alerts from now on (other Vigil nodes within notify.reload); send it a test to see that it works.",
	"target-removed": "The notification target was removed: it is told of no more alerts.",
}

// settings answers GET /settings.
func (c *Console) settings(w http.ResponseWriter, r *http.Request) {
	c.renderSettings(w, r, http.StatusOK, func(v *settingsView) { v.Done = settingsDone[r.URL.Query().Get("done")] })
}

// renderSettings shows the settings page as the stores now stand, after
// edit sets the outcome of a change.
func (c *Console) renderSettings(w http.ResponseWriter, r *http.Request, code int, edit func(*settingsView)) {
	a := c.deps.Auth
	var users []auth.User
	var tokens []auth.Token
	var err error
	if a.Users != nil {
		users, err = a.Users.List()
	}
	if a.Tokens != nil && err == nil {
		tokens, err = a.Tokens.List()
	}
	if err != nil {
		c.deps.Log.Error("console: settings", "err", err)
		c.Error(w, r, http.StatusServiceUnavailable, "The settings could not be shown", "Vigil could not read its accounts or tokens: "+err.Error()+".")
		return
	}
	v := newSettingsView(users, tokens)
	if c.deps.Notify != nil {
		targets, err := c.deps.Notify.List(r.Context())
		if err != nil {
			c.deps.Log.Error("console: settings: notification targets", "err", err)
			v.TargetsError = "Vigil could not read its notification targets: " + err.Error() + "."
		}
		v.setTargets(targets)
	}
	edit(&v)
	c.Render(w, r, code, "settings", v)
}

// refuseChange shows the settings page with why a change was not made.
func (c *Console) refuseChange(w http.ResponseWriter, r *http.Request, err error) {
	c.renderSettings(w, r, http.StatusBadRequest, func(v *settingsView) { v.Error = err.Error() })
}

// addUser answers POST /settings/users: a new local account with a role.
func (c *Console) addUser(w http.ResponseWriter, r *http.Request) {
	name, role := strings.TrimSpace(r.PostFormValue("name")), auth.Role(r.PostFormValue("role"))
	err := errNoStore(c.deps.Auth.Users != nil, "accounts")
	if err == nil {
		err = c.deps.Auth.Users.Add(name, role, r.PostFormValue("password"), false)
	}
	c.audit(r, "settings: add user", "user "+name+" role "+string(role), err)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?done=user#users", http.StatusSeeOther)
}

// resetPassword answers POST /settings/users/password: a new password for
// an account, whose sessions end.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	err := errNoStore(c.deps.Auth.Users != nil, "accounts")
	if err == nil {
		err = c.deps.Auth.Users.SetPassword(name, r.PostFormValue("password"))
	}
	c.audit(r, "settings: reset password", "user "+name, err)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	if c.deps.Auth.Sessions != nil {
		c.deps.Auth.Sessions.DeleteUser(name)
	}
	http.Redirect(w, r, "/settings?done=password#users", http.StatusSeeOther)
}

// createToken answers POST /settings/tokens: a new API token, whose text
// this answer shows once. It is not a redirect, since the text is never
// stored: the page that shows it is not cached (Cache-Control: no-store).
func (c *Console) createToken(w http.ResponseWriter, r *http.Request) {
	name, role := strings.TrimSpace(r.PostFormValue("name")), auth.Role(r.PostFormValue("role"))
	err := errNoStore(c.deps.Auth.Tokens != nil, "tokens")
	var secret string
	var tok auth.Token
	if err == nil {
		secret, tok, err = c.deps.Auth.Tokens.Create(role, name)
	}
	c.audit(r, "settings: create token", "token "+tok.Name+" id "+tok.ID+" role "+string(role), err)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	c.renderSettings(w, r, http.StatusOK, func(v *settingsView) { v.NewSecret, v.NewName = secret, tok.Name })
}

// revokeToken answers POST /settings/tokens/revoke.
func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	err := errNoStore(c.deps.Auth.Tokens != nil, "tokens")
	if err == nil {
		_, err = c.deps.Auth.Tokens.Revoke(id)
	}
	c.audit(r, "settings: revoke token", "token "+id, err)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?done=revoked#tokens", http.StatusSeeOther)
}

// errNoStore says that this service keeps no store of what.
func errNoStore(ok bool, what string) error {
	if ok {
		return nil
	}
	return errors.New("this Vigil keeps no " + what)
}
