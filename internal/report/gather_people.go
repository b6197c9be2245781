package report

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

func gatherPeople(ctx context.Context, f *Facts, r PeopleReader, o Options) {
	saved, ok, err := loadPeople(ctx, r)
	if err != nil {
		f.missing(secPeople, "The people data in the data folder could not be read: "+err.Error())
		ok = false
	}
	switch {
	case o.Staff != "" && o.Training != "":
		if err := gatherTraining(f, o); err != nil {
			f.missing(secPeople, "The training figures could not be read: "+err.Error())
		}
	case ok && len(saved.Imported.Staff) > 0 && len(saved.Imported.Training) > 0:
		savedTraining(f, saved)
	default:
		f.missing(secPeople, "No staff directory and training records (vigil people import --staff FILE --training FILE, or --staff and --training here): training completion is not known.")
	}
	if ok {
		savedActivity(f, saved)
	}
	switch {
	case o.Phishing != "":
		gatherPhishingFile(f, o.Phishing)
	case ok && len(saved.Imported.Campaigns) > 0:
		fig := people.Phishing(saved.Imported.Campaigns)
		f.Phishing = &fig
	default:
		f.missing(secPeople, "No phishing simulation results (vigil people import --gophish FILE, or --phishing here): report and click rates are not known.")
	}
}

// loadPeople reads the people data of r; ok is false when there is none
// (no store, or a data folder without people data).
func loadPeople(ctx context.Context, r PeopleReader) (s people.Saved, ok bool, err error) {
	switch r := r.(type) {
	case nil:
		return s, false, nil
	case *folderPeople:
		return r.load() // read whole, with the folder's own Pulse
	}
	if s.Imported, err = r.LoadImported(ctx); err != nil {
		return s, false, err
	}
	if s.Reports, err = r.ListReports(ctx); err != nil {
		return s, false, err
	}
	if s.Guidance, err = r.ListGuidance(ctx); err != nil {
		return s, false, err
	}
	if len(s.Imported.Staff) > 0 {
		if s.Pulse, err = pulseOf(ctx, r, s.Imported.Staff); err != nil {
			return s, false, err
		}
	}
	return s, true, nil
}

// pulseOf weights r's pulse counts by the staff directory, as
// people.LoadSaved does for a data folder.
func pulseOf(ctx context.Context, r PeopleReader, staff []people.Person) (*people.Pulse, error) {
	counts, err := r.PulseCounts(ctx)
	if err != nil {
		return nil, err
	}
	d, err := people.NewDirectory(staff)
	if err != nil {
		return nil, err
	}
	p := people.NewPulse(d)
	if err := p.AddCounts(counts); err != nil {
		return nil, err
	}
	return p, nil
}

func gatherPhishingFile(f *Facts, path string) {
	file, err := os.Open(path)
	if err != nil {
		f.missing(secPeople, "The phishing results could not be read: "+err.Error())
		return
	}
	defer file.Close()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	c, err := people.ReadGoPhishCSV(file, path, name)
	if err != nil {
		f.missing(secPeople, "The phishing results could not be read: "+err.Error())
		return
	}
	fig := people.Phishing([]people.Campaign{c})
	f.Phishing = &fig
}

// savedTraining rolls up the imported directory and records, counting
// the guidance given as training touches.
func savedTraining(f *Facts, saved people.Saved) {
	dir, err := people.NewDirectory(saved.Imported.Staff)
	if err != nil {
		f.missing(secPeople, "The imported staff directory could not be used: "+err.Error())
		return
	}
	recs := saved.Imported.Training
	touches := make([]people.Touch, len(saved.Guidance))
	for i, m := range saved.Guidance {
		touches[i] = people.Touch{StaffID: m.StaffID, Topic: m.Topic, At: m.At, AlertID: m.AlertID}
	}
	tr := people.NewTraining(dir, recs)
	reqs := securityCourses(recs)
	for _, at := range monthEnds(f.Period, f.asOf()) {
		f.Training = append(f.Training, tr.Rollup(at, reqs, touches))
	}
	f.StaffCount = dir.Len()
	f.WithoutRecord = withoutRecord(dir, recs)
}

// savedActivity counts the phishing reports and guidance of the period
// and takes the pulse rounds' results.
func savedActivity(f *Facts, saved people.Saved) {
	for _, r := range saved.Reports {
		if f.Period.Contains(r.ReportedAt) {
			f.StaffReports++
		}
	}
	for _, m := range saved.Guidance {
		if f.Period.Contains(m.At) {
			f.GuidanceSent++
		}
	}
	if saved.Pulse == nil {
		return
	}
	trend, err := saved.Pulse.Trend()
	if err != nil {
		f.missing(secPeople, "The staff pulse could not be weighted: "+err.Error())
		return
	}
	f.Pulse = trend
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
