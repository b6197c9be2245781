package access

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestValidNHSNumber(t *testing.T) {
	tests := map[string]bool{
		"9434765919":  true,  // NHS test number
		"4010232137":  true,  // check digit 7
		"9434765918":  false, // wrong check digit
		"943476591":   false, // too short
		"94347659190": false,
		"943476591X":  false,
		"":            false,
		"0000000000":  true,  // check digit 0 (remainder 0 gives 11, read as 0)
		"1000000010":  false, // check digit would be 10: never issued
	}
	for in, want := range tests {
		if got := ValidNHSNumber(in); got != want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseCX(t *testing.T) {
	tests := []struct {
		in   string
		want Identifier
	}{
		{"P5^^^ISSUER", Identifier{System: "ISSUER", Value: "P5"}},
		{"PID1^^^Site A&1.2.40.0.13&ISO^PI", Identifier{System: "urn:oid:1.2.40.0.13", Value: "PID1"}},
		{"e3cd^^^&2.16.840.1.113883.4.2&ISO", Identifier{System: "urn:oid:2.16.840.1.113883.4.2", Value: "e3cd"}},
		{"9434765919^^^NHS^NH", Identifier{System: "NHS", Value: "9434765919"}},
		{"plain", Identifier{Value: "plain"}},
		{"x^^", Identifier{Value: "x"}},
	}
	for _, tt := range tests {
		if got := ParseCX(tt.in); got != tt.want {
			t.Errorf("ParseCX(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestAddPatientIDNormalisesNHS(t *testing.T) {
	var a Access
	a.AddPatientID(ParseCX("943 476 5919^^^NHS^NH"))
	a.AddPatientID(Identifier{System: NHSNumberSystem, Value: "9434765919"})
	a.AddPatientID(Identifier{System: "urn:x", Value: ""})
	if a.NHSNumber != "9434765919" || len(a.PatientIDs) != 1 || a.PatientIDs[0].System != NHSNumberSystem {
		t.Fatalf("got NHSNumber %q, ids %+v", a.NHSNumber, a.PatientIDs)
	}
}

func TestIsBreakGlass(t *testing.T) {
	tests := []struct {
		c    Coding
		want bool
	}{
		{Coding{System: "http://terminology.hl7.org/CodeSystem/v3-ActReason", Code: "BTG"}, true},
		{Coding{System: "urn:oid:2.16.840.1.113883.5.8", Code: "BTG"}, true},
		{Coding{System: "DCM", Code: "110127"}, true},
		{Coding{System: "DCM", Code: "110138"}, false},
		{Coding{System: "urn:other", Code: "110127"}, false},
		{Coding{Code: "ETREAT"}, false},
	}
	for _, tt := range tests {
		if got := IsBreakGlass(tt.c); got != tt.want {
			t.Errorf("IsBreakGlass(%+v) = %v, want %v", tt.c, got, tt.want)
		}
	}
}

// TestFieldCount checks that FieldCount is exactly what AddFields adds
// when every element is present, and an upper bound otherwise.
func TestFieldCount(t *testing.T) {
	full := Access{UserID: "u", UserAltID: "alt", UserName: "n", UserRole: []string{"r1", "r2"}, Requestor: true,
		PurposeOfUse: []Coding{{Code: "TREAT"}, {Code: "ETREAT"}}, PatientIDs: []Identifier{{Value: "p1"}, {Value: "p2"}},
		NHSNumber: "9434765919", PatientRefs: []string{"Patient/1"}, EntityRefs: []string{"Observation/2", "Encounter/3"},
		Query: "q", BreakGlass: true, Site: "s", NetworkAddress: "10.0.0.1", OutcomeDetail: "d"}
	tests := []struct {
		name  string
		a     Access
		exact bool
	}{
		{"full", full, true},
		{"empty", Access{}, false},
		{"roles only", Access{UserRole: []string{"a", "b", "c"}}, false},
	}
	for _, tt := range tests {
		var ev event.Event
		tt.a.AddFields(&ev)
		got, bound := ev.Len(), tt.a.FieldCount()
		if got > bound || (tt.exact && got != bound) {
			t.Errorf("%s: AddFields added %d values, FieldCount says %d", tt.name, got, bound)
		}
	}
}
