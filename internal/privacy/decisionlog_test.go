package privacy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDecisionLogSurvivesReopen checks that outcomes and breach clocks
// read back as they were recorded.
func TestDecisionLogSurvivesReopen(t *testing.T) {
	t0 := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	l, err := OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record("A", OutcomeCounselled, "po", "spoken to", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ConfirmBreach("B", "po", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ConfirmBreach("B", "po", t0.Add(time.Hour)); err != nil { // the clock does not restart
		t.Fatal(err)
	}
	if _, err := l.Record("C", "Reported", "dpo", "ICO ref 1", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tests := []struct {
		id       string
		outcome  Outcome
		by       string
		deadline time.Time
		reported time.Time
	}{
		{"A", OutcomeCounselled, "po", time.Time{}, time.Time{}},
		{"B", OutcomeEscalated, "", t0.Add(BreachDeadline), time.Time{}},
		{"C", OutcomeReported, "dpo", t0.Add(2*time.Hour + BreachDeadline), t0.Add(2 * time.Hour)},
	}
	for _, tc := range tests {
		d, ok := l.Get(tc.id)
		if !ok || d.Outcome != tc.outcome || d.By != tc.by {
			t.Errorf("case %s: %+v, want outcome %q by %q", tc.id, d, tc.outcome, tc.by)
		}
		dl, _ := d.Deadline()
		if !dl.Equal(tc.deadline) || !d.ReportedAt.Equal(tc.reported) {
			t.Errorf("case %s: deadline %v reported %v, want %v and %v", tc.id, dl, d.ReportedAt, tc.deadline, tc.reported)
		}
	}
	if _, ok := l.Get("D"); ok {
		t.Error("a case never decided has a decision")
	}
}

// TestDecisionLogRefuses checks that bad changes write nothing and bad
// files name the line.
func TestDecisionLogRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "decisions.jsonl")
	l, err := OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if _, err := l.Record("A", "dismissed", "po", "", t0); err == nil {
		t.Error("an unknown outcome was accepted")
	}
	if _, err := l.Record("", OutcomeAppropriate, "po", "", t0); err == nil {
		t.Error("an empty case id was accepted")
	}
	if _, err := l.ConfirmBreach("", "po", t0); err == nil {
		t.Error("a breach without a case id was accepted")
	}
	l.Close()
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("refused changes were written: %q", b)
	}
	if _, err := l.Record("A", OutcomeAppropriate, "po", "", t0); err == nil {
		t.Error("a closed log accepted a change")
	}

	for _, tc := range []struct{ name, body, want string }{
		{"not JSON", "{\"op\":\"outcome\",\"case_id\":\"A\",\"outcome\":\"appropriate\",\"at\":\"2026-05-05T09:00:00Z\"}\nnonsense\n", ":2 (byte 83)"},
		{"unknown op", "{\"op\":\"delete\",\"case_id\":\"A\"}\n", "field op"},
		{"unknown outcome", "{\"op\":\"outcome\",\"case_id\":\"A\",\"outcome\":\"shrugged\"}\n", "shrugged"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
		os.WriteFile(p, []byte(tc.body), 0o600)
		_, err := OpenDecisionLog(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming %s and %q", tc.name, err, p, tc.want)
		}
	}
}

// TestDecisionLogTornLine checks that a line cut short by a crash is
// dropped and later changes follow the whole lines.
func TestDecisionLogTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	whole := "{\"op\":\"breach\",\"case_id\":\"B\",\"at\":\"2026-05-05T09:00:00Z\"}\n"
	os.WriteFile(path, []byte(whole+"{\"op\":\"outcome\",\"case_"), 0o600)
	l, err := OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record("B", OutcomeReported, "dpo", "", time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 || lines[0]+"\n" != whole || !strings.HasPrefix(lines[1], "{\"op\":\"outcome\"") {
		t.Fatalf("file after a torn line and a change:\n%s", b)
	}
	l, err = OpenDecisionLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d, _ := l.Get("B")
	if d.Outcome != OutcomeReported || d.Overdue(time.Now()) {
		t.Errorf("decision after reopening: %+v, want reported within the deadline", d)
	}
}
