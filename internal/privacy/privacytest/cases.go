package privacytest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var ctx = context.Background()

// saved is an analysis with n cases, every field of a case set.
func saved(n int) *privacy.SavedCases {
	sc := &privacy.SavedCases{AnalysedAt: at.Add(time.Duration(n) * time.Hour), Raised: map[string]time.Time{},
		Summary: privacy.Summary{Accesses: 1000 * n, Explained: 990 * n, Unexplained: 10 * n, Cases: n,
			ByExplanation: map[string]int{"direct_care": 900 * n, "ward": 90 * n}, ByKind: map[string]int{"same_surname": n}}}
	for i := range n {
		id := fmt.Sprintf("case-%03d", i)
		sc.Cases = append(sc.Cases, privacy.Case{ID: id, UserID: fmt.Sprint("u", i), PatientID: "9434765919",
			Kinds: []string{"same_surname", "no_relationship"}, Score: 80 - i, FirstSeen: at, LastSeen: at.Add(time.Hour),
			Accesses: 3, Evidence: []string{"opened the record 3 times", "no care relationship; naïve \"quote\""},
			UserName: "Dr A Smith", UserRole: "Consultant", Department: "Cardiology", PatientName: "SMITH, Jane",
			Patients: []string{"9434765919", "9434765870"}, Days: 2})
		sc.Raised[id] = at.Add(-time.Duration(i) * time.Minute)
	}
	sc.Raised["case-gone"] = at.AddDate(0, -1, 0) // a case no longer raised keeps its moment
	return sc
}

func load(t *testing.T, s privacy.CaseStore) *privacy.SavedCases {
	t.Helper()
	sc, err := s.LoadCases(ctx)
	if err != nil {
		t.Fatalf("LoadCases: %v", err)
	}
	if sc == nil || sc.Raised == nil {
		t.Fatalf("LoadCases: %+v, want a SavedCases with a Raised map", sc)
	}
	return sc
}

func testCasesEmpty(t *testing.T, open CaseOpener) {
	s := open(t, t.TempDir())
	defer s.Close()
	if sc := load(t, s); !sc.AnalysedAt.IsZero() || len(sc.Cases) != 0 || len(sc.Raised) != 0 {
		t.Fatalf("a new store holds %+v", sc)
	}
}

func testCasesRoundTrip(t *testing.T, open CaseOpener) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.SaveCases(ctx, saved(3)); err != nil {
		t.Fatalf("SaveCases: %v", err)
	}
	sharedtest.SameJSON(t, "cases read back", load(t, s), saved(3))
	if err := s.SaveCases(ctx, saved(1)); err != nil {
		t.Fatalf("SaveCases: %v", err)
	}
	sharedtest.SameJSON(t, "cases after a second save", load(t, s), saved(1))
	s.Close()
	s = open(t, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "cases after reopening", load(t, s), saved(1))
}

func testCasesCancelled(t *testing.T, open CaseOpener) {
	s := open(t, t.TempDir())
	defer s.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.SaveCases(cancelled, saved(2)); err == nil {
		t.Fatal("SaveCases with a cancelled context succeeded")
	}
	if sc := load(t, s); len(sc.Cases) != 0 {
		t.Fatalf("a save with a cancelled context was kept: %+v", sc)
	}
}

func testCasesClosed(t *testing.T, open CaseOpener) {
	s := open(t, t.TempDir())
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.SaveCases(ctx, saved(1)); !errors.Is(err, privacy.ErrClosed) {
		t.Errorf("SaveCases after Close: %v, want ErrClosed", err)
	}
	if _, err := s.LoadCases(ctx); !errors.Is(err, privacy.ErrClosed) {
		t.Errorf("LoadCases after Close: %v, want ErrClosed", err)
	}
}
