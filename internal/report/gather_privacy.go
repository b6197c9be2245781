package report

import (
	"context"

	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// gatherPrivacy reads the patient-data guardian's saved cases and
// decisions (vigil serve keeps them in the data folder, an analysis saved
// in the shared database on an API node) and the patient access reports.
func gatherPrivacy(ctx context.Context, f *Facts, src *Sources) {
	var sum privacy.SavedSummary
	var err error
	if src.Privacy != nil {
		sum, err = src.Privacy.PrivacySummary(ctx, f.Generated)
	}
	switch {
	case err != nil:
		f.missing(secPrivacy, "The saved privacy cases could not be read: "+err.Error())
	case !sum.Analysed && sum.Decided == 0:
		f.missing(secPrivacy, "The data folder holds no privacy cases: vigil serve has not analysed accesses to patients' records here (it needs audit and ADT events).")
	default:
		f.Privacy = &sum
	}
	gatherPatientReports(ctx, f, src.PatientReports)
}

// gatherPatientReports counts the patient access reports produced in the
// period, from the record the console and vigil privacy report keep.
func gatherPatientReports(ctx context.Context, f *Facts, r PatientReportReader) {
	if r == nil {
		f.missing(secPrivacy, "The record of patient access reports is kept in the single process's data folder (role all) only: reports given are not counted here.")
		return
	}
	recs, err := r.PatientReports(ctx)
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
