package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// trustStores are the stores a report reads, open for writing: a data
// folder's or the shared database's.
type trustStores struct {
	alerts    alert.Store
	events    eventstore.Store
	estate    estate.Store
	people    *people.Store
	cases     privacy.CaseStore
	decisions privacy.DecisionStore
	assure    assure.Store
}

// folderStores opens the stores of a new data folder.
func folderStores(t *testing.T, data string) trustStores {
	t.Helper()
	as, err := alert.OpenFileStore(filepath.Join(data, "alerts"))
	if err != nil {
		t.Fatal(err)
	}
	es, err := eventstore.Open(filepath.Join(data, "events"), eventstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := people.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(data, privacy.StateDir)
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	dl, err := privacy.OpenDecisionLog(filepath.Join(state, privacy.DecisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	au, err := assure.OpenFileStore(data)
	if err != nil {
		t.Fatal(err)
	}
	return trustStores{alerts: as, events: es, estate: estate.NewFileStore(data), people: ps,
		cases: privacy.NewCaseFile(state), decisions: dl, assure: au}
}

// postgresStores are the shared database's stores, as an API node has them.
func postgresStores(t *testing.T, db *pgstore.DB) trustStores {
	t.Helper()
	ps, err := people.NewStore(db.People())
	if err != nil {
		t.Fatal(err)
	}
	return trustStores{alerts: db.Alerts(), events: db.Events(eventstore.Options{}), estate: db.Estate(), people: ps,
		cases: db.PrivacyCases(), decisions: db.PrivacyDecisions(), assure: db.Assure()}
}

func (s trustStores) close() {
	s.alerts.Close()
	s.events.Close()
	s.people.Close()
	s.decisions.Close()
	s.assure.Close()
}

// period is the quarter the tests report on; at is after it ended.
var (
	periodQ2 = Period{Name: "2026-Q2", Start: time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)}
	afterQ2  = time.Date(2026, 9, 20, 12, 0, 0, 0, time.UTC)
)

// periodAlerts are alerts around periodQ2: the report shows the first
// three (last seen in it, first seen in it and last seen after, last
// seen at its first instant), not the ones before or after it.
func periodAlerts() ([]*alert.Alert, []*alert.Incident) {
	p := periodQ2
	mk := func(id, level string, first, last time.Time) *alert.Alert {
		return &alert.Alert{ID: id, RuleID: "r-" + id, RuleTitle: "Rule " + id, Level: level, Host: "WARD-PC-01", Key: "k",
			Count: 2, FirstSeen: first, LastSeen: last, Status: alert.StatusOpen, IncidentID: "inc-" + id}
	}
	as := []*alert.Alert{
		mk("in", "high", p.Start.Add(48*time.Hour), p.Start.Add(50*time.Hour)),
		mk("spans-end", "critical", p.End.Add(-time.Hour), p.End.Add(24*time.Hour)),
		mk("at-start", "low", p.Start.Add(-time.Hour), p.Start),
		mk("before", "medium", p.Start.Add(-72*time.Hour), p.Start.Add(-time.Second)),
		mk("after", "high", p.End, p.End.Add(time.Hour)),
	}
	inc := func(id string, first, last time.Time, merged string) *alert.Incident {
		return &alert.Incident{ID: id, Title: "Incident " + id, Level: "high", Status: alert.StatusOpen, FirstSeen: first, LastSeen: last,
			AlertIDs: []string{id}, Hosts: []string{"WARD-PC-01"}, MergedInto: merged}
	}
	is := []*alert.Incident{
		inc("inc-in", p.Start.Add(48*time.Hour), p.Start.Add(50*time.Hour), ""),
		inc("inc-merged", p.Start.Add(49*time.Hour), p.Start.Add(49*time.Hour), "inc-in"),
		inc("inc-before", p.Start.Add(-72*time.Hour), p.Start.Add(-time.Hour), ""),
	}
	return as, is
}

// periodEvents: two in the period, one before it, and the System event
// 6009 that states a ward PC's Windows 7 build.
func periodEvents() []eventstore.Record {
	p := periodQ2
	return storetest.Records(1,
		storetest.Event{Time: p.Start.Add(-time.Hour), Host: "WARD-PC-01", Source: "http", Fields: [][2]string{{"EventID", "4624"}}},
		storetest.Event{Time: p.Start.Add(time.Hour), Host: "WARD-PC-01", Source: "http", Fields: [][2]string{{"EventID", "4625"}}},
		storetest.Event{Time: p.Start.Add(2 * time.Hour), Host: "WARD-PC-01", Source: "http",
			Fields: [][2]string{{"Channel", "System"}, {"Provider_Name", "EventLog"}, {"EventID", "6009"}, {"Data", "6.01."}, {"Data", "7601"}}},
	)
}

// fill puts the same trust into s through each store's own API.
func fill(t *testing.T, s trustStores, in string) {
	t.Helper()
	ctx := context.Background()
	as, is := periodAlerts()
	if err := s.alerts.Commit(ctx, 1, as, is); err != nil {
		t.Fatal(err)
	}
	if _, err := s.alerts.UpdateAlert(ctx, "in", alert.Change{Status: alert.StatusClosed, Reason: "false_positive", By: "sam",
		At: periodQ2.Start.Add(51 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.events.Append(ctx, periodEvents()); err != nil {
		t.Fatal(err)
	}
	if err := s.estate.PutRegisterEntries(ctx, estate.RegisterEntry{Asset: "pacs-ws1", Reason: "modality", Mitigation: "VLAN", Owner: "Imaging",
		SupportEnd: afterQ2.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.estate.SaveLearned(ctx, "", []estate.Asset{{Name: "LAB-PC", OS: "Windows", OSVersion: "10.0.19045", Sources: []string{"events"}}}); err != nil {
		t.Fatal(err)
	}
	fillPeople(t, s.people, in)
	sc := &privacy.SavedCases{AnalysedAt: afterQ2.Add(-time.Hour), Summary: privacy.Summary{Accesses: 900, Explained: 880, Cases: 2},
		Cases:  []privacy.Case{{ID: "PC-1", Kinds: []string{"colleague"}}, {ID: "PC-2", Kinds: []string{"family"}}},
		Raised: map[string]time.Time{"PC-1": afterQ2.Add(-48 * time.Hour), "PC-2": afterQ2.Add(-30 * time.Hour)}}
	if err := s.cases.SaveCases(ctx, sc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.decisions.Record("PC-1", privacy.OutcomeAppropriate, "priya", "on the ward", afterQ2.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.assure.AppendAssessment(ctx, assure.Assessment{At: periodQ2.Start.Add(-time.Hour), Framework: "3.2",
		Results: []assure.Result{{Outcome: "C1.a", Status: assure.NotAchieved}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.assure.RecordEvidence(ctx, assure.Evidence{ID: "exercise-2026", Indicators: []string{"D1.a.1"}, Holds: false,
		Summary: "response plan exercised", Source: "manual", Owner: "CISO", Collected: periodQ2.Start.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// fillPeople imports a staff directory and training, and takes a phishing
// report, guidance and pulse answers.
func fillPeople(t *testing.T, st *people.Store, in string) {
	t.Helper()
	ctx := context.Background()
	write := func(name, body string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var staff strings.Builder
	staff.WriteString("staff_id,name,email,staff_group,site\n")
	for i := range 24 {
		c := string(rune('a' + i))
		staff.WriteString(strings.Join([]string{"s" + c, "Person " + c, "p" + c + "@trust.example", []string{"Nursing", "Medical"}[i%2], "North"}, ",") + "\n")
	}
	files := people.ImportFiles{Staff: write("staff.csv", staff.String()),
		Training: write("training.csv", "staff_id,course,completed,validity\nsa,Data Security Awareness,2026-01-01,12 months\n")}
	if _, err := st.Import(ctx, files, periodQ2.Start); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddReport(ctx, people.Report{Reporter: "pa@trust.example", ReportedAt: periodQ2.Start.Add(time.Hour), Via: "api"}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordGuidance(people.Message{StaffID: "sb", Topic: people.TopicClickedLink, At: periodQ2.Start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		r := people.Response{Round: "2026-Q2", Group: []string{"Nursing", "Medical"}[i%2], Site: "North"}
		r.Answers[people.QRole] = people.Agree
		if err := st.SubmitPulse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// comparable are the Facts both sources must agree on, as JSON.
func comparable(t *testing.T, f *Facts) string {
	t.Helper()
	if f.Privacy != nil {
		p := *f.Privacy
		p.AsOf = time.Time{} // the folder's summary counts as of the wall clock
		f.Privacy = &p
	}
	incIDs := func(is []*alert.Incident) []string {
		var out []string
		for _, i := range is {
			out = append(out, i.ID)
		}
		slices.Sort(out)
		return out
	}
	b, err := json.MarshalIndent(map[string]any{
		"alerts": alertIDsOf(f.Alerts), "incidents": incIDs(f.Incidents), "events": f.Events, "sources": f.Sources,
		"findings": f.Findings, "register": f.Register, "kev": f.KEVName, "training": f.Training, "staff": f.StaffCount,
		"without_record": f.WithoutRecord, "phishing": f.Phishing, "staff_reports": f.StaffReports, "guidance": f.GuidanceSent,
		"pulse": f.Pulse, "privacy": f.Privacy, "patient_reports": f.PatientReports, "evidence": f.Evidence, "results": f.Results,
		"gaps": f.Gaps, "history": f.History, "logs": f.Logs, "missing": f.Missing,
	}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSameFactsFromFolderAndPostgres: the same trust, put through the
// stores' own APIs into a data folder and into PostgreSQL, gives the same
// figures, sections and missing notes, and the same board pack, whether
// gathered from the folder or from the database's stores.
func TestSameFactsFromFolderAndPostgres(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	fs := folderStores(t, data)
	fill(t, fs, in)
	fs.close()
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	ps := postgresStores(t, db)
	fill(t, ps, in)
	defer ps.close()

	folder := FolderSources(data)
	defer folder.Close()
	// The flow profile and the patient-report record are a data folder's
	// only: both read the folder's (it has neither).
	shared := &Sources{Data: data, Alerts: db.Alerts(), Events: db.Events(eventstore.Options{}), Estate: db.Estate(), People: db.People(),
		Privacy: PrivacyStores{Cases: db.PrivacyCases(), Decisions: db.PrivacyDecisions()}, Assurance: db.Assure(),
		Flow: folder.Flow, PatientReports: folder.PatientReports}
	o := Options{Period: periodQ2, Now: afterQ2, CAF: sharedtest.Path(t, "caf", "caf-v3.2.yaml")}
	var facts [2]*Facts
	for i, src := range []*Sources{folder, shared} {
		f, err := GatherFrom(context.Background(), src, o)
		if err != nil {
			t.Fatal(err)
		}
		facts[i] = f
	}
	from, pg := comparable(t, facts[0]), comparable(t, facts[1])
	if from != pg {
		t.Fatalf("the facts differ:\nfolder:   %s\npostgres: %s", from, pg)
	}
	f := facts[1]
	want := []string{"at-start open", "in closed", "spans-end open"}
	if got := alertIDsOf(f.Alerts); !slices.Equal(got, want) {
		t.Errorf("alerts of the period: %v, want %v", got, want)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"incidents: inc-in only (the merged and the earlier one left out)", len(f.Incidents) == 1 && f.Incidents[0].ID == "inc-in"},
		{"2 events in the period", f.Events == 2},
		{"the learned and the event-stated assets", len(f.Findings) == 2},
		{"the register", f.Register != nil && f.Register.Entry("pacs-ws1") != nil},
		{"24 staff and a month-end rollup", f.StaffCount == 24 && len(f.Training) > 0},
		{"one report, one guidance, one pulse round of 20", f.StaffReports == 1 && f.GuidanceSent == 1 && len(f.Pulse) == 1 && f.Pulse[0].Respondents == 20},
		{"privacy: 2 cases, one decided", f.Privacy != nil && f.Privacy.Cases == 2 && f.Privacy.Decided == 1},
		{"the history", len(f.History) == 1},
		{"the recorded evidence", hasEvidence(f.Evidence, "exercise-2026")},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so", c.what)
		}
	}
	var html [2]bytes.Buffer
	for i, f := range facts {
		if err := WriteHTML(&html[i], Board(f)); err != nil {
			t.Fatal(err)
		}
	}
	if html[0].String() != html[1].String() {
		t.Error("the board packs differ")
	}
	if err := Record(context.Background(), shared.Assurance, f); err != nil {
		t.Fatal(err)
	}
	if h, err := db.Assure().History(context.Background()); err != nil || len(h) != 2 {
		t.Errorf("after Record the database's history holds %d assessments (%v), want 2", len(h), err)
	}
}

func alertIDsOf(as []*alert.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID+" "+a.Status)
	}
	slices.Sort(out)
	return out
}

func hasEvidence(evs []assure.Evidence, id string) bool {
	return slices.ContainsFunc(evs, func(e assure.Evidence) bool { return e.ID == id })
}
