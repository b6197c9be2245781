package people

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFiles writes named files into a temporary folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func openTestStore(t *testing.T, data string) *Store {
	t.Helper()
	s, err := OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// storedReports returns the store's reports or fails.
func storedReports(t *testing.T, s *Store) []Report {
	t.Helper()
	rs, err := s.Reports(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestStoreImportKeepsAndReloads(t *testing.T) {
	in := writeFiles(t, map[string]string{
		"staff.csv":    string(readTestdata(t, "staff.csv")),
		"training.csv": string(readTestdata(t, "training.csv")),
		"gophish.csv":  string(readTestdata(t, "gophish-results.csv")),
		"gophish.json": string(readTestdata(t, "gophish-campaign.json")),
	})
	data := t.TempDir()
	s := openTestStore(t, data)
	sum, err := s.Import(context.Background(), ImportFiles{Staff: filepath.Join(in, "staff.csv"), Training: filepath.Join(in, "training.csv"),
		GoPhish: []string{filepath.Join(in, "gophish.csv"), filepath.Join(in, "gophish.json")}}, day(t, "2025-10-10"))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Staff != 5 || sum.Training == 0 || sum.Campaigns != 2 {
		t.Fatalf("summary %+v", sum)
	}
	s.Close()
	re := openTestStore(t, data)
	im := re.Imported()
	if len(im.Staff) != 5 || len(im.Training) != sum.Training || len(im.Campaigns) != 2 || im.StaffFile != "staff.csv" {
		t.Fatalf("reopened: %d staff, %d records, %d campaigns, staff file %q", len(im.Staff), len(im.Training), len(im.Campaigns), im.StaffFile)
	}
	if d := re.Directory(); d == nil || d.Len() != 5 {
		t.Fatalf("directory after reopening: %v", d)
	}
	// A second import of the same campaign replaces it rather than adding one.
	if _, err := re.Import(context.Background(), ImportFiles{GoPhish: []string{filepath.Join(in, "gophish.csv")}}, day(t, "2025-10-11")); err != nil {
		t.Fatal(err)
	}
	if im := re.Imported(); len(im.Campaigns) != 2 || len(im.Staff) != 5 {
		t.Errorf("after re-importing one campaign: %d campaigns, %d staff", len(im.Campaigns), len(im.Staff))
	}
}

// TestStoreImportIsAllOrNothing: one malformed file refuses the import,
// names the file and line, and leaves what was stored as it was.
func TestStoreImportIsAllOrNothing(t *testing.T) {
	in := writeFiles(t, map[string]string{
		"staff.csv":     string(readTestdata(t, "staff.csv")),
		"staff2.csv":    "staff_id,name,email,staff_group,site\n9,Zed,zed@trust.nhs.uk,G,S\n",
		"training.csv":  string(readTestdata(t, "training.csv")),
		"bad-train.csv": "staff_id,course,completed\n1001,Fire Safety,2024-01-10\n1002,Fire Safety,12/31/2025\n",
		"bad-staff.csv": "staff_id,name,email,staff_group,site\n1,A,a@x.nhs.uk,G,S\n1,B,b@x.nhs.uk,G,S\n",
		"bad.json":      `[{"id": 1, "name": "x", "results": "not a list"}]`,
	})
	p := func(n string) string { return filepath.Join(in, n) }
	cases := []struct {
		name     string
		files    ImportFiles
		wantFile string
		wantLine int
	}{
		{"bad training after good staff", ImportFiles{Staff: p("staff2.csv"), Training: p("bad-train.csv")}, "bad-train.csv", 3},
		{"bad staff before good training", ImportFiles{Staff: p("bad-staff.csv"), Training: p("training.csv")}, "bad-staff.csv", 3},
		{"bad GoPhish JSON", ImportFiles{Staff: p("staff2.csv"), GoPhish: []string{p("bad.json")}}, "bad.json", 1},
		{"missing file", ImportFiles{Staff: p("staff2.csv"), Training: p("no-such.csv")}, "no-such.csv", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			s := openTestStore(t, data)
			if _, err := s.Import(context.Background(), ImportFiles{Staff: p("staff.csv"), Training: p("training.csv")}, day(t, "2025-10-01")); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(data, StoreDir, importedFile))
			_, err := s.Import(context.Background(), c.files, day(t, "2025-10-02"))
			var ie *ImportError
			if !errors.As(err, &ie) || !strings.HasSuffix(ie.File, c.wantFile) || ie.Line != c.wantLine {
				t.Fatalf("error %v (%#v), want an *ImportError at %s:%d", err, ie, c.wantFile, c.wantLine)
			}
			after, _ := os.ReadFile(filepath.Join(data, StoreDir, importedFile))
			if !bytes.Equal(before, after) {
				t.Error("the stored import changed")
			}
			if d := s.Directory(); d == nil || d.Len() != 5 {
				t.Errorf("the directory in memory changed: %v", d)
			}
		})
	}
}

func TestStoreReportsSurviveATornWrite(t *testing.T) {
	data := t.TempDir()
	s := openTestStore(t, data)
	rep, err := ParseReportJSON(readTestdata(t, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 3 {
		id, err := s.AddReport(context.Background(), rep)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	s.Close()
	path := filepath.Join(data, StoreDir, reportsFile)
	whole, _ := os.ReadFile(path)
	cases := []struct {
		name    string
		content []byte
		want    int
		wantErr string
	}{
		{"intact", whole, 3, ""},
		{"torn last record, no newline", append(bytes.Clone(whole), `{"id":"phr-torn","repor`...), 3, ""},
		{"torn last record with a newline", append(bytes.Clone(whole), "{\"id\":\"phr-\x00\n"...), 3, ""},
		{"empty file", nil, 0, ""},
		{"damage before good records", append([]byte("{not json\n"), whole...), 0, reportsFile + ":1: byte 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, c.content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenStore(data)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := storedReports(t, s)
			if len(got) != c.want {
				t.Fatalf("%d reports, want %d", len(got), c.want)
			}
			for i, r := range got {
				if r.ID != ids[i] || r.Reporter != rep.Reporter {
					t.Errorf("report %d: %q from %q", i, r.ID, r.Reporter)
				}
			}
			// The next record goes on its own line after the kept ones.
			if _, err := s.AddReport(context.Background(), rep); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s2 := openTestStore(t, data)
			if n := len(storedReports(t, s2)); n != c.want+1 {
				t.Errorf("after one more report and reopening: %d, want %d", n, c.want+1)
			}
		})
	}
}

func TestStoreGuidanceCountsAsTraining(t *testing.T) {
	data := t.TempDir()
	s := openTestStore(t, data)
	sent := 0
	send := s.Recorder(SenderFunc(func(context.Context, Message) error { sent++; return nil }))
	failing := s.Recorder(SenderFunc(func(context.Context, Message) error { return errors.New("smtp down") }))
	m := Message{StaffID: "1001", To: "aisha.khan@trust.nhs.uk", Topic: TopicClickedLink, At: day(t, "2025-10-03"), AlertID: "a1"}
	if err := send.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := failing.Send(context.Background(), m); err == nil {
		t.Fatal("a failed send was not reported")
	}
	s.Close()
	re := openTestStore(t, data)
	touches := re.Touches()
	if sent != 1 || len(touches) != 1 || touches[0].StaffID != "1001" || touches[0].AlertID != "a1" {
		t.Errorf("sent %d, touches %+v", sent, touches)
	}
}

// pulseStore returns a store with the test directory imported.
func pulseStore(t *testing.T, data string) *Store {
	t.Helper()
	in := writeFiles(t, map[string]string{"staff.csv": string(readTestdata(t, "staff.csv"))})
	s := openTestStore(t, data)
	if _, err := s.Import(context.Background(), ImportFiles{Staff: filepath.Join(in, "staff.csv")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStorePulseKeepsCountsOnly(t *testing.T) {
	data := t.TempDir()
	if err := openTestStore(t, data).SubmitPulse(context.Background(), Response{Round: "2025-Q4"}); !errors.Is(err, ErrNoDirectory) {
		t.Fatalf("pulse before any directory: %v", err)
	}
	s := pulseStore(t, data)
	d := s.Directory()
	p := d.People()[0]
	for i := range 12 {
		r := Response{Round: "2025-Q4", Group: p.Group, Site: p.Site}
		r.Answers[QRole] = Agree
		if i%3 == 0 {
			r.Answers[QTrust] = Disagree
		}
		if err := s.SubmitPulse(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	bad := Response{Round: "2025-Q4", Group: "Astronauts", Site: p.Site, Answers: [numQuestions]Answer{Yes}}
	if err := s.SubmitPulse(context.Background(), bad); err == nil {
		t.Fatal("a group not in the directory was taken")
	}
	s.Close()
	raw, err := os.ReadFile(filepath.Join(data, StoreDir, pulseFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, person := range d.People() {
		for _, v := range []string{person.ID, person.Name, person.Email, person.Username} {
			if v != "" && bytes.Contains(raw, []byte(v)) {
				t.Errorf("pulse file holds %q", v)
			}
		}
	}
	re := openTestStore(t, data)
	res, err := re.PulseResults(context.Background(), "2025-Q4")
	if err != nil {
		t.Fatal(err)
	}
	if res.Respondents != 12 || len(res.Overall) == 0 || res.Overall[QRole].Positive != 1 {
		t.Errorf("results after reopening: %+v", res)
	}
	counts, err := re.DataStore().PulseCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].Respondents != 12 || counts[0].Answered[QTrust] != 4 || counts[0].Positive[QTrust] != 0 {
		t.Errorf("counts %+v", counts)
	}
}

func TestPulseLinks(t *testing.T) {
	data := t.TempDir()
	a := openTestStore(t, data)
	b := openTestStore(t, data) // a second process over the same folder
	other := openTestStore(t, t.TempDir())
	link := a.PulseLink("2025-Q4")
	cases := []struct {
		s     *Store
		round string
		token string
		want  bool
	}{
		{a, "2025-Q4", link, true},
		{b, "2025-Q4", link, true},
		{a, "2026-Q1", link, false},
		{other, "2025-Q4", link, false},
		{a, "2025-Q4", link[:len(link)-1], false},
		{a, "2025-Q4", "", false},
	}
	for i, c := range cases {
		if got := c.s.CheckPulseLink(c.round, c.token); got != c.want {
			t.Errorf("case %d: CheckPulseLink(%q, %q) = %v", i, c.round, c.token, got)
		}
	}
	if len(link) != 32 {
		t.Errorf("link token %q: want 32 hex digits", link)
	}
}

func TestPulseCountsRefuseInconsistent(t *testing.T) {
	p := NewPulse(testDirectory(t))
	cases := []PulseCount{
		{Round: "2025-13", Group: "G", Site: "S", Respondents: 1},
		{Round: "2025-Q1", Group: "G", Site: "S", Respondents: 0},
		{Round: "2025-Q1", Group: "G", Site: "S", Respondents: 1, Answered: [numQuestions]int{2}},
		{Round: "2025-Q1", Group: "G", Site: "S", Respondents: 2, Answered: [numQuestions]int{1}, Positive: [numQuestions]int{2}},
	}
	for i, c := range cases {
		if err := p.AddCounts([]PulseCount{c}); err == nil {
			t.Errorf("case %d: %+v taken", i, c)
		}
	}
	if len(p.Counts()) != 0 {
		t.Errorf("counts kept: %+v", p.Counts())
	}
}

// TestLoadSavedReadsWithoutChanging: the report's reader sees what the
// store kept, and leaves a record being written alone.
func TestLoadSavedReadsWithoutChanging(t *testing.T) {
	if _, ok, err := LoadSaved(t.TempDir()); ok || err != nil {
		t.Fatalf("empty folder: %v %v", ok, err)
	}
	data := t.TempDir()
	s := pulseStore(t, data)
	p := s.Directory().People()[0]
	for range 11 {
		if err := s.SubmitPulse(context.Background(), Response{Round: "2026-Q1", Group: p.Group, Site: p.Site, Answers: [numQuestions]Answer{Agree}}); err != nil {
			t.Fatal(err)
		}
	}
	rep, _ := ParseReportJSON(readTestdata(t, "report.json"))
	if _, err := s.AddReport(context.Background(), rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, StoreDir, reportsFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"phr-half`) // a write in progress
	f.Close()
	before, _ := os.ReadFile(path)
	saved, ok, err := LoadSaved(data)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	after, _ := os.ReadFile(path)
	if len(saved.Reports) != 1 || len(saved.Imported.Staff) != 5 || saved.Pulse == nil || !bytes.Equal(before, after) {
		t.Fatalf("saved: %d reports, %d staff, pulse %v, file changed %v", len(saved.Reports), len(saved.Imported.Staff), saved.Pulse != nil, !bytes.Equal(before, after))
	}
	if res, err := saved.Pulse.Results("2026-Q1"); err != nil || res.Respondents != 11 {
		t.Errorf("pulse results %+v, %v", res, err)
	}
}
