package scaletest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestAPINodesSharePeopleAndAssets: a phishing report taken by one API
// node is listed by the other, both answer the pulse from the shared
// store, and both list the assets saved in the shared database.
func TestAPINodesSharePeopleAndAssets(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	a, b := d.startNode(serve.RoleAPI), d.startNode(serve.RoleAPI)

	report := map[string]any{"reporter": "aisha.khan@trust.nhs.uk", "received_at": "2025-10-07T08:02:11Z",
		"subject": "Your NHSmail password expires today", "from": "support@nhsmail-verify.example",
		"headers": map[string]any{"Message-ID": "<abc123@nhsmail-verify.example>"}}
	if code, body := call(t, a.base, "POST", "/api/v1/phishing-reports", token, nil, "", report); code != http.StatusCreated {
		t.Fatalf("a phishing report on node A: %d %s", code, body)
	}
	if err := db.Estate().SaveLearned(context.Background(), "det-1", []estate.Asset{{Name: "WARD7-PC03", OS: "Windows 7", Sources: []string{"events"}}}); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		route string
		code  int
		want  string
	}{
		{"/api/v1/phishing-reports", http.StatusOK, `"subject":"Your NHSmail password expires today"`},
		{"/api/v1/pulse", http.StatusConflict, "directory"}, // no staff directory imported in the shared store
		{"/api/v1/assets", http.StatusOK, `"name":"WARD7-PC03"`},
	}
	for _, n := range []*node{a, b} {
		for _, c := range checks {
			if code, body := call(t, n.base, "GET", c.route, token, nil, "", nil); code != c.code || !strings.Contains(body, c.want) {
				t.Errorf("GET %s on %s: %d, want %d with %q:\n%.400s", c.route, n.base, code, c.code, c.want, body)
			}
		}
	}
}
