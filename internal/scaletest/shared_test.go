package scaletest

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
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
