package pgstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/privacy/privacytest"
)

func TestPrivacyDecisions(t *testing.T) {
	privacytest.RunDecisions(t, func(t *testing.T, dir string) privacy.DecisionStore {
		return pgtest.Open(t, dir, pgstore.Options{}).PrivacyDecisions()
	})
}

func TestPrivacyCases(t *testing.T) {
	privacytest.RunCases(t, func(t *testing.T, dir string) privacy.CaseStore {
		return pgtest.Open(t, dir, pgstore.Options{}).PrivacyCases()
	})
}

// TestPrivacyDecisionChanges: every change is kept, in order, in the file
// log's form, beside the decision it made.
func TestPrivacyDecisionChanges(t *testing.T) {
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	s := db.PrivacyDecisions()
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	if _, err := s.Record("c1", privacy.OutcomeCounselled, "po1", "spoke to them", at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmBreach("c1", "po2", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record("c1", privacy.OutcomeReported, "po1", "", at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Pool().Query(context.Background(), "SELECT change->>'op', change->>'by' FROM privacy_decision_changes WHERE case_id = $1 ORDER BY seq", "c1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var op, by string
		err := r.Scan(&op, &by)
		return op + " by " + by, err
	})
	want := []string{"outcome by po1", "breach by po2", "outcome by po1"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("changes kept: %q, %v; want %q", got, err, want)
	}
}
