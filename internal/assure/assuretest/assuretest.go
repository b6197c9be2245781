// Package assuretest is the test suite every assure.Store must pass, the
// data folder's files and PostgreSQL alike, so that recorded evidence and
// the assessment history read back the same wherever they are kept.
package assuretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// Opener returns the store kept at dir (a folder, or a name for a
// database schema); opening dir again after Close gives back what was
// kept there.
type Opener func(t *testing.T, dir string) assure.Store

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[Opener]{
		{Name: "Empty", Fn: testEmpty},
		{Name: "EvidenceRoundTrip", Fn: testEvidenceRoundTrip},
		{Name: "EvidenceCorrected", Fn: testEvidenceCorrected},
		{Name: "EvidenceRefused", Fn: testEvidenceRefused},
		{Name: "History", Fn: testHistory},
		{Name: "Concurrent", Fn: testConcurrent},
		{Name: "Cancelled", Fn: testCancelled},
		{Name: "Closed", Fn: testClosed},
	})
}

var (
	ctx = context.Background()
	// at has nanoseconds and a zone other than UTC, which a store must keep.
	at = time.Date(2025, 3, 4, 10, 0, 0, 123456789, time.FixedZone("BST", 3600))
)

// item is a full evidence item, every field set.
func item(i int) assure.Evidence {
	return assure.Evidence{ID: fmt.Sprintf("ev-%03d", i), Indicators: []string{"B6.b.3", "C1.a.7"}, Holds: i%2 == 0,
		Summary: fmt.Sprintf("Phishing exercise %d: 92%% reported, naïve clicks <5%% \"quoted\"", i), Source: "manual",
		Owner: "Head of IG", Collected: at.Add(time.Duration(i) * time.Hour), Expires: at.AddDate(1, 0, 0),
		Attachment: "evidence/exercise-" + fmt.Sprint(i) + ".pdf"}
}

func assessment(i int) assure.Assessment {
	return assure.Assessment{At: at.AddDate(0, i, 0), Framework: "3.2", Results: []assure.Result{
		{Outcome: "A1.a", Status: assure.Achieved, Reason: "all achieved statements hold"},
		{Outcome: "B6.b", Status: assure.PartiallyAchieved, Reason: fmt.Sprint("round ", i)},
		{Outcome: "D1.a", Status: assure.Unassessed},
	}}
}

func evidence(t *testing.T, s assure.Store) []assure.Evidence {
	t.Helper()
	evs, err := s.Evidence(ctx)
	if err != nil {
		t.Fatalf("Evidence: %v", err)
	}
	return evs
}

func history(t *testing.T, s assure.Store) []assure.Assessment {
	t.Helper()
	as, err := s.History(ctx)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	return as
}

func record(t *testing.T, s assure.Store, e assure.Evidence) {
	t.Helper()
	if err := s.RecordEvidence(ctx, e); err != nil {
		t.Fatalf("RecordEvidence %s: %v", e.ID, err)
	}
}

func appendA(t *testing.T, s assure.Store, a assure.Assessment) {
	t.Helper()
	if err := s.AppendAssessment(ctx, a); err != nil {
		t.Fatalf("AppendAssessment: %v", err)
	}
}

// sameEvidence compares items field by field, times by instant and zone
// offset, so that a store may not lose either.
func sameEvidence(t *testing.T, what string, got, want []assure.Evidence) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d items, want %d: %+v", what, len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !sameTime(g.Collected, w.Collected) || !sameTime(g.Expires, w.Expires) {
			t.Fatalf("%s: item %d times %v, %v; want %v, %v", what, i, g.Collected, g.Expires, w.Collected, w.Expires)
		}
		g.Collected, g.Expires, w.Collected, w.Expires = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s: item %d\n got %+v\nwant %+v", what, i, g, w)
		}
	}
}

func sameHistory(t *testing.T, what string, got, want []assure.Assessment) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d assessments, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !sameTime(g.At, w.At) || g.Framework != w.Framework || !reflect.DeepEqual(g.Results, w.Results) {
			t.Fatalf("%s: assessment %d\n got %+v\nwant %+v", what, i, g, w)
		}
	}
}

func sameTime(a, b time.Time) bool {
	_, oa := a.Zone()
	_, ob := b.Zone()
	return a.Equal(b) && (a.IsZero() || oa == ob)
}

func closeStore(t *testing.T, s assure.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func testEmpty(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	if evs := evidence(t, s); len(evs) != 0 {
		t.Fatalf("a new store holds evidence %+v", evs)
	}
	if as := history(t, s); len(as) != 0 {
		t.Fatalf("a new store holds history %+v", as)
	}
}

func testEvidenceRoundTrip(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	bare := assure.Evidence{ID: "bare", Indicators: []string{"A1.a.1"}, Source: "manual", Collected: at}
	want := []assure.Evidence{item(1), bare, item(2)}
	for _, e := range want {
		record(t, s, e)
	}
	sameEvidence(t, "evidence read back", evidence(t, s), want)
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sameEvidence(t, "evidence after reopening", evidence(t, s), want)
}

func testEvidenceCorrected(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	a, b := item(1), item(2)
	record(t, s, a)
	record(t, s, b)
	fixed := a
	fixed.Holds, fixed.Summary, fixed.Indicators = !a.Holds, "corrected: the exercise covered all staff", []string{"B6.b.3"}
	record(t, s, fixed)
	sameEvidence(t, "evidence after a correction", evidence(t, s), []assure.Evidence{fixed, b})
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sameEvidence(t, "corrected evidence after reopening", evidence(t, s), []assure.Evidence{fixed, b})
}

func testEvidenceRefused(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	noID, noInd := item(1), item(2)
	noID.ID = ""
	noInd.Indicators = nil
	for _, e := range []assure.Evidence{noID, noInd} {
		if err := s.RecordEvidence(ctx, e); err == nil {
			t.Fatalf("RecordEvidence accepted %+v", e)
		}
	}
	if evs := evidence(t, s); len(evs) != 0 {
		t.Fatalf("refused items were kept: %+v", evs)
	}
}

func testHistory(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	// Appended out of date order: the history is the order of appends.
	want := []assure.Assessment{assessment(2), assessment(1), assessment(3), {At: at, Framework: "4.0"}}
	for _, a := range want {
		appendA(t, s, a)
	}
	sameHistory(t, "history read back", history(t, s), want)
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sameHistory(t, "history after reopening", history(t, s), want)
	appendA(t, s, assessment(4))
	if got := history(t, s); len(got) != 5 || !sameTime(got[4].At, assessment(4).At) {
		t.Fatalf("history after another append: %+v", got)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	const writers, each = 4, 10
	sharedtest.Concurrently(t, writers, func(w int) error {
		for i := range each {
			n := w*each + i
			if err := s.RecordEvidence(ctx, item(n)); err != nil {
				return err
			}
			if err := s.AppendAssessment(ctx, assessment(n)); err != nil {
				return err
			}
		}
		return nil
	})
	seen := map[string]bool{}
	for _, e := range evidence(t, s) {
		seen[e.ID] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("%d distinct items after %d concurrent records", len(seen), writers*each)
	}
	if as := history(t, s); len(as) != writers*each {
		t.Fatalf("%d assessments after %d concurrent appends", len(as), writers*each)
	}
}

func testCancelled(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.RecordEvidence(cancelled, item(1)); err == nil {
		t.Fatal("RecordEvidence with a cancelled context succeeded")
	}
	if err := s.AppendAssessment(cancelled, assessment(1)); err == nil {
		t.Fatal("AppendAssessment with a cancelled context succeeded")
	}
	if len(evidence(t, s)) != 0 || len(history(t, s)) != 0 {
		t.Fatal("a write with a cancelled context was kept")
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	record(t, s, item(1))
	closeStore(t, s)
	checks := map[string]error{
		"RecordEvidence":   s.RecordEvidence(ctx, item(2)),
		"AppendAssessment": s.AppendAssessment(ctx, assessment(1)),
	}
	_, checks["Evidence"] = s.Evidence(ctx)
	_, checks["History"] = s.History(ctx)
	for name, err := range checks {
		if !errors.Is(err, assure.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}
