package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigilhealth/vigil/internal/auth"
)

// TestSessionCookie: the login sets a session cookie a page script cannot
// read and no other site's request carries.
func TestSessionCookie(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "ana.lyst")
	c := b.sessionCookie(t, v)
	if c == nil || !c.HTTPOnly || c.SameSite != "Strict" || c.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", c)
	}
	if js := run(t, b, "read document.cookie", chromedp.Evaluate[string](`document.cookie`)); strings.Contains(js, auth.SessionCookie) {
		t.Errorf("a page script can read the session cookie: %q", js)
	}
}

// TestFormWithoutCSRFTokenRefused: the logout form sent without its
// hidden CSRF token (as a form forged on another site would be) is
// refused with a page saying why, and the session goes on.
func TestFormWithoutCSRFTokenRefused(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "ana.lyst")
	status := b.respond(t, "send the logout form without its token", chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.querySelector('form[action="/logout"]');
		f.querySelector('input[name="csrf_token"]').remove();
		f.submit();
	})()`))
	if status != 403 {
		t.Errorf("logout form without the CSRF token answered %d, want 403", status)
	}
	b.shot(t, "csrf-refused")
	if who := b.fetch(t, "GET", "/api/v1/whoami", nil, ""); who.Status != 200 {
		t.Errorf("after the refused form the session is gone: whoami %d", who.Status)
	}
	if answer := b.fetch(t, "POST", "/api/v1/alerts/1", map[string]string{"Content-Type": "application/json"}, `{"status":"acknowledged"}`); answer.Status != 403 {
		t.Errorf("API change from the page without the CSRF header answered %d, want 403: %s", answer.Status, answer.Body)
	}
}

// TestCookieReplayedAfterLogout: after logging out in the browser, the
// session cookie put back (a stolen copy replayed) opens nothing: pages
// go to the login, the API answers 401.
func TestCookieReplayedAfterLogout(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "ana.lyst")
	stolen := b.sessionCookie(t, v)
	if stolen == nil {
		t.Fatal("no session cookie after login")
	}
	b.do(t, "log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitPath(t, "/login")
	if c := b.sessionCookie(t, v); c != nil {
		t.Errorf("the session cookie is still in the browser after logout: %+v", c)
	}
	b.setCookie(t, v, stolen)
	b.open(t, v.base+"/")
	b.waitPath(t, "/login")
	if who := b.fetch(t, "GET", "/api/v1/whoami", nil, ""); who.Status != 401 {
		t.Errorf("the replayed cookie reached the API: %d %s", who.Status, who.Body)
	}
}
