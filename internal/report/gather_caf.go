package report

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/flow"
)

// TargetProfile is the CAF profile the organisation is held to when the
// framework defines one; the DSPT asks NHS bodies to meet the baseline.
const TargetProfile = "baseline"

func gatherCAF(ctx context.Context, f *Facts, src *Sources, o Options) {
	path := o.CAF
	if path == "" {
		b, err := readNamed(src.Data, CAFFile)
		if err != nil {
			f.missing(secCAF, "No CAF framework file is recorded in the data folder: give --caf FILE (the CAF YAML you are assessed against) for the outcome heat map.")
			return
		}
		path = strings.TrimSpace(string(b))
	}
	fw, err := assure.Load(path)
	if err != nil {
		f.missing(secCAF, "The CAF framework could not be read: "+err.Error())
		return
	}
	addSupplement(f, fw, src, o)
	f.Framework = fw
	evs, err := assure.Collect(ctx, f.asOf(), collectors(f)...)
	if err != nil {
		f.missing(secCAF, "Some evidence could not be collected: "+err.Error())
	}
	f.Evidence = knownEvidence(f, fw, append(evs, recordedEvidence(ctx, f, src.Assurance)...))
	answers, _ := assure.AnswersFrom(f.Evidence, f.asOf())
	f.Results = assure.AssessAll(fw, answers)
	if f.Target, err = fw.Profile(TargetProfile); err != nil {
		f.missing(secCAF, "CAF "+fw.Version+" defines no baseline profile: set a target profile to see gaps.")
	} else {
		f.Gaps = assure.Gaps(fw, f.Results, f.Target)
	}
	if src.Assurance != nil {
		if f.History, err = src.Assurance.History(ctx); err != nil {
			f.missing(secCAF, "The assessment history could not be read: "+err.Error())
		}
	}
	if len(f.History) == 0 {
		f.missing(secCAF, "No earlier assessment is recorded (vigil report board --record keeps one), so no trend is shown yet.")
	}
}

// readNamed reads a file of the data folder data that names another; an
// empty data is no folder.
func readNamed(data, name string) ([]byte, error) {
	if data == "" {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(filepath.Join(data, name))
}

// recordedEvidence is the evidence people recorded (a policy signed off,
// an exercise run), which joins what the collectors find.
func recordedEvidence(ctx context.Context, f *Facts, st AssuranceStore) []assure.Evidence {
	if st == nil {
		return nil
	}
	evs, err := st.Evidence(ctx)
	if err != nil {
		f.missing(secCAF, "The evidence recorded by people could not be read: "+err.Error())
	}
	return evs
}

// addSupplement adds the supplement given, or named in the data folder.
func addSupplement(f *Facts, fw *assure.Framework, src *Sources, o Options) {
	path := o.CAFSupplement
	if path == "" {
		b, err := readNamed(src.Data, SupplementFile)
		if err != nil {
			return // a supplement is optional
		}
		path = strings.TrimSpace(string(b))
	}
	if err := fw.LoadSupplement(path); err != nil {
		f.missing(secCAF, "The supplement to the framework could not be read: "+err.Error())
	}
}

// knownEvidence keeps the evidence whose indicators the framework has: the
// collectors speak in CAF v3.2's ids, which another version may not share.
func knownEvidence(f *Facts, fw *assure.Framework, evs []assure.Evidence) []assure.Evidence {
	var out []assure.Evidence
	dropped := 0
	for _, e := range evs {
		if assure.CheckEvidence(fw, []assure.Evidence{e}) == nil {
			out = append(out, e)
		} else {
			dropped++
		}
	}
	if dropped > 0 {
		f.missing(secCAF, "Some of Vigil's evidence names CAF v3.2 indicators that CAF "+fw.Version+" does not have, and was left out.")
	}
	return out
}

// collectors turn the gathered figures into evidence.
func collectors(f *Facts) []assure.Collector {
	cs := []assure.Collector{
		collect.MonitoringCollector(monitoringFigures(f)),
		collect.LogsCollector(logFigures(f)),
		collect.AlertsCollector(alertFigures(f)),
		collect.IncidentsCollector(incidentFigures(f)),
	}
	if f.KEVName != "" {
		cs = append(cs, collect.EstateCollector(estateFigures(f)))
	}
	if n := len(f.Training); n > 0 {
		cs = append(cs, collect.TrainingCollector(trainingFigures(f)))
	}
	if f.Privacy != nil && f.Framework != nil {
		cs = append(cs, collect.PrivacyCollector(privacyFigures(f.Privacy), f.Framework.SupplementTargets()))
	}
	if r := f.PatientReports; r != nil && f.Framework != nil {
		cs = append(cs, collect.PatientReportsCollector(collect.PatientReports{Reports: r.Reports, Patients: r.Patients}, f.Framework.SupplementTargets()))
	}
	if f.Phishing != nil {
		o := f.Phishing.Overall
		cs = append(cs, collect.PhishingCollector(collect.Phishing{Campaigns: len(f.Phishing.Campaigns), ReportRate: o.ReportRate, ClickRate: o.ClickRate}))
	}
	return cs
}

func monitoringFigures(f *Facts) collect.Monitoring {
	m := collect.Monitoring{Events: f.Events, Sources: len(f.Sources)}
	hosts, network := map[string]bool{}, map[string]bool{}
	for _, s := range f.Sources {
		if s.State != "ok" {
			m.Silent++
		}
		if s.Expected >= 0 {
			m.Baselined++
		}
		if s.Key.Listener == "syslog" {
			network[strings.ToLower(s.Key.Host)] = true
		} else if s.Key.Listener != "hl7" {
			hosts[strings.ToLower(s.Key.Host)] = true
		}
	}
	m.HostSources, m.NetworkSources = len(hosts), len(network)
	return m
}

// silent lists the sources not in their normal state.
func silent(ss []flow.SourceStatus) []flow.SourceStatus {
	var out []flow.SourceStatus
	for _, s := range ss {
		if s.State != "ok" {
			out = append(out, s)
		}
	}
	return out
}

func logFigures(f *Facts) collect.Logs {
	l := collect.Logs{TokenRequired: true}
	for _, s := range f.Logs {
		l.Stores = append(l.Stores, collect.StoreCheck{Name: s.Name, Records: s.Records, Err: s.Err})
	}
	for _, sub := range []string{"events", "alerts", "wal"} {
		if f.Data == "" {
			break // no data folder: the stores are a database's
		}
		filepath.WalkDir(filepath.Join(f.Data, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Mode().Perm()&0o002 != 0 {
				l.OpenToOthers = append(l.OpenToOthers, filepath.Join(sub, d.Name()))
			}
			return nil
		})
	}
	return l
}

func alertFigures(f *Facts) collect.Alerts {
	a := collect.Alerts{Events: f.Events, Total: len(f.Alerts), Incidents: len(f.Incidents), ThreatFeed: f.KEVName, ThreatFeedDate: f.KEVDate}
	for _, x := range f.Alerts {
		if x.Host != "" {
			a.WithHost++
		}
		if _, ok := firstChange(x.History, ""); ok {
			a.Triaged++
		}
		if x.Status == alert.StatusClosed && closeReason(x.History) != "" {
			a.ClosedWithReason++
		}
	}
	return a
}

func incidentFigures(f *Facts) collect.Incidents {
	n := collect.Incidents{Total: len(f.Incidents)}
	for _, inc := range f.Incidents {
		if inc.Status != alert.StatusClosed {
			continue
		}
		n.Closed++
		for _, note := range inc.History {
			if note.Action == "comment" && note.By != alert.ByVigil {
				n.ClosedWithNotes++
				break
			}
		}
	}
	return n
}

func estateFigures(f *Facts) collect.Estate {
	e := collect.Estate{Assets: len(f.Findings)}
	for _, x := range f.Findings {
		if x.EOLKnown {
			e.SupportKnown++
		}
		if x.EOL {
			e.Unsupported++
			if f.Register != nil {
				if r := f.Register.Entry(x.Name); r != nil && r.Mitigation != "" {
					e.Mitigated++
				}
			}
		}
		if len(x.KEV) > 0 {
			e.KEVAssets++
		}
		if x.Ransomware {
			e.Ransomware++
		}
	}
	return e
}

func trainingFigures(f *Facts) collect.Training {
	last := f.Training[len(f.Training)-1]
	t := collect.Training{Staff: f.StaffCount, WithoutRecord: f.WithoutRecord, Required: last.Overall.Required,
		Current: last.Overall.Current + last.Overall.Expiring, Guided: last.Overall.GuidanceReceived}
	for _, g := range last.Groups {
		if g.Required > 0 && g.Current+g.Expiring == 0 {
			t.Untrained = append(t.Untrained, g.Group)
		}
	}
	return t
}

// Record appends the report's CAF assessment to the history in st (the
// Assurance of the report's Sources) so that later reports show which
// outcomes moved.
func Record(ctx context.Context, st AssuranceStore, f *Facts) error {
	if f.Framework == nil {
		return fmt.Errorf("report: no CAF assessment to record (give --caf FILE)")
	}
	if st == nil {
		return fmt.Errorf("report: no assessment history is kept here to record the assessment in")
	}
	if err := st.AppendAssessment(ctx, assure.Assessment{At: f.asOf(), Framework: f.Framework.Version, Results: f.Results}); err != nil {
		return fmt.Errorf("report: record the assessment: %w", err)
	}
	return nil
}
