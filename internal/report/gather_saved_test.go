package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// savedDataFolder builds a data folder as vigil serve and the commands
// leave it: imported people data, a phishing report, guidance, pulse
// answers, a risk register, learned assets and a privacy analysis.
func savedDataFolder(t *testing.T, at time.Time) string {
	t.Helper()
	data := t.TempDir()
	in := t.TempDir()
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
		staff.WriteString(strings.Join([]string{"s" + string(rune('a'+i)), "Person " + string(rune('A'+i)),
			"p" + string(rune('a'+i)) + "@trust.example", []string{"Nursing", "Medical"}[i%2], "North"}, ",") + "\n")
	}
	st, err := people.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files := people.ImportFiles{Staff: write("staff.csv", staff.String()),
		Training: write("training.csv", "staff_id,course,completed,validity\nsa,Data Security Awareness,2026-07-01,12 months\n")}
	if _, err := st.Import(context.Background(), files, at); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddReport(context.Background(), people.Report{Reporter: "pa@trust.example", ReportedAt: at.Add(-time.Hour), Via: "api"}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordGuidance(people.Message{StaffID: "sb", Topic: people.TopicClickedLink, At: at.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		r := people.Response{Round: "2026-Q3", Group: []string{"Nursing", "Medical"}[i%2], Site: "North"}
		r.Answers[people.QRole] = people.Agree
		if err := st.SubmitPulse(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	reg := &estate.Register{Entries: []estate.RegisterEntry{{Asset: "pacs-ws1", Reason: "modality", Mitigation: "VLAN", Owner: "Imaging", SupportEnd: at.AddDate(-1, 0, 0)}}}
	if err := estate.SaveRegister(data, reg); err != nil {
		t.Fatal(err)
	}
	if err := estate.SaveLearned(data, []estate.Asset{{Name: "WARD9-PC", OS: "Windows", OSVersion: "6.1.7601", Sources: []string{"events"}}}); err != nil {
		t.Fatal(err)
	}
	cases, _ := json.Marshal(privacy.SavedCases{AnalysedAt: at.Add(-time.Hour), Summary: privacy.Summary{Accesses: 900, Explained: 880, Cases: 1},
		Cases: []privacy.Case{{ID: "PC-1", Kinds: []string{"colleague"}}}, Raised: map[string]time.Time{"PC-1": at.Add(-48 * time.Hour)}})
	if err := os.MkdirAll(filepath.Join(data, privacy.StateDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, privacy.StateDir, privacy.CasesFile), cases, 0o600); err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBoardReadsTheDataFolder(t *testing.T) {
	at := time.Date(2026, 9, 20, 12, 0, 0, 0, time.UTC)
	data := savedDataFolder(t, at)
	p, err := ParsePeriod("2026-Q3")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Gather(context.Background(), Options{Data: data, Period: p, Now: at, CAF: sharedtest.Path(t, "caf", "caf-v3.2.yaml"),
		CAFSupplement: filepath.Join("..", "assure", "testdata", "objective-e-placeholder.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if f.StaffCount != 24 || len(f.Training) == 0 || f.StaffReports != 1 || f.GuidanceSent != 1 || len(f.Pulse) != 1 || f.Pulse[0].Respondents != 20 {
		t.Errorf("people: staff %d, training %d, reports %d, guidance %d, pulse %+v", f.StaffCount, len(f.Training), f.StaffReports, f.GuidanceSent, f.Pulse)
	}
	if f.Register == nil || f.Register.Entry("pacs-ws1") == nil {
		t.Errorf("register %+v", f.Register)
	}
	if len(f.Findings) != 1 || f.Findings[0].Name != "WARD9-PC" {
		t.Errorf("findings %+v", f.Findings)
	}
	if f.Privacy == nil || f.Privacy.Cases != 1 || f.Privacy.ByOutcome["open"] != 1 {
		t.Fatalf("privacy %+v", f.Privacy)
	}
	if f.Framework.Outcome("E1.a") == nil {
		t.Fatal("the supplement's outcomes are not in the framework")
	}
	e1a := ""
	for _, r := range f.Results {
		if r.Outcome == "E1.a" {
			e1a = string(r.Status)
		}
	}
	if e1a != "Not achieved" { // a case waits for a decision
		t.Errorf("E1.a: %q", e1a)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, Board(f)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"raised 1 cases", "Staff confidence pulse", "2026-Q3", "reported 1 suspicious emails", "colleague"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("the board pack lacks %q", want)
		}
	}
}
