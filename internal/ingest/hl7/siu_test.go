package hl7

import (
	"strings"
	"testing"
	"time"
)

// TestParseSIUExample reads the real NHS Wales SIU^S12 example.
func TestParseSIUExample(t *testing.T) {
	m, err := Parse(exampleFile(t, "nhswales_hl7-v2.3-siu-s12-1.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	ap, err := ParseSIU(m)
	if err != nil {
		t.Fatal(err)
	}
	london := time.FixedZone("BST", 3600)
	wantStart := time.Date(2011, 6, 17, 8, 45, 0, 0, london)
	wantEnd := time.Date(2011, 6, 17, 9, 30, 0, 0, london)
	if ap.Event != "S12" || ap.ID != "2196178" || ap.Reason != "reason for the appointment" {
		t.Errorf("event %q id %q reason %q", ap.Event, ap.ID, ap.Reason)
	}
	if !ap.Start.Equal(wantStart) || !ap.End.Equal(wantEnd) {
		t.Errorf("start %v end %v, want %v and %v", ap.Start, ap.End, wantStart, wantEnd)
	}
	if ap.Patient.Name.Family != "SMITH" || ap.Location != "OFFICE" || ap.Status != "Scheduled" {
		t.Errorf("patient %q location %q status %q", ap.Patient.Name.Family, ap.Location, ap.Status)
	}
	var ids []string
	for _, c := range ap.Clinicians {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "9,1" {
		t.Errorf("clinicians %q, want 9,1 (SCH-12 and SCH-16 share id 9; AIP-3 adds 1)", got)
	}
	if len(ap.Problems) != 0 {
		t.Errorf("problems %v", ap.Problems)
	}
	if ap.EnteredBy.ID != "9" || ap.EnteredBy.Given != "COREY" || ap.Booked.Day() != 13 {
		t.Errorf("entered by %+v at %v, want SCH-20 (9, Corey Dent) at MSH-7 (13 June)", ap.EnteredBy, ap.Booked)
	}
}

// TestParseSIUCases covers what the example does not: an AIP start and
// duration, bad times, and refusing other message types.
func TestParseSIUCases(t *testing.T) {
	tests := []struct {
		name, msg  string
		start, end string // RFC 3339 or ""
		problems   int
		clinicians string
	}{
		{
			name:       "start from AIP, duration in minutes",
			msg:        "MSH|^~\\&|PAS|RX1|||20260503||SIU^S12|7|P|2.4\rSCH||A77||||||CLINIC|20|m||||||||||K7^HILL^KAREN\rPID|1||9434765919^^^NHS^NH||JONES^ANN\rAIP|1||C123^SHAH^PRIYA\rAIP|2||C123^SHAH^PRIYA~N9^LEE^SAM|||20260503093000",
			start:      "2026-05-03T09:30:00+01:00",
			end:        "2026-05-03T09:50:00+01:00",
			clinicians: "C123,N9",
		},
		{
			name:       "hours and a bad SCH time",
			msg:        "MSH|^~\\&|PAS|RX1|||20260503||SIU^S12|7|P|2.4\rSCH||A78||||||CLINIC|2|h|^^^2026XX\rPID|1||9434765919^^^NHS^NH||JONES^ANN\rAIS|1||X|20260101100000",
			start:      "2026-01-01T10:00:00Z",
			end:        "2026-01-01T12:00:00Z",
			problems:   1,
			clinicians: "",
		},
		{
			name:     "no SCH, no PID",
			msg:      "MSH|^~\\&|PAS|RX1|||20260503||SIU^S15|7|P|2.4",
			problems: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			ap, err := ParseSIU(m)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmtTime(ap.Start); got != tc.start {
				t.Errorf("start %s, want %s", got, tc.start)
			}
			if got := fmtTime(ap.End); got != tc.end {
				t.Errorf("end %s, want %s", got, tc.end)
			}
			if len(ap.Problems) != tc.problems {
				t.Errorf("problems %v, want %d", ap.Problems, tc.problems)
			}
			var ids []string
			for _, c := range ap.Clinicians {
				ids = append(ids, c.ID)
			}
			if got := strings.Join(ids, ","); got != tc.clinicians {
				t.Errorf("clinicians %q, want %q", got, tc.clinicians)
			}
		})
	}
	m, err := Parse(exampleFile(t, "uclh-emap_ADT_A01.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseSIU(m); err == nil || !strings.Contains(err.Error(), "ADT") {
		t.Errorf("ParseSIU(ADT) error = %v, want one naming ADT", err)
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// TestADTRoles reads ROL segments from the real A01 example and a built one.
func TestADTRoles(t *testing.T) {
	m, err := Parse(exampleFile(t, "ms-fhir-converter_ADT-A01-01.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseADT(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Roles) != 3 || a.Roles[2].Person.ID != "121" || a.Roles[0].Code != "PP" || a.Roles[0].Action != "AD" {
		t.Fatalf("roles %+v", a.Roles)
	}
	m, err = Parse([]byte("MSH|^~\\&|PAS|RX1|||20260503||ADT^A08|8|P|2.4\rPID|1||9434765919^^^NHS^NH\rPV1|1|I|W7\rROL|1|AD|CP^Consultant|C9^OKAFOR^EMEKA|2026050310|bad"))
	if err != nil {
		t.Fatal(err)
	}
	if a, err = ParseADT(m); err != nil {
		t.Fatal(err)
	}
	if len(a.Roles) != 1 || a.Roles[0].Person.Family != "OKAFOR" || a.Roles[0].Start.Hour() != 10 || len(a.Problems) != 1 {
		t.Fatalf("roles %+v problems %v", a.Roles, a.Problems)
	}
}
