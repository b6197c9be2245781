package console

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// trustLive is a live analysis of a small generated trust, fed as vigil
// serve feeds it (ADT and AuditEvents as stored events), made once for
// every test.
var trustLive = sync.OnceValues(func() (*privacy.Live, error) {
	dir, err := mkdirTemp()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // the analysis keeps what it read
	if _, err := care.Generate(care.Config{Seed: 11, Size: "test", Staff: 60, Patients: 1000, Days: 3, Start: care.DefaultStart}, dir, nil); err != nil {
		return nil, err
	}
	l := privacy.NewLive(privacy.DefaultOptions(), nil)
	f, err := os.Open(filepath.Join(dir, "staff.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	staff, _, err := privacy.ReadRoster(f, "staff.csv")
	if err != nil {
		return nil, err
	}
	l.SetRoster(staff)
	if err := feedADT(l, filepath.Join(dir, "adt")); err != nil {
		return nil, err
	}
	if err := feedAccesses(l, filepath.Join(dir, "access.ndjson")); err != nil {
		return nil, err
	}
	l.Analyse()
	return l, nil
})

// feedADT adds every ADT message of the folder's files to l.
func feedADT(l *privacy.Live, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.hl7"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no ADT files in %s: %v", dir, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		for _, raw := range hl7.Split(data) {
			if m, err := hl7.Parse(raw); err == nil {
				ev := &event.Event{}
				hl7.ToEvent(m, ev)
				l.AddEvent(ev)
			}
		}
	}
	return nil
}

// feedAccesses adds every AuditEvent of an NDJSON file to l.
func feedAccesses(l *privacy.Live, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd := fhir.NewReader(f, path)
	for {
		ac, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		ev := &event.Event{}
		ac.ToEvent(ev)
		l.AddEvent(ev)
	}
}

// testLive returns the analysed trust, which has cases.
func testLive(t *testing.T) *privacy.Live {
	t.Helper()
	l, err := trustLive()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cases()) == 0 {
		t.Fatal("the generated trust raised no case")
	}
	return l
}

// testResult returns the analysis of the generated trust.
func testResult(t *testing.T) *privacy.Result { return testLive(t).Result() }

func TestBreachClock(t *testing.T) {
	t0 := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC) // 10:00 BST
	tests := []struct {
		name    string
		d       privacy.Decision
		now     time.Time
		running bool
		overdue bool
		left    string
	}{
		{"no breach, no clock", privacy.Decision{Outcome: privacy.OutcomeCounselled}, t0, false, false, ""},
		{"running", privacy.Decision{BreachConfirmed: t0}, t0.Add(30*time.Hour + 48*time.Minute), true, false, "41 hours 12 minutes left"},
		{"one hour left", privacy.Decision{BreachConfirmed: t0}, t0.Add(71 * time.Hour), true, false, "1 hour left"},
		{"overdue", privacy.Decision{BreachConfirmed: t0}, t0.Add(75 * time.Hour), true, true, "3 hours overdue"},
		{"reported in time", privacy.Decision{BreachConfirmed: t0, ReportedAt: t0.Add(70 * time.Hour)}, t0.Add(100 * time.Hour), false, false, "reported 2 hours before the deadline"},
		{"reported late", privacy.Decision{BreachConfirmed: t0, ReportedAt: t0.Add(72*time.Hour + 5*time.Minute)}, t0.Add(100 * time.Hour), false, true, "reported 5 minutes after the deadline"},
	}
	for _, tc := range tests {
		c := newBreachClock(&tc.d, tc.now)
		if c.Running != tc.running || c.Overdue != tc.overdue || c.Left != tc.left {
			t.Errorf("%s: %+v, want running %v overdue %v %q", tc.name, c, tc.running, tc.overdue, tc.left)
		}
		if tc.d.BreachConfirmed.IsZero() != (c.Deadline == "") {
			t.Errorf("%s: deadline %q", tc.name, c.Deadline)
		}
	}
	c := newBreachClock(&privacy.Decision{BreachConfirmed: t0}, t0)
	if c.Deadline != "8 May 2026 10:00 BST" {
		t.Errorf("deadline %q, want London time with its zone", c.Deadline)
	}
}

func TestOutcomeChoices(t *testing.T) {
	t0 := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		d    privacy.Decision
		want string
	}{
		{"undecided", privacy.Decision{}, ""},
		{"counselled", privacy.Decision{Outcome: privacy.OutcomeCounselled}, "counselled"},
		{"escalated", privacy.Decision{Outcome: privacy.OutcomeEscalated}, "escalated"},
		{"breach confirmed", privacy.Decision{Outcome: privacy.OutcomeEscalated, BreachConfirmed: t0}, "breach"},
		{"reported", privacy.Decision{Outcome: privacy.OutcomeReported, BreachConfirmed: t0, ReportedAt: t0}, "reported"},
	}
	for _, tc := range tests {
		var checked []string
		cs := outcomeChoices(tc.d)
		for _, c := range cs {
			if c.Checked {
				checked = append(checked, c.Value)
			}
			if c.Label == "" || c.Hint == "" {
				t.Errorf("choice %q has no label or hint", c.Value)
			}
		}
		if strings.Join(checked, ",") != tc.want || len(cs) != 5 {
			t.Errorf("%s: checked %v of %d, want %q", tc.name, checked, len(cs), tc.want)
		}
	}
}

func TestCaseRowsAndCaseView(t *testing.T) {
	res := testResult(t)
	now := time.Now()
	dl, err := privacy.OpenDecisionLog(filepath.Join(t.TempDir(), "decisions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	first := res.Cases[0]
	if _, err := dl.ConfirmBreach(first.ID, "po", now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows := caseRows(res.Cases, dl, now)
	if len(rows) != len(res.Cases) {
		t.Fatalf("%d rows for %d cases", len(rows), len(res.Cases))
	}
	r := rows[0]
	if r.ID != first.ID || r.Score != first.Score || len(r.Kinds) != len(first.Kinds) || len(r.Evidence) == 0 {
		t.Errorf("row %+v for case %+v", r, first)
	}
	if !r.Clock.Running || r.Clock.Left != "2 days 22 hours left" || r.Outcome != "escalated" {
		t.Errorf("row clock %+v outcome %q: want 70 hours left, escalated", r.Clock, r.Outcome)
	}
	if rows[len(rows)-1].Outcome != "not yet decided" || rows[len(rows)-1].Clock.Running {
		t.Errorf("an undecided case shows %q %+v", rows[len(rows)-1].Outcome, rows[len(rows)-1].Clock)
	}
	for _, k := range r.Kinds {
		if strings.Contains(k, "_") {
			t.Errorf("kind %q is not plain English", k)
		}
	}

	v, err := newCaseView(res, first.ID, dl, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Accesses) == 0 || len(v.User) < len(v.Accesses) || len(v.Patients) == 0 || v.Decided == "" {
		t.Errorf("case view: %d accesses, %d in the user's timeline, %d patients, decided %q",
			len(v.Accesses), len(v.User), len(v.Patients), v.Decided)
	}
	tried := 0
	for _, a := range v.Accesses {
		tried += len(a.Tried)
		if a.CaseID == "" && a.Action == "opened" {
			t.Errorf("an access of the case is not marked with it: %+v", a)
		}
	}
	if tried == 0 {
		t.Error("the evidence pack shows no explanation tried")
	}
	if _, err := newCaseView(res, "no-such-case", dl, now); err == nil {
		t.Error("a missing case gave a page")
	}
}

func TestPatientView(t *testing.T) {
	res := testResult(t)
	gen := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	v := newPatientView(res.PatientReport(res.Cases[0].PatientID, gen))
	if v.NHSNumber == "" || len(v.Rows) == 0 || v.Generated != "10 Jan 2026 12:00 GMT" || len(v.Formats) != 3 {
		t.Fatalf("patient view %+v", v)
	}
	review := 0
	for _, r := range v.Rows {
		if r.When == "" || r.Who == "" || r.Reason == "" {
			t.Errorf("row %+v lacks when, who or why", r)
		}
		if r.Reason == privacy.UnderReviewText {
			review++
		}
	}
	if review == 0 {
		t.Error("the patient of a case sees no access under review")
	}
	if e := newPatientView(res.PatientReport("9999999999", gen)); len(e.Rows) != 0 {
		t.Errorf("an unknown patient has %d rows", len(e.Rows))
	}
}

// mkdirTemp makes a folder for the shared trust, outside any one test.
func mkdirTemp() (string, error) { return os.MkdirTemp("", "console-trust-") }

func TestPlainLabels(t *testing.T) {
	roles := []struct{ role, dept, want string }{
		{"Staff Nurse", "Cardiology", "Staff Nurse (Cardiology)"},
		{"humanuser", "", ""},
		{"HumanUser", "Cardiology", "Cardiology"},
		{"", "Radiology", "Radiology"},
	}
	for _, tc := range roles {
		if got := roleLabel(tc.role, tc.dept); got != tc.want {
			t.Errorf("roleLabel(%q, %q) = %q, want %q", tc.role, tc.dept, got, tc.want)
		}
	}
	if got := explanationLabel("direct_care"); got != "named clinician on the visit or appointment" {
		t.Errorf("direct_care shown as %q", got)
	}
	if got := explanationLabel("new_kind"); got != "new kind" {
		t.Errorf("an unknown explanation shown as %q", got)
	}
}
