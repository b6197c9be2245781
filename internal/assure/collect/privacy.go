package collect

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Privacy is what the patient-data guardian's saved state shows: the
// last analysis and the decisions on its cases.
type Privacy struct {
	Analysed       bool // an analysis of accesses has run
	Accesses       int  // accesses to patients' records it analysed
	Cases          int  // cases it raised
	Open           int  // of them, without a recorded outcome
	Breaches       int  // confirmed reportable breaches
	BreachesMissed int  // reported late, or unreported past the 72 hours
}

// PrivacyCollector gives evidence for the indicators a CAF supplement
// ties to privacy figures (assure.Framework.SupplementTargets: figure →
// indicator ids, on outcomes E... only). Vigil ships no objective E text;
// without a supplement naming these figures it claims nothing.
func PrivacyCollector(p Privacy, targets map[string][]string) assure.Collector {
	return collector{name: "privacy", claims: func(time.Time) []claim {
		var out []claim
		add := func(figure string, holds bool, summary string) {
			if ids := targets[figure]; len(ids) > 0 {
				out = append(out, claim{ids, holds, summary})
			}
		}
		add("privacy-monitored", p.Analysed && p.Accesses > 0,
			fmt.Sprintf("The patient-data guardian analysed %d accesses to patients' records.", p.Accesses))
		decided := fmt.Sprintf("%d of %d privacy cases have a recorded outcome.", p.Cases-p.Open, p.Cases)
		add("privacy-cases-decided", p.Analysed && p.Open == 0, decided)
		add("privacy-cases-open", p.Open > 0, decided)
		breaches := fmt.Sprintf("%d confirmed reportable breaches; %d not reported within 72 hours.", p.Breaches, p.BreachesMissed)
		if p.Breaches > 0 {
			add("breaches-reported-in-72h", p.BreachesMissed == 0, breaches)
		}
		add("breach-reported-late", p.BreachesMissed > 0, breaches)
		return out
	}}
}

// PatientReports counts the patient access reports given in a period
// (privacy.ReadPatientReports): each tells a patient who opened their
// record and why.
type PatientReports struct {
	Reports  int // reports produced
	Patients int // the patients they were for
}

// PatientReportsCollector gives evidence for the indicators a CAF
// supplement ties to the figure "patient-reports-given". No report in a
// period may mean that no patient asked, so only reports given speak, as
// a breach reported in time does; with none it claims nothing.
func PatientReportsCollector(r PatientReports, targets map[string][]string) assure.Collector {
	return collector{name: "patient-reports", claims: func(time.Time) []claim {
		ids := targets["patient-reports-given"]
		if r.Reports == 0 || len(ids) == 0 {
			return nil
		}
		return []claim{{ids, true, fmt.Sprintf("%d patient access reports were given, to %d patients, telling each who opened their record and why.", r.Reports, r.Patients)}}
	}}
}
