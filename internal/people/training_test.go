package people

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// testRequirements: data security for everyone, fire safety for nurses.
var testRequirements = []Requirement{
	{Course: "Data Security Awareness - Level 1"},
	{Course: "fire safety", Groups: []string{"Nursing and Midwifery Registered"}},
}

func testTraining(t *testing.T) *Training {
	t.Helper()
	recs, err := ReadTrainingCSV(bytes.NewReader(readTestdata(t, "training.csv")), "training.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 {
		t.Fatalf("read %d records, want 7", len(recs))
	}
	return NewTraining(testDirectory(t), recs)
}

func TestReadTrainingCSVExpiry(t *testing.T) {
	recs, err := ReadTrainingCSV(bytes.NewReader(readTestdata(t, "training.csv")), "training.csv")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		i         int
		completed string
		expires   string
	}{
		{0, "2025-03-15", "2026-03-15"}, // validity period
		{1, "2024-01-10", "2026-01-10"}, // expiry date
		{2, "2024-02-01", "2025-02-01"}, // DD/MM/YYYY expiry
	}
	for _, c := range cases {
		r := recs[c.i]
		if !r.Completed.Equal(day(t, c.completed)) || !r.Expires.Equal(day(t, c.expires)) {
			t.Errorf("record %d = %v to %v; want %s to %s", c.i, r.Completed, r.Expires, c.completed, c.expires)
		}
	}
	if recs[3].Email != "carys.evans@trust.nhs.uk" || recs[3].StaffID != "" {
		t.Errorf("record 3 names %q / %q", recs[3].StaffID, recs[3].Email)
	}
}

func TestReadTrainingCSVRefuses(t *testing.T) {
	const header = "staff_id,course,completed,expires,validity\n"
	cases := []struct {
		name, csv string
		line      int
		want      string
	}{
		{"no person column", "course,completed\nX,2025-01-01\n", 1, "staff_id or email"},
		{"no course column", "staff_id,completed\n1,2025-01-01\n", 1, "missing required column(s): course"},
		{"nobody named", header + ",X,2025-01-01,,\n", 2, "names nobody"},
		{"empty course", header + "1,,2025-01-01,,\n", 2, "course: empty"},
		{"bad completed", header + "1,X,someday,,\n", 2, "completed: date \"someday\""},
		{"month-first", header + "1,X,2025-01-01,,\n1,X,12/31/2025,,\n", 3, "month-first"},
		{"expiry before completion", header + "1,X,2025-01-01,2024-01-01,\n", 2, "before completion"},
		{"bad validity", header + "1,X,2025-01-01,,forever\n", 2, "validity"},
		{"bad expiry", header + "1,X,2025-01-01,1/1/25,\n", 2, "four digits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, err := ReadTrainingCSV(strings.NewReader(c.csv), "olm.csv")
			if recs != nil {
				t.Fatalf("got %d records from a bad file", len(recs))
			}
			wantImportError(t, err, c.line, c.want)
		})
	}
}

func TestTrainingRollup(t *testing.T) {
	tr := testTraining(t)
	if u := tr.Unmatched(); len(u) != 1 || u[0].StaffID != "9999" {
		t.Fatalf("Unmatched = %+v, want the record of 9999", u)
	}
	touches := []Touch{
		{StaffID: "1002", Topic: TopicClickedLink, At: day(t, "2025-09-01")},
		{StaffID: "1002", Topic: TopicRiskyLogon, At: day(t, "2025-09-20")},
		{StaffID: "1004", Topic: TopicMalware, At: day(t, "2025-11-01")}, // after the date
		{StaffID: "1003", Topic: TopicMalware, At: day(t, "2024-09-01")}, // before the window
		{StaffID: "7777", Topic: TopicMalware, At: day(t, "2025-09-01")}, // not in the directory
	}
	r := tr.Rollup(day(t, "2025-10-01"), testRequirements, touches)
	want := []TrainingFigures{
		{Group: "Administrative and Clerical", Staff: 2, Required: 2, Current: 1, Missing: 1, Completion: 0.5, FullyCompliant: 1},
		{Group: "Medical and Dental", Staff: 1, Required: 1, Current: 1, Completion: 1, FullyCompliant: 1},
		{Group: "Nursing and Midwifery Registered", Staff: 2, Required: 4, Current: 2, Expired: 1, Missing: 1, Completion: 0.5, FullyCompliant: 1, GuidanceReceived: 1, GuidanceTouches: 2},
	}
	if len(r.Groups) != len(want) {
		t.Fatalf("groups = %+v", r.Groups)
	}
	for i := range want {
		if r.Groups[i] != want[i] {
			t.Errorf("group %d = %+v\nwant %+v", i, r.Groups[i], want[i])
		}
	}
	o := r.Overall
	if o.Staff != 5 || o.Required != 7 || o.Current != 4 || o.Expired != 1 || o.Missing != 2 || !near(o.Completion, 4.0/7) || o.FullyCompliant != 3 || o.GuidanceReceived != 1 {
		t.Errorf("overall = %+v", o)
	}
}

func TestPersonStatusAtDates(t *testing.T) {
	tr := testTraining(t)
	cases := []struct {
		id, at string
		want   []Status
	}{
		{"1001", "2025-10-01", []Status{Current, Current}},
		{"1001", "2026-02-20", []Status{Expiring, Expired}}, // 23 days left; fire safety lapsed 10 Jan
		{"1001", "2024-07-01", []Status{Missing, Current}},  // not yet done; fire safety done Jan 2024
		{"1004", "2024-07-01", []Status{Current}},           // only the 2024 completion counts yet
		{"1004", "2025-06-05", []Status{Expiring}},          // 2024 one expiring, 2025 not yet done
		{"1004", "2025-06-11", []Status{Current}},           // renewed the day before
		{"1005", "2025-10-01", []Status{Missing}},
	}
	for _, c := range cases {
		got, ok := tr.PersonStatus(c.id, day(t, c.at), testRequirements)
		if !ok || len(got) != len(c.want) {
			t.Fatalf("PersonStatus(%s, %s) = %+v, %v", c.id, c.at, got, ok)
		}
		for i := range got {
			if got[i].Status != c.want[i] {
				t.Errorf("PersonStatus(%s, %s)[%s] = %v, want %v", c.id, c.at, got[i].Course, got[i].Status, c.want[i])
			}
		}
	}
	if _, ok := tr.PersonStatus("nobody", time.Now(), testRequirements); ok {
		t.Error("PersonStatus of an unknown id succeeded")
	}
}

func TestOverdue(t *testing.T) {
	got := testTraining(t).Overdue(day(t, "2025-10-01"), testRequirements)
	want := []struct {
		id, course string
		status     Status
		days       int
	}{
		{"1005", "Data Security Awareness - Level 1", Missing, 0},
		{"1002", "Data Security Awareness - Level 1", Expired, 242},
		{"1002", "fire safety", Missing, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("Overdue = %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Person.ID != w.id || g.Course.Course != w.course || g.Course.Status != w.status || g.DaysDue != w.days {
			t.Errorf("overdue %d = %s %s %v %d; want %+v", i, g.Person.ID, g.Course.Course, g.Course.Status, g.DaysDue, w)
		}
	}
}

func TestRollupWithoutRequirements(t *testing.T) {
	r := testTraining(t).Rollup(day(t, "2025-10-01"), nil, nil)
	if r.Overall.Required != 0 || r.Overall.Completion != 1 || r.Overall.FullyCompliant != 5 {
		t.Fatalf("overall with nothing required = %+v", r.Overall)
	}
}
