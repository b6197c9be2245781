package report

import (
	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// gatherPrivacy reads the patient-data guardian's saved cases and
// decisions (vigil serve keeps them in the data folder).
func gatherPrivacy(f *Facts) {
	sum, err := privacy.LoadSummary(f.Data)
	switch {
	case err != nil:
		f.missing(secPrivacy, "The saved privacy cases could not be read: "+err.Error())
	case !sum.Analysed && sum.Decided == 0:
		f.missing(secPrivacy, "The data folder holds no privacy cases: vigil serve has not analysed accesses to patients' records here (it needs audit and ADT events).")
	default:
		f.Privacy = &sum
	}
}

// privacyFigures are the saved summary's figures the privacy collector
// speaks from.
func privacyFigures(p *privacy.SavedSummary) collect.Privacy {
	return collect.Privacy{Analysed: p.Analysed, Accesses: p.Accesses, Cases: p.Cases, Open: p.ByOutcome["open"],
		Breaches: len(p.Breaches), BreachesMissed: p.BreachesMissed}
}
