package browsertest

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/vigilhealth/vigil/internal/auth"
)

// login logs name in with the console's login form and waits for the
// overview.
func (b *browser) login(t *testing.T, v *vigil, name string) {
	t.Helper()
	if status := b.open(t, v.base+"/login"); status != 200 {
		t.Fatalf("login page answered %d", status)
	}
	b.do(t, "log in as "+name,
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
	)
	b.waitPath(t, "/")
}

// sessionCookie is the browser's session cookie for v, read through the
// DevTools protocol (page scripts cannot read it: it is HttpOnly).
func (b *browser) sessionCookie(t *testing.T, v *vigil) *network.Cookie {
	t.Helper()
	res := run(t, b, "read cookies", func(ctx context.Context, _ *chromedp.Target) (network.GetCookiesResult, error) {
		return chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{v.base + "/"}})
	})
	for _, c := range res.Cookies {
		if c.Name == auth.SessionCookie {
			return c
		}
	}
	return nil
}

// setCookie puts c back in the browser, as an attacker replaying a
// stolen cookie would.
func (b *browser) setCookie(t *testing.T, v *vigil, c *network.Cookie) {
	t.Helper()
	b.do(t, "set cookie", func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: v.base + "/",
			HTTPOnly: &c.HTTPOnly, SameSite: c.SameSite})
		return chromedp.Void{}, err
	})
}
