package privacy

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestLoadSummaryEmpty: a data folder with no privacy state is an empty
// summary, not an error.
func TestLoadSummaryEmpty(t *testing.T) {
	s, err := LoadSummary(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s.Analysed || s.Cases != 0 || s.Decided != 0 || len(s.Breaches) != 0 || s.ByKind == nil || s.ByOutcome == nil {
		t.Fatalf("empty folder: %+v", s)
	}
}

// TestLoadSummary saves a live analysis and decisions as vigil serve
// does, then checks every count, the time to decision and the clocks.
func TestLoadSummary(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, StateDir)
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	if err := l.SaveCases(dir); err != nil {
		t.Fatal(err)
	}
	l.SetRoster(staff)
	for _, ev := range evs {
		l.AddEvent(ev)
	}
	res := l.Analyse()
	if len(res.Cases) < 3 {
		t.Fatalf("want at least 3 cases to decide, got %d", len(res.Cases))
	}
	sc, err := loadCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	raised := sc.Raised[res.Cases[0].ID]
	if raised.IsZero() || len(sc.Raised) != len(res.Cases) {
		t.Fatalf("raised: %d of %d cases", len(sc.Raised), len(res.Cases))
	}
	ds, err := OpenDecisionLog(filepath.Join(dir, DecisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	c0, c1, c2 := res.Cases[0].ID, res.Cases[1].ID, res.Cases[2].ID
	mustRecord(t, ds, c0, OutcomeCounselled, raised.Add(2*time.Hour))
	mustRecord(t, ds, c1, OutcomeReported, raised.Add(4*time.Hour))                        // confirmed and reported at once: met
	if _, err := ds.ConfirmBreach(c2, "officer", raised.Add(-100*time.Hour)); err != nil { // confirmed long ago, not reported: missed
		t.Fatal(err)
	}
	mustRecord(t, ds, "PC-gone", OutcomeAppropriate, raised.Add(time.Hour))
	if err := ds.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSummary(data)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"analysed", s.Analysed, true},
		{"cases", s.Cases, len(res.Cases)},
		{"accesses", s.Accesses, res.Summary.Accesses},
		{"decided", s.Decided, 4},
		{"open", s.ByOutcome["open"], len(res.Cases) - 3},
		{"counselled", s.ByOutcome["counselled"], 1},
		{"reported", s.ByOutcome["reported"], 1},
		{"escalated", s.ByOutcome["escalated"], 1},
		{"time to decision n", s.TimeToDecision.N, 2}, // PC-gone was never raised here; c2 was decided before it was raised
		{"median", s.TimeToDecision.Median, 3 * time.Hour},
		{"max", s.TimeToDecision.Max, 4 * time.Hour},
		{"breaches", len(s.Breaches), 2},
		{"met", s.BreachesMet, 1},
		{"missed", s.BreachesMissed, 1},
		{"oldest breach first", s.Breaches[0].CaseID, c2},
		{"by kind", sumValues(s.ByKind) >= s.Cases, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func mustRecord(t *testing.T, ds *DecisionLog, id string, o Outcome, at time.Time) {
	t.Helper()
	if _, err := ds.Record(id, o, "officer", "", at); err != nil {
		t.Fatal(err)
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestLoadSummaryTornDecision: a decision being written while the board
// pack reads (a torn last line) is left out, and the file is not changed.
func TestLoadSummaryTornDecision(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, StateDir)
	os.MkdirAll(dir, 0o700)
	dl, err := OpenDecisionLog(filepath.Join(dir, DecisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	mustRecord(t, dl, "PC-1", OutcomeCounselled, time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC))
	dl.Close()
	path := filepath.Join(dir, DecisionsFile)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"op":"outcome","case_id":"PC-2","outc`)
	f.Close()
	before, _ := os.ReadFile(path)
	s, err := LoadSummary(data)
	if err != nil || s.Decided != 1 || s.Analysed {
		t.Fatalf("summary %+v, %v", s, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("LoadSummary changed the decision log")
	}
	os.WriteFile(path, []byte("{\"op\":\"gossip\"}\n{}\n"), 0o600)
	if _, err := LoadSummary(data); err == nil || !strings.Contains(err.Error(), ":1") {
		t.Errorf("a bad line: %v", err)
	}
}

// TestLiveServesSavedCases: a Live that saves its cases serves them after
// a restart before its first analysis, and keeps when each was raised.
func TestLiveServesSavedCases(t *testing.T) {
	dir := t.TempDir()
	staff, evs := liveEvents(t, t.TempDir())
	l := NewLive(DefaultOptions(), nil)
	if err := l.SaveCases(dir); err != nil {
		t.Fatal(err)
	}
	l.SetRoster(staff)
	for _, ev := range evs {
		l.AddEvent(ev)
	}
	want := l.Analyse().Cases
	first, _ := loadCases(dir)
	restarted := NewLive(DefaultOptions(), nil)
	if err := restarted.SaveCases(dir); err != nil {
		t.Fatal(err)
	}
	got := restarted.Cases()
	if len(got) != len(want) || len(got) == 0 || got[0].ID != want[0].ID {
		t.Fatalf("after restart: %d cases, want %d", len(got), len(want))
	}
	restarted.SetRoster(staff)
	for _, ev := range evs {
		restarted.AddEvent(ev)
	}
	restarted.Analyse()
	second, _ := loadCases(dir)
	if !reflect.DeepEqual(first.Raised, second.Raised) {
		t.Fatal("raised times changed across a restart")
	}
}

// TestLiveSavesThroughAStore: SaveCasesTo saves every analysis through
// the store with the node's name, serves what the store held until the
// first analysis, and keeps its raised moments.
func TestLiveSavesThroughAStore(t *testing.T) {
	ctx := context.Background()
	staff, evs := liveEvents(t, t.TempDir())
	earlier := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	store := NewCaseFile(t.TempDir())
	held := &SavedCases{AnalysedAt: earlier, SavedBy: "api-2", Cases: []Case{{ID: "held-1", UserID: "X"}},
		Raised: map[string]time.Time{"held-1": earlier}}
	if err := store.SaveCases(ctx, held); err != nil {
		t.Fatal(err)
	}
	l := NewLive(DefaultOptions(), nil)
	if err := l.SaveCasesTo(ctx, store, "api-1"); err != nil {
		t.Fatal(err)
	}
	if cs := l.Cases(); len(cs) != 1 || cs[0].ID != "held-1" {
		t.Fatalf("before the first analysis: cases %v, want the one the store held", cs)
	}
	l.SetRoster(staff)
	for _, ev := range evs {
		l.AddEvent(ev)
	}
	res := l.Analyse()
	got, err := store.LoadCases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case got.SavedBy != "api-1":
		t.Errorf("saved by %q, want api-1", got.SavedBy)
	case len(got.Cases) != len(res.Cases) || len(got.Cases) == 0:
		t.Errorf("saved %d cases, analysed %d", len(got.Cases), len(res.Cases))
	case !got.Raised["held-1"].Equal(earlier):
		t.Errorf("the held case's raised moment became %v, want %v", got.Raised["held-1"], earlier)
	case got.Raised[res.Cases[0].ID].IsZero():
		t.Errorf("case %s has no raised moment", res.Cases[0].ID)
	}
	store.Close()
	if err := NewLive(DefaultOptions(), nil).SaveCasesTo(ctx, store, "api-1"); err == nil {
		t.Error("SaveCasesTo over a closed store succeeded")
	}
}
