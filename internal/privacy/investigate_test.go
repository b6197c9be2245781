package privacy

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTimelines checks a user's and a patient's timelines on the test
// trust: time order, actions, explanations, and the case of a suspicious
// access.
func TestTimelines(t *testing.T) {
	res, _ := runTestTrust(t)
	tests := []struct {
		name    string
		entries []TimelineEntry
		want    int
		check   func(e TimelineEntry) string // "" when right
	}{
		{"user H001", res.UserTimeline("H001"), 3, func(e TimelineEntry) string {
			if e.UserID != "H001" || e.UserName != "J. Smith" || e.Action != "opened" {
				return "not H001's open"
			}
			if e.PatientID == nhs(2) && e.CaseID == "" {
				return "family access is in no case"
			}
			return ""
		}},
		{"patient 1", res.PatientTimeline(nhs(1)), 3, func(e TimelineEntry) string {
			if e.PatientID != nhs(1) || e.Reason == "" || e.Explanation == "" || e.CaseID != "" {
				return "not an explained opening of patient 1"
			}
			return ""
		}},
		{"patient 9 (break-glass)", res.PatientTimeline(nhs(9)), 3, func(e TimelineEntry) string {
			if !strings.HasPrefix(e.Action, "break-glass") && e.Action != "opened" {
				return "unexpected action"
			}
			if e.CaseID == "" {
				return "unjustified break-glass is in no case"
			}
			return ""
		}},
		{"mass look-up user", res.UserTimeline("M001"), 24, func(e TimelineEntry) string {
			if e.Action == "opened" && e.CaseID == "" {
				return "an opening of the mass look-up is in no case"
			}
			return ""
		}},
		{"unknown user", res.UserTimeline("NOPE"), 0, nil},
		{"unknown patient", res.PatientTimeline("9990000000"), 0, nil},
	}
	for _, tc := range tests {
		if len(tc.entries) != tc.want {
			t.Errorf("%s: %d entries, want %d: %+v", tc.name, len(tc.entries), tc.want, tc.entries)
			continue
		}
		if !slices.IsSortedFunc(tc.entries, func(a, b TimelineEntry) int { return a.Time.Compare(b.Time) }) {
			t.Errorf("%s: not in time order", tc.name)
		}
		for _, e := range tc.entries {
			if msg := tc.check(e); msg != "" {
				t.Errorf("%s: %s: %+v", tc.name, msg, e)
			}
		}
	}
}

// TestEvidencePack checks the pack of the family case: its accesses, the
// explanations tried and why each failed, and the roster and ADT facts.
func TestEvidencePack(t *testing.T) {
	res, _ := runTestTrust(t)
	var id string
	for _, c := range res.Cases {
		if c.UserID == "H001" && c.PatientID == nhs(2) {
			id = c.ID
		}
	}
	pk, err := res.EvidencePack(id)
	if err != nil {
		t.Fatal(err)
	}
	if pk.Case.ID != id || len(pk.Accesses) != 2 || !pk.OnRoster || pk.User.Family != "Smith" {
		t.Fatalf("pack %+v", pk)
	}
	for _, ac := range pk.Accesses {
		if ac.CaseID != id || len(ac.Tried) < 8 {
			t.Errorf("access %+v: want the case id and every explanation tried", ac)
		}
		for _, at := range ac.Tried {
			if at.Held || at.Why == "" {
				t.Errorf("attempt %+v: want a failure with its reason", at)
			}
		}
	}
	if len(pk.Patients) != 1 {
		t.Fatalf("patients %+v", pk.Patients)
	}
	p := pk.Patients[0]
	if p.NHSNumber != nhs(2) || p.Postcode != "LS1 4AB" || len(p.Episodes) != 1 || p.Episodes[0].To == "" || len(p.Episodes[0].Clinicians) != 1 {
		t.Errorf("patient facts %+v", p)
	}
	if _, err := res.EvidencePack("PC-NONE"); !errors.Is(err, ErrNoCase) {
		t.Errorf("unknown case: err %v, want ErrNoCase", err)
	}
}

// TestEvidencePackMassLookup checks that the pack of a mass look-up
// holds every patient it opened and the accesses to them.
func TestEvidencePackMassLookup(t *testing.T) {
	res, _ := runTestTrust(t)
	for _, c := range res.Cases {
		if !slices.Contains(c.Kinds, "mass_lookup") {
			continue
		}
		pk, err := res.EvidencePack(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pk.Patients) != 12 || len(pk.Accesses) < 12 {
			t.Errorf("mass look-up pack: %d patients and %d accesses, want 12 and at least 12", len(pk.Patients), len(pk.Accesses))
		}
		return
	}
	t.Fatal("no mass look-up case")
}

// TestCaseIDsStable checks that a case keeps its id when the analysis
// runs again over more accesses.
func TestCaseIDsStable(t *testing.T) {
	res, _ := runTestTrust(t)
	ids := map[string]string{}
	for _, c := range res.Cases {
		if prev, dup := ids[c.ID]; dup {
			t.Errorf("case id %s used twice (%s and %s)", c.ID, prev, c.UserID+"/"+c.PatientID)
		}
		ids[c.ID] = c.UserID + "/" + c.PatientID
		if !strings.HasPrefix(c.ID, "PC-") || len(c.ID) != 15 {
			t.Errorf("case id %q", c.ID)
		}
	}
	again, _ := runTestTrust(t)
	for _, c := range again.Cases {
		if ids[c.ID] != c.UserID+"/"+c.PatientID {
			t.Errorf("case %s is %s now, was %s", c.ID, c.UserID+"/"+c.PatientID, ids[c.ID])
		}
	}
}

// TestDecisions checks outcomes and the 72-hour clock.
func TestDecisions(t *testing.T) {
	t0 := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		steps     func(ds *Decisions)
		now       time.Time
		outcome   Outcome
		deadline  time.Time // zero: no clock
		remaining time.Duration
		overdue   bool
	}{
		{"counselled: no clock", func(ds *Decisions) { ds.Record("C", OutcomeCounselled, "po", "spoken to", t0) },
			t0.Add(100 * time.Hour), OutcomeCounselled, time.Time{}, 0, false},
		{"confirmed breach: clock runs", func(ds *Decisions) { ds.ConfirmBreach("C", t0) },
			t0.Add(10 * time.Hour), OutcomeEscalated, t0.Add(72 * time.Hour), 62 * time.Hour, false},
		{"confirmed twice: clock does not restart", func(ds *Decisions) { ds.ConfirmBreach("C", t0); ds.ConfirmBreach("C", t0.Add(5*time.Hour)) },
			t0.Add(73 * time.Hour), OutcomeEscalated, t0.Add(72 * time.Hour), -time.Hour, true},
		{"reported in time: clock stops", func(ds *Decisions) {
			ds.ConfirmBreach("C", t0)
			ds.Record("C", OutcomeReported, "dpo", "ICO ref 123", t0.Add(48*time.Hour))
		}, t0.Add(100 * time.Hour), OutcomeReported, t0.Add(72 * time.Hour), 0, false},
		{"reported late", func(ds *Decisions) {
			ds.ConfirmBreach("C", t0)
			ds.Record("C", OutcomeReported, "dpo", "", t0.Add(80*time.Hour))
		}, t0.Add(100 * time.Hour), OutcomeReported, t0.Add(72 * time.Hour), 0, true},
		{"reported without confirming first", func(ds *Decisions) { ds.Record("C", OutcomeReported, "dpo", "", t0) },
			t0.Add(time.Hour), OutcomeReported, t0.Add(72 * time.Hour), 0, false},
	}
	for _, tc := range tests {
		ds := NewDecisions()
		tc.steps(ds)
		d, ok := ds.Get("C")
		if !ok || d.Outcome != tc.outcome {
			t.Errorf("%s: decision %+v, want outcome %q", tc.name, d, tc.outcome)
		}
		dl, has := d.Deadline()
		if has != !tc.deadline.IsZero() || !dl.Equal(tc.deadline) {
			t.Errorf("%s: deadline %v %v, want %v", tc.name, dl, has, tc.deadline)
		}
		if r := d.Remaining(tc.now); r != tc.remaining {
			t.Errorf("%s: remaining %v, want %v", tc.name, r, tc.remaining)
		}
		if d.Overdue(tc.now) != tc.overdue {
			t.Errorf("%s: overdue %v, want %v", tc.name, d.Overdue(tc.now), tc.overdue)
		}
	}
	if _, err := NewDecisions().Record("C", "dismissed", "", "", t0); err == nil {
		t.Error("an unknown outcome was accepted")
	}
	if _, ok := NewDecisions().Get("X"); ok {
		t.Error("a decision on a case never decided")
	}
}

// TestEvidencePackHeldExplanation checks a case raised despite an
// explanation (a nurse opening her own record on her own ward): the pack
// shows the ward explanation holding and the others failing.
func TestEvidencePackHeldExplanation(t *testing.T) {
	a, at := serviceTrust(3)
	a.AddStaff(Staff{ID: "N7", Family: "Jones", Department: "Ward 7 (Cardiology)", NHSNumber: nhs(101)})
	read(a, "N7", 101, at.Add(time.Hour))
	res := a.Run()
	if len(res.Cases) != 1 || !slices.Contains(res.Cases[0].Kinds, "self") {
		t.Fatalf("cases %+v, want one self case", res.Cases)
	}
	pk, err := res.EvidencePack(res.Cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pk.Accesses) != 1 || pk.Accesses[0].Reason != "ward" || !pk.Accesses[0].UnderReview() {
		t.Fatalf("accesses %+v", pk.Accesses)
	}
	held := map[string]bool{}
	for _, at := range pk.Accesses[0].Tried {
		held[at.Explanation] = at.Held
	}
	if !held["ward"] || !held["department"] || held["direct_care"] || held["service"] {
		t.Errorf("tried %+v: want ward and department to hold, direct care and service not", pk.Accesses[0].Tried)
	}
	pr := res.PatientReport(nhs(101), at)
	if len(pr.Entries) != 1 || pr.Reason(&pr.Entries[0]) != UnderReviewText {
		t.Errorf("patient report %+v: an explained access in a case reads as under review", pr.Entries)
	}
}
