package privacy

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestRealExamples loads real HL7 v2, FHIR AuditEvent and DICOM/ATNA
// examples and checks what each contributes: episodes, appointments,
// merges, registered carers, opened records and searches.
func TestRealExamples(t *testing.T) {
	ex := func(elem ...string) string {
		return sharedtest.Path(t, append([]string{"health-examples"}, elem...)...)
	}
	a := New(DefaultOptions())
	l := NewLoader(a, nil)
	for _, f := range []string{"uclh-emap_ADT_A01.hl7", "uclh-emap_ADT_A40.hl7", "ms-fhir-converter_ADT-A01-01.hl7", "nhswales_hl7-v2.3-siu-s12-1.hl7", "uclh-emap_ORU_R01.hl7"} {
		if err := l.ADT(ex("hl7v2", f)); err != nil {
			t.Fatal(err)
		}
	}
	if a.counts.adt != 3 || a.counts.appts != 1 {
		t.Errorf("%d ADT messages and %d appointments read, want 3 and 1 (the ORU is ignored); errors %v", a.counts.adt, a.counts.appts, l.Errors)
	}
	// UCLH's A40 merges hospital number 40800000 into the patient whose
	// NHS number is 9999999999; the A01 gave that number to 40800000.
	if got := a.canonicalKey("40800000"); got != "9999999999" {
		t.Errorf("merged hospital number resolves to %q", got)
	}
	registered := 0
	for _, lk := range a.links {
		if lk.why == reasonRegistered && a.staff[lk.user].ID == "12377H87" {
			registered++
		}
	}
	if registered == 0 {
		t.Error("the ROL primary care provider of the A01 example is not a registered carer")
	}
	for _, f := range []string{"r4_audit-event-example-vread.json", "r4_audit-event-example-search.json", "r4_audit-event-example-login.json"} {
		if err := l.Access(ex("fhir-auditevent", f)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"dcm4chee-arc-cs_patient-record.xml", "dcm4chee-arc-cs_query.xml"} {
		if err := l.Access(ex("atna", f)); err != nil {
			t.Fatal(err)
		}
	}
	res := a.Run()
	s := res.Summary
	// vread and the ATNA patient record are opened records; the FHIR
	// search and ATNA query are searches; the login touches no patient.
	if s.Accesses != 2 || s.Searches != 2 || s.Skipped != 1 || len(l.Errors) != 0 {
		t.Errorf("accesses %d searches %d skipped %d errors %v", s.Accesses, s.Searches, s.Skipped, l.Errors)
	}
	if s.Episodes < 3 {
		t.Errorf("episodes %d, want the two visits and the appointment", s.Episodes)
	}
}
