package report

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestBoardCountsPatientReports: reports given in the period are counted
// in the privacy section and decide the statement a supplement ties to
// them; those outside the period are not counted.
func TestBoardCountsPatientReports(t *testing.T) {
	at := time.Date(2026, 9, 20, 12, 0, 0, 0, time.UTC)
	data := savedDataFolder(t, at)
	l, err := privacy.OpenPatientReportLog(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		nhs, format string
		at          time.Time
	}{
		{"9434765919", "pdf", at.Add(-time.Hour)},
		{"9434765919", "csv", at.Add(-2 * time.Hour)},
		{"9434765870", "fhir", at.Add(-3 * time.Hour)},
		{"9434765870", "pdf", at.AddDate(0, -4, 0)}, // the quarter before
	} {
		if _, err := l.Record(&privacy.PatientReport{NHSNumber: r.nhs}, r.format, "priya", privacy.ViaConsole, r.at); err != nil {
			t.Fatal(err)
		}
	}
	sup := filepath.Join("..", "assure", "collect", "testdata", "patient-reports-supplement.yaml")
	p, _ := ParsePeriod("2026-Q3")
	f, err := Gather(context.Background(), Options{Data: data, Period: p, Now: at, CAF: sharedtest.Path(t, "caf", "caf-v3.2.yaml"), CAFSupplement: sup})
	if err != nil {
		t.Fatal(err)
	}
	if c := f.PatientReports; c == nil || c.Reports != 3 || c.Patients != 2 {
		t.Fatalf("patient reports %+v", f.PatientReports)
	}
	status := ""
	for _, r := range f.Results {
		if r.Outcome == "E2.a" {
			status = string(r.Status)
		}
	}
	if status != "Achieved" {
		t.Errorf("E2.a: %q, want Achieved from the reports given", status)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, Board(f)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 patient access reports were given in the period, to 2 patients (csv 1, fhir 1, pdf 1)", "patient-reports.jsonl"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("the board pack lacks %q", want)
		}
	}
}

// TestPatientReportsParagraph: none in the period says so; an unread
// record says nothing.
func TestPatientReportsParagraph(t *testing.T) {
	cases := []struct {
		name string
		c    *privacy.PatientReportCounts
		want string
	}{
		{"unread", nil, ""},
		{"none", &privacy.PatientReportCounts{}, "No patient access report was produced in the period."},
		{"one", &privacy.PatientReportCounts{Reports: 1, Patients: 1, ByFormat: map[string]int{"pdf": 1}}, "1 patient access reports were given in the period, to 1 patients (pdf 1)"},
	}
	for _, c := range cases {
		got := strings.Join(patientReportsPara(c.c), " ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// detailFacts are facts whose incidents and alerts name systems, users
// and rules, with a person's note, as an analyst's copy has them.
func detailFacts(t *testing.T) *Facts {
	f := sampleFacts(t)
	seen := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	for _, a := range f.Alerts {
		a.Host, a.User, a.Event = "WARD7-PC12", "jsmith", map[string]any{"PatientID": "9434765919"}
	}
	f.Incidents = []*alert.Incident{{ID: "i1", Title: "WannaCry SMB worm spreading", Level: "critical", Hosts: []string{"WARD7-PC12", "PACS-SRV1"},
		Users: []string{"jsmith"}, FirstSeen: seen, LastSeen: seen, Status: "open",
		History: []alert.Note{{At: seen.Add(time.Hour), By: "ana.lyst", Action: "comment", Text: "jsmith's PC isolated"}}}}
	return f
}

// TestWithoutDetail: the copy's board pack and staff briefing, in HTML
// and PDF, name no system, user, rule title or note of the incidents,
// but count them; the facts it was made from are unchanged.
func TestWithoutDetail(t *testing.T) {
	f := detailFacts(t)
	g := f.WithoutDetail()
	secret := []string{"WARD7-PC12", "PACS-SRV1", "jsmith", "WannaCry", "9434765919", "isolated", "ana.lyst"}
	for _, d := range []*Doc{Board(g), Staff(g, "the service desk")} {
		var html, pdf bytes.Buffer
		if err := WriteHTML(&html, d); err != nil {
			t.Fatal(err)
		}
		if err := WritePDF(&pdf, d); err != nil {
			t.Fatal(err)
		}
		for _, s := range secret {
			if strings.Contains(html.String(), s) || strings.Contains(pdf.String(), s) {
				t.Errorf("%s without detail shows %q", d.Title, s)
			}
		}
	}
	var html bytes.Buffer
	WriteHTML(&html, Board(g))
	for _, want := range []string{"Incident 1", "<td>2</td>", "6 alerts in 1 incidents", "leaves out what each incident was"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("the board pack without detail lacks %q", want)
		}
	}
	if d, e := measure(f.Alerts), measure(g.Alerts); d != e {
		t.Errorf("triage times changed: %+v, without detail %+v", d, e)
	}
	if f.Redacted || f.Incidents[0].Title == "" || f.Alerts[0].Host != "WARD7-PC12" || !g.Redacted {
		t.Errorf("the original facts changed: redacted %v, %+v", f.Redacted, f.Incidents[0])
	}
	var full bytes.Buffer
	WriteHTML(&full, Board(f))
	if !strings.Contains(full.String(), "WannaCry SMB worm spreading") || !strings.Contains(full.String(), "WARD7-PC12, PACS-SRV1") {
		t.Error("the full board pack lacks the incident's title and systems")
	}
}

// TestPDFShowsDetailWhenKept: the PDF check above can fail: the full
// pack's PDF has the incident's title and systems as text.
func TestPDFShowsDetailWhenKept(t *testing.T) {
	var pdf bytes.Buffer
	if err := WritePDF(&pdf, Board(detailFacts(t))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"WannaCry SMB worm spreading", "WARD7-PC12"} {
		if !strings.Contains(pdf.String(), want) {
			t.Errorf("the full PDF lacks %q", want)
		}
	}
}
