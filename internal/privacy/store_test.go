package privacy_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/privacy/privacytest"
)

func TestDecisionLogStore(t *testing.T) {
	privacytest.RunDecisions(t, func(t *testing.T, dir string) privacy.DecisionStore {
		l, err := privacy.OpenDecisionLog(filepath.Join(dir, privacy.DecisionsFile))
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

func TestCaseFile(t *testing.T) {
	privacytest.RunCases(t, func(t *testing.T, dir string) privacy.CaseStore {
		return privacy.NewCaseFile(filepath.Join(dir, privacy.StateDir))
	})
}

func TestPatientReportLogStore(t *testing.T) {
	privacytest.RunPatientReports(t, func(t *testing.T, dir string) privacy.PatientReportStore {
		l, err := privacy.OpenPatientReportLog(dir)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

// TestSummariseSameAsLoadSummary: the summary of state handed over (as a
// store other than the data folder gives it) is the data folder's.
func TestSummariseSameAsLoadSummary(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, privacy.StateDir)
	cases := privacy.NewCaseFile(dir)
	at := time.Now().Add(-100 * time.Hour).UTC()
	sc := &privacy.SavedCases{AnalysedAt: at, Cases: []privacy.Case{{ID: "c1"}, {ID: "c2"}, {ID: "c3"}},
		Raised: map[string]time.Time{"c1": at, "c2": at, "c3": at}}
	if err := cases.SaveCases(t.Context(), sc); err != nil {
		t.Fatal(err)
	}
	log, err := privacy.OpenDecisionLog(filepath.Join(dir, privacy.DecisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	if _, err := log.Record("c1", privacy.OutcomeCounselled, "po1", "", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := log.ConfirmBreach("c2", "po1", at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	want, err := privacy.LoadSummary(data)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := log.List()
	if err != nil {
		t.Fatal(err)
	}
	got := privacy.Summarise(sc, ds, want.AsOf)
	if got.Cases != 3 || len(got.Breaches) != 1 || got.ByOutcome["counselled"] != want.ByOutcome["counselled"] ||
		len(got.Breaches) != len(want.Breaches) || !got.Breaches[0].Overdue || got.Breaches[0].Overdue != want.Breaches[0].Overdue {
		t.Fatalf("Summarise: %+v\nLoadSummary: %+v", got, want)
	}
}
