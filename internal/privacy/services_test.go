package privacy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// serviceTrust is a cardiology ward of n inpatients admitted under C1,
// an outpatient visit never discharged, and the staff who open them.
func serviceTrust(n int) (*Auditor, time.Time) {
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	opts := DefaultOptions()
	opts.KeepExplanations = true
	a := New(opts)
	for _, s := range []Staff{
		{ID: "C1", Family: "Shah", Department: "Cardiology"},
		{ID: "N7", Family: "Jones", Department: "Ward 7 (Cardiology)"},
		{ID: "N9", Family: "Brown", Department: "Ward 9 (Respiratory)"},
		{ID: "P1", Family: "Patel", Department: "Pharmacy"},
		{ID: "P2", Family: "Khan", Department: "Pharmacy"},
	} {
		a.AddStaff(s)
	}
	for i := 0; i < n; i++ {
		pt := hl7.Patient{NHSNumber: nhs(100 + i), Name: hl7.Name{Family: fmt.Sprintf("PATIENT%d", i)}}
		v := &hl7.Visit{Class: "I", Ward: "Ward 7", Service: "Cardiology", Number: fmt.Sprint("V", i), AdmitTime: at, Attending: []hl7.Person{{ID: "C1"}}}
		if err := a.AddADT(&hl7.ADT{Event: "A01", EventTime: at, Patient: pt, Visit: v}); err != nil {
			panic(err)
		}
	}
	op := hl7.Patient{NHSNumber: nhs(99), Name: hl7.Name{Family: "CLINIC"}}
	if err := a.AddADT(&hl7.ADT{Event: "A04", EventTime: at, Patient: op, Visit: &hl7.Visit{Class: "O", Ward: "Outpatients", Service: "Cardiology", Number: "O1", AdmitTime: at}}); err != nil {
		panic(err)
	}
	return a, at
}

func read(a *Auditor, user string, p int, t time.Time) {
	a.AddAccess(&access.Access{UserID: user, NHSNumber: nhs(p), Recorded: t, Subtypes: []access.Coding{{Code: "read"}}})
}

// TestServiceDepartments checks that a department whose staff open a
// large share of a ward's patients, named on no visit, is mined as
// serving it; that it explains nothing on a ward it does not serve; that
// a handful of patients never makes a service; that a team alone does not
// explain a watch-list patient; and that an outpatient visit with no
// discharge closes after OpenOutpatient.
func TestServiceDepartments(t *testing.T) {
	tests := []struct {
		name     string
		patients int
		vip      bool
		accesses func(a *Auditor, at time.Time)
		user     string
		pat      int
		want     string // the first explanation, then "+case" if the pair has a case
	}{
		{"pharmacy serves the ward", 12, false, func(a *Auditor, at time.Time) {
			for i := 0; i < 12; i++ {
				read(a, []string{"P1", "P2"}[i%2], 100+i, at.Add(time.Hour))
			}
		}, "P2", 101, "service"},
		{"too few patients to be a service", 5, false, func(a *Auditor, at time.Time) {
			for i := 0; i < 5; i++ {
				read(a, "P1", 100+i, at.Add(time.Hour))
			}
		}, "P1", 102, "case"},
		{"a ward nurse elsewhere is no service", 12, false, func(a *Auditor, at time.Time) {
			read(a, "N9", 103, at.Add(time.Hour))
		}, "N9", 103, "case"},
		{"outpatient visit closes after a day", 12, false, func(a *Auditor, at time.Time) {
			read(a, "N7", 99, at.Add(2*time.Hour))
			read(a, "N7", 99, at.Add(20*24*time.Hour)) // past the care window of a closed visit
		}, "N7", 99, "ward+case"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, at := serviceTrust(tc.patients)
			tc.accesses(a, at)
			res := a.Run()
			got := ""
			for _, x := range res.Explanations {
				if x.UserID == tc.user && x.PatientID == nhs(tc.pat) && got == "" {
					got = x.Reason
				}
			}
			for _, c := range res.Cases {
				if c.UserID == tc.user && c.PatientID == nhs(tc.pat) {
					got = strings.TrimPrefix(got+"+case", "+")
				}
			}
			if got != tc.want {
				t.Errorf("%s opening %s: got %q, want %q (cases %v)", tc.user, nhs(tc.pat), got, tc.want, res.Cases)
			}
		})
	}
}

// TestVIPNeedsMoreThanATeam checks that a teammate's care explains an
// access to an ordinary patient but not to one on the watch list.
func TestVIPNeedsMoreThanATeam(t *testing.T) {
	for _, vip := range []bool{false, true} {
		a, at := serviceTrust(4)
		a.AddStaff(Staff{ID: "X1", Family: "Reed", Department: "Theatres"})
		for i := 0; i < 4; i++ { // X1 and C1 open the same patients: teammates
			read(a, "C1", 100+i, at.Add(time.Hour))
			read(a, "X1", 100+i, at.Add(2*time.Hour))
		}
		if vip {
			a.AddVIP(nhs(101))
		}
		res := a.Run()
		var kinds []string
		for _, c := range res.Cases {
			if c.UserID == "X1" && c.PatientID == nhs(101) {
				kinds = c.Kinds
			}
		}
		if vip != slices.Contains(kinds, "vip") || (!vip && kinds != nil) {
			t.Errorf("vip %v: X1's case kinds %v", vip, kinds)
		}
		if res.Summary.ByExplanation["team"] == 0 {
			t.Errorf("vip %v: no access explained by the team: %+v", vip, res.Summary)
		}
	}
}
