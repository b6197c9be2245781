package assure

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type fixed struct {
	name string
	evs  []Evidence
	err  error
}

func (f fixed) Name() string { return f.name }
func (f fixed) Collect(context.Context, time.Time) ([]Evidence, error) {
	return f.evs, f.err
}

var day = time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)

func TestCollectKeepsOthersWhenOneFails(t *testing.T) {
	ok := fixed{name: "flow", evs: []Evidence{{ID: "e1", Indicators: []string{"C1.a.1"}}}}
	bad := fixed{name: "alerts", err: errors.New("store closed")}
	evs, err := Collect(context.Background(), day, ok, bad)
	if len(evs) != 1 || err == nil || !strings.Contains(err.Error(), "evidence collector alerts: store closed") {
		t.Errorf("evidence %v, error %v", evs, err)
	}
}

func TestAnswersFromNewestValidEvidence(t *testing.T) {
	evs := []Evidence{
		{ID: "new", Indicators: []string{"x"}, Holds: false, Collected: day.Add(-time.Hour)},
		{ID: "old", Indicators: []string{"x", "y"}, Holds: true, Collected: day.Add(-48 * time.Hour)},
		{ID: "expired", Indicators: []string{"z"}, Holds: true, Collected: day.Add(-48 * time.Hour), Expires: day},
		{ID: "future", Indicators: []string{"y"}, Holds: false, Collected: day.Add(time.Hour)},
	}
	a, by := AnswersFrom(evs, day)
	if v, ok := a["x"]; !ok || v || by["x"].ID != "new" {
		t.Errorf("x = %v,%v decided by %q; want false by the newest item", v, ok, by["x"].ID)
	}
	if !a["y"] || by["y"].ID != "old" {
		t.Errorf("y = %v by %q; want true by old (the future item does not count yet)", a["y"], by["y"].ID)
	}
	if _, ok := a["z"]; ok {
		t.Error("expired evidence counted")
	}
}

func TestCheckEvidenceNamesUnknownIndicator(t *testing.T) {
	f := &Framework{Version: "t", Objectives: []*Objective{{Code: "A", Principles: []*Principle{{Code: "A1", Outcomes: []*Outcome{{
		Code: "A1.a", Indicators: map[Group][]Indicator{GroupAchieved: {{ID: "A1.a.1"}}},
	}}}}}}}
	if err := CheckEvidence(f, []Evidence{{ID: "e", Indicators: []string{"A1.a.1"}}}); err != nil {
		t.Error(err)
	}
	for _, e := range []Evidence{{ID: "e2", Indicators: []string{"A1.a.9"}}, {ID: "e3"}} {
		if err := CheckEvidence(f, []Evidence{e}); err == nil || !strings.Contains(err.Error(), "evidence "+e.ID) {
			t.Errorf("%s: error %v", e.ID, err)
		}
	}
}

func TestHistoryRoundTripAndTrend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	if h, err := ReadHistory(path); err != nil || h != nil {
		t.Fatalf("missing file: %v, %v", h, err)
	}
	q2 := Assessment{At: day, Framework: "3.2", Results: []Result{{Outcome: "A1.a", Status: NotAchieved}, {Outcome: "B4.d", Status: Achieved}}}
	q3 := Assessment{At: day.AddDate(0, 3, 0), Framework: "3.2", Results: []Result{{Outcome: "A1.a", Status: PartiallyAchieved}, {Outcome: "B4.d", Status: Achieved}}}
	for _, a := range []Assessment{q2, q3} {
		if err := AppendHistory(path, a); err != nil {
			t.Fatal(err)
		}
	}
	h, err := ReadHistory(path)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %v, %v", h, err)
	}
	moved := Moved(h[0], h[1])
	if len(moved) != 1 || moved[0] != (Trend{Outcome: "A1.a", Before: NotAchieved, Now: PartiallyAchieved}) {
		t.Errorf("moved %v", moved)
	}
}

func TestHistoryTornTailAndCorruptLine(t *testing.T) {
	dir := t.TempDir()
	torn := filepath.Join(dir, "torn.jsonl")
	os.WriteFile(torn, []byte(`{"framework":"3.2","results":[]}`+"\n"+`{"framework":"3.`), 0o600)
	if h, err := ReadHistory(torn); err != nil || len(h) != 1 {
		t.Errorf("torn tail: %v, %v; want the complete line only", h, err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{oops\n"+`{"framework":"3.2"}`+"\n"), 0o600)
	if _, err := ReadHistory(bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl:1") {
		t.Errorf("corrupt first line: %v", err)
	}
}
