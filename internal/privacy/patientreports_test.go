package privacy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var reportAt = time.Date(2026, 8, 14, 10, 30, 0, 0, time.UTC)

func testReport(nhs string, entries int) *PatientReport {
	return &PatientReport{NHSNumber: nhs, Entries: make([]TimelineEntry, entries)}
}

// TestPatientReportRecord records reports from the console and the
// command, reads them back, and checks that the file names no patient.
func TestPatientReportRecord(t *testing.T) {
	data := t.TempDir()
	l, err := OpenPatientReportLog(data)
	if err != nil {
		t.Fatal(err)
	}
	records := []struct {
		nhs, format, by, via string
		at                   time.Time
	}{
		{"943 476 5919", "pdf", "priya", ViaConsole, reportAt},
		{"9434765919", "csv", "priya", ViaConsole, reportAt.Add(time.Hour)},
		{"9434765870", "fhir", "root", ViaCommand, reportAt.Add(2 * time.Hour)},
		{"9434765870", "pdf", "root", ViaCommand, reportAt.AddDate(0, 2, 0)},
	}
	for i, r := range records {
		rec, err := l.Record(testReport(r.nhs, i+1), r.format, r.by, r.via, r.at)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Accesses != i+1 || rec.Patient != l.PatientRef(r.nhs) {
			t.Errorf("record %d: %+v", i, rec)
		}
	}
	raw, err := os.ReadFile(filepath.Join(data, StateDir, PatientReportsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, nhs := range []string{"9434765919", "9434765870", "943 476 5919"} {
		if strings.Contains(string(raw), nhs) {
			t.Errorf("the record names patient %s:\n%s", nhs, raw)
		}
	}
	if fi, err := os.Stat(filepath.Join(data, StateDir, PatientReportsKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", fi, err)
	}
	got, err := ReadPatientReports(data)
	if err != nil || len(got.Records) != 4 || len(got.Unreadable) != 0 {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	c := got.Count(reportAt, reportAt.AddDate(0, 1, 0))
	if c.Reports != 3 || c.Patients != 2 || c.ByFormat["pdf"] != 1 || c.ByVia[ViaCommand] != 1 || c.ByVia[ViaConsole] != 2 {
		t.Errorf("counts in the month: %+v", c)
	}
	if c := got.Count(reportAt.Add(time.Hour), reportAt.Add(2*time.Hour)); c.Reports != 1 {
		t.Errorf("[from, to) counted %d, want 1 (the end is outside)", c.Reports)
	}
}

// TestPatientRefKey: the reference is stable for one data folder (the key
// is kept), differs between folders and patients, and ignores spacing.
func TestPatientRefKey(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	la1, err := OpenPatientReportLog(a)
	if err != nil {
		t.Fatal(err)
	}
	la2, err := OpenPatientReportLog(a)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := OpenPatientReportLog(b)
	if err != nil {
		t.Fatal(err)
	}
	ref := la1.PatientRef("9434765919")
	cases := []struct {
		name string
		got  string
		same bool
	}{
		{"reopened folder", la2.PatientRef("9434765919"), true},
		{"spaced number", la1.PatientRef("943 476 5919"), true},
		{"other folder", lb.PatientRef("9434765919"), false},
		{"other patient", la1.PatientRef("9434765870"), false},
	}
	for _, c := range cases {
		if (c.got == ref) != c.same {
			t.Errorf("%s: %s vs %s, want same=%v", c.name, c.got, ref, c.same)
		}
	}
	if !strings.HasPrefix(ref, "hmac-sha256:") || len(ref) != len("hmac-sha256:")+32 {
		t.Errorf("ref %q", ref)
	}
	if err := os.WriteFile(filepath.Join(b, StateDir, PatientReportsKeyFile), []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPatientReportLog(b); err == nil || !strings.Contains(err.Error(), PatientReportsKeyFile) {
		t.Errorf("a bad key opened: %v", err)
	}
}

// TestPatientReportKeyRace: logs opened at once on a new folder agree on
// one key.
func TestPatientReportKeyRace(t *testing.T) {
	data := t.TempDir()
	refs := make([]string, 8)
	var wg sync.WaitGroup
	for i := range refs {
		wg.Go(func() {
			l, err := OpenPatientReportLog(data)
			if err != nil {
				t.Error(err)
				return
			}
			refs[i] = l.PatientRef("9434765919")
		})
	}
	wg.Wait()
	for i, r := range refs {
		if r != refs[0] {
			t.Errorf("log %d made ref %s, log 0 %s", i, r, refs[0])
		}
	}
}

// TestPatientReportTornLine: a line cut short by a crash is noted, and
// the next record is a line of its own.
func TestPatientReportTornLine(t *testing.T) {
	data := t.TempDir()
	l, err := OpenPatientReportLog(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(testReport("9434765919", 1), "pdf", "priya", ViaConsole, reportAt); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, StateDir, PatientReportsFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"at":"2026-08-14T11:00:00Z","by":"pri`)
	f.Close()
	if _, err := l.Record(testReport("9434765919", 1), "csv", "priya", ViaConsole, reportAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPatientReports(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 2 || len(got.Unreadable) != 1 || !strings.Contains(got.Unreadable[0], PatientReportsFile+":2:") {
		t.Errorf("after a torn line: %d records, unreadable %q", len(got.Records), got.Unreadable)
	}
}

// TestParsePatientReports: each bad line is noted with its line number
// and why; good lines around it count.
func TestParsePatientReports(t *testing.T) {
	good := `{"at":"2026-08-14T10:30:00Z","by":"p","patient":"hmac-sha256:00112233445566778899aabbccddeeff","format":"pdf","via":"console","accesses":3}`
	cases := []struct {
		name, in string
		records  int
		note     string
	}{
		{"empty", "", 0, ""},
		{"one", good + "\n", 1, ""},
		{"blank lines", "\n" + good + "\n\n", 1, ""},
		{"not JSON", good + "\n{oops\n" + good + "\n", 2, "r:2: "},
		{"no time", `{"patient":"hmac-sha256:00"}` + "\n", 0, "r:1: no time"},
		{"plain NHS number", `{"at":"2026-08-14T10:30:00Z","patient":"9434765919"}` + "\n", 0, "r:1: patient \"9434765919\" is not a hmac-sha256 reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parsePatientReports(strings.NewReader(c.in), "r")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Records) != c.records {
				t.Errorf("%d records, want %d", len(got.Records), c.records)
			}
			if c.note == "" && len(got.Unreadable) > 0 || c.note != "" && (len(got.Unreadable) != 1 || !strings.HasPrefix(got.Unreadable[0], c.note)) {
				t.Errorf("unreadable %q, want one starting %q", got.Unreadable, c.note)
			}
		})
	}
}

// FuzzParsePatientReports: any input reads without panic, and every
// record read has a time and a patient reference.
func FuzzParsePatientReports(f *testing.F) {
	f.Add([]byte(`{"at":"2026-08-14T10:30:00Z","by":"priya","patient":"hmac-sha256:00112233445566778899aabbccddeeff","format":"pdf","via":"console","accesses":3}` + "\n"))
	f.Add([]byte(`{"at":"2026-08-14T10:30:00Z","by":"pri` + "\n" + `{"at":"x"}` + "\n"))
	f.Add([]byte("\n\n{}\n[]\nnull\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parsePatientReports(strings.NewReader(string(data)), "fuzz")
		if err != nil {
			return // a line over the scanner's limit
		}
		for _, r := range got.Records {
			if r.At.IsZero() || !strings.HasPrefix(r.Patient, refPrefix) {
				t.Errorf("record read without time or reference: %+v", r)
			}
		}
	})
}

// BenchmarkReadPatientReports reads and counts a record of 10,000
// reports, as the board pack does for each report produced.
func BenchmarkReadPatientReports(b *testing.B) {
	var in strings.Builder
	for i := range 10000 {
		in.WriteString(`{"at":"2026-08-14T10:30:00Z","by":"priya","patient":"hmac-sha256:00112233445566778899aabbccdd` + fmt.Sprintf("%04d", i) + `","format":"pdf","via":"console","accesses":3}` + "\n")
	}
	data := in.String()
	b.ReportAllocs()
	for b.Loop() {
		got, err := parsePatientReports(strings.NewReader(data), "bench")
		if err != nil || len(got.Records) != 10000 {
			b.Fatal(len(got.Records), err)
		}
		if c := got.Count(reportAt.AddDate(0, -1, 0), reportAt.AddDate(0, 1, 0)); c.Patients != 10000 {
			b.Fatal(c)
		}
	}
}
