package privacy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// testTrust writes a small hand-built trust into dir: a roster, ADT
// messages, an access log, a watch list and break-glass reviews, each
// with one malformed record. It returns the file paths.
func testTrust(t testing.TB, dir string) (staff, adt, access, vip, reviews string) {
	t.Helper()
	staff = writeFile(t, dir, "staff.csv", "user_id,given_name,family_name,job_role,department,address,postcode,start_date,end_date,date_of_birth,nhs_number\n"+
		"C001,Priya,Shah,Consultant,Ward 7 (Cardiology),1 Elm Grove,LS6 2AA,2015-01-01,,,\n"+
		"N001,Sarah,Jones,Staff Nurse,Ward 7 (Cardiology),3 Oak Road,LS8 1BB,2019-01-01,,,\n"+
		"N002,Tom,Brown,Staff Nurse,Ward 9 (Respiratory),8 Ash Street,LS9 3CC,2020-01-01,,,\n"+
		"H001,Jane,Smith,Healthcare Assistant,Ward 7 (Cardiology),12 Station Road,LS1 4AB,2021-01-01,,,\n"+
		"R001,Karen,Hill,Receptionist,Outpatients,2 Park Lane,LS3 1DD,2018-01-01,,,\n"+
		"P001,Raj,Patel,Pharmacist,Pharmacy,9 Kings Road,LS4 2EE,2017-01-01,,,\n"+
		"X001,Mark,Green,Porter,Estates,5 Mill Lane,LS2 7CC,2016-01-01,,1980-02-03,\n"+
		"D002,Omar,Khan,Registrar,Respiratory Medicine,7 Bank Street,LS5 1FF,2022-01-01,,,\n"+
		"C002,Ruth,Fox,Consultant,Respiratory Medicine,4 Hill Top,LS7 2GG,2010-01-01,,,\n"+
		"B001,Emma,Reed,Registrar,Emergency Department,6 Vale Road,LS10 1HH,2023-01-01,,,\n"+
		"M001,Olive,Grey,Medical Secretary,Medical Records,11 Low Lane,LS11 5JJ,2014-01-01,,,\n"+
		",No,Id,Porter,Estates,,,2020-01-01,,,\n"+
		"Z001,Zed,Bad,Porter,Estates,,,01/02/2020,,,\n")
	msgs := []adtSpec{
		{event: "A01", at: "202605040900", nhs: nhs(1), family: "TURNER", given: "ALAN", ward: "Ward 7", service: "Cardiology", visit: "V1", attending: "C001", admit: "202605040900"},
		{event: "A04", at: "202603011000", nhs: nhs(2), family: "SMITH", given: "ANNE", street: "12 Station Road", city: "Leeds", postcode: "LS1 4AB", ward: "Outpatients", visit: "V2", attending: "C002", admit: "202603011000"},
		{event: "A03", at: "202603011200", nhs: nhs(2), family: "SMITH", given: "ANNE", ward: "Outpatients", visit: "V2", disch: "202603011200"},
		{event: "A01", at: "202605040900", nhs: nhs(3), family: "GREEN", given: "MARK", dob: "19800203", street: "5 Mill Lane", postcode: "LS2 7CC", ward: "Ward 9", service: "Respiratory", visit: "V3", attending: "C002", admit: "202605040900"},
		{event: "A01", at: "202605040900", nhs: nhs(4), family: "MIDDLE", given: "KATE", ward: "Ward 9", service: "Respiratory", visit: "V4", attending: "C002", admit: "202605040900"},
		{event: "A04", at: "202602011000", nhs: nhs(5), family: "HAY", given: "BOB", street: "14 Station Road", city: "Leeds", postcode: "LS1 4AC", ward: "Outpatients", visit: "V5", attending: "C002", admit: "202602011000"},
		{event: "A03", at: "202602011100", nhs: nhs(5), family: "HAY", given: "BOB", ward: "Outpatients", visit: "V5", disch: "202602011100"},
		{event: "A03", at: "202605011500", nhs: nhs(6), family: "OLD", given: "EDNA", death: "202605011400", ward: "Ward 9", service: "Respiratory", visit: "V6", attending: "C002", admit: "202604200900", disch: "202605011500"},
		{event: "A01", at: "202605040900", nhs: nhs(7), family: "WONG", given: "ALICE", ward: "Ward 9", service: "Thoracic", visit: "V7", attending: "C002", admit: "202605040900"},
		{event: "A01", at: "202605040900", nhs: nhs(11), family: "ROSS", given: "LEO", ward: "Ward 9", service: "Respiratory", visit: "V11", attending: "C002", referring: "C001", admit: "202605040900"},
		{event: "A04", at: "202605051000", operator: "R001", nhs: nhs(12), family: "FERN", given: "MIA", ward: "Fracture Clinic", service: "Orthopaedics", visit: "V12", attending: "C002", admit: "202605051000"},
		{event: "A01", at: "202605040900", nhs: nhs(13), family: "DOE", given: "JOHN", ward: "Ward 7", service: "Cardiology", visit: "V13", attending: "C001", admit: "202605040900"},
		{event: "A01", at: "202605040900", nhs: nhs(14), family: "ROE", given: "JANE", ward: "Ward 7", service: "Cardiology", visit: "V14", attending: "C001", admit: "202605040900"},
		{event: "A04", at: "202601051000", nhs: nhs(15), family: "JONES", given: "BEN", nk1: "JONES^SARAH|SPO^Spouse", street: "40 Far Road", postcode: "YO1 1AA", ward: "Outpatients", visit: "V15", attending: "C002", admit: "202601051000"},
		{event: "A03", at: "202601051100", nhs: nhs(15), family: "JONES", given: "BEN", ward: "Outpatients", visit: "V15", disch: "202601051100"},
	}
	var hl7 strings.Builder
	for _, m := range msgs {
		hl7.WriteString(m.String())
	}
	hl7.WriteString("MSH|^~\\&|PAS|RX1\rPID|1||x\n") // no message type: refused
	adt = writeFile(t, dir, "adt/day1.hl7", hl7.String())

	var log strings.Builder
	add := func(s string) { log.WriteString(s) }
	// 5 May 2026 is a Tuesday; times are UTC, London is UTC+1.
	for i, p := range []int{1, 13, 14} {
		add(auditEvent(fmt.Sprintf("n%d", i), fmt.Sprintf("2026-05-05T09:%02d:00Z", i), "N001", "read", nhs(p)))
		add(auditEvent(fmt.Sprintf("p%d", i), fmt.Sprintf("2026-05-05T10:%02d:00Z", i), "P001", "read", nhs(p)))
	}
	add(auditEvent("c1", "2026-05-05T09:30:00Z", "C001", "read", nhs(1)))
	add(auditEvent("c3", "2026-05-05T09:35:00Z", "C001", "read", nhs(13)))
	add(auditEvent("c4", "2026-05-05T09:40:00Z", "C001", "read", nhs(14)))
	add(auditEvent("x1", "2026-05-05T12:00:00Z", "X001", "read", nhs(3)))
	add(auditEvent("n2", "2026-05-05T12:05:00Z", "N002", "read", nhs(3)))
	add(auditEvent("n3", "2026-05-05T12:10:00Z", "N001", "read", nhs(3)))
	add(auditEvent("n4", "2026-05-05T12:20:00Z", "N001", "read", nhs(4)))
	add(auditEvent("n5", "2026-05-06T12:20:00Z", "N001", "read", nhs(4)))
	add(auditEvent("h1", "2026-05-05T20:10:00Z", "H001", "read", nhs(2)))
	add(auditEvent("h2", "2026-05-05T20:40:00Z", "H001", "read", nhs(2)))
	add(auditEvent("h3", "2026-05-05T13:00:00Z", "H001", "read", nhs(5)))
	add(auditEvent("n6", "2026-05-05T13:10:00Z", "N001", "read", nhs(6)))
	add(auditEvent("d1", "2026-05-05T13:20:00Z", "D002", "read", nhs(7)))
	add(auditEvent("n7", "2026-05-05T21:30:00Z", "N001", "read", nhs(8)))
	add(auditEvent("b1", "2026-05-05T13:00:00Z", "B001", "bg-start", nhs(9)))
	add(auditEvent("b2", "2026-05-05T13:01:00Z", "B001", "read", nhs(9)))
	add(auditEvent("b3", "2026-05-05T13:30:00Z", "B001", "bg-stop", nhs(9)))
	add(auditEvent("bg-10", "2026-05-05T14:00:00Z", "B001", "bg-start", nhs(10)))
	add(auditEvent("b5", "2026-05-05T14:01:00Z", "B001", "read", nhs(10)))
	add(auditEvent("c2", "2026-05-05T14:30:00Z", "C001", "read", nhs(11)))
	add(auditEvent("r1", "2026-05-05T08:55:00Z", "R001", "read", nhs(12)))
	add(auditEvent("n8", "2026-05-05T15:00:00Z", "N001", "read", nhs(15)))
	for i := 0; i < 12; i++ {
		at := 10*60 + 4*i // minutes after midnight UTC
		add(auditEvent(fmt.Sprintf("ms%d", i), fmt.Sprintf("2026-05-07T%02d:%02d:00Z", at/60, at%60), "M001", "search", nhs(20+i), nhs(40+i)))
		add(auditEvent(fmt.Sprintf("mr%d", i), fmt.Sprintf("2026-05-07T%02d:%02d:30Z", at/60, at%60), "M001", "read", nhs(20+i)))
	}
	add("not json\n")
	add(`{"resourceType":"AuditEvent","id":"login","type":{"code":"110114"},"recorded":"2026-05-05T08:00:00Z","agent":[{"who":{"identifier":{"value":"N001"}},"requestor":true}]}` + "\n")
	access = writeFile(t, dir, "access.ndjson", log.String())
	vip = writeFile(t, dir, "vip.txt", "# watch list\n"+nhs(4)+"  # a well-known patient\n12345\n")
	reviews = writeFile(t, dir, "breakglass_reviews.csv", "event_id,user_id,patient_id,justified,reason\nbg-10,B001,"+nhs(10)+",true,cardiac arrest in resus\nbg-x,B001,"+nhs(9)+",maybe,\n")
	return
}

// runTestTrust loads the test trust and runs it, keeping explanations.
func runTestTrust(t *testing.T) (*Result, *Loader) {
	t.Helper()
	staff, adt, access, vip, reviews := testTrust(t, t.TempDir())
	opts := DefaultOptions()
	opts.KeepExplanations = true
	a := New(opts)
	l := NewLoader(a, nil)
	for _, step := range []struct {
		load func(string) error
		path string
	}{{l.Staff, staff}, {l.ADT, adt}, {l.Access, access}, {l.VIP, vip}, {l.Reviews, reviews}} {
		if err := step.load(step.path); err != nil {
			t.Fatal(err)
		}
	}
	return a.Run(), l
}

// TestExplanations checks each kind of explanation on the access that
// should get it.
func TestExplanations(t *testing.T) {
	res, _ := runTestTrust(t)
	got := map[string]string{}
	for _, x := range res.Explanations {
		k := x.UserID + "/" + x.PatientID
		if _, ok := got[k]; !ok {
			got[k] = x.Reason
		}
		if x.Fact == "" {
			t.Errorf("explanation %+v has no fact", x)
		}
	}
	tests := []struct {
		user string
		pat  int
		want string
	}{
		{"C001", 1, "direct_care"},
		{"N001", 1, "ward"},
		{"N002", 3, "ward"}, // a colleague treated on the ward: legitimate
		{"P001", 1, "team"}, // the pharmacist works with Ward 7's consultant
		{"D002", 7, "department"},
		{"C001", 11, "referral"},
		{"R001", 12, "registration_clerk"},
		{"B001", 10, "breakglass_justified"},
	}
	for _, tc := range tests {
		k := tc.user + "/" + nhs(tc.pat)
		if got[k] != tc.want {
			t.Errorf("%s opening patient %d: explained by %q, want %q", tc.user, tc.pat, got[k], tc.want)
		}
	}
	for _, k := range []string{"N001/" + nhs(8), "H001/" + nhs(2), "B001/" + nhs(9), "M001/" + nhs(20)} {
		if r, ok := got[k]; ok {
			t.Errorf("%s explained by %q, want unexplained", k, r)
		}
	}
}

// TestDetectors checks the kinds of the case of each suspicious pair, and
// that legitimate pairs have none.
func TestDetectors(t *testing.T) {
	res, _ := runTestTrust(t)
	byPair := map[string]Case{}
	for _, c := range res.Cases {
		byPair[c.UserID+"/"+c.PatientID] = c
	}
	tests := []struct {
		user  string
		pat   int
		kinds []string // must all be present
		not   []string // must be absent
	}{
		{"H001", 2, []string{"family", "out_of_hours", "no_relationship"}, []string{"neighbour"}},
		{"N001", 15, []string{"family"}, nil},
		{"N001", 3, []string{"coworker", "department_mismatch"}, []string{"self"}},
		{"X001", 3, []string{"self"}, []string{"coworker"}},
		{"N001", 4, []string{"vip", "department_mismatch"}, nil},
		{"H001", 5, []string{"neighbour", "no_relationship"}, []string{"family"}},
		{"N001", 6, []string{"deceased"}, nil},
		{"N001", 8, []string{"no_relationship", "out_of_hours", "repeat_offender"}, nil},
		{"B001", 9, []string{"breakglass_misuse"}, nil},
		{"M001", 20, []string{"mass_lookup"}, nil},
	}
	for _, tc := range tests {
		c, ok := byPair[tc.user+"/"+nhs(tc.pat)]
		if !ok {
			t.Errorf("%s and patient %d: no case", tc.user, tc.pat)
			continue
		}
		for _, k := range tc.kinds {
			if !slices.Contains(c.Kinds, k) {
				t.Errorf("%s and patient %d: kinds %v lack %s", tc.user, tc.pat, c.Kinds, k)
			}
		}
		for _, k := range tc.not {
			if slices.Contains(c.Kinds, k) {
				t.Errorf("%s and patient %d: kinds %v should not have %s", tc.user, tc.pat, c.Kinds, k)
			}
		}
		if len(c.Evidence) == 0 || c.Score <= 0 || c.Accesses == 0 {
			t.Errorf("%s and patient %d: case %+v lacks evidence, score or accesses", tc.user, tc.pat, c)
		}
	}
	for _, k := range []string{"N002/" + nhs(3), "P001/" + nhs(1), "B001/" + nhs(10), "M001/" + nhs(25), "M001/" + nhs(40)} {
		if c, ok := byPair[k]; ok {
			t.Errorf("%s: unexpected case %v", k, c.Kinds)
		}
	}
	if c := byPair["M001/"+nhs(20)]; len(c.Patients) != 12 || c.Accesses != 12 {
		t.Errorf("mass look-up case patients %d accesses %d, want 12 and 12 (listed patients are not opened)", len(c.Patients), c.Accesses)
	}
}

// TestSummaryCounts checks the counts, input errors included.
func TestSummaryCounts(t *testing.T) {
	res, l := runTestTrust(t)
	s := res.Summary
	if s.Accesses != 37 || s.Explained+s.Unexplained != s.Accesses || s.Searches != 12 || s.BreakGlass != 2 || s.Skipped != 1 {
		t.Errorf("summary %+v", s)
	}
	want := map[string]int{"staff": 2, "adt": 1, "access": 1, "vip": 1, "reviews": 1}
	for k, n := range want {
		if s.InputErrors[k] != n {
			t.Errorf("input errors %s = %d, want %d (%v)", k, s.InputErrors[k], n, l.Errors)
		}
	}
	for _, e := range l.Errors {
		if !strings.Contains(e.Error(), ":") {
			t.Errorf("error %q does not name its file and line", e)
		}
	}
	if s.Cases != len(res.Cases) || s.Staff != 12 {
		t.Errorf("cases %d (have %d), staff %d", s.Cases, len(res.Cases), s.Staff)
	}
}
