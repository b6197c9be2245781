package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigilhealth/vigil/internal/auth/oidc"
)

// TestOIDCLoginInBrowser logs in through the OpenID provider in the
// browser: the provider's redirect back, the state cookie and the
// signed-in page's move to the console all work in a real browser, and
// the session the browser then holds reaches the API with the mapped
// role. A person whose groups map to no role sees the refusal page.
func TestOIDCLoginInBrowser(t *testing.T) {
	v := sharedVigil(t)
	tests := []struct {
		name     string
		groups   []any
		wantRole string // "" when refused
		shot     string
	}{
		{"mapped group", []any{"staff", oidcAnalysts}, "analyst", ""},
		{"no mapped group", []any{"porters"}, "", "login-refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.idp.SetClaims(map[string]any{"groups": tt.groups, "preferred_username": "sam.smith"}, nil)
			b := startBrowser(t)
			status := b.open(t, v.base+oidc.StartPath)
			if tt.wantRole == "" {
				text := run(t, b, "read the refusal", chromedp.Text(chromedp.CSS("main")))
				if status != 403 || !strings.Contains(text, "porters") {
					t.Errorf("refused login: %d %q", status, text)
				}
				b.shot(t, tt.shot)
				return
			}
			// The signed-in page moves on to the console by itself.
			b.waitPath(t, "/")
			who := b.fetch(t, "GET", "/api/v1/whoami", nil, "")
			if who.Status != 200 || !strings.Contains(who.Body, `"role":"`+tt.wantRole+`"`) || !strings.Contains(who.Body, "oidc:sam.smith") {
				t.Errorf("whoami in the browser after the login: %d %s", who.Status, who.Body)
			}
		})
	}
}
