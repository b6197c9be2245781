package privacytest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// PatientReportOpener returns the record of patient access reports kept
// at dir (a folder, or a name for a database schema); opening dir again
// gives back the records kept there, patients named under the same key.
type PatientReportOpener func(t *testing.T, dir string) privacy.PatientReportStore

// RunPatientReports runs the patient report store's suite.
func RunPatientReports(t *testing.T, open PatientReportOpener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[PatientReportOpener]{
		{Name: "Empty", Fn: testReportsEmpty},
		{Name: "RoundTrip", Fn: testReportsRoundTrip},
		{Name: "Reopened", Fn: testReportsReopened},
		{Name: "Concurrent", Fn: testReportsConcurrent},
		{Name: "Cancelled", Fn: testReportsCancelled},
	})
}

// patientReport is a report on the patient with NHS number nhs listing n
// accesses.
func patientReport(nhs string, n int) *privacy.PatientReport {
	return &privacy.PatientReport{NHSNumber: nhs, Entries: make([]privacy.TimelineEntry, n)}
}

// given is one report given, as a test records it.
type given struct {
	nhs, format, by, via string
	accesses             int
	at                   time.Time
}

func (g given) record(t *testing.T, s privacy.PatientReportStore) privacy.PatientReportRecord {
	t.Helper()
	rec, err := s.Record(patientReport(g.nhs, g.accesses), g.format, g.by, g.via, g.at)
	if err != nil {
		t.Fatalf("Record %+v: %v", g, err)
	}
	return rec
}

func readReports(t *testing.T, s privacy.PatientReportStore) privacy.PatientReports {
	t.Helper()
	got, err := s.PatientReports(context.Background())
	if err != nil {
		t.Fatalf("PatientReports: %v", err)
	}
	if len(got.Unreadable) != 0 {
		t.Fatalf("PatientReports: unreadable %q", got.Unreadable)
	}
	return got
}

func testReportsEmpty(t *testing.T, open PatientReportOpener) {
	got := readReports(t, open(t, t.TempDir()))
	if len(got.Records) != 0 {
		t.Fatalf("a new record holds %+v", got.Records)
	}
	if c := got.Count(at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0)); c.Reports != 0 || c.Patients != 0 {
		t.Fatalf("a new record counts %+v", c)
	}
}

// reportsGiven are two patients' reports over two months, one NHS number
// written with spaces.
var reportsGiven = []given{
	{"943 476 5919", "pdf", "priya", privacy.ViaConsole, 3, at},
	{"9434765919", "csv", "priya", privacy.ViaConsole, 3, at.Add(time.Hour)},
	{"9434765870", "fhir", "root", privacy.ViaCommand, 0, at.Add(2 * time.Hour)},
	{"9434765870", "pdf", "sam", privacy.ViaConsole, 7, at.AddDate(0, 2, 0)},
}

// testReportsRoundTrip records reports and reads back every field in
// order, times by instant (to the microsecond) in UTC, the patient as a reference that never
// shows the NHS number, the same for one patient however it is spaced.
func testReportsRoundTrip(t *testing.T, open PatientReportOpener) {
	s := open(t, t.TempDir())
	var want []privacy.PatientReportRecord
	for _, g := range reportsGiven {
		rec := g.record(t, s)
		if rec.By != g.by || rec.Format != g.format || rec.Via != g.via || rec.Accesses != g.accesses || !rec.At.Equal(g.at.Truncate(time.Microsecond)) {
			t.Fatalf("Record %+v returned %+v", g, rec)
		}
		want = append(want, rec)
	}
	got := readReports(t, s)
	if len(got.Records) != len(want) {
		t.Fatalf("read %d records, want %d: %+v", len(got.Records), len(want), got.Records)
	}
	for i, r := range got.Records {
		if !r.At.Equal(want[i].At) || !sameBesidesTime(r, want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, r, want[i])
		}
		if r.At.Location() != time.UTC {
			t.Errorf("record %d: time %v is not in UTC", i, r.At)
		}
		if strings.Contains(r.Patient, "9434765") || !strings.HasPrefix(r.Patient, "hmac-sha256:") {
			t.Errorf("record %d names the patient as %q, want a keyed hash", i, r.Patient)
		}
	}
	if got.Records[0].Patient != got.Records[1].Patient || got.Records[0].Patient == got.Records[2].Patient {
		t.Errorf("patient references %q, %q, %q: want the first two equal, the third different",
			got.Records[0].Patient, got.Records[1].Patient, got.Records[2].Patient)
	}
	from := at.Truncate(time.Microsecond) // as the stores keep times
	c := got.Count(from, from.AddDate(0, 1, 0))
	if c.Reports != 3 || c.Patients != 2 || c.ByFormat["pdf"] != 1 || c.ByVia[privacy.ViaCommand] != 1 || c.ByVia[privacy.ViaConsole] != 2 {
		t.Errorf("counts in the month: %+v", c)
	}
}

func sameBesidesTime(a, b privacy.PatientReportRecord) bool {
	a.At, b.At = time.Time{}, time.Time{}
	return a == b
}

// testReportsReopened: records outlive the store, and the same patient
// gets the same reference after reopening (the key is kept).
func testReportsReopened(t *testing.T, open PatientReportOpener) {
	dir := t.TempDir()
	first := reportsGiven[0].record(t, open(t, dir))
	s := open(t, dir)
	second := reportsGiven[1].record(t, s)
	if first.Patient != second.Patient {
		t.Fatalf("one patient named %q before reopening and %q after", first.Patient, second.Patient)
	}
	if got := readReports(t, s); len(got.Records) != 2 || got.Records[0].Patient != first.Patient {
		t.Fatalf("after reopening: %+v", got.Records)
	}
}

// testReportsConcurrent records from several goroutines, through two
// handles on one record: every report is kept once.
func testReportsConcurrent(t *testing.T, open PatientReportOpener) {
	dir := t.TempDir()
	stores := []privacy.PatientReportStore{open(t, dir), open(t, dir)}
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				nhs := fmt.Sprintf("94347659%02d", w*each+i)
				if _, err := stores[w%2].Record(patientReport(nhs, i), "pdf", fmt.Sprint("po", w), privacy.ViaConsole, at); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := readReports(t, stores[0])
	if c := got.Count(at.Add(-time.Second), at.Add(time.Second)); c.Reports != writers*each || c.Patients != writers*each {
		t.Fatalf("after %d concurrent records: %+v", writers*each, c)
	}
}

// testReportsCancelled: a read with its context done fails.
func testReportsCancelled(t *testing.T, open PatientReportOpener) {
	s := open(t, t.TempDir())
	reportsGiven[0].record(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.PatientReports(ctx); err == nil {
		t.Fatal("PatientReports with a cancelled context: no error")
	}
}
