package scaletest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestIngestNodesShareTokens: a log shipper's token created once in the
// shared database (as vigil token create --postgres does) is accepted by
// every ingest node, and once revoked is refused by all of them.
func TestIngestNodesShareTokens(t *testing.T) {
	d := newDeployment(t)
	a, b := d.startNode(serve.RoleIngest), d.startNode(serve.RoleIngest)
	tokens := d.db(t).Tokens()
	secret, _, err := tokens.Create(auth.RoleIngest, "shipper")
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(`{"@timestamp":"2025-03-01T09:00:00Z","Computer":"WS01","EventID":4624}` + "\n")
	for _, n := range []*node{a, b} {
		if code, body := post(t, n.base+"/api/v1/events", secret, line); code != http.StatusOK {
			t.Errorf("a token created once, on ingest node %s: %d %s, want 200", n.base, code, body)
		}
	}
	if _, err := tokens.Revoke("shipper"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		if code, body := post(t, n.base+"/api/v1/events", secret, line); code != http.StatusUnauthorized {
			t.Errorf("the revoked token, on ingest node %s: %d %s, want 401", n.base, code, body)
		}
	}
}

// TestLoginLimitShared: wrong passwords spread over two API nodes hit the
// limit as they would on one: after auth.DefaultLoginFailures of them,
// both nodes refuse the account, even with the right password.
func TestLoginLimitShared(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	if err := db.Users(authtest.CheapArgon2).Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
		t.Fatal(err)
	}
	nodes := []*node{d.startNode(serve.RoleAPI), d.startNode(serve.RoleAPI)}
	for i := range auth.DefaultLoginFailures {
		n := nodes[i%2]
		if code := loginAs(t, n.base, "sam", "wrong words entirely"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d on %s: %d, want 401", i+1, n.base, code)
		}
	}
	for _, n := range nodes {
		if code := loginAs(t, n.base, "sam", "three random words"); code != http.StatusTooManyRequests {
			t.Errorf("the right password after %d failures over two nodes, on %s: %d, want 429", auth.DefaultLoginFailures, n.base, code)
		}
	}
}

// loginAs posts a login for name to base and returns the status.
func loginAs(t *testing.T, base, name, password string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name, "password": password})
	resp, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// post sends body to url with a bearer token and returns the status and
// the answer.
func post(t *testing.T, url, bearer string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
