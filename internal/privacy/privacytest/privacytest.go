// Package privacytest is the test suite every privacy.DecisionStore and
// privacy.CaseStore must pass, the data folder's files and PostgreSQL
// alike, so that outcomes, breach clocks and saved cases are the same
// wherever they are kept.
package privacytest

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// DecisionOpener returns the decision store kept at dir (a folder, or a
// name for a database schema); opening dir again after Close gives back
// the decisions recorded there.
type DecisionOpener func(t *testing.T, dir string) privacy.DecisionStore

// CaseOpener is the same for a case store.
type CaseOpener func(t *testing.T, dir string) privacy.CaseStore

// RunDecisions runs the decision store's suite.
func RunDecisions(t *testing.T, open DecisionOpener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[DecisionOpener]{
		{Name: "Empty", Fn: testDecisionsEmpty},
		{Name: "Rules", Fn: testDecisionRules},
		{Name: "Refused", Fn: testDecisionsRefused},
		{Name: "Concurrent", Fn: testDecisionsConcurrent},
		{Name: "Closed", Fn: testDecisionsClosed},
	})
}

// RunCases runs the case store's suite.
func RunCases(t *testing.T, open CaseOpener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[CaseOpener]{
		{Name: "Empty", Fn: testCasesEmpty},
		{Name: "RoundTrip", Fn: testCasesRoundTrip},
		{Name: "Cancelled", Fn: testCasesCancelled},
		{Name: "Closed", Fn: testCasesClosed},
	})
}

// at is in a zone other than UTC, with nanoseconds: a store may change the
// zone (the file log writes UTC) but not the instant.
var at = time.Date(2025, 3, 4, 10, 0, 0, 123456789, time.FixedZone("BST", 3600))

// sameDecision compares every field, times by instant.
func sameDecision(t *testing.T, what string, got, want privacy.Decision) {
	t.Helper()
	if got.CaseID != want.CaseID || got.Outcome != want.Outcome || got.By != want.By || got.Note != want.Note ||
		!got.At.Equal(want.At) || !got.BreachConfirmed.Equal(want.BreachConfirmed) || !got.ReportedAt.Equal(want.ReportedAt) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func sameDecisions(t *testing.T, what string, got, want []privacy.Decision) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d decisions, want %d: %+v", what, len(got), len(want), got)
	}
	for i := range want {
		sameDecision(t, fmt.Sprintf("%s, decision %d", what, i), got[i], want[i])
	}
}

func list(t *testing.T, s privacy.DecisionStore) []privacy.Decision {
	t.Helper()
	ds, err := s.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return ds
}

func testDecisionsEmpty(t *testing.T, open DecisionOpener) {
	s := open(t, t.TempDir())
	defer s.Close()
	if d, ok := s.Get("c1"); ok || d.CaseID != "c1" || d.Outcome != privacy.OutcomeOpen {
		t.Fatalf("Get on a new store: %+v, %v; want an open decision on c1 and false", d, ok)
	}
	if ds := list(t, s); len(ds) != 0 {
		t.Fatalf("a new store lists %+v", ds)
	}
}

// step is one change to a decision.
type step struct {
	breach  bool
	caseID  string
	outcome privacy.Outcome
	by      string
	note    string
	at      time.Time
}

func (st step) apply(s privacy.DecisionStore) (privacy.Decision, error) {
	if st.breach {
		return s.ConfirmBreach(st.caseID, st.by, st.at)
	}
	return s.Record(st.caseID, st.outcome, st.by, st.note, st.at)
}

// testDecisionRules plays changes that exercise every rule of Decisions on
// the store and on privacy.Decisions, which must agree after each change
// and after reopening.
func testDecisionRules(t *testing.T, open DecisionOpener) {
	h := time.Hour
	steps := []step{
		{caseID: "c1", outcome: privacy.OutcomeCounselled, by: "po1", note: "spoke to the user; \"quoted\"\nsecond line", at: at},
		{breach: true, caseID: "c1", by: "po2", at: at.Add(h)},                         // counselled -> escalated, clock starts
		{breach: true, caseID: "c1", by: "po2", at: at.Add(2 * h)},                     // the clock does not restart
		{caseID: "c1", outcome: "Reported ", by: "po1", at: at.Add(50 * h)},            // parsed; the clock stops
		{caseID: "c2", outcome: privacy.OutcomeReported, by: "po1", at: at.Add(3 * h)}, // reported: confirmed at once
		{breach: true, caseID: "c3", by: "po1", at: at.Add(4 * h)},                     // a breach on an undecided case
		{caseID: "c4", outcome: privacy.OutcomeAppropriate, by: "po3", at: at.Add(5 * h)},
		{caseID: "c4", outcome: privacy.OutcomeEscalated, by: "po1", note: "second look", at: at.Add(6 * h)},
		{caseID: "c5", outcome: privacy.OutcomeEscalated, at: at.Add(7 * h)},
		{breach: true, caseID: "c5", at: at.Add(8 * h)}, // escalated stays escalated
	}
	dir := t.TempDir()
	s := open(t, dir)
	ref := privacy.NewDecisions()
	for i, st := range steps {
		got, err := st.apply(s)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		var want privacy.Decision
		if st.breach {
			want = ref.ConfirmBreach(st.caseID, st.at)
		} else {
			// A store takes an outcome as ParseOutcome reads it.
			o, _ := privacy.ParseOutcome(string(st.outcome))
			want, _ = ref.Record(st.caseID, o, st.by, st.note, st.at)
		}
		sameDecision(t, fmt.Sprintf("step %d's answer", i), got, want)
		stored, ok := s.Get(st.caseID)
		if !ok {
			t.Fatalf("step %d: Get(%s) finds no decision", i, st.caseID)
		}
		sameDecision(t, fmt.Sprintf("step %d's stored decision", i), stored, want)
	}
	var want []privacy.Decision
	for _, id := range []string{"c1", "c2", "c3", "c4", "c5"} {
		d, _ := ref.Get(id)
		want = append(want, d)
	}
	sameDecisions(t, "decisions listed", list(t, s), want)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t, dir)
	defer s.Close()
	sameDecisions(t, "decisions after reopening", list(t, s), want)
	got, _ := s.Get("c1")
	sameDecision(t, "c1 after reopening", got, want[0])
}

func testDecisionsRefused(t *testing.T, open DecisionOpener) {
	s := open(t, t.TempDir())
	defer s.Close()
	if _, err := s.Record("", privacy.OutcomeCounselled, "po1", "", at); err == nil {
		t.Fatal("Record accepted an empty case id")
	}
	if _, err := s.Record("c1", "forgiven", "po1", "", at); err == nil {
		t.Fatal("Record accepted an unknown outcome")
	}
	if _, err := s.ConfirmBreach("", "po1", at); err == nil {
		t.Fatal("ConfirmBreach accepted an empty case id")
	}
	if ds := list(t, s); len(ds) != 0 {
		t.Fatalf("refused changes were kept: %+v", ds)
	}
}

func testDecisionsConcurrent(t *testing.T, open DecisionOpener) {
	dir := t.TempDir()
	s := open(t, dir)
	const writers, each = 4, 8
	sharedtest.Concurrently(t, writers, func(w int) error {
		for i := range each {
			if _, err := s.Record(fmt.Sprintf("w%d-%02d", w, i), privacy.OutcomeCounselled, fmt.Sprint("po", w), "", at); err != nil {
				return err
			}
			// Every writer confirms the one shared case: one clock.
			if _, err := s.ConfirmBreach("shared", fmt.Sprint("po", w), at.Add(time.Duration(w*each+i)*time.Minute)); err != nil {
				return err
			}
		}
		return nil
	})
	shared, ok := s.Get("shared")
	if !ok || shared.Outcome != privacy.OutcomeEscalated || shared.BreachConfirmed.IsZero() ||
		shared.BreachConfirmed.After(at.Add(writers*each*time.Minute)) || !shared.At.Equal(shared.BreachConfirmed) {
		t.Fatalf("the shared case after concurrent confirmations: %+v", shared)
	}
	if ds := list(t, s); len(ds) != writers*each+1 {
		t.Fatalf("%d decisions after %d concurrent records and one shared case", len(ds), writers*each)
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	again, _ := s.Get("shared")
	sameDecision(t, "the shared case after reopening", again, shared)
}

func testDecisionsClosed(t *testing.T, open DecisionOpener) {
	s := open(t, t.TempDir())
	if _, err := s.Record("c1", privacy.OutcomeCounselled, "po1", "", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.Record("c2", privacy.OutcomeCounselled, "po1", "", at); err == nil {
		t.Fatal("Record after Close succeeded")
	}
	if _, err := s.ConfirmBreach("c1", "po1", at); err == nil {
		t.Fatal("ConfirmBreach after Close succeeded")
	}
}
