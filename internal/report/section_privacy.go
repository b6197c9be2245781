package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
)

func privacySection(f *Facts) Section {
	s := Section{Title: "Privacy cases", Missing: f.list(secPrivacy),
		Source: "Cases of patient-record access that no care relationship explains, and the outcomes recorded on them, as vigil serve saved them in the data folder."}
	s.Source += " Patient access reports from the record the console and vigil privacy report keep (" + privacy.StateDir + "/" + privacy.PatientReportsFile + ")."
	p := f.Privacy
	if p == nil {
		s.Paras = append(s.Paras, patientReportsPara(f.PatientReports)...)
		return s
	}
	s.Paras = append(s.Paras, fmt.Sprintf("The last analysis (%s) read %d accesses to patients' records, explained %d and raised %d cases; %d decisions are recorded.",
		stamp(p.AnalysedAt), p.Accesses, p.Explained, p.Cases, p.Decided))
	if p.TimeToDecision.N > 0 {
		s.Paras = append(s.Paras, fmt.Sprintf("Time from a case being raised to its outcome: median %s, longest %s, over %d cases.",
			roundDuration(p.TimeToDecision.Median), roundDuration(p.TimeToDecision.Max), p.TimeToDecision.N))
	}
	s.Paras = append(s.Paras, patientReportsPara(f.PatientReports)...)
	s.Tables = append(s.Tables, countTable("Cases by kind", "Kind", p.ByKind), countTable("Cases by outcome", "Outcome", p.ByOutcome))
	t := Table{Caption: "Reportable breaches and the 72-hour clock", Head: []string{"Case", "Confirmed", "Deadline", "Reported", "Within 72 hours"},
		Empty: "No case has been confirmed as a reportable breach."}
	for _, b := range p.Breaches {
		met := "no"
		switch {
		case b.Met:
			met = "yes"
		case !b.Overdue:
			met = "clock running"
		}
		reported := "not yet"
		if !b.Reported.IsZero() {
			reported = stamp(b.Reported)
		}
		t.Rows = append(t.Rows, []string{b.CaseID, stamp(b.Confirmed), stamp(b.Deadline), reported, met})
	}
	s.Tables = append(s.Tables, t)
	return s
}

// countTable lists counts by name, largest first.
func countTable(caption, head string, m map[string]int) Table {
	t := Table{Caption: caption, Head: []string{head, "Cases"}, Empty: "None."}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	for _, k := range names {
		t.Rows = append(t.Rows, []string{k, num(m[k])})
	}
	return t
}

func roundDuration(d time.Duration) string {
	if d >= time.Hour {
		return d.Round(time.Hour).String()
	}
	return d.Round(time.Minute).String()
}

// patientReportsPara says how many patient access reports were given in
// the period, and in which formats; nothing when the record is unread.
func patientReportsPara(c *privacy.PatientReportCounts) []string {
	switch {
	case c == nil:
		return nil
	case c.Reports == 0:
		return []string{"No patient access report was produced in the period. Reports are counted when a privacy officer downloads one in the console or runs vigil privacy report with the data folder."}
	}
	formats := make([]string, 0, len(c.ByFormat))
	for _, k := range slices.Sorted(maps.Keys(c.ByFormat)) {
		formats = append(formats, fmt.Sprintf("%s %d", k, c.ByFormat[k]))
	}
	return []string{fmt.Sprintf("%d patient access reports were given in the period, to %d patients (%s), each telling the patient who opened their record and why.",
		c.Reports, c.Patients, strings.Join(formats, ", "))}
}
