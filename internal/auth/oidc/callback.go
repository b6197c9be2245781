package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// refusal is a callback refused: the status and message shown, and the
// reason logged and audited.
type refusal struct {
	code   int
	msg    string
	reason string
	name   string   // the person, once the token is verified
	values []string // the role claim's values, for an unmapped role
}

func (e *refusal) Error() string { return e.reason }

// person is who the provider vouched for.
type person struct {
	name   string
	values []string // the role claim's values
	next   string   // the local page to go to
}

// Callback serves GET /login/oidc/callback: it checks the state against
// this browser's, exchanges the code with the PKCE verifier, verifies the
// ID token and its nonce, maps the role claim to a Vigil role and opens a
// session. Every refusal is logged and audited with its reason.
func (l *Login) Callback(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, l.stateCookie("", -1)) // a state is good for one callback
	p, err := l.verify(r)
	var ref *refusal
	if errors.As(err, &ref) {
		l.refuse(w, r, ref)
		return
	}
	role, ok := roleFor(p.values, l.cfg.Roles)
	if !ok {
		l.refuse(w, r, &refusal{code: http.StatusForbidden, name: p.name, values: p.values,
			reason: "no Vigil role for claim " + l.cfg.RoleClaim})
		return
	}
	if _, err := l.auth.OpenSession(w, r, p.name, role); err != nil {
		l.fail(w, http.StatusServiceUnavailable, "Vigil cannot open a session just now: "+err.Error())
		return
	}
	l.opt.Log.Info("oidc: login", "user", p.name, "role", role)
	show(w, http.StatusOK, page{Title: "Signed in", Message: "You are signed in to Vigil as " + string(role) + ".",
		Link: p.next, LinkText: "Continue to Vigil", Refresh: true})
}

// refuse shows and audits a refused callback.
func (l *Login) refuse(w http.ResponseWriter, r *http.Request, ref *refusal) {
	l.opt.Log.Warn("oidc: login refused", "user", ref.name, "reason", ref.reason, "remote", r.RemoteAddr)
	l.auth.Refused(r, cmpOr(ref.name, "oidc:unknown"), "oidc: "+ref.reason)
	if ref.code == http.StatusForbidden {
		show(w, ref.code, page{Title: "No access to Vigil",
			Message: fmt.Sprintf("Your account is known to the sign-in service, but none of its roles (claim %s) gives access to Vigil. "+
				"Ask Vigil's administrator to map one of these values to a Vigil role:", l.cfg.RoleClaim),
			Detail: noneIfEmpty(ref.values), Link: l.opt.LoginPage, LinkText: "Back to sign in"})
		return
	}
	l.fail(w, ref.code, ref.msg)
}

func noneIfEmpty(v []string) []string {
	if len(v) == 0 {
		return []string{"(none)"}
	}
	return v
}

// verify checks a callback and returns the person the provider vouched
// for; its error is always a *refusal.
func (l *Login) verify(r *http.Request) (person, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return person{}, &refusal{code: http.StatusUnauthorized, reason: "provider answered " + e,
			msg: "The sign-in service did not sign you in (" + strings.TrimSpace(e+" "+q.Get("error_description")) + ")."}
	}
	state := q.Get("state")
	c, err := r.Cookie(stateCookie)
	if err != nil || state == "" || !sameString(c.Value, state) {
		return person{}, &refusal{code: http.StatusBadRequest, reason: "state does not match this browser's",
			msg: "This sign-in was not started in this browser. Start again."}
	}
	pend, ok := l.pending.take(state)
	if !ok {
		return person{}, &refusal{code: http.StatusBadRequest, reason: "state unknown or expired",
			msg: "This sign-in took too long or was used already. Start again."}
	}
	ctx, cancel := context.WithTimeout(l.clientContext(r.Context()), providerTimeout)
	defer cancel()
	prov, ver, oc, err := l.discover(ctx)
	if err != nil {
		return person{}, &refusal{code: http.StatusBadGateway, reason: err.Error(), msg: "The sign-in service cannot be reached just now."}
	}
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pend.verifier))
	if err != nil {
		return person{}, &refusal{code: http.StatusBadGateway, reason: "code exchange: " + err.Error(),
			msg: "The sign-in service did not confirm the sign-in. Start again."}
	}
	p, err := l.checkToken(ctx, prov, ver, tok, pend.nonce)
	p.next = pend.next
	return p, err
}

// checkToken verifies the ID token in tok (signature, issuer, audience,
// expiry, then nonce) and reads the person and their role claim, from the
// token or, when it lacks the claim, from the userinfo endpoint.
func (l *Login) checkToken(ctx context.Context, prov *gooidc.Provider, ver *gooidc.IDTokenVerifier, tok *oauth2.Token, nonce string) (person, error) {
	bad := func(reason string) error {
		return &refusal{code: http.StatusUnauthorized, reason: reason, msg: "The sign-in service's answer could not be trusted. Start again."}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return person{}, bad("token answer without id_token")
	}
	idt, err := ver.Verify(ctx, raw)
	if err != nil {
		return person{}, bad("ID token: " + err.Error())
	}
	if !sameString(idt.Nonce, nonce) {
		return person{}, bad("ID token: nonce is not the one this login sent")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return person{}, bad("ID token claims: " + err.Error())
	}
	// With several audiences, the token must say it was issued to us
	// (OpenID Connect Core 3.1.3.7, azp), which the verifier leaves to us.
	if azp, _ := claims["azp"].(string); len(idt.Audience) > 1 && azp != l.cfg.ClientID {
		return person{}, bad(fmt.Sprintf("ID token: several audiences and azp %q is not our client id", azp))
	}
	p := person{name: personName(claims, idt.Subject)}
	values, found := claimValues(claims, l.cfg.RoleClaim)
	if !found && prov.UserInfoEndpoint() != "" {
		if values, err = l.userinfoValues(ctx, prov, tok, idt.Subject); err != nil {
			return person{}, &refusal{code: http.StatusBadGateway, name: p.name, reason: err.Error(),
				msg: "The sign-in service did not say which roles you have. Start again."}
		}
	}
	p.values = values
	return p, nil
}

// userinfoValues reads the role claim from the userinfo endpoint, as
// CIS2 answers its RBAC roles there; the answer must be about the
// token's subject (OpenID Connect Core 5.3.2).
func (l *Login) userinfoValues(ctx context.Context, prov *gooidc.Provider, tok *oauth2.Token, subject string) ([]string, error) {
	ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if ui.Subject != subject {
		return nil, fmt.Errorf("userinfo: subject %q is not the ID token's %q", ui.Subject, subject)
	}
	var claims map[string]any
	if err := ui.Claims(&claims); err != nil {
		return nil, fmt.Errorf("userinfo claims: %w", err)
	}
	values, _ := claimValues(claims, l.cfg.RoleClaim)
	return values, nil
}
