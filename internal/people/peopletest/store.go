package peopletest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// RunStore runs people.Store's own behaviour (imports, the pulse and its
// links, phishing reports, guidance) over the DataStores open
// gives, so that the service behaves the same whichever keeps its data.
func RunStore(t *testing.T, open Opener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[Opener]{
		{Name: "Import", Fn: testStoreImport},
		{Name: "ImportRefused", Fn: testStoreImportRefused},
		{Name: "Refresh", Fn: testStoreRefresh},
		{Name: "RefreshConcurrent", Fn: testStoreRefreshConcurrent},
		{Name: "Pulse", Fn: testStorePulse},
		{Name: "PulseRefused", Fn: testStorePulseRefused},
		{Name: "Reports", Fn: testStoreReports},
		{Name: "Guidance", Fn: testStoreGuidance},
	})
}

// OpenStore makes a Store over the DataStore open gives for dir, closed
// when the test ends.
func OpenStore(t *testing.T, open Opener, dir string) *people.Store {
	t.Helper()
	ds := open(t, dir)
	s, err := people.NewStore(ds)
	if err != nil {
		ds.Close()
		t.Fatalf("NewStore: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// reopenStore closes s and makes a Store over dir again.
func reopenStore(t *testing.T, s *people.Store, open Opener, dir string) *people.Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return OpenStore(t, open, dir)
}

// Input files of an import: four nurses and two doctors at two sites,
// their training, and one phishing simulation.
const (
	staffCSV = `staff_id,name,email,staff_group,site
E1,Aisha Khan,aisha.khan@trust.nhs.uk,Nursing,General
E2,Ben Turner,ben.turner@trust.nhs.uk,Nursing,General
E3,Carys Evans,carys.evans@trust.nhs.uk,Nursing,Riverside
E4,Dev Patel,dev.patel@trust.nhs.uk,Nursing,Riverside
E5,Erin Walsh,erin.walsh@trust.nhs.uk,Medical,General
E6,Femi Ade,femi.ade@trust.nhs.uk,Medical,Riverside
`
	trainingCSV = `staff_id,course,completed,validity
E1,Data Security Awareness,2025-03-15,12 months
E2,Data Security Awareness,15/03/2025,12 months
E9,Data Security Awareness,2025-03-15,12 months
`
	goPhishCSV = `id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position
a1,Email Sent,,0,0,2025-09-01T09:00:00Z,true,2025-09-01T09:04:00Z,aisha.khan@trust.nhs.uk,Aisha,Khan,Staff Nurse
a2,Clicked Link,,0,0,2025-09-01T09:00:00Z,false,2025-09-01T10:00:00Z,ben.turner@trust.nhs.uk,Ben,Turner,Staff Nurse
`
	badTrainingCSV = "staff_id,course,completed\nE1,Fire Safety,2024-01-10\nE2,Fire Safety,12/31/2025\n"
	// newStaffCSV is staffCSV with one more person, in a group and at a
	// site of their own.
	newStaffCSV = staffCSV + "E7,Gwen Hale,gwen.hale@trust.nhs.uk,Estates,Harbour\n"
)

// inputs writes the import files into a folder and returns their paths
// by name.
func inputs(t *testing.T) func(string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"staff.csv": staffCSV, "training.csv": trainingCSV,
		"september.csv": goPhishCSV, "bad-training.csv": badTrainingCSV, "new-staff.csv": newStaffCSV} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return func(name string) string { return filepath.Join(dir, name) }
}

// WriteStaff writes a staff directory CSV of four nurses and two doctors
// (E1 to E6) in groups Nursing and Medical at sites General and Riverside,
// and returns its path.
func WriteStaff(t *testing.T) string { return inputs(t)("staff.csv") }

// importAll imports the staff, training and simulation files into s.
func importAll(t *testing.T, s *people.Store, in func(string) string) people.ImportSummary {
	t.Helper()
	sum, err := s.Import(ctx, people.ImportFiles{Staff: in("staff.csv"), Training: in("training.csv"),
		GoPhish: []string{in("september.csv")}}, at)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return sum
}

func testStoreImport(t *testing.T, open Opener) {
	in, dir := inputs(t), t.TempDir()
	s := OpenStore(t, open, dir)
	if s.Directory() != nil {
		t.Fatal("a new store has a directory")
	}
	sum := importAll(t, s, in)
	if want := (people.ImportSummary{Staff: 6, Training: 3, Unmatched: 1, Campaigns: 1}); sum != want {
		t.Fatalf("import summary %+v, want %+v", sum, want)
	}
	first := s.Imported()
	if first.StaffFile != "staff.csv" || first.TrainingFile != "training.csv" || !first.At.Equal(at) || first.Campaigns[0].Name != "september" {
		t.Fatalf("imported: staff file %q, training file %q, at %v, campaign %q", first.StaffFile, first.TrainingFile, first.At, first.Campaigns[0].Name)
	}
	s = reopenStore(t, s, open, dir)
	sharedtest.SameJSON(t, "imported data after reopening", s.Imported(), first)
	if d := s.Directory(); d == nil || d.Len() != 6 {
		t.Fatalf("directory after reopening: %v", d)
	}
	// The same campaign again replaces it; the staff and training stay.
	if _, err := s.Import(ctx, people.ImportFiles{GoPhish: []string{in("september.csv")}}, at.Add(time.Hour)); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if im := s.Imported(); len(im.Campaigns) != 1 || len(im.Staff) != 6 || len(im.Training) != 3 || !im.At.Equal(at.Add(time.Hour)) {
		t.Fatalf("after importing the campaign again: %d campaigns, %d staff, %d records, at %v", len(im.Campaigns), len(im.Staff), len(im.Training), im.At)
	}
	stored, err := s.DataStore().LoadImported(ctx)
	if err != nil {
		t.Fatalf("LoadImported: %v", err)
	}
	sharedtest.SameJSON(t, "what the DataStore holds", stored, s.Imported())
}

func testStoreImportRefused(t *testing.T, open Opener) {
	in, dir := inputs(t), t.TempDir()
	s := OpenStore(t, open, dir)
	importAll(t, s, in)
	before := s.Imported()
	cases := []struct {
		name  string
		files people.ImportFiles
		line  int
	}{
		{"bad training after good staff", people.ImportFiles{Staff: in("staff.csv"), Training: in("bad-training.csv")}, 3},
		{"missing file", people.ImportFiles{Training: in("no-such.csv")}, 0},
		{"no file", people.ImportFiles{}, -1},
	}
	for _, c := range cases {
		_, err := s.Import(ctx, c.files, at.Add(time.Hour))
		var ie *people.ImportError
		switch {
		case err == nil:
			t.Fatalf("%s: import taken", c.name)
		case c.line >= 0 && (!errors.As(err, &ie) || ie.Line != c.line):
			t.Fatalf("%s: error %v, want an *ImportError at line %d", c.name, err, c.line)
		}
	}
	sharedtest.SameJSON(t, "imported data after refused imports", s.Imported(), before)
	if d := s.Directory(); d == nil || d.Len() != 6 {
		t.Fatalf("directory after refused imports: %v", d)
	}
	s = reopenStore(t, s, open, dir)
	sharedtest.SameJSON(t, "imported data kept after refused imports", s.Imported(), before)
}

// answer is a pulse response from group at site agreeing with the role
// question and, when trust, trusting that patient data is protected.
func answer(round, group, site string, trust bool) people.Response {
	r := people.Response{Round: round, Group: group, Site: site}
	r.Answers[people.QRole] = people.Agree
	r.Answers[people.QTrust] = people.Disagree
	if trust {
		r.Answers[people.QTrust] = people.StronglyAgree
	}
	return r
}

func submit(t *testing.T, s *people.Store, n int, r people.Response) {
	t.Helper()
	for range n {
		if err := s.SubmitPulse(ctx, r); err != nil {
			t.Fatalf("SubmitPulse %+v: %v", r, err)
		}
	}
}

func results(t *testing.T, s *people.Store, round string) people.PulseResults {
	t.Helper()
	res, err := s.PulseResults(ctx, round)
	if err != nil {
		t.Fatalf("PulseResults %s: %v", round, err)
	}
	return res
}

func shownGroups(res people.PulseResults) string {
	var g []string
	for _, gp := range res.Groups {
		g = append(g, gp.Group)
	}
	return strings.Join(g, ",")
}

// testStorePulse: answers are counted, reach the DataStore as counts
// only, and are shown only in groups of at least ten.
func testStorePulse(t *testing.T, open Opener) {
	const round = "2026-Q1"
	in, dir := inputs(t), t.TempDir()
	s := OpenStore(t, open, dir)
	if err := s.SubmitPulse(ctx, answer(round, "Nursing", "General", true)); !errors.Is(err, people.ErrNoDirectory) {
		t.Fatalf("an answer before any directory: %v, want ErrNoDirectory", err)
	}
	if _, err := s.PulseResults(ctx, round); !errors.Is(err, people.ErrNoDirectory) {
		t.Fatalf("results before any directory: %v, want ErrNoDirectory", err)
	}
	importAll(t, s, in)
	submit(t, s, 9, answer(round, "Nursing", "General", true))
	if res := results(t, s, round); res.Respondents != 0 || len(res.Overall) != 0 || len(res.Groups) != 0 || res.Suppressed != 1 {
		t.Fatalf("nine answers: %+v, want the round suppressed", res)
	}
	submit(t, s, 3, answer(round, "Nursing", "Riverside", false))
	submit(t, s, 3, answer(round, "Medical", "General", true))
	// Twelve nurses and three doctors: the doctors are hidden, and so are
	// the nurses, or the overall figure less theirs would give the doctors'.
	res := results(t, s, round)
	if res.Respondents != 15 || len(res.Overall) == 0 || len(res.Groups) != 0 || res.Suppressed != 2 {
		t.Fatalf("12 nurses and 3 doctors: %d respondents, %d overall, groups %q, %d suppressed", res.Respondents, len(res.Overall), shownGroups(res), res.Suppressed)
	}
	if o := res.Overall[people.QRole]; o.Answered != 15 || o.Unweighted != 1 {
		t.Fatalf("overall role question: %+v, want 15 answered, all positive", o)
	}
	link := s.PulseLink(round)
	s = reopenStore(t, s, open, dir)
	if !s.CheckPulseLink(round, link) || s.CheckPulseLink("2026-Q2", link) {
		t.Fatal("the round's link changed on reopening, or works for another round")
	}
	submit(t, s, 7, answer(round, "Medical", "Riverside", true))
	res = results(t, s, round)
	if res.Respondents != 22 || shownGroups(res) != "Medical,Nursing" || res.Suppressed != 0 {
		t.Fatalf("after reopening and 7 more doctors: %d respondents, groups %q, %d suppressed", res.Respondents, shownGroups(res), res.Suppressed)
	}
	if g := res.Groups[1]; g.Respondents != 12 || g.Questions[people.QTrust].Answered != 12 || g.Questions[people.QTrust].Unweighted != 0.75 {
		t.Fatalf("nurses: %+v, want 12 of whom 9 trust", g)
	}
	trend, err := s.PulseTrend(ctx)
	if err != nil || len(trend) != 1 || trend[0].Respondents != 22 {
		t.Fatalf("PulseTrend: %+v, %v", trend, err)
	}
	countsNameNoOne(t, s)
}

// countsNameNoOne fails when the counts kept hold anything of a person.
func countsNameNoOne(t *testing.T, s *people.Store) {
	t.Helper()
	cs, err := s.DataStore().PulseCounts(ctx)
	if err != nil {
		t.Fatalf("PulseCounts: %v", err)
	}
	kept, _ := json.Marshal(cs)
	for _, p := range s.Directory().People() {
		for _, v := range []string{p.ID, p.Name, p.Email} {
			if strings.Contains(string(kept), v) {
				t.Fatalf("the pulse counts hold %q: %s", v, kept)
			}
		}
	}
	if len(cs) != 4 {
		t.Fatalf("%d pulse counts, want one for each of the 4 cells answered: %s", len(cs), kept)
	}
}

func testStorePulseRefused(t *testing.T, open Opener) {
	const round = "2026-03"
	s := OpenStore(t, open, t.TempDir())
	importAll(t, s, inputs(t))
	bad := []people.Response{
		answer("March", "Nursing", "General", true),
		answer(round, "Astronauts", "General", true),
		answer(round, "Nursing", "Moon", true),
		{Round: round, Group: "Nursing", Site: "General"},
		{Round: round, Group: "Nursing", Site: "General", Answers: [4]people.Answer{"maybe"}},
	}
	for _, r := range bad {
		var fe *people.FieldError
		if err := s.SubmitPulse(ctx, r); !errors.As(err, &fe) {
			t.Fatalf("SubmitPulse %+v: %v, want a *FieldError", r, err)
		}
	}
	if cs, err := s.DataStore().PulseCounts(ctx); err != nil || len(cs) != 0 {
		t.Fatalf("counts after refused answers: %+v, %v", cs, err)
	}
	if _, err := s.PulseResults(ctx, round); err == nil {
		t.Fatal("results of a round with no answers")
	}
}

// testStoreReports: a report posted to the report handler over the Store
// is kept with its id, and read back after reopening.
func testStoreReports(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := OpenStore(t, open, dir)
	h := people.NewReportHandler(s, people.ReportHandlerOptions{Now: func() time.Time { return at }})
	body := `{"reporter": "aisha.khan@trust.nhs.uk", "received_at": "2025-10-07T08:02:11Z", "subject": "Your NHSmail password expires today",
		"from": "support@nhsmail-verify.example", "urls": ["hxxps://nhsmail-verify[.]example/login"], "headers": {"Received": ["from a by b"]}}`
	req := httptest.NewRequest(http.MethodPost, "/api/v1/phishing-reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var got struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != http.StatusCreated || err != nil || got.ID == "" {
		t.Fatalf("POST a report: %d %s", rec.Code, rec.Body)
	}
	id2, err := s.AddReport(ctx, report(2))
	if err != nil {
		t.Fatalf("AddReport: %v", err)
	}
	check := func(when string) {
		t.Helper()
		rs, err := s.Reports(ctx)
		if err != nil {
			t.Fatalf("Reports %s: %v", when, err)
		}
		if len(rs) != 2 || rs[0].ID != got.ID || rs[1].ID != id2 {
			t.Fatalf("reports %s: %d, want ids %s, %s", when, len(rs), got.ID, id2)
		}
		if r := rs[0]; r.URLs[0] != "https://nhsmail-verify.example/login" || !r.ReportedAt.Equal(at) || r.Reporter != "aisha.khan@trust.nhs.uk" {
			t.Fatalf("the posted report %s: %+v", when, r)
		}
	}
	check("as added")
	s = reopenStore(t, s, open, dir)
	check("after reopening")
}

// testStoreGuidance: guidance delivered through the Recorder is kept and
// counts as a training touch after reopening; a failed send is not kept.
func testStoreGuidance(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := OpenStore(t, open, dir)
	sent := 0
	ok := s.Recorder(people.SenderFunc(func(context.Context, people.Message) error { sent++; return nil }))
	failing := s.Recorder(people.SenderFunc(func(context.Context, people.Message) error { return errors.New("smtp down") }))
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := ok.Send(done, message(1)); err != nil { // sent, so kept though the request has ended
		t.Fatalf("Send: %v", err)
	}
	if err := failing.Send(ctx, message(2)); err == nil {
		t.Fatal("a failed send was not reported")
	}
	if err := s.RecordGuidance(message(3)); err != nil {
		t.Fatalf("RecordGuidance: %v", err)
	}
	want := []people.Touch{{StaffID: "E101", Topic: "phishing", At: message(1).At, AlertID: "a1"},
		{StaffID: "E103", Topic: "phishing", At: message(3).At, AlertID: "a3"}}
	sharedtest.SameJSON(t, "touches", s.Touches(), want)
	s = reopenStore(t, s, open, dir)
	sharedtest.SameJSON(t, "touches after reopening", s.Touches(), want)
	ms, err := s.Guidance(ctx)
	if err != nil {
		t.Fatalf("Guidance: %v", err)
	}
	sharedtest.SameJSON(t, "guidance after reopening", ms, []people.Message{message(1), message(3)})
	if sent != 1 {
		t.Fatalf("%d sent through the recorder, want 1", sent)
	}
}
