package scaletest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// call sends method route to base with the given credentials (a bearer
// token, or a session cookie and its CSRF token) and returns the status
// and body.
func call(t *testing.T, base, method, route, bearer string, sess *http.Cookie, csrf string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+route, rd)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if sess != nil {
		req.AddCookie(sess)
		req.Header.Set(auth.CSRFHeader, csrf)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, base, route, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// login logs sam in at base and returns the session cookie and CSRF token.
func login(t *testing.T, base string) (*http.Cookie, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": "sam", "password": "three random words"})
	resp, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans auth.LoginAnswer
	json.NewDecoder(resp.Body).Decode(&ans)
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookie && resp.StatusCode == http.StatusOK {
			return c, ans.CSRFToken
		}
	}
	t.Fatalf("login at %s: status %d, no session", base, resp.StatusCode)
	return nil, ""
}

// TestAPINodesShare: two API nodes over one database, as behind a load
// balancer. A login on one is valid on the other and a logout on the
// other ends it on both; a token created in the shared store works on
// both and, revoked, is refused by both; the console and the whole API
// are served, what only the single process holds answered as such; the
// events the detect nodes stored are searchable; and both nodes' audit
// entries form one chain that verifies.
func TestAPINodesShare(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 2})
	if err := db.Users(authtest.CheapArgon2).Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := db.Events(eventstore.Options{}).AppendPartition(ctx, 3, storetest.Records(1, storetest.Numbered(5)...)); err != nil {
		t.Fatal(err)
	}
	a, b := d.startNode(serve.RoleAPI), d.startNode(serve.RoleAPI)

	sess, csrf := login(t, a.base)
	if code, body := call(t, b.base, "GET", "/api/v1/whoami", "", sess, csrf, nil); code != 200 || !strings.Contains(body, `"sam"`) {
		t.Fatalf("node A's session on node B: %d %s", code, body)
	}
	pages := []struct {
		route string
		code  int
		want  string
	}{
		{"/", 200, "Overview"},
		{"/alerts", 200, "Alerts"},
		{"/search?q=logon&since=2025-03-01T00:00:00Z", 200, "WS01"},
		{"/rules", 200, "Rules"},
		{"/api/v1/stats", 200, `"events_stored":5`},
		{"/api/v1/events?q=logon", 200, `"matched":5`},
		{"/api/v1/sources", 200, `"sources"`},
		{"/api/v1/phishing-reports", 200, `"total":0`},
	}
	for _, p := range pages {
		if code, body := call(t, b.base, "GET", p.route, "", sess, csrf, nil); code != p.code || !strings.Contains(body, p.want) {
			t.Errorf("GET %s on node B: %d, want %d with %q:\n%.300s", p.route, code, p.code, p.want, body)
		}
	}
	for _, route := range []string{"/privacy", "/privacy/cases/1"} { // a privacy officer's pages, as admin: the shared saved analysis
		if code, body := call(t, a.base, "GET", route, token, nil, "", nil); code != 200 || !strings.Contains(body, "No analysis of record accesses has been saved") {
			t.Errorf("GET %s on an API node: %d, want 200 from the shared saved analysis:\n%.300s", route, code, body)
		}
	}
	if code, _ := call(t, b.base, "POST", "/api/v1/logout", "", sess, csrf, nil); code != 200 {
		t.Fatalf("logout on node B: %d", code)
	}
	if code, _ := call(t, a.base, "GET", "/api/v1/whoami", "", sess, csrf, nil); code != 401 {
		t.Errorf("the session logged out on B, on node A: %d, want 401", code)
	}

	secret, _, err := db.Tokens().Create(auth.RoleAnalyst, "soc")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		if code, _ := call(t, n.base, "GET", "/api/v1/alerts", secret, nil, "", nil); code != 200 {
			t.Errorf("a new token on %s: %d, want 200", n.base, code)
		}
	}
	if _, err := db.Tokens().Revoke("soc"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		if code, _ := call(t, n.base, "GET", "/api/v1/alerts", secret, nil, "", nil); code != 401 {
			t.Errorf("a revoked token on %s: %d, want 401", n.base, code)
		}
	}

	n, err := db.Audit(nil).Verify()
	if err != nil || n < 7 {
		t.Fatalf("the shared audit chain: %d entries, %v; want both nodes' entries, intact", n, err)
	}
}
