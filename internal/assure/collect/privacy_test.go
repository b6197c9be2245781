package collect_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestPrivacyEvidenceDecidesObjectiveE rolls the placeholder objective E
// up from privacy figures: the statements a supplement ties to figures
// are decided by them, and the outcome follows the CAF's rule.
func TestPrivacyEvidenceDecidesObjectiveE(t *testing.T) {
	f, err := assure.Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadSupplement("../testdata/objective-e-placeholder.yaml"); err != nil {
		t.Fatal(err)
	}
	targets := f.SupplementTargets()
	cases := []struct {
		name string
		p    collect.Privacy
		want assure.Status
	}{
		{"monitored, all decided, breach in time", collect.Privacy{Analysed: true, Accesses: 5000, Cases: 4, Breaches: 1}, assure.Achieved},
		{"cases waiting", collect.Privacy{Analysed: true, Accesses: 5000, Cases: 4, Open: 2}, assure.NotAchieved},
		{"a breach reported late", collect.Privacy{Analysed: true, Accesses: 5000, Cases: 4, Breaches: 2, BreachesMissed: 1}, assure.NotAchieved},
		{"nothing analysed", collect.Privacy{}, assure.NotAchieved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, err := assure.Collect(context.Background(), at, collect.PrivacyCollector(c.p, targets))
			if err != nil {
				t.Fatal(err)
			}
			if err := assure.CheckEvidence(f, evs); err != nil {
				t.Fatal(err)
			}
			answers, _ := assure.AnswersFrom(evs, at)
			if r := assure.Assess(f.Outcome("E1.a"), answers); r.Status != c.want {
				t.Errorf("E1.a: %s (%s), want %s", r.Status, r.Reason, c.want)
			}
		})
	}
	// Without a supplement naming the figures, nothing is claimed.
	if got := claims(t, collect.PrivacyCollector(collect.Privacy{Analysed: true, Accesses: 1}, nil)); len(got) != 0 {
		t.Errorf("claims without targets: %v", got)
	}
}
