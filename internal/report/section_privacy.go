package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

func privacySection(f *Facts) Section {
	s := Section{Title: "Privacy cases", Missing: f.list(secPrivacy),
		Source: "Cases of patient-record access that no care relationship explains, and the outcomes recorded on them, as vigil serve saved them in the data folder."}
	p := f.Privacy
	if p == nil {
		return s
	}
	s.Paras = append(s.Paras, fmt.Sprintf("The last analysis (%s) read %d accesses to patients' records, explained %d and raised %d cases; %d decisions are recorded.",
		stamp(p.AnalysedAt), p.Accesses, p.Explained, p.Cases, p.Decided))
	if p.TimeToDecision.N > 0 {
		s.Paras = append(s.Paras, fmt.Sprintf("Time from a case being raised to its outcome: median %s, longest %s, over %d cases.",
			roundDuration(p.TimeToDecision.Median), roundDuration(p.TimeToDecision.Max), p.TimeToDecision.N))
	}
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
