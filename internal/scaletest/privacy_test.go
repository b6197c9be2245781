package scaletest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/serve"
)

// TestAPINodesServeSavedPrivacy: API nodes answer the privacy cases and
// the privacy officer's page from the analysis saved in the shared
// database, saying when and by which node, with the decisions recorded
// there; before any is saved they say so rather than answering 501.
func TestAPINodesServeSavedPrivacy(t *testing.T) {
	key := t.TempDir()
	d := &deployment{t: t, dsn: pgtest.SchemaDSN(t, key)}
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	a, b := d.startNode(serve.RoleAPI), d.startNode(serve.RoleAPI)

	before := []struct{ route, want string }{
		{"/api/v1/privacy/cases", `"analysed":false`},
		{"/privacy", "No analysis of record accesses has been saved"},
	}
	for _, c := range before {
		if code, body := call(t, a.base, "GET", c.route, token, nil, "", nil); code != http.StatusOK || !strings.Contains(body, c.want) {
			t.Errorf("GET %s before any analysis: %d, want 200 with %q:\n%.400s", c.route, code, c.want, body)
		}
	}

	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	sc := &privacy.SavedCases{
		AnalysedAt: at, SavedBy: "analyst-1",
		Summary: privacy.Summary{Accesses: 120, Explained: 117},
		Cases: []privacy.Case{
			{ID: "c-1", UserID: "u7", PatientID: "9434765919", Kinds: []string{"vip"}, Score: 90},
			{ID: "c-2", UserID: "u8", PatientID: "9434765870", Kinds: []string{"family"}, Score: 40},
		},
		Raised: map[string]time.Time{"c-1": at, "c-2": at},
	}
	if err := db.PrivacyCases().SaveCases(context.Background(), sc); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PrivacyDecisions().Record("c-2", privacy.OutcomeAppropriate, "pat", "", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	after := []struct{ route, want string }{
		{"/api/v1/privacy/cases", `"saved_by":"analyst-1"`},
		{"/api/v1/privacy/cases", `"analysed_at":"2026-03-02T09:30:00Z"`},
		{"/api/v1/privacy/cases?min_score=50", `"cases":[{"case_id":"c-1"`},
		{"/privacy", "by analyst-1: 120 accesses, 117 explained, 2 cases, 1 still open; 1 decisions recorded"},
		{"/privacy/cases/c-1", "Case and patient pages are shown by the node that runs the live analysis"},
	}
	for _, n := range []*node{a, b} {
		for _, c := range after {
			if code, body := call(t, n.base, "GET", c.route, token, nil, "", nil); code != http.StatusOK || !strings.Contains(body, c.want) {
				t.Errorf("GET %s on %s: %d, want 200 with %q:\n%.600s", c.route, n.base, code, c.want, body)
			}
		}
	}
	if code, body := call(t, a.base, "GET", "/api/v1/privacy/cases?min_score=50", token, nil, "", nil); code != 200 || strings.Contains(body, "c-2") {
		t.Errorf("min_score=50 kept a case scored 40: %s", body)
	}
}
