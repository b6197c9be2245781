package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

func gatherPeople(f *Facts, o Options) {
	if o.Staff == "" || o.Training == "" {
		f.missing(secPeople, "No staff directory and training records given (--staff, --training): training completion is not known.")
	} else if err := gatherTraining(f, o); err != nil {
		f.missing(secPeople, "The training figures could not be read: "+err.Error())
	}
	if o.Phishing == "" {
		f.missing(secPeople, "No phishing simulation results given (--phishing): report and click rates are not known.")
		return
	}
	file, err := os.Open(o.Phishing)
	if err != nil {
		f.missing(secPeople, "The phishing results could not be read: "+err.Error())
		return
	}
	defer file.Close()
	name := strings.TrimSuffix(filepath.Base(o.Phishing), filepath.Ext(o.Phishing))
	c, err := people.ReadGoPhishCSV(file, o.Phishing, name)
	if err != nil {
		f.missing(secPeople, "The phishing results could not be read: "+err.Error())
		return
	}
	fig := people.Phishing([]people.Campaign{c})
	f.Phishing = &fig
}

func gatherTraining(f *Facts, o Options) error {
	sf, err := os.Open(o.Staff)
	if err != nil {
		return err
	}
	defer sf.Close()
	dir, err := people.ReadStaffCSV(sf, o.Staff)
	if err != nil {
		return err
	}
	tf, err := os.Open(o.Training)
	if err != nil {
		return err
	}
	defer tf.Close()
	recs, err := people.ReadTrainingCSV(tf, o.Training)
	if err != nil {
		return err
	}
	tr := people.NewTraining(dir, recs)
	reqs := securityCourses(recs)
	for _, at := range monthEnds(f.Period, f.asOf()) {
		f.Training = append(f.Training, tr.Rollup(at, reqs, nil))
	}
	f.StaffCount = dir.Len()
	f.WithoutRecord = withoutRecord(dir, recs)
	return nil
}

// securityCourses are the courses everyone must hold: those whose name
// speaks of security or cyber (the NHS's Data Security Awareness), or
// every course when none does.
func securityCourses(recs []people.Record) []people.Requirement {
	var all, sec []string
	for _, r := range recs {
		if slices.Contains(all, r.Course) {
			continue
		}
		all = append(all, r.Course)
		if l := strings.ToLower(r.Course); strings.Contains(l, "security") || strings.Contains(l, "cyber") {
			sec = append(sec, r.Course)
		}
	}
	if len(sec) == 0 {
		sec = all
	}
	reqs := make([]people.Requirement, len(sec))
	for i, c := range sec {
		reqs[i] = people.Requirement{Course: c}
	}
	return reqs
}

// withoutRecord counts the people with no training record at all.
func withoutRecord(dir *people.Directory, recs []people.Record) int {
	has := map[string]bool{}
	for _, r := range recs {
		has[r.StaffID] = true
		has[strings.ToLower(r.Email)] = true
	}
	n := 0
	for _, p := range dir.People() {
		if !has[p.ID] && !has[strings.ToLower(p.Email)] {
			n++
		}
	}
	return n
}

// monthEnds lists the last moment of each month of p up to at, and at
// itself, so a trend reaches the present.
func monthEnds(p Period, at time.Time) []time.Time {
	var out []time.Time
	for m := p.Start.AddDate(0, 1, 0); !m.After(p.End) && m.Before(at); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Add(-time.Second))
	}
	return append(out, at)
}
