package collect_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// reportsSupplement is a placeholder objective E whose one outcome is
// decided by patient access reports given (not the toolkit's text).
const reportsSupplement = "testdata/patient-reports-supplement.yaml"

// TestPatientReportsEvidence: reports given decide the statement a
// supplement ties to them; none given claims nothing (no patient may
// have asked), so the outcome stays for a person to assess.
func TestPatientReportsEvidence(t *testing.T) {
	f, err := assure.Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadSupplement(reportsSupplement); err != nil {
		t.Fatal(err)
	}
	targets := f.SupplementTargets()
	cases := []struct {
		name  string
		r     collect.PatientReports
		claim bool
		want  assure.Status
	}{
		{"reports given", collect.PatientReports{Reports: 3, Patients: 2}, true, assure.Achieved},
		{"none given", collect.PatientReports{}, false, assure.Unassessed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := claims(t, collect.PatientReportsCollector(c.r, targets))
			if holds, ok := got["E2.a.1"]; ok != c.claim || ok && !holds {
				t.Errorf("E2.a.1 claimed %v holds %v, want claimed %v", ok, holds, c.claim)
			}
			if got := claims(t, collect.PatientReportsCollector(c.r, nil)); len(got) != 0 {
				t.Errorf("claims without a supplement naming the figure: %v", got)
			}
			evs, err := assure.Collect(context.Background(), at, collect.PatientReportsCollector(c.r, targets))
			if err != nil {
				t.Fatal(err)
			}
			if err := assure.CheckEvidence(f, evs); err != nil {
				t.Fatal(err)
			}
			answers, _ := assure.AnswersFrom(evs, at)
			if r := assure.Assess(f.Outcome("E2.a"), answers); r.Status != c.want {
				t.Errorf("E2.a: %s (%s), want %s", r.Status, r.Reason, c.want)
			}
		})
	}
}
