package privacy

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// TestAppointmentAndPatientLevelUpdate checks that an appointment
// explains its clinician and the clerk who booked it, and that a
// patient-level update ("PV1|1|N") opens no visit.
func TestAppointmentAndPatientLevelUpdate(t *testing.T) {
	at := time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
	a := New(DefaultOptions())
	a.AddStaff(Staff{ID: "C1", Family: "Shah", Department: "Outpatients"})
	a.AddStaff(Staff{ID: "K1", Family: "Hill", Department: "Booking Office"})
	a.AddStaff(Staff{ID: "Z1", Family: "Bell", Department: "Estates"})
	pt := hl7.Patient{NHSNumber: nhs(1), Name: hl7.Name{Family: "JONES"}}
	err := a.AddAppointment(&hl7.Appointment{Event: "S12", ID: "A1", Start: at.Add(72 * time.Hour), End: at.Add(73 * time.Hour), Patient: pt,
		Clinicians: []hl7.Person{{ID: "C1"}}, Location: "Fracture Clinic", EnteredBy: hl7.Person{ID: "K1"}, Booked: at})
	if err != nil {
		t.Fatal(err)
	}
	pt2 := hl7.Patient{NHSNumber: nhs(2)}
	if err := a.AddADT(&hl7.ADT{Event: "A31", EventTime: at, Patient: pt2, Visit: &hl7.Visit{Class: "N"}}); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ user, pat string }{{"C1", nhs(1)}, {"K1", nhs(1)}, {"Z1", nhs(2)}} {
		a.AddAccess(&access.Access{UserID: x.user, NHSNumber: x.pat, Recorded: at.Add(10 * time.Minute), Subtypes: []access.Coding{{Code: "read"}}})
	}
	res := a.Run()
	if res.Summary.Explained != 2 || res.Summary.ByExplanation["direct_care"] != 1 || res.Summary.ByExplanation["registration_clerk"] != 1 {
		t.Errorf("summary %+v", res.Summary)
	}
	if len(res.Cases) != 1 || res.Cases[0].Kinds[0] != "no_relationship" {
		t.Errorf("cases %+v, want one no_relationship (the A31 opened no visit)", res.Cases)
	}
	if res.Summary.Episodes != 1 {
		t.Errorf("episodes %d, want only the appointment", res.Summary.Episodes)
	}
}
