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
	gatherPatientReports(f)
}

// gatherPatientReports counts the patient access reports produced in the
// period, from the record the console and vigil privacy report keep.
func gatherPatientReports(f *Facts) {
	recs, err := privacy.ReadPatientReports(f.Data)
	if err != nil {
		f.missing(secPrivacy, "The record of patient access reports could not be read: "+err.Error())
		return
	}
	for _, u := range recs.Unreadable {
		f.missing(secPrivacy, "A line of the record of patient access reports could not be read and is not counted: "+u)
	}
	c := recs.Count(f.Period.Start, f.Period.End)
	f.PatientReports = &c
}

// privacyFigures are the saved summary's figures the privacy collector
// speaks from.
func privacyFigures(p *privacy.SavedSummary) collect.Privacy {
	return collect.Privacy{Analysed: p.Analysed, Accesses: p.Accesses, Cases: p.Cases, Open: p.ByOutcome["open"],
		Breaches: len(p.Breaches), BreachesMissed: p.BreachesMissed}
}
